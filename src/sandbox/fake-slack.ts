// A local Slack: the Web API (method names, encodings, answers and errors as Slack's) and its file
// upload URLs on node:http, plus Slack's side toward the app (signed commands, clicks, submissions,
// events). Serves `npm start` without a Slack token, and the tests.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppLink, type AppConnection, type AppReply, type SentEvents } from './fake-slack/app-link';
import { decodeBody, optionalString, recordableArgs, SlackApiError, type Args } from './fake-slack/args';
import { CallLog, type RecordedCall } from './fake-slack/call-log';
import { Faults, type Fault, type FaultOptions } from './fake-slack/faults';
import { Outages, type OutageSpec, type OutageWindow } from './fake-slack/outages';
import { BOT, TEAM } from './fake-slack/preset';
import { RateLimits } from './fake-slack/rate-limits';
import { applyResponse } from './fake-slack/response-urls';
import { METHODS, type MethodContext } from './fake-slack/web-api';
import { receiveUpload } from './fake-slack/web-api/files';
import {
  Workspace,
  type Channel,
  type FileRef,
  type Message,
  type MessageMetadata,
  type StoredFile,
} from './fake-slack/workspace';
import { closeNow, listenLocally, readBody, serveRequests } from './local-server';

export type { AppReply } from './fake-slack/app-link';
export type { RecordedCall } from './fake-slack/call-log';
export type { FaultOptions } from './fake-slack/faults';
export type { OutageSpec, OutageWindow } from './fake-slack/outages';
export type { MessageMetadata } from './fake-slack/workspace';

export interface FakeSlackOptions {
  /** 127.0.0.1 by default. */
  host?: string;
  /** 0 (a free port) by default. */
  port?: number;
  /** The only token the Web API accepts (`Authorization: Bearer …`). */
  botToken?: string;
  /** Milliseconds since the epoch; drives message ts, `created`, and call times. Date.now by default. */
  clock?: () => number;
  /**
   * Slack's rate tiers, off unless given: calls per minute for each method named, e.g.
   * `{ 'conversations.create': 20 }`. A sliding 60-second window; over budget is 429 with Retry-After.
   */
  rateLimits?: Readonly<Record<string, number>>;
  /**
   * The bot token's scopes, as an app installed with an older manifest has them; every scope when not given.
   * Reading a conversation without its history scope is then `missing_scope`.
   */
  scopes?: readonly string[];
}

export interface ChannelSummary {
  id: string;
  name: string;
  creator: string;
  /** Unix seconds. */
  created: number;
  /** Clock time (ms) it was created. */
  createdMs: number;
  isPrivate: boolean;
  isArchived: boolean;
  /** Whether the bot is a member. */
  isMember: boolean;
  topic: string;
  /** A direct message's person (its channel is the bot's IM with them). */
  imUser?: string;
  purpose: string;
}

export interface MessageSummary {
  ts: string;
  user: string;
  text: string;
  /** [] when the message has none. */
  blocks: unknown[];
  edited: boolean;
  pinned: boolean;
  reactions: Array<{ name: string; users: string[] }>;
  threadTs?: string;
  /** The files the message shares (files.completeUploadExternal), when it shares any. */
  files?: FileRef[];
  /** The app's message metadata (chat.postMessage / chat.update `metadata`), when it has some. */
  metadata?: MessageMetadata;
}

/** One successful message write (chat.postMessage, chat.update, a file shared by files.completeUploadExternal). */
export interface MessageWrite {
  channelId: string;
  method: string;
  /** Clock time (ms) the call arrived. */
  at: number;
}

/** The Web API methods that write a message into a channel: Slack paces these to about one a second per channel. */
export const MESSAGE_WRITE_METHODS: readonly string[] = [
  'chat.postMessage',
  'chat.update',
  'files.completeUploadExternal',
];

/** A file shared by files.completeUploadExternal (or completed without a channel: private). */
export interface FileSummary {
  id: string;
  name: string;
  title: string;
  /** The uploaded bytes as UTF-8 text. */
  content: string;
  /** The channel it was shared in and the message that shares it; absent for a private file. */
  channel?: string;
  ts?: string;
}

export const DEFAULT_BOT_TOKEN = 'xoxb-fake-slack';

