// Slack's side toward the app: slash commands, button clicks, modal submissions and events,
// shaped and signed as Slack sends them to the app's request URL.
import { signSlackRequest } from '../slack-signature';
import { APP_ID, TEAM } from './preset';
import { messageJson } from './shapes';
import { presentView, replaceView } from './web-api/views';
import type { Channel, ShownView, User, Workspace } from './workspace';

export interface AppConnection {
  requestUrl: string;
  signingSecret: string;
  /** How long Slack waits for the app's answer before giving up (Slack: 3 s). */
  timeoutMs?: number;
}

export interface AppReply {
  status: number;
  /** The ack: parsed JSON when it is JSON, else its text ('' for an empty ack). */
  // biome-ignore lint/suspicious/noExplicitAny: like res.json(), tests read whatever fields the app put in its ack.
  body: any;
}

/** Slack's legacy verification token; Bolt ignores it when a signing secret is set. */
const VERIFICATION_TOKEN = 'fake-slack-verification-token';
const SLACK_TIMEOUT_MS = 3000;

type Json = Record<string, unknown>;

interface Button {
  blockId: string;
  element: Json;
}

/** The button with `actionId` in a message's blocks (in an actions block or as a section accessory). */
function findButton(blocks: unknown[] | undefined, actionId: string): Button | undefined {
  for (const [index, raw] of (blocks ?? []).entries()) {
    const block = raw as Json;
    const elements =
      block.type === 'actions'
        ? ((block.elements as Json[] | undefined) ?? [])
        : block.accessory
          ? [block.accessory as Json]
          : [];
    const element = elements.find((e) => e.action_id === actionId);
    // Slack gives every block an id when it stores the message; ours are stable so tests can rely on them.
    if (element) return { blockId: typeof block.block_id === 'string' ? block.block_id : `block-${index}`, element };
  }
  return undefined;
}

