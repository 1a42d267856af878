// Starts a real Firebreak (HTTP server, Bolt receiver, SQLite file) against the local fake Slack,
// on random ports in a temp dir, and gives tests what a user would do and see.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load';
import type { ScaleTarget } from '../../src/domain/scale-target';
import { startFirebreak, type Firebreak, type StartOptions } from '../../src/firebreak';
import { systemClock, type Clock } from '../../src/ports/clock';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { eventually } from './eventually';

export { eventually };

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const ALERT_TOKEN = 'test-alert-token-abcdef0123456789';
export const BOT_TOKEN = 'xoxb-test-bot-token';

export interface Harness {
  firebreak: Firebreak;
  slack: FakeSlack;
  dir: string;
  databaseUrl: string;
  env: Record<string, string>;
  /** Firebreak's clock (the test's, when it passed one). */
  clock: Clock;
  postAlert(
    source: string,
    body: unknown,
    options?: { token?: string | null; contentType?: string },
  ): Promise<{ status: number; body: any }>;
  /**
   * Resolves once Firebreak has nothing left to do (see `drained`). Negative assertions ("sent once", "no
   * second channel") come after this, never after a fixed sleep.
   */
  drained(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function testEnv(slack: FakeSlack, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
    LINK_SECRET: 'test-link-secret-0123456789abcdef0123',
    DATABASE_URL: `sqlite:${join(dir, 'firebreak.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

export interface HarnessOptions {
  env?: Record<string, string>;
  slack?: FakeSlack;
  dir?: string;
  laneIntervalMs?: number;
  /** The outbox's first backoff after a failure; 50 ms unless a test is about backoff itself. */
  baseBackoffMs?: number;
  clock?: Clock;
  /** The policy file's text (YAML), written as firebreak.yaml in the test's directory. */
  policy?: string;
  /** Real AWS SDK clients, pointed at a local cloud. */
  aws?: StartOptions['aws'];
  /** Where SNS certificates and SubscribeURLs may come from (tests sign SNS messages with their own key). */
  sns?: StartOptions['sns'];
  /** A chat platform instead of Slack for incidents' channels and messages (a test-only one proves the Chat port). */
  chat?: StartOptions['chat'];
  /** Cloud adapters for other providers, by name (the test-only ones that prove the Cloud port). */
  clouds?: StartOptions['clouds'];
  /** A pager other than PagerDuty to page through (the test-only one that proves the Pager port). */
  pager?: StartOptions['pager'];
  /** The policy's scale targets as they should be served (e.g. moved onto another provider). */
  targets?: (targets: readonly ScaleTarget[]) => ScaleTarget[];
  /** Where Firebreak logs (silent unless a test reads the log). */
  logger?: StartOptions['logger'];
  /** How often Slack is probed while it is unusable (readiness tests must not wait 15 s). */
  slackProbeMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'firebreak-test-'));
  const slack = options.slack ?? (await FakeSlack.start({ botToken: BOT_TOKEN }));
  const env = testEnv(slack, dir, options.env);
  if (options.policy !== undefined) writeFileSync(join(dir, 'firebreak.yaml'), options.policy);
  const loaded = loadConfig(env, { cwd: dir });
  const config = options.targets
    ? { ...loaded, policy: { ...loaded.policy, scaleTargets: options.targets(loaded.policy.scaleTargets) } }
    : loaded;
  let firebreak: Firebreak;
  try {
    firebreak = await startFirebreak({
      config,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.aws ? { aws: options.aws } : {}),
      ...(options.chat ? { chat: options.chat } : {}),
      ...(options.sns ? { sns: options.sns } : {}),
      ...(options.clouds ? { clouds: options.clouds } : {}),
      ...(options.pager ? { pager: options.pager } : {}),
      logger: options.logger ?? pino({ level: 'silent' }),
      outbox: { laneIntervalMs: options.laneIntervalMs ?? 20, pollMs: 100, baseBackoffMs: options.baseBackoffMs ?? 50 },
      ...(options.slackProbeMs !== undefined ? { readiness: { slackProbeMs: options.slackProbeMs } } : {}),
    });
  } catch (error) {
    // A Firebreak that did not start leaves nothing running behind it (the test would never end).
    if (!options.slack) await slack.stop();
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  slack.connectApp({ requestUrl: `${firebreak.url}/slack/events`, signingSecret: SIGNING_SECRET });
  const slackRequests = countSlackRequests(firebreak);
  const clock = options.clock ?? systemClock;
  return {
    firebreak,
    slack,
    dir,
    databaseUrl: env.DATABASE_URL as string,
    env,
    clock,
    drained: (timeoutMs) => drained({ firebreak, clock, slackRequests }, timeoutMs),
    postAlert(source, body, opts = {}) {
      const token = opts.token === undefined ? ALERT_TOKEN : opts.token;
      return postJson(`${firebreak.url}/alerts/${source}`, body, {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      });
    },
    async stop() {
      await firebreak.stop();
      if (!options.slack) await slack.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Slack requests Bolt is still handling. Bolt answers an event (and a listener its command or click) before
 * the listener is done; this global middleware sees each request from before that answer to its listeners'
 * end, so a test that got its answer and then finds nothing in flight knows the listener has finished.
 */
function countSlackRequests(firebreak: Firebreak): { inFlight(): number } {
  let inFlight = 0;
  firebreak.slack.app.use(async ({ next }) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  });
  return { inFlight: () => inFlight };
}

/** What Firebreak still has to do now, in words: empty when it has nothing left. */
async function workLeft(target: {
  firebreak: Pick<Firebreak, 'store' | 'outbox'>;
  clock: Clock;
  slackRequests?: { inFlight(): number };
}): Promise<string[]> {
  const { store, outbox } = target.firebreak;
  const left: string[] = [];
  const busy = (): void => {
    if (outbox.lanesInHand > 0) left.push(`${outbox.lanesInHand} outbox lane(s) in the worker's hands`);
    const requests = target.slackRequests?.inFlight() ?? 0;
    if (requests > 0) left.push(`${requests} Slack request(s) still being handled`);
  };
  busy();
  // The metric's backlog: due, running, or failed and waiting to retry. The store judges "due" by the real
  // time; a test's clock may be ahead of it, so jobs due by Firebreak's own clock count too.
  const depth = await store.outbox.depth();
  if (depth > 0) left.push(`outbox depth ${depth}`);
  const now = target.clock.now();
  const live = [
    ...(await store.outbox.list({ status: 'running' })),
    ...(await store.outbox.list({ status: 'pending' })),
  ];
  const due = live.filter(
    (j) => j.status === 'running' || j.nextAttemptAt <= now || j.attempts > 0 || j.lastError !== null,
  );
  if (due.length > 0 && depth === 0)
    left.push(`due by Firebreak's clock: ${due.map((j) => `${j.kind} #${j.id} (${j.status})`).join(', ')}`);
  // Looked at again after the store: work that was in hand a moment ago has left its trace there by now.
  if (left.length === 0) busy();
  return left;
}

/**
 * Waits until Firebreak has nothing left to do now: the outbox's depth is 0 (no job due, running or waiting
 * out a retry, by the store's clock and by Firebreak's), no lane is in the worker's hands and no Slack
 * request is still being handled. A duplicate that was coming has come by then, so negative assertions
 * mean something. Jobs scheduled for later on purpose (a page's acknowledgement deadline, a scale-out's
 * next look) are not work left now. Fails with what is still left.
 */
export async function drained(
  target: { firebreak: Pick<Firebreak, 'store' | 'outbox'>; clock: Clock; slackRequests?: { inFlight(): number } },
  timeoutMs = 10_000,
): Promise<void> {
  await eventually(
    async () => {
      const left = await workLeft(target);
      if (left.length > 0) throw new Error(left.join('; '));
      return true;
    },
    'Firebreak to have nothing left to do',
    timeoutMs,
  );
}

/** A clock that runs with real time but can be moved forward, for deadlines minutes away. */
export function adjustableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

/** The answer the person sees to a slash command (see FakeSlack.commandAnswer). */
// any, like AppReply's body: tests read whatever fields the app put in its answer.
export function commandAnswer(
  slack: FakeSlack,
  input: { command: string; text: string; userId: string; channelId: string },
): Promise<any> {
  return slack.commandAnswer(input);
}