/** Answers one Web API call and records it: JSON `body`, or the HTML page `html` (recorded as `body` says). */
type Answer = (status: number, body: Record<string, unknown>, headers?: Record<string, string>, html?: string) => void;

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The page Slack's edge serves when the API behind it is down (not JSON: clients must not parse it). */
function edgePage(status: number): string {
  const text = STATUS_TEXT[status] ?? 'Server Error';
  return `<!DOCTYPE html>\n<html><head><title>${status} ${text}</title></head><body><h1>${status} ${text}</h1><p>Slack is having trouble right now. Please try again in a few moments.</p></body></html>\n`;
}
const MAX_BODY_BYTES = 5 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function summary(channel: Channel, botUserId: string): ChannelSummary {
  return {
    id: channel.id,
    name: channel.name,
    creator: channel.creator,
    created: channel.created,
    createdMs: channel.createdMs,
    isPrivate: channel.isPrivate,
    isArchived: channel.isArchived,
    isMember: channel.members.includes(botUserId),
    topic: channel.topic,
    purpose: channel.purpose,
    ...(channel.imUser !== undefined ? { imUser: channel.imUser } : {}),
  };
}

function messageSummary(message: Message): MessageSummary {
  return {
    ts: message.ts,
    user: message.user,
    text: message.text,
    blocks: structuredClone(message.blocks ?? []),
    edited: message.edited !== undefined,
    pinned: message.pin !== undefined,
    reactions: message.reactions.map((r) => ({ name: r.name, users: [...r.users] })),
    ...(message.threadTs ? { threadTs: message.threadTs } : {}),
    ...(message.files ? { files: message.files.map((f) => ({ ...f })) } : {}),
    ...(message.metadata ? { metadata: structuredClone(message.metadata) } : {}),
  };
}

function fileSummary(file: StoredFile): FileSummary {
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    content: file.content?.toString('utf8') ?? '',
    ...(file.channel ? { channel: file.channel } : {}),
    ...(file.ts ? { ts: file.ts } : {}),
  };
}

export class FakeSlack {
  /** Like `http://127.0.0.1:PORT/api/`: give it to WebClient as `slackApiUrl`. */
  readonly apiUrl: string;
  private readonly workspace: Workspace;
  private readonly log = new CallLog();
  private readonly faults = new Faults();
  private readonly outageWindows = new Outages();
  private readonly rateLimits: RateLimits;
  private readonly context: MethodContext;
  private link: AppLink | null = null;
  private grantedScopes: ReadonlySet<string> | null;

  private constructor(
    private readonly server: Server,
    /** Like `http://127.0.0.1:PORT`, where response_urls point. */
    readonly url: string,
    readonly botToken: string,
    clock: () => number,
    rateLimits: Readonly<Record<string, number>>,
    private readonly startScopes: readonly string[] | undefined,
  ) {
    this.apiUrl = `${url}/api/`;
    this.rateLimits = new RateLimits(rateLimits);
    this.workspace = new Workspace(clock);
    this.grantedScopes = startScopes ? new Set(startScopes) : null;
    this.context = {
      ws: this.workspace,
      bot: { userId: BOT.userId, botId: BOT.botId },
      uploadUrl: (fileId) => `${url}/upload/${fileId}`,
      scopes: () => this.grantedScopes,
    };
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const { server, url } = await listenLocally(options);
    const slack = new FakeSlack(
      server,
      url,
      options.botToken ?? DEFAULT_BOT_TOKEN,
      options.clock ?? Date.now,
      options.rateLimits ?? {},
      options.scopes,
    );
    serveRequests(
      server,
      'FakeSlack',
      (req, res) => slack.handle(req, res),
      (res) => sendJson(res, 500, { ok: false, error: 'fatal_error' }),
    );
    return slack;
  }

  /** Stops listening and drops every open connection (keep-alive ones included) at once. */
  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  // ---- the bot and the workspace ----

  auth(): { botUserId: string; botId: string; teamId: string } {
    return { botUserId: BOT.userId, botId: BOT.botId, teamId: TEAM.id };
  }

  listChannels(): ChannelSummary[] {
    return this.workspace.listChannels().map((c) => summary(c, BOT.userId));
  }

  /** By name, with or without "#". */
  channelByName(name: string): ChannelSummary | undefined {
    const channel = this.workspace.channelByName(name);
    return channel && summary(channel, BOT.userId);
  }

