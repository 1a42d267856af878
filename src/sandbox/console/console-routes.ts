// The sandbox console at /sandbox: the local Slack's channels and messages as Slack shows them, with working
// buttons, modals and slash commands, sample alerts, the simulated PagerDuty and cloud. Every action goes the
// way it would in production: alerts to Firebreak's HTTP ingest with the alert token, clicks, commands and
// submissions through FakeSlack's signed requests to /slack/events, acknowledgements as PagerDuty's signed webhook.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { COMMANDS } from '../../slack/ids';
import type { Sandbox } from '../sandbox';
import { channelHeadHtml, messagesHtml, type ChannelModel } from './channel-view';
import { CLIENT_SCRIPT } from './client-script';
import { ConsoleState, viewKey, type CommandNote } from './console-state';
import { html } from './html';
import { modalHtml, openModal, submissionValues, typedValues, type ChannelOption, type FormValue } from './modal';
import type { NameLookup } from './mrkdwn';
import { channelsHtml, consoleHref, consolePage, type ChannelEntry, type Regions } from './page';
import {
  ACTING_USERS,
  DEFAULT_ACTING_USER,
  isActingUser,
  pagerDutyPolicyName,
  pagerDutyUserFor,
  pagerDutyUserName,
  slackUserName,
} from './people';
import {
  cloudWatchAlarm,
  flashSaleAlertmanagerPayload,
  genericAlertPayload,
  grafanaCheckoutPayload,
} from './sample-alerts';
import { cloudHtml, pagerDutyHtml, trafficHtml } from './side-panels';
import { CONSOLE_CSS } from './styles';

export interface SandboxConsoleOptions {
  sandbox: Sandbox;
  /**
   * Firebreak's Alertmanager endpoint, e.g. http://127.0.0.1:PORT/alerts/alertmanager; generic alerts go to its
   * sibling /alerts/generic. A path ("/alerts/alertmanager") means this same server, at the address the console's
   * request came in on (never a Host header), for mounting before the port is known.
   */
  alertUrl: string;
  /** The bearer token every alert webhook carries (ALERT_WEBHOOK_TOKEN; the sandbox's is sandbox-alert-token). */
  alertToken: string;
}

const ALERT_TIMEOUT_MS = 10_000;
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#e8602c"/><path d="M16 7 26 25H6z" fill="#fff"/></svg>';
const KNOWN_COMMANDS: ReadonlySet<string> = new Set(Object.values(COMMANDS));

// Scripts, styles and forms only from the console itself; links to Firebreak's own pages open normally.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

// ---- form schemas ----

const actingUser = z.string().refine(isActingUser, 'act as Alice (U0ALICE), Bob (U0BOB) or Carol (U0CAROL)');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'not a channel id');
const back = { as: actingUser, channel: z.string().optional() };

