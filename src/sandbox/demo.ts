// `npm run demo`: the flash-sale outage of 15 February 2023, replayed at speed in the sandbox — alerts
// as traffic climbs, the page, the acknowledgement, two scale-outs, alerts resolving, resolution with
// impact and root cause — every step through the real paths (HTTP ingest, signed Slack requests, signed
// PagerDuty webhooks, the AWS SDK against the simulated cloud). The clock is the script's, so the
// postmortem's times and durations are the outage's: 11:30 to 14:00 UTC, two and a half hours.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import { startFirebreak, type Firebreak } from '../firebreak';
import { createLogger } from '../observability/logger';
import type { Clock } from '../ports/clock';

/**
 * The script's clock. It stands still while the script acts, so everything it does is recorded at the minute it
 * says; it jumps when the script says so; time passes only while the script waits for Firebreak (a channel, a
 * card edit paced to Slack's one write a second). When the story is over, `run()` lets it go on in real time
 * from there, so the sandbox stays usable and its times follow on from the outage's.
 */
export class ScriptClock implements Clock {
  private at: number;
  /** Wall-clock ms since which time has been passing; null while it stands still. */
  private passingSince: number | null = null;
  constructor(start: Date) {
    this.at = start.getTime();
  }
  now(): Date {
    return new Date(this.passingSince === null ? this.at : this.at + (Date.now() - this.passingSince));
  }
  /** Moves to a wall-clock time of the outage day (time passing in the script, not in the world), standing still. */
  set(at: Date): void {
    if (at.getTime() < this.now().getTime())
      throw new Error(`demo: the script goes back in time to ${at.toISOString()}`);
    this.at = at.getTime();
    this.passingSince = null;
  }
  /** Lets time pass as in the world, from where the clock stands, until the next set() or stop(). */
  run(): void {
    if (this.passingSince === null) this.passingSince = Date.now();
  }
  /** Stands still where it got to. */
  stop(): void {
    this.at = this.now().getTime();
    this.passingSince = null;
  }
}

const DAY = '2023-02-15';
const at = (hhmm: string): Date => new Date(`${DAY}T${hhmm}:00Z`);

