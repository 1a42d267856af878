// Ingest storms of new alerts (every fingerprint unique, 20 groups): 6 alerts a webhook at 50 in flight,
// and 1 alert a request at 20 in flight, each of BENCH_STORM_ALERTS alerts, against the bare better-sqlite3
// floor. Each storm gives its rate, its p99, and its last tenth's rate over its first (does ingest slow as
// the store grows?). Every run starts from an empty store in a fresh process.
import { alertStorm, type StormResult } from '../alerts';
import { checkFirebreakRun, checkFloorRun } from '../checks';
import { ALERTS_PER_BATCH, CONCURRENCY, STORM_GROUPS, sizes } from '../config';
import { startFirebreak, startFloor } from '../processes';
import { pooled } from '../send';
import { lastTenthOverFirst, latency, mean, rateByTenth } from '../stats';
import { interleaved, reportLogProblems, withFakeSlack, type PhaseContext } from './common';
import { goalBesideIssueFloor } from '../report';

interface StormSpec {
  label: string;
  alertsPerWebhook: number;
  concurrency: number;
}

const shape = (spec: StormSpec, run: string) => ({
  run,
  groups: STORM_GROUPS,
  alertsPerWebhook: spec.alertsPerWebhook,
  totalAlerts: sizes.stormAlerts,
});

/** Alerts sent before each measured storm, not counted: 2% of it, at least 300. */
const warmUpAlerts = (): number => Math.max(300, Math.round(sizes.stormAlerts / 50));

/**
 * The storm, after a short warm-up of new alerts into the same groups: without it the first tenth measured
 * V8 compiling the sender's and the server's code and connections opening (5× slower than the rest in a
 * cold run here), and the last-vs-first ratio said nothing about the store growing.
 */
async function warmedStorm(
  url: string,
  spec: StormSpec,
  run: string,
): Promise<{
  storm: StormResult;
  alertsAccepted: number;
  refused: number;
  refusals: Record<string, number>;
  groups: number;
}> {
  const measured = shape(spec, run);
  const warmUp = await alertStorm(
    url,
    { ...measured, run: `${run}-warm-up`, groupTag: run, totalAlerts: warmUpAlerts() },
    spec.concurrency,
  );
  const storm = await alertStorm(url, measured, spec.concurrency);
  const refusals = { ...warmUp.refusals };
  for (const [why, n] of Object.entries(storm.refusals)) refusals[why] = (refusals[why] ?? 0) + n;
  return {
    storm,
    alertsAccepted: warmUp.units + storm.units,
    refused: warmUp.refused + storm.refused,
    refusals,
    groups: new Set([...warmUp.groups, ...storm.groups]).size,
  };
}

async function floorRun(ctx: PhaseContext, spec: StormSpec): Promise<StormResult> {
  const floor = await startFloor(ctx.built, 'sqlite-ingest');
  const run = await warmedStorm(floor.url, spec, 'floor');
  await floor.stop();
  ctx.checks.refused(`${spec.label}, floor`, run.refused, run.refusals);
  checkFloorRun(ctx.checks, `${spec.label}, floor`, floor.dbPath, run.alertsAccepted);
  floor.remove();
  return run.storm;
}

async function firebreakRun(ctx: PhaseContext, spec: StormSpec): Promise<StormResult & { peakRssMiB: number }> {
  return withFakeSlack(async (slack) => {
    const firebreak = await startFirebreak(ctx.built, { slack });
    const run = await warmedStorm(firebreak.url, spec, 'firebreak');
    const peakRssMiB = firebreak.peakRssMiB();
    await firebreak.stop();
    ctx.checks.refused(`${spec.label}, Firebreak`, run.refused, run.refusals);
    checkFirebreakRun(ctx.checks, {
      label: `${spec.label}, Firebreak`,
      dbPath: firebreak.dbPath,
      alertsAccepted: run.alertsAccepted,
      groups: run.groups,
      slack,
    });
    reportLogProblems(spec.label, firebreak);
    firebreak.remove();
    return { ...run.storm, peakRssMiB };
  });
}

