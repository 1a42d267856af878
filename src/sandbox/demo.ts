// `npm run demo`: the flash-sale outage of 15 February 2023, replayed at speed in the sandbox — first the
// capacity warning Firebreak would have posted before it (no one had it then), then, as it happened, alerts as
// traffic climbs, the page, the acknowledgement, two scale-outs, alerts resolving, resolution with impact and
// root cause; then the next sale, planned with `/capacity plan`, confirmed, pre-scaled and scaled back. Every
// step goes through the real paths (HTTP ingest, signed Slack requests, signed PagerDuty webhooks, the AWS SDK
// against the simulated cloud, the local Prometheus). The clock is the script's, so the postmortem's times and
// durations are the outage's: 11:30 to 14:00 UTC, two and a half hours.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import { startFirebreak, type Firebreak } from '../firebreak';
import { createLogger } from '../observability/logger';
import type { CapacityWarning } from '../domain/capacity/capacity-warning';
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
  /** How many script milliseconds pass per wall-clock millisecond while it runs. */
  private rate = 1;
  constructor(start: Date) {
    this.at = start.getTime();
  }
  now(): Date {
    return new Date(this.passingSince === null ? this.at : this.at + (Date.now() - this.passingSince) * this.rate);
  }
  /** Moves to a wall-clock time of the outage day (time passing in the script, not in the world), standing still. */
  set(at: Date): void {
    if (at.getTime() < this.now().getTime())
      throw new Error(`demo: the script goes back in time to ${at.toISOString()}`);
    this.at = at.getTime();
    this.passingSince = null;
  }
  /**
   * Lets time pass as in the world, from where the clock stands, until the next set() or stop(); `rate` times
   * faster while the script only waits out Slack's one write a second and the like (seconds, never minutes).
   */
  run(rate = 1): void {
    if (this.passingSince !== null && rate === this.rate) return;
    this.stop();
    this.rate = rate;
    this.passingSince = Date.now();
  }
  /** Stands still where it got to. */
  stop(): void {
    this.at = this.now().getTime();
    this.passingSince = null;
    this.rate = 1;
  }
}

const DAY = '2023-02-15';
const at = (hhmm: string, day = DAY): Date => new Date(`${day}T${hhmm}:00Z`);
const hhmm = (time: Date): string => time.toISOString().slice(11, 16);
/** The next sale, a month later: planned this time, from the postmortem's follow-up with marketing. */
const NEXT_SALE_DAY = '2023-03-15';
const MINUTE = 60_000;

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
  options: { clock?: ScriptClock; rate?: number; timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      options.clock?.stop();
      return value;
    }
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    options.clock?.run(options.rate);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves once Firebreak has done all it had due at the script's time: no outbox job running or due, no lane in
 * the worker's hands. Time passes while it waits (a channel's one write a second), then stands still again.
 */
function settle(firebreak: Firebreak, clock: ScriptClock): (what: string) => Promise<void> {
  const { store, outbox } = firebreak;
  return async (what) => {
    outbox.wake();
    await until(
      what,
      async () => {
        if (outbox.lanesInHand > 0) return false;
        if ((await store.outbox.list({ status: 'running' })).length > 0) return false;
        const now = clock.now();
        if ((await store.outbox.list({ status: 'pending' })).some((j) => j.nextAttemptAt <= now)) return false;
        return outbox.lanesInHand === 0;
      },
      // Ten times faster: what it waits for is paced in seconds, and the minute the script stands at stays put.
      { clock, rate: 10 },
    );
  };
}

/**
 * Moves the script's clock a minute at a time, letting Firebreak do what falls due each minute, until `check`
 * finds what the script waits for; fails if it has not happened by `last`.
 */
async function minuteByMinute<T>(
  clock: ScriptClock,
  settled: (what: string) => Promise<void>,
  what: string,
  check: () => Promise<T | undefined>,
  last: Date,
): Promise<T> {
  for (;;) {
    await settled(what);
    const found = await check();
    if (found !== undefined) return found;
    const next = new Date((Math.floor(clock.now().getTime() / MINUTE) + 1) * MINUTE);
    if (next.getTime() > last.getTime())
      throw new Error(`demo: no ${what} by ${last.toISOString()}: the story cannot be told without it`);
    clock.set(next);
  }
}

/**
 * After the postmortem, its follow-up "a protocol with marketing for high-traffic events" made concrete: the team
 * brings web back to 4 once the sale's traffic has gone, marketing plans the next sale with `/capacity plan`, an
 * approver of web confirms it, Firebreak pre-scales it in steps before it starts and offers the scale-back after.
 */