  channel(id: string): ChannelSummary | undefined {
    const channel = this.workspace.channel(id);
    return channel && summary(channel, BOT.userId);
  }

  /** Every message in the channel, thread replies included, oldest first; [] for an unknown channel. */
  messages(channelId: string): MessageSummary[] {
    return this.workspace.messages(channelId).map(messageSummary);
  }

  members(channelId: string): string[] {
    return [...(this.workspace.channel(channelId)?.members ?? [])];
  }

  /** Completed files, oldest first; only those shared in `channelId` when given. */
  files(channelId?: string): FileSummary[] {
    return this.workspace
      .listFiles()
      .filter((f) => channelId === undefined || f.channel === channelId)
      .map(fileSummary);
  }

  /** Every modal shown to this person (opened, pushed, or updated in place), each in its latest state, oldest first. */
  views(userId: string): unknown[] {
    return this.workspace.views(userId).map((v) => structuredClone(v.view));
  }

  /** Ephemeral messages: from chat.postEphemeral and from ephemeral response_url posts. */
  get ephemerals(): ReadonlyArray<{ channel: string; user: string; text: string; blocks?: unknown[] }> {
    return this.workspace.ephemerals.map((e) => structuredClone(e));
  }

  /** Every body the app posted to a response_url, in order. */
  get responses(): ReadonlyArray<{ url: string; body: unknown }> {
    return this.workspace.responses.map((r) => structuredClone(r));
  }

  /** Views still open for this person (not submitted, closed or replaced by a new root), oldest first. */
  openViews(userId: string): unknown[] {
    return this.workspace.openViews(userId).map((v) => structuredClone(v.view));
  }

  /** The workspace as plain data (channels, messages, files, views, response URLs), for the sandbox to save. */
  saveState(): Record<string, unknown> {
    return this.workspace.saveState();
  }

  /** Back to a workspace saveState() gave (decoded); throws, changing nothing, when it is not one. */
  loadState(saved: unknown): void {
    this.workspace.loadState(saved);
  }

  /** Called after any change to the workspace; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    return this.workspace.subscribe(listener);
  }

  // ---- recording and fault injection ----

  calls(method?: string): RecordedCall[] {
    return this.log.calls(method);
  }

  maxCallsPerChannelPerSecond(methods: string[]): number {
    return this.log.maxCallsPerChannelPerSecond(methods);
  }

  /** How many calls of each method arrived, and how many of them failed (any error, 429 and outages included). */
  callCounts(): Record<string, { calls: number; failed: number }> {
    const counts: Record<string, { calls: number; failed: number }> = {};
    for (const call of this.log.calls()) {
      const entry = counts[call.method] ?? { calls: 0, failed: 0 };
      counts[call.method] = entry;
      entry.calls += 1;
      if (!call.ok) entry.failed += 1;
    }
    return counts;
  }

  /** Successful message writes, oldest first; only those into `channelId` when given. */
  messageWrites(channelId?: string): MessageWrite[] {
    return this.log
      .channelCalls(MESSAGE_WRITE_METHODS)
      .filter((w) => channelId === undefined || w.channelId === channelId);
  }

  /**
   * Slack down for a while: from now (the clock's), every Web API call answers as `specs` say, each window
   * right after the one before. Returns the windows with their start and end times.
   */
  outage(specs: OutageSpec | OutageSpec[]): OutageWindow[] {
    return this.outageWindows.schedule(Array.isArray(specs) ? specs : [specs], this.workspace.clock());
  }

  /** Every outage window scheduled, with its times (ends already cut short by endOutages included). */
  outages(): OutageWindow[] {
    return this.outageWindows.all();
  }

  /** When the last outage window ends (clock ms), or undefined when none was scheduled. */
  outageEndsAt(): number | undefined {
    const ends = this.outageWindows.all().map((w) => w.endsAt);
    return ends.length > 0 ? Math.max(...ends) : undefined;
  }

  /** Slack is back now: windows running or scheduled end at this moment. */
  endOutages(): void {
    this.outageWindows.endAll(this.workspace.clock());
  }