/** Rates, latencies and tenths of one storm (or of the floor's two runs pooled), for bench.json. */
function summary(
  storm: { units: number; requests: number; refused: number; seconds: number; latencies: number[] },
  tenths: number,
) {
  return {
    alerts: storm.units,
    requests: storm.requests,
    seconds: storm.seconds,
    alertsPerSecond: storm.units / storm.seconds,
    requestsPerSecond: (storm.requests - storm.refused) / storm.seconds,
    latencyMs: latency(storm.latencies),
    lastTenthOverFirst: tenths,
  };
}

type Measured = { floor: ReturnType<typeof summary>; firebreak: ReturnType<typeof summary> };

async function measure(ctx: PhaseContext, spec: StormSpec): Promise<Measured> {
  console.log(
    `\n${spec.label}: ${sizes.stormAlerts.toLocaleString('en-US')} new alerts in ${STORM_GROUPS} groups, after ${warmUpAlerts()} not counted (floor, Firebreak, floor)`,
  );
  const { floors, firebreak } = await interleaved(
    () => floorRun(ctx, spec),
    () => firebreakRun(ctx, spec),
  );
  const floor = summary(pooled(floors), mean(floors.map((f) => lastTenthOverFirst(f.completions))));
  const measured = summary(firebreak, lastTenthOverFirst(firebreak.completions));
  ctx.report.record(spec.label, {
    floor,
    firebreak: {
      ...measured,
      peakRssMiB: firebreak.peakRssMiB,
      alertsPerSecondByTenth: rateByTenth(firebreak.completions),
    },
    floorRuns: floors.map((f) => ({
      ...summary(f, lastTenthOverFirst(f.completions)),
      alertsPerSecondByTenth: rateByTenth(f.completions),
    })),
  });
  return { floor, firebreak: measured };
}

function addTenths(ctx: PhaseContext, label: string, storm: Measured): void {
  ctx.report.add({
    figure: `${label}: last tenth's rate vs first's`,
    unit: 'share',
    firebreak: storm.firebreak.lastTenthOverFirst,
    floor: storm.floor.lastTenthOverFirst,
    goal: { text: '≥ 80%', met: (f) => f >= 0.8 },
  });
}

export async function ingestStorms(ctx: PhaseContext): Promise<void> {
  const batched = await measure(ctx, {
    label: `${ALERTS_PER_BATCH}-alert webhooks, c${CONCURRENCY.batchStorm}`,
    alertsPerWebhook: ALERTS_PER_BATCH,
    concurrency: CONCURRENCY.batchStorm,
  });
  ctx.report.add({
    figure: `${ALERTS_PER_BATCH}-alert webhooks of new alerts, c${CONCURRENCY.batchStorm}: rate`,
    unit: 'alerts/s',
    firebreak: batched.firebreak.alertsPerSecond,
    floor: batched.floor.alertsPerSecond,
    goal: goalBesideIssueFloor({ text: '≥ 10,000 alerts/s', value: 10_000, better: 'higher', issueFloor: 43_000 }),
  });
  ctx.report.add({
    figure: `${ALERTS_PER_BATCH}-alert webhooks of new alerts, c${CONCURRENCY.batchStorm}: p99`,
    unit: 'ms',
    firebreak: batched.firebreak.latencyMs.p99,
    floor: batched.floor.latencyMs.p99,
    goal: { text: '≤ 100 ms', met: (f) => f <= 100 },
  });
  addTenths(ctx, `${ALERTS_PER_BATCH}-alert storm of ${sizes.stormAlerts.toLocaleString('en-US')}`, batched);
  const single = await measure(ctx, {
    label: `1 alert per request, c${CONCURRENCY.singleStorm}`,
    alertsPerWebhook: 1,
    concurrency: CONCURRENCY.singleStorm,
  });
  ctx.report.add({
    figure: `1 alert per request, new alerts, c${CONCURRENCY.singleStorm}: rate`,
    unit: 'req/s',
    firebreak: single.firebreak.requestsPerSecond,
    floor: single.floor.requestsPerSecond,
    goal: goalBesideIssueFloor({ text: '≥ 4,000 req/s', value: 4_000, better: 'higher', issueFloor: 13_800 }),
  });
  ctx.report.add({
    figure: `1 alert per request, new alerts, c${CONCURRENCY.singleStorm}: p99`,
    unit: 'ms',
    firebreak: single.firebreak.latencyMs.p99,
    floor: single.floor.latencyMs.p99,
  });
  addTenths(ctx, `1-alert storm of ${sizes.stormAlerts.toLocaleString('en-US')}`, single);
}
