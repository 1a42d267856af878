// `npm run bench`: Firebreak's speed through the real HTTP server and Bolt receiver, against the local
// fake Slack, on a real SQLite file. Not part of the tests: speed is measured here, never asserted there.
//   (a) alert accepted → card posted, p50/p99
//   (b) storm: 10,000 alerts of one group in 10 s — incidents opened, Slack calls, per-channel rate, RSS
//   (c) slash command → acknowledgement, p99
//   (d) alert accepted → page accepted by PagerDuty (the local fake), p50/p99
//   (e) "Scale out +4" click → RunInstances accepted, and → instances running on the card
//   (f) postmortem drafting time for a 10,000-event timeline
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { draftPostmortem, postmortemMarkdown } from '../src/domain/postmortem';
import type { TimelineEvent } from '../src/domain/timeline';
import { postmortemHtml } from '../src/web/postmortem-page';
import { flashSaleScenario } from '../test/support/flash-sale';
import { FakeCloud } from '../src/sandbox/fake-cloud';
import { FakePagerDuty } from '../src/sandbox/fake-pagerduty';
import { FakeSlack } from '../src/sandbox/fake-slack';
import { spawnFirebreak, type FirebreakProcess } from '../test/support/process';

const ALERT_TOKEN = 'bench-alert-token-0123456789';
const SIGNING_SECRET = 'bench-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-bench';
const PAGERDUTY_ROUTING_KEY = 'bench-routing-key-0123456789abcdef';
const SCALE_CLICKS = Number(process.env.BENCH_SCALE_CLICKS ?? 20);
/** How long the simulated cloud takes to bring an instance from pending to running. */
const LAUNCH_SECONDS = 1;
const SCALE_POLICY = [
  'scaleTargets:',
  '  - name: web',
  '    kind: ec2-launch-template',
  '    launchTemplate: { id: lt-0web00000000000 }',
  '    subnets: [subnet-0aa11bb22cc33dd44]',
  '    max: 1000',
  '    maxStep: 10',
  '    cooldownSeconds: 0',
  '    buttons: [4]',
  '    services: [web]',
].join('\n');

const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 50);
const STORM_ALERTS = Number(process.env.BENCH_STORM_ALERTS ?? 10_000);
const STORM_SECONDS = Number(process.env.BENCH_STORM_SECONDS ?? 10);
const COMMAND_SAMPLES = Number(process.env.BENCH_COMMAND_SAMPLES ?? 500);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

function alertmanagerDelivery(groupKey: string, title: string, instance: number, extra: Record<string, string> = {}) {
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firebreak',
    groupLabels: { alertname: 'HighRequestRate' },
    commonLabels: { alertname: 'HighRequestRate', service: 'web' },
    commonAnnotations: extra,
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighRequestRate', service: 'web', severity: 'critical', instance: `web-${instance}:9100` },
        annotations: { summary: title },
        startsAt: '2026-11-24T11:30:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint: `fp-${groupKey.length}-${instance}`,
      },
    ],
  };
}

// Like Alertmanager, the sender keeps a pool of connections open rather than a socket per alert
// (thousands of simultaneous connects would measure the kernel's accept queue, not Firebreak).
const senders = new Agent({ keepAlive: true, maxSockets: 32 });