  /** Changes the per-minute budgets given at start (0 removes a method's limit). */
  setRateLimits(limits: Readonly<Record<string, number>>): void {
    this.rateLimits.set(limits);
  }
  /** The bot token's scopes from now on (null: every scope), as after reinstalling the app with another manifest. */
  setScopes(scopes: readonly string[] | null): void {
    this.grantedScopes = scopes ? new Set(scopes) : null;
  }

  /** The next `times` calls of `method` ("*": any method) fail; see FaultOptions. */
  fail(method: string, options?: FaultOptions): void {
    this.faults.add(method, options);
  }

  clearFailures(): void {
    this.faults.clear();
  }

  /** Back to the preset workspace: forgets calls, messages, files, channels created, views, responses, queued faults and outages; the scopes are those it started with. */
  reset(): void {
    this.workspace.reset();
    this.log.clear();
    this.faults.clear();
    this.outageWindows.clear();
    this.rateLimits.clear();
    this.grantedScopes = this.startScopes ? new Set(this.startScopes) : null;
    this.sentEvents.last = null;
    this.sentEvents.retries = 0;
    this.workspace.changed();
  }

  // ---- playing Slack toward the app ----

  /** Where Slack sends commands, interactions and events, and the secret it signs them with. */
  private readonly sentEvents: SentEvents = { last: null, retries: 0 };

  connectApp(connection: AppConnection): void {
    this.link = new AppLink(this.workspace, connection, this.url, BOT.userId, this.sentEvents);
  }

  slashCommand(input: { command: string; text: string; userId: string; channelId: string }): Promise<AppReply> {
    return this.app().slashCommand(input);
  }