async function nextSale(
  firebreak: Firebreak,
  clock: ScriptClock,
  settled: (what: string) => Promise<void>,
  /** Prints a step at the script's time, or at `time`, when Firebreak recorded what it did. */
  step: (text: string, time?: Date) => void,
  say: (line: string) => void,
): Promise<void> {
  const sandbox = firebreak.sandbox;
  if (!sandbox) throw new Error('demo: Firebreak did not start in sandbox mode');
  const slack = sandbox.slack;
  const store = firebreak.store;
  const tick = <T>(what: string, check: () => Promise<T | undefined>, last: Date) =>
    minuteByMinute(clock, settled, what, check, last);
  const operationDone = (to: number) => async () => {
    const op = await store.scaleOperations.latestForTarget('web');
    return op?.to === to && op.status === 'completed' ? op : undefined;
  };

  say('');
  say('The next sale, planned this time (the follow-up "agree a protocol with marketing" made concrete):');
  // The sale's traffic has gone by the afternoon: the team brings web back to 4, within its max step of 10.
  for (const [time, to] of [
    ['15:00', 14],
    ['15:05', 4],
  ] as const) {
    clock.set(at(time));
    await slack.commandAnswer({ command: '/scale', text: `web ${to}`, userId: 'U0ALICE', channelId: 'C0GENERAL' });
    step(`Alice: /scale web ${to} — the sale's traffic has gone (web scales in steps of at most 10)`);
    await tick(`web at ${to}`, operationDone(to), at(time === '15:00' ? '15:04' : '15:09'));
  }

  const planAt = (hhmmText: string) => at(hhmmText, NEXT_SALE_DAY);
  clock.set(at('09:00', '2023-02-20'));
  say('  2023-02-20');
  const proposal = 'plan web 24 at 2023-03-15 11:00 for 3h Spring flash sale';
  const proposed = (await slack.commandAnswer({
    command: '/capacity',
    text: proposal,
    userId: 'U0CAROL',
    channelId: 'C0GENERAL',
  })) as { text?: string };
  if (!proposed.text?.includes('Planned *CAP-'))
    throw new Error(`demo: the capacity plan was refused: ${JSON.stringify(proposed)}`);
  const announced = await tick(
    'the plan announced in #incidents',
    async () => {
      const plan = (await store.capacityPlans.listInStates(['proposed'], 'web'))[0];
      return plan?.announcement ? plan : undefined;
    },
    at('09:05', '2023-02-20'),
  );
  step(
    `Carol (engineering manager), with the date from marketing, proposes: /capacity ${proposal} — announced in #incidents as CAP-${announced.id}`,
  );

  clock.set(at('09:30', '2023-02-20'));
  const confirmed = await slack.clickButton({
    userId: 'U0BOB',
    channelId: announced.announcement?.channelId ?? 'C0INCIDENTS',
    messageTs: announced.announcement?.messageId ?? '',
    actionId: 'capacity_confirm',
    value: String(announced.id),
  });
  if (confirmed.status !== 200) throw new Error(`demo: the confirmation was refused (${confirmed.status})`);
  await tick(
    'the plan confirmed',
    async () => ((await store.capacityPlans.findById(announced.id))?.state === 'confirmed' ? true : undefined),
    at('09:35', '2023-02-20'),
  );
  step('Bob, an approver of web (@oncall-web), confirms it: Firebreak will scale web to 24 before the sale');

  // The sale's day: Firebreak pre-scales `leadMinutes` before it, in steps of at most web's max step.
  clock.set(planAt('10:29'));
  say(`  ${NEXT_SALE_DAY}, the sale's day`);
  const preScaled = await tick(
    'the pre-scale to 24',
    async () => {
      const plan = await store.capacityPlans.findById(announced.id);
      const last = plan?.steps.at(-1);
      return plan?.state === 'pre-scaled' && last?.what.endsWith('24 running') ? plan : undefined;
    },
    planAt('10:59'),
  );
  // Printed at the minute each step was recorded (the plan's own record), as the other steps are.
  for (const s of preScaled.steps.filter((s) => s.scale?.phase === 'prescale'))
    say(`  ${hhmm(s.at)}  Firebreak, for CAP-${preScaled.id}: ${s.what}`);
  step('24 web servers running before the sale starts at 11:00', preScaled.steps.at(-1)?.at);

  clock.set(planAt('14:00'));
  const offered = await tick(
    'the scale-back offer',
    async () => {
      const plan = await store.capacityPlans.findById(announced.id);
      return plan?.scaleBackMessage ? plan : undefined;
    },
    planAt('14:05'),
  );
  step(
    `The sale is over: Firebreak offers "Scale back to ${offered.scaleBackTo}" in #incidents`,
    offered.steps.find((s) => s.what === 'scale-back offered')?.at,
  );
  clock.set(planAt('14:30'));
  const back = await slack.clickButton({
    userId: 'U0BOB',
    channelId: offered.scaleBackMessage?.channelId ?? 'C0INCIDENTS',
    messageTs: offered.scaleBackMessage?.messageId ?? '',
    actionId: 'capacity_scale_back',
    value: String(offered.id),
  });
  if (back.status !== 200) throw new Error(`demo: the scale-back click was refused (${back.status})`);
  step('Bob clicks "Scale back to 4"');
  const scaledBack = await tick(
    'the scale-back to 4',
    async () => {
      const plan = await store.capacityPlans.findById(offered.id);
      return plan?.steps.at(-1)?.what.endsWith(' 4 running') ? plan : undefined;
    },
    planAt('14:59'),
  );
  for (const s of scaledBack.steps.filter((s) => s.scale?.phase === 'scale-back'))
    say(`  ${hhmm(s.at)}  Firebreak, for CAP-${scaledBack.id}: ${s.what}`);
}