function postAlert(firebreak: FirebreakProcess, body: unknown): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  const url = new URL('/alerts/alertmanager', firebreak.url);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: senders,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${ALERT_TOKEN}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Firebreak in its own process, as `npm start` runs it, so its CPU and memory are its own. */
async function start(slack: FakeSlack, pagerDuty: FakePagerDuty, cloud: FakeCloud, dir: string): Promise<FirebreakProcess> {
  const policy = join(dir, 'firebreak.yaml');
  writeFileSync(policy, SCALE_POLICY);
  const firebreak = await spawnFirebreak({
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
    LINK_SECRET: 'bench-link-secret-0123456789abcdef0123456789',
    DATABASE_URL: `sqlite:${join(dir, 'firebreak.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    PAGERDUTY_ROUTING_KEY: PAGERDUTY_ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl,
    FIREBREAK_CONFIG: policy,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_EC2: cloud.ec2Url,
    AWS_ENDPOINT_URL_AUTO_SCALING: cloud.autoScalingUrl,
  }, {
    cwd: dir,
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of Firebreak's process there, to see where time goes.
    ...(process.env.BENCH_CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] } : {}),
  });
  slack.connectApp({ requestUrl: `${firebreak.url}/slack/events`, signingSecret: SIGNING_SECRET });
  return firebreak;
}

/** One value from Firebreak's /metrics (summed over labels). */
async function metric(firebreak: FirebreakProcess, name: string): Promise<number> {
  const text = await (await fetch(`${firebreak.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** The highest resident set size the process has had (Linux VmHWM). */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Resolves when `check` holds, re-checked on every change the fake records. */
function when(slack: { onChange(fn: () => void): () => void }, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const off = slack.onChange(() => {
      if (check()) {
        off();
        resolve();
      }
    });
  });
}

/** (a) alert accepted → card posted, and alert accepted → page accepted by PagerDuty, per new incident. */
async function alertToCardAndPage(slack: FakeSlack, pagerDuty: FakePagerDuty, firebreak: FirebreakProcess): Promise<{ card: number[]; page: number[] }> {
  const samples: number[] = [];
  const pageSamples: number[] = [];
  const bot = slack.auth().botUserId;
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    const title = `Latency sample ${i}`;
    const response = await postAlert(firebreak, alertmanagerDelivery(`{}:{sample="${i}"}`, title, 1));
    if (response.status !== 202) throw new Error(`alert refused: ${response.status} ${response.text}`);
    const accepted = performance.now();
    const dedupKey = `firebreak-inc-${(JSON.parse(response.text) as { incidents: number[] }).incidents[0]}`;
    const name = `-latency-sample-${i}`;
    const card = when(slack, () => {
      const channel = slack.listChannels().find((c) => c.name.endsWith(name));
      return Boolean(channel && slack.messages(channel.id).some((m) => m.user === bot));
    }).then(() => samples.push(performance.now() - accepted));
    const page = when(pagerDuty, () => pagerDuty.events().some((e) => e.status === 202 && e.dedupKey === dedupKey)).then(() => pageSamples.push(performance.now() - accepted));
    await Promise.all([card, page]);
  }
  return { card: samples, page: pageSamples };
}

/** (e) Signed "Scale out +4" clicks on an incident card, one after another (one operation per target at a time). */
async function scaleClicks(slack: FakeSlack, cloud: FakeCloud): Promise<{ accepted: number[]; running: number[] }> {
  const channel = slack.listChannels().find((c) => c.name.endsWith('-latency-sample-0'));
  if (!channel) throw new Error('no incident channel to scale from');
  const accepted: number[] = [];
  const running: number[] = [];
  for (let i = 0; i < SCALE_CLICKS; i += 1) {
    const card = slack.messages(channel.id).find((m) => m.pinned);
    if (!card) throw new Error('the incident has no card');
    const launchesBefore = cloud.calls('RunInstances').filter((c) => c.status === 200).length;
    const target = (i + 1) * 4;
    const started = performance.now();
    await slack.clickButton({ userId: 'U0ALICE', channelId: channel.id, messageTs: card.ts, actionId: 'scale_out:web:4' });
    // Polled: the simulated cloud reports state changes, not the calls that cause them.
    while (cloud.calls('RunInstances').filter((c) => c.status === 200).length <= launchesBefore) await new Promise((r) => setTimeout(r, 2));
    accepted.push(performance.now() - started);
    await when(slack, () => slack.messages(channel.id).some((m) => m.pinned && JSON.stringify(m.blocks).includes(`web is at ${target} instances`)));
    running.push(performance.now() - started - LAUNCH_SECONDS * 1000);
  }
  return { accepted, running };
}

async function storm(slack: FakeSlack, firebreak: FirebreakProcess) {
  const groupKey = '{}/{severity="critical"}:{alertname="HighRequestRate",service="web"}';
  // Start from a quiet outbox (the latency phase's announcements share one paced channel).
  while ((await metric(firebreak, 'firebreak_outbox_depth')) > 0) await new Promise((r) => setTimeout(r, 100));
  const before = await metric(firebreak, 'firebreak_incidents_opened_total');
  const callsBefore = slack.calls().length;
  const started = performance.now();
  const intervalMs = (STORM_SECONDS * 1000) / STORM_ALERTS;
  let accepted = 0;
  let refused = 0;
  const refusals = new Map<string, number>();
  const refuse = (why: string): void => {
    refused += 1;
    refusals.set(why, (refusals.get(why) ?? 0) + 1);
  };
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < STORM_ALERTS; i += 1) {
    // Paced to the target rate: each alert leaves at its slot, without waiting for earlier answers.
    const slot = started + i * intervalMs;
    const wait = slot - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      postAlert(firebreak, alertmanagerDelivery(groupKey, 'Request rate on web is 8x normal', i % 200, { delivery: String(i) })).then(
        (r) => {
          if (r.status === 202) accepted += 1;
          else refuse(`HTTP ${r.status}`);
        },
        (error: Error & { code?: string }) => refuse(error.code ?? error.message),
      ),
    );
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - started) / 1000;
  // Let the outbox finish: the card shows the last count once Slack's pace allows.
  const deadline = Date.now() + 30_000;
  while ((await metric(firebreak, 'firebreak_outbox_depth')) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const drainSeconds = (performance.now() - started) / 1000;
  const after = await metric(firebreak, 'firebreak_incidents_opened_total');
  return {
    incidentsOpened: after - before,
    accepted,
    refused,
    refusals: [...refusals].map(([why, n]) => `${n}× ${why}`).join(', '),
    alertsPerSecond: accepted / sendSeconds,
    slackCalls: slack.calls().length - callsBefore,
    maxPerChannelPerSecond: slack.maxCallsPerChannelPerSecond(['chat.postMessage', 'chat.update']),
    peakRssMiB: peakRssMiB(firebreak.child.pid ?? 0),
    sendSeconds,
    drainSeconds,
  };
}