const alertForm = z.discriminatedUnion('example', [
  z.object({ ...back, example: z.literal('flash-sale-firing') }),
  z.object({ ...back, example: z.literal('flash-sale-resolved') }),
  z.object({ ...back, example: z.literal('grafana-firing') }),
  z.object({ ...back, example: z.literal('grafana-resolved') }),
  z.object({ ...back, example: z.literal('cloudwatch-alarm') }),
  z.object({ ...back, example: z.literal('cloudwatch-ok') }),
  z.object({
    ...back,
    example: z.literal('generic'),
    title: z.string().trim().min(1).max(300),
    service: z.string().trim().min(1).max(100),
    severity: z.string().trim().min(1).max(30),
    status: z.enum(['firing', 'resolved']),
    summary: z.string().trim().max(3000).optional(),
  }),
]);
const composeForm = z.object({
  as: actingUser,
  channel: channelId,
  text: z.string().trim().min(1, 'type a message or a slash command').max(4000),
});
const clickForm = z.object({
  as: actingUser,
  channel: channelId,
  ts: z.string().regex(/^\d+\.\d+$/),
  action_id: z.string().min(1).max(255),
  block_id: z.string().min(1).max(255),
  value: z.string().max(2000).optional(),
});
const reactForm = z.object({
  as: actingUser,
  channel: channelId,
  ts: z.string().regex(/^\d+\.\d+$/),
  name: z.string().regex(/^[a-z0-9_+-]{1,100}$/),
});
const membershipForm = z.object({ as: actingUser, channel: channelId });
const inviteForm = z.object({ as: actingUser, channel: channelId, user: actingUser });
const editForm = z.object({
  as: actingUser,
  channel: channelId,
  ts: z.string().regex(/^\d+\.\d+$/),
  text: z.string().trim().min(1, 'type the message as it should read').max(4000),
});
const viewForm = z.object({
  as: actingUser,
  channel: z.string().optional(),
  view_id: z.string().min(1),
  view_hash: z.string(),
});
const pageForm = z.object({ ...back, dedup_key: z.string().min(1).max(255) });
/** A responder request's answer, as the person asked (`user_id`, their PagerDuty id) gives it. */
const responderForm = pageForm.extend({
  policy_id: z.string().min(1).max(64),
  user_id: z.string().regex(/^P[A-Z0-9]{1,30}$/, 'not a PagerDuty user id'),
});

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function queryString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The ack's message as Slack shows it: a string, or a message object (ephemeral unless in_channel). */
function ackMessage(body: unknown): CommandNote['reply'] {
  if (typeof body === 'string') return body.trim() === '' ? null : { text: body, blocks: [], inChannel: false };
  if (typeof body !== 'object' || body === null) return null;
  const message = body as { text?: unknown; blocks?: unknown; response_type?: unknown };
  const text = typeof message.text === 'string' ? message.text : '';
  const blocks = Array.isArray(message.blocks) ? (message.blocks as unknown[]) : [];
  if (text === '' && blocks.length === 0) return null;
  return { text, blocks, inChannel: message.response_type === 'in_channel' };
}