/**
 * What a capacity warning says, in a line: when its forecast has web pass the target utilization and the capacity
 * of its servers (if within the lookahead), the load, the offer. The forecast is the upper end of what the load
 * may do (that is what the offer covers), so these times are the earliest the forecast allows.
 */
function warningSays(n: CapacityWarning['numbers']): string {
  const servers = `what ${n.instances} servers carry`;
  const target = `${Math.round(n.targetUtilization * 100)} %`;
  const saturates =
    n.passesTargetAt && n.saturatesAt
      ? `the forecast has web pass ${target} of ${servers} at ${hhmm(n.passesTargetAt)} and all of it at ${hhmm(n.saturatesAt)} at the earliest`
      : n.passesTargetAt
        ? `the forecast has web pass ${target} of ${servers} at ${hhmm(n.passesTargetAt)} at the earliest`
        : `web needs ${n.needed} servers within ${n.lookaheadMinutes} minutes`;
  return `${saturates} (load ${Math.round(n.loadNow)} req/s now, forecast ${Math.round(n.peak.value)} req/s at ${hhmm(n.peak.at)}; ${n.instances} servers, ${n.needed} needed); "Scale out +${n.scaleOut}" offered`;
}

export interface DemoResult {
  firebreak: Firebreak;
  postmortemMarkdown: string;
  postmortemUrl: string;
  consoleUrl: string;
  /** The capacity warning's message in #incidents as it was when the demo printed it, before the first alert. */
  warningAsShown: { text: string; blocks: unknown };
}

/** Runs the whole outage; `say` prints each step. The caller stops `firebreak` when done. */
export async function runFlashSaleDemo(
  options: { dir?: string; say?: (line: string) => void; port?: number } = {},
): Promise<DemoResult> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'firebreak-demo-'));
  const clock = new ScriptClock(at('11:15'));
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
  const step = (text: string, time = clock.now()): void => say(`  ${hhmm(time)}  ${text}`);
  const recorded = (type: string) => async () => (await firebreak.store.timeline.list(1)).find((e) => e.type === type);
  say(`Replaying the flash-sale outage of ${DAY} against Firebreak's sandbox (${firebreak.url})`);
  const settled = settle(firebreak, clock);

  // Before the outage: the capacity watch looks at the web tier's load each minute as the sale builds.
  const warning = await minuteByMinute(
    clock,
    settled,
    'the capacity warning in #incidents, before the first alert at 11:30',
    async () => {
      const open = await firebreak.store.capacityWarnings.findOpen('web');
      return open?.messageId ? open : undefined;
    },
    at('11:29'),
  );
  // When the load really passes what web's servers carry, on the sandbox's curve: what the warning is ahead of.
  const capacity = warning.numbers.instances * sandbox.webTier.perInstance;
  const warnedAt = Math.floor(warning.openedAt.getTime() / MINUTE) * MINUTE;
  let overwhelmed = warnedAt;
  while (sandbox.traffic.rateAt(new Date(overwhelmed)) <= capacity) overwhelmed += MINUTE;
  const lead = (overwhelmed - warnedAt) / MINUTE;
  step(
    `Firebreak warns in #incidents: ${warningSays(warning.numbers)} — ${lead} minutes before the load really passes what ${warning.numbers.instances} servers carry (${capacity} req/s, at ${hhmm(new Date(overwhelmed))})`,
    warning.openedAt,
  );
  // As #incidents showed it then (it is edited after, and closes once the capacity is added).
  const shown = slack.messages(warning.channelId ?? '').find((m) => m.ts === warning.messageId);
  const warningAsShown = {
    text: shown?.text ?? '',
    blocks: JSON.parse(JSON.stringify(shown?.blocks ?? [])) as unknown,
  };
  // It updates in place each minute as the sale builds; the script follows it up to the minute before the alert.
  let said = warning;
  for (let minute = clock.now().getTime() + MINUTE; minute < at('11:30').getTime(); minute += MINUTE) {
    clock.set(new Date(minute));
    await settled('the warning updated');
    const now = await firebreak.store.capacityWarnings.findById(warning.id);
    if (now?.state !== 'open') break;
    if (now.numbers.scaleOut !== said.numbers.scaleOut || (now.numbers.saturatesAt && !said.numbers.saturatesAt)) {
      step(`The warning, updated in place: ${warningSays(now.numbers)}`, now.numbers.at);
      said = now;
    }
  }
  say('         In 2023 nobody had this warning, so the replay goes on as it happened.');

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

  await nextSale(firebreak, clock, settled, step, say);
  // The story is over: from here the sandbox's time goes on as the world's does, from where the next sale left it.
  clock.run();
  return {
    firebreak,
    postmortemMarkdown: file.content,
    postmortemUrl,
    consoleUrl: `${firebreak.url}/sandbox`,
    warningAsShown,
  };
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
