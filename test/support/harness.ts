// Starts a real Firebreak (HTTP server, Bolt receiver, SQLite file) against the local fake Slack,
// on random ports in a temp dir, and gives tests what a user would do and see.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load';
import { startFirebreak, type Firebreak, type StartOptions } from '../../src/firebreak';
import type { Clock } from '../../src/ports/clock';
import { FakeSlack } from '../../src/sandbox/fake-slack';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const ALERT_TOKEN = 'test-alert-token-abcdef0123456789';
export const BOT_TOKEN = 'xoxb-test-bot-token';

export interface Harness {
  firebreak: Firebreak;
  slack: FakeSlack;
  dir: string;
  databaseUrl: string;
  env: Record<string, string>;
  postAlert(
    source: string,
    body: unknown,
    options?: { token?: string | null; contentType?: string },
  ): Promise<{ status: number; body: any }>;
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
  const config = loadConfig(env, { cwd: dir });
  const firebreak = await startFirebreak({
    config,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.aws ? { aws: options.aws } : {}),
    logger: options.logger ?? pino({ level: 'silent' }),
    outbox: { laneIntervalMs: options.laneIntervalMs ?? 20, pollMs: 100, baseBackoffMs: options.baseBackoffMs ?? 50 },
    ...(options.slackProbeMs !== undefined ? { readiness: { slackProbeMs: options.slackProbeMs } } : {}),
  });
  slack.connectApp({ requestUrl: `${firebreak.url}/slack/events`, signingSecret: SIGNING_SECRET });
  return {
    firebreak,
    slack,
    dir,
    databaseUrl: env.DATABASE_URL as string,
    env,
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

/** Polls until `check` returns a value (not undefined/false), or fails with what was last seen. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
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