export function sandboxConsoleRoutes(options: SandboxConsoleOptions): Router {
  const { sandbox } = options;
  const slack = sandbox.slack;
  const pagerDuty = sandbox.pagerDuty.fake;
  const cloud = sandbox.cloud.fake;
  const state = new ConsoleState(slack);
  // The flash-sale alerts' start, so "resolved" names the same alerts Alertmanager fired.
  let flashSaleStartedAt: Date | null = null;
  let grafanaStartedAt: Date | null = null;

  // For the sandbox's lifetime: the console lives as long as the process that serves it.
  slack.onChange(() => {
    state.placeEphemerals();
    state.changed();
  });
  pagerDuty.onChange(() => state.changed());
  cloud.onChange(() => state.changed());

  // ---- reading the sandbox ----

  const trafficPanel = (acting: string, channelId: string) => {
    const now = sandbox.clock.now();
    const group = cloud.group(sandbox.webTier.group);
    return trafficHtml({
      now,
      rate: sandbox.traffic.rateAt(now),
      saleStart: sandbox.traffic.saleStart,
      instances: group?.instances.filter((i) => i.lifecycleState === 'InService').length ?? 0,
      perInstance: sandbox.webTier.perInstance,
      actingUser: acting,
      channelId,
    });
  };

  const channelEntries = (): ChannelEntry[] =>
    slack.listChannels().map((channel) => ({
      channel,
      isIncident: channel.creator === sandbox.botUserId && channel.imUser === undefined,
      messageCount: slack.messages(channel.id).length,
    }));

  /** The channel asked for, else the newest incident channel, else #incidents. */
  const pickChannel = (requested: string, entries: ChannelEntry[]): ChannelEntry | undefined => {
    const incidents = entries
      .filter((e) => e.isIncident && !e.channel.isArchived)
      .sort((a, b) => b.channel.created - a.channel.created);
    return (
      entries.find((e) => e.channel.id === requested) ??
      incidents[0] ??
      entries.find((e) => e.channel.name === 'incidents') ??
      entries[0]
    );
  };

  const names = (entries: ChannelEntry[], acting: string): NameLookup => ({
    userName: (id) => (id === sandbox.botUserId ? 'Firebreak' : slackUserName(id)),
    channelName: (id) => entries.find((e) => e.channel.id === id)?.channel.name,
    channelHref: (id) => consoleHref(id, acting),
  });

  const channelOptions = (entries: ChannelEntry[]): ChannelOption[] =>
    entries.map((e) => ({ id: e.channel.id, name: e.channel.name }));

  const regions = (entry: ChannelEntry, entries: ChannelEntry[], acting: string): Regions => {
    const lookup = names(entries, acting);
    const model: ChannelModel = {
      channel: entry.channel,
      messages: slack.messages(entry.channel.id),
      files: slack.files(entry.channel.id),
      ephemerals: state.ephemerals(entry.channel.id, acting),
      notes: state.notesFor(entry.channel.id, acting),
      actingUser: acting,
      botUserId: sandbox.botUserId,
      names: lookup,
      isIncident: entry.isIncident,
      isMember: slack.members(entry.channel.id).includes(acting),
      invitable: ACTING_USERS.filter((p) => !slack.members(entry.channel.id).includes(p.id)),
    };
    // A modal is shown while the local Slack holds it open (a submission from anywhere, the demo's included, closes
    // it there) and the person has not closed it here.
    const open = new Set(
      slack
        .openViews(acting)
        .flatMap((v) => (typeof v === 'object' && v !== null ? [viewKey(v as { id?: unknown; hash?: unknown })] : [])),
    );
    const view = openModal(slack.views(acting), (key) => state.isClosed(key) || !open.has(key));
    const attempt = view ? state.attempt(viewKey(view)) : undefined;
    const loose = cloud.instances().filter((i) => !i.autoScalingGroupName && i.state !== 'terminated');
    return {
      channels: channelsHtml(entries, entry.channel.id, acting),
      'channel-head': channelHeadHtml(model),
      messages: messagesHtml(model),
      pagerduty: pagerDutyHtml(pagerDuty.incidents(), acting, entry.channel.id),
      cloud: cloudHtml(cloud.groups(), loose),
      traffic: trafficPanel(acting, entry.channel.id),
      modal: view
        ? {
            key: `${viewKey(view)}|${JSON.stringify(attempt?.errors ?? {})}`,
            html: modalHtml({
              view,
              attempt,
              actingUser: acting,
              channelId: entry.channel.id,
              channels: channelOptions(entries),
              names: lookup,
            }),
          }
        : { key: '', html: html`` },
    };
  };

  // ---- answering ----

  /** JSON for the script; without it (no JavaScript), back to the console with the notice in the URL. */
  const answer = (req: Request, res: Response, status: number, outcome: { ok: boolean; message?: string }): void => {
    state.changed();
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(status).json(outcome);
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const to = new URLSearchParams({
      channel: queryString(body.channel),
      as: queryString(body.as) || DEFAULT_ACTING_USER,
    });
    if (outcome.message) to.set('notice', `${outcome.ok ? 'ok' : 'error'}:${outcome.message}`);
    res.redirect(303, `/sandbox?${to.toString()}`);
  };

  const parse = <T>(schema: z.ZodType<T>, req: Request, res: Response): T | null => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) return parsed.data;
    answer(req, res, 400, { ok: false, message: `The console sent a bad form: ${issues(parsed.error)}` });
    return null;
  };

  const alertEndpoint = (req: Request, source: 'alertmanager' | 'generic' | 'grafana' | 'cloudwatch'): string => {
    const local = req.socket.localAddress ?? '127.0.0.1';
    const here = `http://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
    const url = new URL(options.alertUrl, here);
    return (source === 'alertmanager' ? url : new URL(source, url)).toString();
  };

  const formBody = express.urlencoded({ extended: false, limit: '200kb' });
  // The console acts as people in the sandbox: another site must not make a browser do it.
  const sameOrigin: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (
      req.get('sec-fetch-site') === 'cross-site' ||
      (origin && origin !== `${req.protocol}://${req.get('host') ?? ''}`)
    ) {
      res.status(403).json({ ok: false, message: 'the sandbox console accepts forms only from its own page' });
      return;
    }
    next();
  };
  const post = [sameOrigin, formBody];

  const router = Router();

  router.get('/sandbox/console.js', (_req, res) => {
    res
      .set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' })
      .type('text/javascript; charset=utf-8')
      .send(CLIENT_SCRIPT);
  });

  router.get('/sandbox/console.css', (_req, res) => {
    res
      .set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' })
      .type('text/css; charset=utf-8')
      .send(CONSOLE_CSS);
  });

  router.get('/sandbox/favicon.svg', (_req, res) => {
    res.set({ 'Cache-Control': 'max-age=3600' }).type('image/svg+xml').send(FAVICON);
  });

  router.get('/sandbox', (req, res) => {
    const requestedAs = queryString(req.query.as);
    const acting = isActingUser(requestedAs) ? requestedAs : DEFAULT_ACTING_USER;
    const entries = channelEntries();
    const entry = pickChannel(queryString(req.query.channel), entries);
    if (!entry) {
      res.status(503).type('text/plain').send('The sandbox Slack has no channels.\n');
      return;
    }
    const notice = /^(ok|error):(.*)$/s.exec(queryString(req.query.notice));
    res
      .set(SECURITY_HEADERS)
      .type('html')
      .send(
        consolePage({
          regions: regions(entry, entries, acting),
          channel: entry.channel,
          actingUser: acting,
          version: state.version,
          ...(notice ? { notice: { ok: notice[1] === 'ok', text: notice[2] ?? '' } } : {}),
        }),
      );
  });

  /** The live regions, or 204 when nothing changed since `since`. */
  // The traffic moves with the clock, not with any change: a new minute is a change, so the panel follows it.
  let trafficMinute = Math.floor(sandbox.clock.now().getTime() / 60_000);
  router.get('/sandbox/state', (req, res) => {
    res.set(SECURITY_HEADERS);
    const minute = Math.floor(sandbox.clock.now().getTime() / 60_000);
    if (minute !== trafficMinute) {
      trafficMinute = minute;
      state.changed();
    }
    if (queryString(req.query.since) === String(state.version)) {
      res.status(204).end();
      return;
    }
    const requestedAs = queryString(req.query.as);
    const acting = isActingUser(requestedAs) ? requestedAs : DEFAULT_ACTING_USER;
    const entries = channelEntries();
    const entry = pickChannel(queryString(req.query.channel), entries);
    if (!entry) {
      res.status(503).json({ error: 'the sandbox Slack has no channels' });
      return;
    }
    const version = state.version;
    const { modal, ...rest } = regions(entry, entries, acting);
    res.json({
      version,
      regions: Object.fromEntries(Object.entries(rest).map(([id, markup]) => [id, markup.value])),
      modal: { key: modal.key, html: modal.html.value },
    });
  });

  /** A shared file's text (the postmortem draft's Markdown), as Slack would let you open it. */
  router.get('/sandbox/files/:id', (req, res) => {
    const file = slack.files().find((f) => f.id === req.params.id);
    if (!file) {
      res.status(404).type('text/plain').send('No such file in the sandbox Slack.\n');
      return;
    }
    res
      .set({ ...SECURITY_HEADERS, 'Content-Security-Policy': "default-src 'none'" })
      .type('text/plain; charset=utf-8')
      .send(file.content);
  });

  router.post('/sandbox/alerts', ...post, async (req, res) => {
    const form = parse(alertForm, req, res);
    if (!form) return;
    let url = alertEndpoint(req, 'alertmanager');
    let payload: Record<string, unknown> | string;
    let headers: Record<string, string> = {
      authorization: `Bearer ${options.alertToken}`,
      'content-type': 'application/json',
    };
    let what: string;
    if (form.example === 'generic') {
      url = alertEndpoint(req, 'generic');
      payload = genericAlertPayload({
        title: form.title,
        service: form.service,
        severity: form.severity,
        status: form.status,
        ...(form.summary ? { summary: form.summary } : {}),
      });
      what = `Generic alert "${form.title}" (${form.status})`;
    } else if (form.example === 'cloudwatch-alarm' || form.example === 'cloudwatch-ok') {
      url = alertEndpoint(req, 'cloudwatch');
      const alarm = form.example === 'cloudwatch-alarm';
      const sample = cloudWatchAlarm(alarm ? 'ALARM' : 'OK', sandbox.clock.now());
      // Signed by the sandbox's SNS, as SNS posts it: no bearer token, the signature and the topic are the proof.
      try {
        payload = await sandbox.sns.notification(sample.message, sample.subject);
      } catch (error) {
        answer(req, res, 502, {
          ok: false,
          message: `The sandbox's SNS could not sign the alarm: ${errorText(error)}`,
        });
        return;
      }
      headers = { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' };
      what = `CloudWatch via SNS: alarm web-5xx-high ${alarm ? 'in ALARM' : 'back to OK'}`;
    } else if (form.example === 'grafana-firing' || form.example === 'grafana-resolved') {
      url = alertEndpoint(req, 'grafana');
      const firing = form.example === 'grafana-firing';
      const now = sandbox.clock.now();
      if (firing || !grafanaStartedAt) grafanaStartedAt = now;
      payload = grafanaCheckoutPayload(firing ? 'firing' : 'resolved', { startsAt: grafanaStartedAt, endsAt: now });
      what = `Grafana: checkout latency alert ${firing ? 'firing' : 'resolved'}`;
    } else {
      const firing = form.example === 'flash-sale-firing';
      // Firebreak's clock, not the world's: after the demo it runs on from the outage's day.
      const now = sandbox.clock.now();
      if (firing || !flashSaleStartedAt) flashSaleStartedAt = now;
      payload = flashSaleAlertmanagerPayload(firing ? 'firing' : 'resolved', {
        startsAt: flashSaleStartedAt,
        endsAt: now,
      });
      what = `Alertmanager: flash-sale alerts ${firing ? 'firing' : 'resolved'}`;
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: typeof payload === 'string' ? payload : JSON.stringify(payload),
        signal: AbortSignal.timeout(ALERT_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) {
        answer(req, res, 502, {
          ok: false,
          message: `${what}: Firebreak answered ${response.status}: ${text.slice(0, 300)}`,
        });
        return;
      }
      const accepted = (() => {
        try {
          return JSON.parse(text) as { accepted?: number; incidents?: number[] };
        } catch {
          return {};
        }
      })();
      const incidents = (accepted.incidents ?? []).map((id) => `INC-${id}`).join(', ');
      answer(req, res, 200, {
        ok: true,
        message: `${what} → ${response.status}, ${accepted.accepted ?? 0} accepted${incidents ? ` (${incidents})` : ''}`,
      });
    } catch (error) {
      answer(req, res, 502, {
        ok: false,
        message: `${what}: could not reach Firebreak at ${url}: ${errorText(error)}`,
      });
    }
  });

  /** A message as the acting person, or a slash command (the first word) sent the way Slack sends it. */
  router.post('/sandbox/compose', ...post, async (req, res) => {
    const form = parse(composeForm, req, res);
    if (!form) return;
    if (!form.text.startsWith('/')) {
      try {
        slack.postUserMessage(form.channel, form.as, form.text);
        answer(req, res, 200, { ok: true });
      } catch (error) {
        answer(req, res, 400, { ok: false, message: `Posting the message failed: ${errorText(error)}` });
      }
      return;
    }
    const command = form.text.split(/\s+/)[0] ?? '';
    const text = form.text.slice(command.length).trim();
    const base = {
      channelId: form.channel,
      userId: form.as,
      afterTs: state.lastTs(form.channel),
      seq: state.nextSeq(),
      command: form.text,
    };
    if (!KNOWN_COMMANDS.has(command)) {
      // Slack itself refuses a command no installed app registered; nothing reaches Firebreak.
      state.addNote({
        ...base,
        reply: null,
        error: `${command} is not a valid command. Firebreak's are ${[...KNOWN_COMMANDS].join(', ')}.`,
      });
      answer(req, res, 200, { ok: false, message: `${command} is not a command here` });
      return;
    }
    try {
      const reply = await slack.slashCommand({ command, text, userId: form.as, channelId: form.channel });
      if (reply.status !== 200) {
        state.addNote({
          ...base,
          reply: null,
          error: `${command} failed with the error "dispatch_failed": Firebreak answered HTTP ${reply.status}.`,
        });
        answer(req, res, 502, { ok: false, message: `${command}: Firebreak answered HTTP ${reply.status}` });
        return;
      }
      state.addNote({ ...base, reply: ackMessage(reply.body) });
      answer(req, res, 200, { ok: true });
    } catch (error) {
      state.addNote({ ...base, reply: null, error: `${command} failed: ${errorText(error)}` });
      answer(req, res, 502, { ok: false, message: `${command} failed: ${errorText(error)}` });
    }
  });

  router.post('/sandbox/click', ...post, async (req, res) => {
    const form = parse(clickForm, req, res);
    if (!form) return;
    try {
      const reply = await slack.clickButton({
        userId: form.as,
        channelId: form.channel,
        messageTs: form.ts,
        actionId: form.action_id,
        blockId: form.block_id,
        ...(form.value !== undefined ? { value: form.value } : {}),
      });
      if (reply.status !== 200) {
        answer(req, res, 502, {
          ok: false,
          message: `The click reached Firebreak, which answered HTTP ${reply.status}`,
        });
        return;
      }
      answer(req, res, 200, { ok: true });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `The click failed: ${errorText(error)}` });
    }
  });

  router.post('/sandbox/react', ...post, async (req, res) => {
    const form = parse(reactForm, req, res);
    if (!form) return;
    try {
      const status = await slack.addReaction(form.channel, form.ts, form.as, form.name);
      if (status === 0)
        answer(req, res, 200, {
          ok: true,
          message: `Reacted :${form.name}: (Slack sent Firebreak nothing: already reacted, or the bot is not in the channel)`,
        });
      else if (status !== 200)
        answer(req, res, 502, { ok: false, message: `Firebreak answered the reaction event with HTTP ${status}` });
      else answer(req, res, 200, { ok: true, message: `Reacted :${form.name}:` });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `The reaction failed: ${errorText(error)}` });
    }
  });

  /** The acting person joins a channel as Slack does it: member_joined_channel reaches Firebreak, signed. */
  router.post('/sandbox/join', ...post, async (req, res) => {
    const form = parse(membershipForm, req, res);
    if (!form) return;
    try {
      const status = await slack.joinChannel(form.channel, form.as);
      if (status === 0) answer(req, res, 200, { ok: true, message: 'Already in the channel' });
      else if (status !== 200)
        answer(req, res, 502, { ok: false, message: `Firebreak answered member_joined_channel with HTTP ${status}` });
      else answer(req, res, 200, { ok: true, message: 'Joined the channel' });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `Joining failed: ${errorText(error)}` });
    }
  });

  /** The acting person invites someone: Slack sends member_joined_channel naming them as the inviter. */
  router.post('/sandbox/invite', ...post, async (req, res) => {
    const form = parse(inviteForm, req, res);
    if (!form) return;
    try {
      const status = await slack.joinChannel(form.channel, form.user, form.as);
      const who = slackUserName(form.user) ?? form.user;
      if (status === 0) answer(req, res, 200, { ok: true, message: `${who} is already in the channel` });
      else if (status !== 200)
        answer(req, res, 502, { ok: false, message: `Firebreak answered member_joined_channel with HTTP ${status}` });
      else answer(req, res, 200, { ok: true, message: `Invited ${who}` });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `Inviting failed: ${errorText(error)}` });
    }
  });

  router.post('/sandbox/leave', ...post, (req, res) => {
    const form = parse(membershipForm, req, res);
    if (!form) return;
    const left = slack.leaveChannel(form.channel, form.as);
    answer(req, res, 200, { ok: true, message: left ? 'Left the channel' : 'Not in the channel' });
  });

  /** The acting person edits their own message; Slack sends message_changed to Firebreak. */
  router.post('/sandbox/edit', ...post, async (req, res) => {
    const form = parse(editForm, req, res);
    if (!form) return;
    try {
      const status = await slack.editUserMessage(form.channel, form.ts, form.as, form.text);
      if (status !== 0 && status !== 200)
        answer(req, res, 502, { ok: false, message: `Firebreak answered the edit event with HTTP ${status}` });
      else answer(req, res, 200, { ok: true, message: 'Edited the message' });
    } catch (error) {
      answer(req, res, 400, { ok: false, message: `Editing failed: ${errorText(error)}` });
    }
  });

  const findView = (userId: string, viewId: string): Record<string, unknown> | undefined =>
    slack
      .views(userId)
      .find(
        (v): v is Record<string, unknown> =>
          typeof v === 'object' && v !== null && (v as { id?: unknown }).id === viewId,
      );

  router.post('/sandbox/views/submit', ...post, async (req, res) => {
    const form = parse(viewForm, req, res);
    if (!form) return;
    const view = findView(form.as, form.view_id);
    if (!view || typeof view.callback_id !== 'string') {
      answer(req, res, 400, { ok: false, message: 'That modal is no longer open' });
      return;
    }
    const key = viewKey(view);
    const body = req.body as Record<string, unknown>;
    const field = (name: string): FormValue => {
      const value = body[name];
      return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ? (value as string | string[])
        : undefined;
    };
    const channels = channelEntries().map((e) => ({ id: e.channel.id, name: e.channel.name }));
    try {
      const reply = await slack.submitView({
        userId: form.as,
        callbackId: view.callback_id,
        values: submissionValues(view, field, channels),
      });
      if (reply.status !== 200) {
        answer(req, res, 502, {
          ok: false,
          message: `Firebreak answered the submission with HTTP ${reply.status}; the modal stays open`,
        });
        return;
      }
      const ack = (typeof reply.body === 'object' && reply.body !== null ? reply.body : {}) as {
        response_action?: unknown;
        errors?: unknown;
      };
      switch (ack.response_action) {
        case 'errors': {
          const errors =
            typeof ack.errors === 'object' && ack.errors !== null
              ? Object.fromEntries(Object.entries(ack.errors).map(([k, v]) => [k, String(v)]))
              : {};
          state.recordAttempt(key, { errors, values: typedValues(view, field) });
          answer(req, res, 200, { ok: false, message: 'Firebreak found a problem in the form' });
          return;
        }
        case 'push':
          // The new view shows over this one, which stays open beneath it.
          break;
        case 'clear':
          for (const v of slack.views(form.as)) if (typeof v === 'object' && v !== null) state.closeView(viewKey(v));
          break;
        default:
          // Closed ('update' replaced it in place with a new hash, which shows as a new modal).
          state.closeView(key);
      }
      answer(req, res, 200, { ok: true });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `The submission failed: ${errorText(error)}` });
    }
  });

  router.post('/sandbox/views/close', ...post, (req, res) => {
    const form = parse(viewForm, req, res);
    if (!form) return;
    const view = findView(form.as, form.view_id);
    // Slack sends view_closed only to apps that ask (notify_on_close); Firebreak's modals do not.
    state.closeView(view ? viewKey(view) : `${form.view_id}:${form.view_hash}`);
    answer(req, res, 200, { ok: true });
  });

  const pagerDutyAction =
    (verb: 'acknowledge' | 'resolve'): RequestHandler =>
    async (req, res) => {
      const form = parse(pageForm, req, res);
      if (!form) return;
      const userId = pagerDutyUserFor(form.as);
      try {
        const reply =
          verb === 'acknowledge'
            ? await pagerDuty.acknowledge(form.dedup_key, userId ? { userId } : {})
            : await pagerDuty.resolve(form.dedup_key, userId ? { userId } : {});
        const delivered = reply.status >= 200 && reply.status < 300;
        answer(req, res, delivered ? 200 : 502, {
          ok: delivered,
          message: delivered
            ? `PagerDuty: ${verb === 'acknowledge' ? 'acknowledged' : 'resolved'} as ${slackUserName(form.as) ?? form.as}; webhook delivered`
            : `PagerDuty's webhook got HTTP ${reply.status} from Firebreak`,
        });
      } catch (error) {
        answer(req, res, 502, { ok: false, message: `PagerDuty ${verb} failed: ${errorText(error)}` });
      }
    };
  router.post('/sandbox/pagerduty/acknowledge', ...post, pagerDutyAction('acknowledge'));
  router.post('/sandbox/pagerduty/resolve', ...post, pagerDutyAction('resolve'));
  // The person asked by a team's responder request accepts it (the team acknowledged) or declines it (the card
  // says so, and the request passes to the policy's next level): PagerDuty tells Firebreak.
  const responderAnswer =
    (state: 'joined' | 'declined'): RequestHandler =>
    async (req, res) => {
      const form = parse(responderForm, req, res);
      if (!form) return;
      const verb = state === 'joined' ? 'accepted' : 'declined';
      try {
        const reply = await pagerDuty.answerResponderRequest(form.dedup_key, {
          policyId: form.policy_id,
          userId: form.user_id,
          state,
        });
        const delivered = reply.status >= 200 && reply.status < 300;
        answer(req, res, delivered ? 200 : 502, {
          ok: delivered,
          message: delivered
            ? `PagerDuty: ${pagerDutyUserName(form.user_id)} ${verb} the responder request to ${pagerDutyPolicyName(form.policy_id)}; webhook delivered`
            : `PagerDuty's webhook got HTTP ${reply.status} from Firebreak`,
        });
      } catch (error) {
        answer(req, res, 502, {
          ok: false,
          message: `${state === 'joined' ? 'Accepting' : 'Declining'} the responder request failed: ${errorText(error)}`,
        });
      }
    };
  router.post('/sandbox/pagerduty/accept-responder', ...post, responderAnswer('joined'));
  router.post('/sandbox/pagerduty/decline-responder', ...post, responderAnswer('declined'));

  // The seed's flash sale from now: the local Prometheus serves its surge, live a few minutes after the click.
  router.post('/sandbox/traffic/flash-sale', ...post, (req, res) => {
    const live = sandbox.startFlashSale();
    answer(req, res, 200, {
      ok: true,
      message: `Flash sale announced: it goes live at ${live.toISOString().slice(11, 16)} UTC and web traffic climbs to about 6× its usual peak`,
    });
  });

  // A monitor that pages through PagerDuty first: the incident opens there, and PagerDuty tells Firebreak.
  let pagerDutyIncidents = 0;
  router.post('/sandbox/pagerduty/incident', ...post, async (req, res) => {
    pagerDutyIncidents += 1;
    try {
      const reply = await pagerDuty.monitorTriggers({
        dedupKey: `sandbox-monitor-${Date.now()}-${pagerDutyIncidents}`,
        summary: 'Payment provider timeouts above 2%',
      });
      const body = reply.body as { applied?: boolean; incidentId?: number; reason?: string };
      const opened = reply.status === 200 && body.applied === true;
      answer(req, res, opened ? 200 : 502, {
        ok: opened,
        message: opened
          ? `PagerDuty: a monitor opened an incident there; Firebreak opened INC-${body.incidentId} linked to it`
          : `PagerDuty's incident.triggered webhook got HTTP ${reply.status} from Firebreak: ${body.reason ?? ''}`,
      });
    } catch (error) {
      answer(req, res, 502, { ok: false, message: `PagerDuty could not open an incident: ${errorText(error)}` });
    }
  });

  return router;
}