async function slashCommands(slack: FakeSlack): Promise<number[]> {
  const general = slack.channelByName('general');
  if (!general) throw new Error('the fake Slack has no #general');
  const samples: number[] = [];
  for (let i = 0; i < COMMAND_SAMPLES; i += 1) {
    const text = i % 2 === 0 ? 'list' : 'help';
    const started = performance.now();
    const reply = await slack.slashCommand({ command: '/incident', text, userId: 'U0ALICE', channelId: general.id });
    if (reply.status !== 200) throw new Error(`slash command answered ${reply.status}`);
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * (f) Drafting a postmortem from a 10,000-event timeline: the flash-sale incident with thousands of
 * refires and notes between its real events, drafted to Markdown and to the HTML page.
 */
function draftingTime(events = 10_000): { ms: number; htmlKb: number } {
  const scenario = flashSaleScenario();
  const base = scenario.events;
  const filler: TimelineEvent[] = [];
  const start = base[0]!.at.getTime();
  const span = base.at(-1)!.at.getTime() - start;
  for (let i = 0; filler.length + base.length < events; i += 1) {
    const at = new Date(start + Math.floor((span * i) / events));
    filler.push(i % 4 === 0
      ? { id: 100_000 + i, incidentId: base[0]!.incidentId, at, type: 'note.added', actor: { kind: 'user', id: 'U0BOB', name: 'bob' }, data: { text: `observation ${i}` } }
      : { id: 100_000 + i, incidentId: base[0]!.incidentId, at, type: 'alert.fired', actor: { kind: 'monitor', id: 'alertmanager' }, data: { fingerprint: 'web-high-request-rate', title: 'High request rate on web', severity: 'sev2', refired: true } });
  }
  const all = [...base, ...filler].sort((a, b) => a.at.getTime() - b.at.getTime());
  const runs: number[] = [];
  let html = '';
  for (let r = 0; r < 5; r += 1) {
    const started = performance.now();
    const pm = draftPostmortem({ ...scenario, events: all, timeZone: 'UTC' });
    postmortemMarkdown(pm);
    html = postmortemHtml(pm, { generatedAt: scenario.now });
    runs.push(performance.now() - started);
  }
  return { ms: percentile(runs, 50), htmlKb: Buffer.byteLength(html) / 1024 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
  const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  const pagerDuty = await FakePagerDuty.start({ routingKey: PAGERDUTY_ROUTING_KEY });
  const cloud = await FakeCloud.start({ launchSeconds: LAUNCH_SECONDS });
  const firebreak = await start(slack, pagerDuty, cloud, dir);
  try {
    console.log(`Firebreak bench — Node ${process.version}, SQLite in ${dir}, fake Slack on ${slack.apiUrl}\n`);
    const latency = await alertToCardAndPage(slack, pagerDuty, firebreak);
    console.log(`(a) alert accepted → card posted (${latency.card.length} incidents): p50 ${ms(percentile(latency.card, 50))}, p99 ${ms(percentile(latency.card, 99))}`);
    console.log(`(d) alert accepted → page accepted by PagerDuty: p50 ${ms(percentile(latency.page, 50))}, p99 ${ms(percentile(latency.page, 99))}`);
    const scale = await scaleClicks(slack, cloud);
    console.log(`(e) "Scale out +4" click → RunInstances accepted (${scale.accepted.length} clicks): p50 ${ms(percentile(scale.accepted, 50))}, p99 ${ms(percentile(scale.accepted, 99))}`);
    console.log(`    click → "instances running" on the card, minus the simulated ${LAUNCH_SECONDS} s launch: p50 ${ms(percentile(scale.running, 50))}, p99 ${ms(percentile(scale.running, 99))}`);

    const s = await storm(slack, firebreak);
    console.log(`(b) storm: ${STORM_ALERTS} alerts of one group in ${STORM_SECONDS} s`);
    console.log(`    incidents opened:          ${s.incidentsOpened}${s.incidentsOpened === 1 ? '' : '   <-- must be 1'}`);
    console.log(`    accepted / refused:        ${s.accepted} / ${s.refused}${s.refused ? ` (${s.refusals})` : ''} (sent in ${s.sendSeconds.toFixed(1)} s)`);
    console.log(`    alerts/s accepted:         ${s.alertsPerSecond.toFixed(0)}`);
    console.log(`    Slack calls made:          ${s.slackCalls} (outbox drained after ${s.drainSeconds.toFixed(1)} s)`);
    console.log(`    highest per-channel rate:  ${s.maxPerChannelPerSecond} messages+edits in any 1 s`);
    console.log(`    peak RSS:                  ${s.peakRssMiB.toFixed(0)} MiB (Firebreak's own process)`);

    const drafting = draftingTime();
    console.log(`(f) postmortem drafted from a 10,000-event timeline (Markdown + HTML page): ${ms(drafting.ms)} (median of 5), page ${drafting.htmlKb.toFixed(0)} KiB`);
    const commands = await slashCommands(slack);
    console.log(`(c) slash command → ack (${commands.length}, signed, through Bolt): p50 ${ms(percentile(commands, 50))}, p99 ${ms(percentile(commands, 99))}`);
    const problems = firebreak.logs.filter((l) => l.level === 'warn' || l.level === 'error');
    if (problems.length > 0) console.log(`\n${problems.length} warnings/errors in Firebreak's log, e.g.: ${JSON.stringify(problems.slice(0, 3))}`);
    if (s.incidentsOpened !== 1) process.exitCode = 1;
  } finally {
    senders.destroy();
    firebreak.child.kill('SIGTERM');
    await firebreak.exited;
    await slack.stop();
    await pagerDuty.stop();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