  /**
   * Runs a slash command and returns the answer the person sees: the acknowledgement's own message, or,
   * when the app acknowledged empty and answered later, what it posted to the response URL (waited for).
   */
  async commandAnswer(
    input: { command: string; text: string; userId: string; channelId: string },
    timeoutMs = 10_000,
    // biome-ignore lint/suspicious/noExplicitAny: like AppReply's body, callers read whatever fields the app put in its answer.
  ): Promise<any> {
    const before = this.workspace.responses.length;
    const reply = await this.slashCommand(input);
    if (reply.status !== 200)
      throw new Error(`FakeSlack.commandAnswer: ${input.command} ${input.text} was answered ${reply.status}`);
    if (reply.body !== '') return reply.body;
    const deadline = Date.now() + timeoutMs;
    while (this.workspace.responses.length <= before) {
      if (Date.now() > deadline)
        throw new Error(
          `FakeSlack.commandAnswer: no answer to ${input.command} ${input.text} through the response URL`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return structuredClone(this.workspace.responses[before]?.body);
  }

  clickButton(input: {
    userId: string;
    channelId: string;
    messageTs: string;
    actionId: string;
    value?: string;
    blockId?: string;
    actionTs?: string;
  }): Promise<AppReply> {
    return this.app().clickButton(input);
  }

  submitView(input: {
    userId: string;
    callbackId: string;
    values: Record<string, Record<string, unknown>>;
    privateMetadata?: string;
  }): Promise<AppReply> {
    return this.app().submitView(input);
  }

  /** A person's message, stored (no event is sent); returns its ts. */
  postUserMessage(channelId: string, userId: string, text: string, options: { threadTs?: string } = {}): string {
    if (!this.workspace.user(userId)) throw new Error(`FakeSlack.postUserMessage: no user ${userId}`);
    if (!this.workspace.channel(channelId)) throw new Error(`FakeSlack.postUserMessage: no channel ${channelId}`);
    return this.workspace.addMessage(channelId, {
      user: userId,
      text,
      ...(options.threadTs ? { threadTs: options.threadTs } : {}),
    }).ts;
  }

  /** Stores the reaction and sends `reaction_added`; the app's HTTP status, or 0 when Slack would send nothing. */
  addReaction(channelId: string, ts: string, userId: string, name: string): Promise<number> {
    return this.app().addReaction(channelId, ts, userId, name);
  }

  /**
   * A person joins a channel (invited by `inviterId`, or by themselves) and `member_joined_channel` is sent; the
   * app's HTTP status, or 0 when Slack would send nothing (already a member, or the bot not in the channel).
   */
  joinChannel(channelId: string, userId: string, inviterId?: string): Promise<number> {
    return this.app().joinChannel(channelId, userId, inviterId);
  }

  /** Slack's retry of the last event it sent: the same body, signed anew, with X-Slack-Retry-Num. */
  redeliverLastEvent(): Promise<AppReply> {
    return this.app().redeliverLastEvent();
  }

  /** A person leaves a channel (Slack's member_left_channel is not sent: Firebreak does not subscribe to it). */
  leaveChannel(channelId: string, userId: string): boolean {
    return this.workspace.removeMember(channelId, userId);
  }

  /** A person edits their message and `message_changed` is sent; the app's HTTP status, or 0 when none is sent. */
  editUserMessage(channelId: string, ts: string, userId: string, text: string): Promise<number> {
    return this.app().editMessage(channelId, ts, userId, text);
  }

  private app(): AppLink {
    if (!this.link) throw new Error('FakeSlack: call connectApp({ requestUrl, signingSecret }) first');
    return this.link;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === null) return sendJson(res, 413, { ok: false, error: 'request_too_large' });
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET'))
      return this.handleApiCall(api[1], req, res, raw.toString('utf8'), url.searchParams);
    const response = /^\/response\/([\w]+)$/.exec(url.pathname);
    if (response?.[1] && req.method === 'POST')
      return this.handleResponseUrl(response[1], url.toString(), res, raw.toString('utf8'));
    const upload = /^\/upload\/([\w]+)$/.exec(url.pathname);
    if (upload?.[1] && req.method === 'POST') {
      const answer = await receiveUpload(this.workspace, upload[1], req.headers['content-type'], raw);
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(answer.text);
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  private handleApiCall(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
    query: URLSearchParams,
  ): void {
    const at = this.workspace.clock();
    let args: Args = {};
    const answer: Answer = (status, body, headers = {}, html) => {
      const ok = body.ok === true;
      const error = ok ? undefined : String(body.error);
      const channelRef = optionalString(args, 'channel') ?? optionalString(args, 'channel_id');
      const channelId = channelRef ? (this.workspace.resolveChannel(channelRef)?.id ?? channelRef) : undefined;
      this.log.add({ method, args: recordableArgs(args), at, ok, ...(error ? { error } : {}) }, channelId);
      if (html === undefined) return sendJson(res, status, body, headers);
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(html);
    };
    try {
      args = decodeBody(req.headers['content-type'], raw, query);
    } catch (error) {
      if (error instanceof SlackApiError) return answer(200, { ok: false, error: error.error });
      throw error;
    }
    const outage = this.outageWindows.at(at);
    if (outage) return this.answerOutage(outage, answer);
    const handler = METHODS.get(method);
    if (!handler) return answer(200, { ok: false, error: 'unknown_method', req_method: method });
    const fault = this.faults.take(method);
    if (fault) return this.answerFault(fault, answer);
    const token = bearerToken(req) ?? optionalString(args, 'token');
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    if (token !== this.botToken) return answer(200, { ok: false, error: 'invalid_auth' });
    const retryAfter = this.rateLimits.take(method, at);
    if (retryAfter !== undefined)
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    try {
      answer(200, { ok: true, ...handler(args, this.context) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      answer(200, { ok: false, error: error.error, ...error.extra });
    }
  }

  private answerFault(fault: Fault, answer: Answer): void {
    switch (fault.kind) {
      case 'rate_limited':
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
      case 'http':
        return answer(fault.status, { ok: false, error: `http_${fault.status}` });
      case 'platform':
        return answer(200, { ok: false, error: fault.error });
    }
  }

  /** Slack down: 429 with Retry-After, or its edge's 5xx (an HTML page, or JSON from the API tier). */
  private answerOutage(outage: OutageWindow, answer: Answer): void {
    if (outage.status === 429)
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(outage.retryAfterSeconds) });
    if (outage.body === 'json') return answer(outage.status, { ok: false, error: `http_${outage.status}` });
    answer(outage.status, { ok: false, error: `http_${outage.status}` }, {}, edgePage(outage.status));
  }

  private handleResponseUrl(id: string, url: string, res: ServerResponse, raw: string): void {
    const target = this.workspace.responseTarget(id);
    if (!target) return sendJson(res, 404, { ok: false, error: 'expired_url' });
    let body: unknown;
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
    }
    this.workspace.recordResponse({ url, body });
    applyResponse(this.workspace, target, body, this.context.bot);
    sendJson(res, 200, { ok: true });
  }
}