function parseAck(text: string, contentType: string | null): unknown {
  if (text === '') return '';
  if (contentType?.includes('json') || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** The last event Slack sent, kept across reconnections of the app (a restarted app gets Slack's retries too). */
export interface SentEvents {
  last: string | null;
  retries: number;
}

export class AppLink {
  constructor(
    private readonly ws: Workspace,
    private readonly connection: AppConnection,
    /** e.g. http://127.0.0.1:PORT — where response_urls point. */
    private readonly baseUrl: string,
    private readonly botUserId: string,
    private readonly sent: SentEvents = { last: null, retries: 0 },
  ) {}

  async slashCommand(input: { command: string; text: string; userId: string; channelId: string }): Promise<AppReply> {
    const user = this.mustUser(input.userId);
    const channel = this.mustChannel(input.channelId);
    const form = new URLSearchParams({
      token: VERIFICATION_TOKEN,
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command: input.command,
      text: input.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: this.responseUrl({ channelId: channel.id, userId: user.id }),
      trigger_id: this.ws.issueTrigger(user.id),
    });
    return this.send(form.toString(), 'application/x-www-form-urlencoded');
  }

  async clickButton(input: {
    userId: string;
    channelId: string;
    messageTs: string;
    actionId: string;
    value?: string;
    blockId?: string;
    actionTs?: string;
  }): Promise<AppReply> {
    const user = this.mustUser(input.userId);
    const channel = this.mustChannel(input.channelId);
    const message = this.ws.message(channel.id, input.messageTs);
    if (!message) throw new Error(`FakeSlack.clickButton: no message ${input.messageTs} in ${channel.id}`);
    const button = findButton(message.blocks, input.actionId);
    if (!button)
      throw new Error(
        `FakeSlack.clickButton: message ${input.messageTs} has no button with action_id "${input.actionId}"`,
      );
    const value = input.value ?? (typeof button.element.value === 'string' ? button.element.value : undefined);
    const payload = {
      type: 'block_actions',
      user: this.userRef(user),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
      trigger_id: this.ws.issueTrigger(user.id),
      team: { id: TEAM.id, domain: TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.name },
      message: messageJson(message, this.ws.replies(channel.id, message.ts)),
      state: { values: {} },
      response_url: this.responseUrl({ channelId: channel.id, userId: user.id, messageTs: message.ts }),
      actions: [
        {
          action_id: input.actionId,
          block_id: input.blockId ?? button.blockId,
          text: button.element.text,
          ...(value !== undefined ? { value } : {}),
          ...(button.element.style ? { style: button.element.style } : {}),
          type: 'button',
          // Slack sends a retried delivery of one click with the same action_ts.
          action_ts: input.actionTs ?? this.ws.nextTs(),
        },
      ],
    };
    return this.send(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
  }

  async submitView(input: {
    userId: string;
    callbackId: string;
    values: Record<string, Record<string, unknown>>;
    privateMetadata?: string;
  }): Promise<AppReply> {
    const user = this.mustUser(input.userId);
    const shown = this.latestView(user.id, input.callbackId);
    const base: Json = shown?.view ?? {
      id: this.ws.nextId('V0'),
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: '',
      blocks: [],
      hash: '',
      title: { type: 'plain_text', text: 'Modal' },
    };
    const view = {
      ...base,
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata ?? base.private_metadata ?? '',
      state: { values: input.values },
    };
    const payload = {
      type: 'view_submission',
      team: { id: TEAM.id, domain: TEAM.domain },
      user: this.userRef(user),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: this.ws.issueTrigger(user.id),
      view,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const reply = await this.send(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
    if (shown && reply.status === 200) this.applyViewResponse(shown, reply.body);
    return reply;
  }

  /**
   * Stores a person's reaction and sends `reaction_added` as Slack does. Slack sends nothing — and this
   * answers 0 — when that person already reacted so, or when the bot is not in the channel.
   */
  async addReaction(channelId: string, ts: string, userId: string, name: string): Promise<number> {
    const user = this.mustUser(userId);
    const channel = this.mustChannel(channelId);
    const message = this.ws.message(channel.id, ts);
    if (!message) throw new Error(`FakeSlack.addReaction: no message ${ts} in ${channel.id}`);
    if (!this.ws.addReaction(message, user.id, name)) return 0;
    if (!channel.members.includes(this.botUserId)) return 0;
    const event = {
      type: 'reaction_added',
      user: user.id,
      reaction: name,
      item: { type: 'message', channel: channel.id, ts: message.ts },
      item_user: message.user,
      event_ts: this.ws.nextTs(),
    };
    return (await this.sendEvent(event)).status;
  }

  /**
   * A person joins a channel (by themselves, or invited by `inviterId`) and Slack sends `member_joined_channel`
   * to the apps in it. Answers 0 when Slack would send nothing: already a member, or the bot not in the channel.
   */
  async joinChannel(channelId: string, userId: string, inviterId?: string): Promise<number> {
    const user = this.mustUser(userId);
    const channel = this.mustChannel(channelId);
    if (inviterId !== undefined) this.mustUser(inviterId);
    if (this.ws.addMembers(channel.id, [user.id]).length === 0) return 0;
    if (!channel.members.includes(this.botUserId)) return 0;
    const event = {
      type: 'member_joined_channel',
      user: user.id,
      channel: channel.id,
      channel_type: channel.isPrivate ? 'G' : 'C',
      team: TEAM.id,
      ...(inviterId !== undefined ? { inviter: inviterId } : {}),
      event_ts: this.ws.nextTs(),
    };
    return (await this.sendEvent(event)).status;
  }

  /**
   * A person edits their own message, and Slack sends the `message` event with subtype `message_changed` (the
   * message as it is now, and as it was) to the apps in the channel. Answers 0 when the bot is not in it.
   */
  async editMessage(channelId: string, ts: string, userId: string, text: string): Promise<number> {
    const user = this.mustUser(userId);
    const channel = this.mustChannel(channelId);
    const message = this.ws.message(channel.id, ts);
    if (!message) throw new Error(`FakeSlack.editMessage: no message ${ts} in ${channel.id}`);
    if (message.user !== user.id) throw new Error(`FakeSlack.editMessage: ${user.id} cannot edit ${ts}, not theirs`);
    const previous = messageJson(message);
    this.ws.editMessage(message, { text }, user.id);
    if (!channel.members.includes(this.botUserId)) return 0;
    const eventTs = this.ws.nextTs();
    const event = {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: channel.id,
      channel_type: 'channel',
      message: messageJson(message),
      previous_message: previous,
      ts: eventTs,
      event_ts: eventTs,
    };
    return (await this.sendEvent(event)).status;
  }

  private async sendEvent(event: Json): Promise<AppReply> {
    const envelope = {
      token: VERIFICATION_TOKEN,
      team_id: TEAM.id,
      context_team_id: TEAM.id,
      api_app_id: APP_ID,
      event,
      type: 'event_callback',
      event_id: this.ws.nextId('Ev0'),
      event_time: this.ws.nowSeconds(),
      authorizations: [
        { enterprise_id: null, team_id: TEAM.id, user_id: this.botUserId, is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify({ type: event.type, team: TEAM.id })).toString('base64url')}`,
    };
    this.sent.last = JSON.stringify(envelope);
    return this.send(this.sent.last, 'application/json');
  }

  /**
   * Slack's retry of the last event it sent (as after a timeout): the same body, signed anew, with
   * X-Slack-Retry-Num. Slack retries a second or more later; the fake does not wait, so it dates each retry that
   * much later (a signature over the same body and second would be the very same request, a replay).
   */
  async redeliverLastEvent(): Promise<AppReply> {
    if (!this.sent.last) throw new Error('FakeSlack.redeliverLastEvent: no event was sent yet');
    this.sent.retries += 1;
    return this.send(this.sent.last, 'application/json', { num: this.sent.retries, reason: 'http_timeout' });
  }

  /** Posts a signed body to the app and reads its ack, as Slack does (timestamp from the wall clock the app checks). */
  private async send(body: string, contentType: string, retry?: { num: number; reason: string }): Promise<AppReply> {
    const timeoutMs = this.connection.timeoutMs ?? SLACK_TIMEOUT_MS;
    let response: Response;
    try {
      response = await fetch(this.connection.requestUrl, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...signSlackRequest(this.connection.signingSecret, body, Math.floor(Date.now() / 1000) + (retry?.num ?? 0)),
          ...(retry ? { 'x-slack-retry-num': String(retry.num), 'x-slack-retry-reason': retry.reason } : {}),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `did not answer within ${timeoutMs} ms (Slack shows the user "operation_timeout")`
          : `could not be reached: ${error instanceof Error ? error.message : String(error)}`;
      throw new Error(`FakeSlack: the app at ${this.connection.requestUrl} ${reason}`);
    }
    const text = await response.text();
    return { status: response.status, body: parseAck(text, response.headers.get('content-type')) };
  }

  /** What Slack does with a view_submission ack: keep the modal (errors), change it, or close it. */
  private applyViewResponse(shown: ShownView, ack: unknown): void {
    const response =
      typeof ack === 'object' && ack !== null ? (ack as { response_action?: unknown; view?: unknown }) : {};
    const view = typeof response.view === 'object' && response.view !== null ? (response.view as Json) : undefined;
    switch (response.response_action) {
      case 'errors':
        return;
      case 'update':
        if (view) replaceView(this.ws, shown, view);
        return;
      case 'push':
        if (view) presentView(this.ws, shown.userId, view, 'push', shown);
        return;
      case 'clear':
        this.ws.closeAllViews(shown.userId);
        return;
      default:
        this.ws.closeView(shown);
    }
  }

  private latestView(userId: string, callbackId: string): ShownView | undefined {
    const matching = this.ws.views(userId).filter((v) => v.view.callback_id === callbackId);
    return matching.filter((v) => v.open).pop() ?? matching.pop();
  }

  private responseUrl(target: { channelId: string; userId: string; messageTs?: string }): string {
    return `${this.baseUrl}/response/${this.ws.issueResponseTarget(target)}`;
  }

  private userRef(user: User): Json {
    return { id: user.id, username: user.name, name: user.name, team_id: TEAM.id };
  }

  private mustUser(id: string): User {
    const user = this.ws.user(id);
    if (!user) throw new Error(`FakeSlack: no user ${id} in the workspace`);
    return user;
  }

  private mustChannel(id: string): Channel {
    const channel = this.ws.channel(id);
    if (!channel) throw new Error(`FakeSlack: no channel ${id} in the workspace`);
    return channel;
  }
}
