// Starts what the bench measures, each in its own process with its own temp dir: Firebreak compiled and in
// production mode on a real SQLite file, and the floors. Every process is started the same way
// (spawnFirebreak: node, one entry file, exactly the env given) so none has an advantage at start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeCloud } from '../src/sandbox/fake-cloud';
import type { FakePagerDuty } from '../src/sandbox/fake-pagerduty';
import type { FakeSlack } from '../src/sandbox/fake-slack';
import { spawnFirebreak, type FirebreakProcess } from '../test/support/process';
import type { Built } from './build';
import { secrets } from './config';

export interface Running {
  url: string;
  pid: number;
  /** The process's SQLite file (Firebreak's store, or the floor's). */
  dbPath: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** The highest resident set size the process has had so far (Linux VmHWM), in MiB. */
  peakRssMiB(): number;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). The temp dir stays, for reading the store. */
  stop(): Promise<void>;
  /** Removes the temp dir (after stop). */
  remove(): void;
}

export interface Fakes {
  slack: FakeSlack;
  pagerDuty?: FakePagerDuty;
  cloud?: FakeCloud;
}

function peakRssMiB(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/** A port free right now, for processes that must be told theirs before they start (the floors, cold starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function tempDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `firebreak-bench-${kind}-`));
}

/** Processes started and not yet stopped. */
const live = new Set<FirebreakProcess['child']>();

/** Kills every process the bench started and has not stopped, so a phase that fails leaves none running. */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

function running(spawned: FirebreakProcess, dir: string, dbPath: string): Running {
  const pid = spawned.child.pid ?? 0;
  live.add(spawned.child);
  return {
    url: spawned.url,
    pid,
    dbPath,
    logs: spawned.logs,
    peakRssMiB: () => peakRssMiB(pid),
    async stop() {
      if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill('SIGTERM');
      const timer = setTimeout(() => spawned.child.kill('SIGKILL'), 20_000);
      await spawned.exited;
      clearTimeout(timer);
      live.delete(spawned.child);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Firebreak's environment as production gives it, pointed at the fakes given (no paging or cloud without them). */
export function firebreakEnv(
  fakes: Fakes,
  dir: string,
  options: { policy?: string; port?: number } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: secrets.botToken,
    SLACK_SIGNING_SECRET: secrets.signingSecret,
    SLACK_API_URL: fakes.slack.apiUrl,
    ALERT_WEBHOOK_TOKEN: secrets.alertToken,
    LINK_SECRET: secrets.linkSecret,
    // As production sets it (links posted to Slack); the bench itself calls Firebreak on the address it listens on.
    PUBLIC_URL: 'https://firebreak.bench.invalid',
    DATABASE_URL: `sqlite:${join(dir, 'firebreak.db')}`,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  if (fakes.pagerDuty)
    Object.assign(env, {
      PAGERDUTY_ROUTING_KEY: secrets.pagerDutyRoutingKey,
      PAGERDUTY_EVENTS_URL: fakes.pagerDuty.eventsUrl,
    });
  if (fakes.cloud) {
    Object.assign(env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_EC2: fakes.cloud.ec2Url,
      AWS_ENDPOINT_URL_AUTO_SCALING: fakes.cloud.autoScalingUrl,
    });
  }
  if (options.policy !== undefined) {
    const path = join(dir, 'firebreak.yaml');
    writeFileSync(path, options.policy);
    env.FIREBREAK_CONFIG = path;
  }
  return env;
}

/** Firebreak, compiled, in a fresh dir, connected to the fake Slack as its app. */
export async function startFirebreak(built: Built, fakes: Fakes, options: { policy?: string } = {}): Promise<Running> {
  const dir = tempDir('firebreak');
  const spawned = await spawnFirebreak(firebreakEnv(fakes, dir, options), {
    cwd: dir,
    compiledMain: built.firebreakMain,
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each Firebreak process there, to see where time goes.
    ...(process.env.BENCH_CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] } : {}),
  });
  fakes.slack.connectApp({ requestUrl: `${spawned.url}/slack/events`, signingSecret: secrets.signingSecret });
  return running(spawned, dir, join(dir, 'firebreak.db'));
}

export type FloorName = Parameters<Built['floor']>[0];

/** A floor, compiled, in a fresh dir; connected to the fake Slack as its app when one is given. */
export async function startFloor(built: Built, name: FloorName, slack?: FakeSlack): Promise<Running> {
  const dir = tempDir(name);
  const port = await freePort();
  const dbPath = join(dir, 'floor.db');
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: dbPath,
    ALERT_WEBHOOK_TOKEN: secrets.alertToken,
    NODE_ENV: 'production',
  };
  if (slack) {
    const { botId, botUserId } = slack.auth();
    Object.assign(env, {
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: secrets.botToken,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
      SLACK_BOT_ID: botId,
      SLACK_BOT_USER_ID: botUserId,
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const spawned = await spawnFirebreak(env, { cwd: dir, compiledMain: built.floor(name), healthUrl: `${url}/healthz` });
  slack?.connectApp({ requestUrl: `${url}/slack/events`, signingSecret: secrets.signingSecret });
  return running(spawned, dir, dbPath);
}