function alertmanagerBody(status: 'firing' | 'resolved', instances: number[], startsAt: string, endsAt?: string) {
  return {
    version: '4',
    groupKey: '{}/{service="web"}:{alertname="HighRequestRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'firebreak',
    groupLabels: { alertname: 'HighRequestRate' },
    commonLabels: { alertname: 'HighRequestRate', service: 'web', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com:9093',
    alerts: instances.map((n) => ({
      status,
      labels: {
        alertname: 'HighRequestRate',
        service: 'web',
        severity: 'critical',
        instance: `web-${n}.prod.internal:9100`,
      },
      annotations: {
        summary: 'Request rate on web is 8x normal',
        description: `web-${n} is serving 8x its usual request rate (flash-sale traffic)`,
      },
      startsAt,
      endsAt: endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.com:9090/graph?g0.expr=rate',
      fingerprint: `demo-web-${n}`,
    })),
  };
}

/**
 * Waits for Firebreak to do something. With `clock`, time passes while waiting (paced card edits, outbox
 * retries) and stands still again after, so what the script does next is recorded at the script's time.
 */
async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { clock?: ScriptClock; timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      options.clock?.stop();
      return value;
    }
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    options.clock?.run();
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DemoResult {
  firebreak: Firebreak;
  postmortemMarkdown: string;
  postmortemUrl: string;
  consoleUrl: string;
}

/** Runs the whole outage; `say` prints each step. The caller stops `firebreak` when done. */
export async function runFlashSaleDemo(
  options: { dir?: string; say?: (line: string) => void; port?: number } = {},
): Promise<DemoResult> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'firebreak-demo-'));
  const clock = new ScriptClock(at('11:29'));
  const config = loadConfig(
    {
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`,
      FIREBREAK_SANDBOX_DIR: dir,
      LOG_LEVEL: 'warn',
      TIMEZONE: 'UTC',
    },
    { cwd: dir },
  );
  const firebreak = await startFirebreak({
    config,
    clock,
    logger: createLogger({ level: process.env.DEMO_LOG_LEVEL ?? 'error' }),
    outbox: { pollMs: 100 },
  });
  try {
    return await replay(firebreak, clock, config.env.ALERT_WEBHOOK_TOKEN, say);
  } catch (error) {
    await firebreak.stop();
    throw error;
  }
}

async function replay(
  firebreak: Firebreak,
  clock: ScriptClock,
  alertToken: string,
  say: (line: string) => void,
): Promise<DemoResult> {
  const sandbox = firebreak.sandbox;
  if (!sandbox) throw new Error('demo: Firebreak did not start in sandbox mode');
  const slack = sandbox.slack;
  const pagerDuty = sandbox.pagerDuty.fake;
  const post = async (body: unknown): Promise<void> => {
    const response = await fetch(`${firebreak.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alertToken}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) throw new Error(`demo: alert refused (${response.status}): ${await response.text()}`);
  };
  /** Prints a step with the script's time, the time Firebreak recorded what the step did. */
  const step = (text: string): void => say(`  ${clock.now().toISOString().slice(11, 16)}  ${text}`);
  const recorded = (type: string) => async () => (await firebreak.store.timeline.list(1)).find((e) => e.type === type);
  say(`Replaying the flash-sale outage of ${DAY} against Firebreak's sandbox (${firebreak.url})`);

  clock.set(at('11:30'));
  await post(alertmanagerBody('firing', [1, 2], `${DAY}T11:30:00Z`));
  step('Flash sale starts; Alertmanager fires HighRequestRate for web-1 and web-2');
  const channel = await until('the incident channel', () =>
    slack.listChannels().find((c) => c.name.startsWith('inc-')),
  );
  await until('the page', async () => pagerDuty.incidents()[0] && (await recorded('page.sent')()));
  step('PagerDuty pages the on-call engineer (Alice)');
  await until('the incident card', () => slack.messages(channel.id).find((m) => m.pinned), { clock });
  step(
    `Firebreak opens #${channel.name}, pins the incident card, announces it in #incidents; Alice and Bob are invited`,
  );

  clock.set(at('11:33'));
  await post(alertmanagerBody('firing', [1, 2, 3, 4], `${DAY}T11:30:00Z`));
  step('Traffic climbs: web-3 and web-4 fire too');

  clock.set(at('11:35'));
  await until('the reminder that the page is not acknowledged', recorded('page.unacknowledged'), { clock });
  step('Nobody has acknowledged the page after 5 minutes: Firebreak says so in the channel');

  clock.set(at('11:38'));
  const page = pagerDuty.incidents()[0];
  if (!page) throw new Error('the demo expected Firebreak to have paged the on-call engineer by now');
  await pagerDuty.acknowledge(page.dedupKey, { userId: 'PUSR0ALICE' });
  step('Alice acknowledges the page in PagerDuty');
  clock.set(at('11:40'));
  await slack.commandAnswer({
    command: '/incident',
    text: 'status identified flash-sale traffic is 8x normal; web tier saturated',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  step('Alice: /incident status identified — flash-sale traffic is 8x normal');

  // The click at `time`; AWS reports the servers running at `done` (EC2 takes a couple of minutes to boot them).
  const scaleOut = async (time: string, done: string, from: number, to: number): Promise<void> => {
    clock.set(at(time));
    const current = await until('the card', () => slack.messages(channel.id).find((m) => m.pinned));
    await slack.clickButton({
      userId: 'U0ALICE',
      channelId: channel.id,
      messageTs: current.ts,
      actionId: `scale_out:web:${to - from}`,
    });
    const operation = async (status: string) =>
      (await firebreak.store.scaleOperations.listByIncident(1)).some((op) => op.to === to && op.status === status);
    await until(`web ${from} → ${to} under way`, () => operation('started'), { timeoutMs: 60_000 });
    step(`Alice clicks "Scale out +${to - from}": web ${from} → ${to}`);
    clock.set(at(done));
    await until(`web at ${to}`, () => operation('completed'), { timeoutMs: 60_000 });
    step(`AWS reports ${to} web servers running`);
  };
  await scaleOut('11:45', '11:47', 4, 14);
  await scaleOut('12:30', '12:32', 14, 24);

  clock.set(at('13:30'));
  await post(alertmanagerBody('resolved', [1, 2, 3, 4], `${DAY}T11:30:00Z`, `${DAY}T13:30:00Z`));
  await slack.commandAnswer({
    command: '/incident',
    text: 'status mitigated traffic stable on 24 servers',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  step('Traffic stabilises; the alerts resolve; Alice marks the incident mitigated');

  clock.set(at('14:00'));
  const resolveCard = await until('the card', () => slack.messages(channel.id).find((m) => m.pinned));
  await slack.clickButton({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: resolveCard.ts,
    actionId: 'incident_resolve',
  });
  await until('the resolve form', () =>
    slack.views('U0ALICE').some((v) => JSON.stringify(v).includes('incident_resolve_form')),
  );
  const text = (value: string) => ({ type: 'plain_text_input', value });
  const submitted = await slack.submitView({
    userId: 'U0ALICE',
    callbackId: 'incident_resolve_form',
    values: {
      summary: {
        summary_input: text(
          'A flash sale drove traffic to 8x normal and overwhelmed the web servers; capacity was added from the incident channel.',
        ),
      },
      impact: { impact_input: text('About 30% of users could not load the store or check out for 2.5 hours.') },
      root_cause: {
        root_cause_input: text(
          "A flash-sale event caused a traffic surge beyond the web tier's fixed capacity; no auto-scaling was in place.",
        ),
      },
      resolution: {
        resolution_input: text('Web servers were added in two steps (4 → 14 → 24) until traffic stabilised.'),
      },
      follow_ups: {
        follow_ups_input: text(
          'Implement auto-scaling policies for the web tier\nEnhance traffic anomaly detection to trigger scaling\nAgree a protocol with marketing to announce high-traffic events',
        ),
      },
    },
  });
  if (submitted.status !== 200 || submitted.body)
    throw new Error(`demo: the resolve form was refused: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  step('Alice resolves the incident with impact, root cause and follow-ups');
  const file = await until('the postmortem', () => slack.files(channel.id)[0], { clock });
  const drafted = await until('the postmortem link', recorded('postmortem.drafted'), { clock });
  const postmortemUrl = drafted.type === 'postmortem.drafted' ? (drafted.data.url ?? '') : '';
  step(`Firebreak drafts the postmortem and posts it in #${channel.name}`);
  // The story is over: from here the sandbox's time goes on as the world's does, from 14:00 on the outage's day.
  clock.run();
  return { firebreak, postmortemMarkdown: file.content, postmortemUrl, consoleUrl: `${firebreak.url}/sandbox` };
}

/**
 * What the demo prints after the postmortem. With `exit`, Firebreak is about to stop and a link to it would be
 * dead: the postmortem page is saved next to the demo's database and named instead.
 */
export async function demoClosingLines(result: DemoResult, options: { exit: boolean; dir: string }): Promise<string[]> {
  if (!options.exit) {
    return [
      `The postmortem page for managers: ${result.postmortemUrl}`,
      `Look around in the sandbox console: ${result.consoleUrl}`,
      'Firebreak keeps running so you can click around; Ctrl-C stops it.',
    ];
  }
  const page = await fetch(result.postmortemUrl);
  if (!page.ok) throw new Error(`demo: the postmortem page answered ${page.status}`);
  const file = join(options.dir, 'postmortem-INC-1.html');
  writeFileSync(file, await page.text());
  return [
    `The postmortem page for managers, saved since Firebreak stops (--exit): ${file}`,
    'Run `npm run demo` without --exit to click around the sandbox console afterwards.',
  ];
}

async function main(): Promise<void> {
  // As in main.ts: the AWS SDK's notice that a future release needs Node 22 is for whoever chooses the Node
  // version, not for someone watching the demo; the SDK's own switch turns it off (a value set outside wins).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = Number(process.env.PORT ?? 3000);
  const exit = process.argv.includes('--exit');
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-demo-'));
  const result = await runFlashSaleDemo({ dir, port: Number.isFinite(port) ? port : 0 });
  process.stdout.write(`\n${'─'.repeat(72)}\n${result.postmortemMarkdown}\n${'─'.repeat(72)}\n\n`);
  for (const line of await demoClosingLines(result, { exit, dir })) process.stdout.write(`${line}\n`);
  if (exit) {
    await result.firebreak.stop();
    return;
  }
  const stop = (): void => {
    void result.firebreak.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
