// A storm of new alerts into one incident: Firebreak's peak RSS over it (against the bare better-sqlite3
// floor's over the same storm), then that incident's postmortem page — a timeline of as many events as
// alerts — fetched through its signed URL, idle and while another storm runs, against drafting and
// rendering the very same stored data in-process (no HTTP, no store, no other work).
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { signedPostmortemUrl } from '../../src/http/postmortem-routes';
import type * as Render from '../postmortem-render';
import type { Built } from '../build';
import { alertStorm, whileStorming, type StormShape } from '../alerts';
import { checkFirebreakRun, checkFloorRun } from '../checks';
import { ALERTS_PER_BATCH, CONCURRENCY, STORM_GROUPS, secrets, sizes } from '../config';
import { startFirebreak, startFloor } from '../processes';
import { send } from '../send';
import { latency, mean, type Latency } from '../stats';
import { interleaved, reportLogProblems, withFakeSlack, type PhaseContext } from './common';
import { goalBesideIssueFloor } from '../report';

/** Every alert into one group: one incident whose timeline gets an event per alert. */
const timelineStorm = (run: string): StormShape => ({
  run,
  groups: 1,
  alertsPerWebhook: ALERTS_PER_BATCH,
  totalAlerts: sizes.rssStormAlerts,
});

async function floorRss(ctx: PhaseContext): Promise<number> {
  const floor = await startFloor(ctx.built, 'sqlite-ingest');
  const storm = await alertStorm(floor.url, timelineStorm('floor'), CONCURRENCY.batchStorm);
  const peak = floor.peakRssMiB();
  await floor.stop();
  ctx.checks.refused('RSS storm, floor', storm.refused, storm.refusals);
  checkFloorRun(ctx.checks, 'RSS storm, floor', floor.dbPath, storm.units);
  floor.remove();
  return peak;
}

/**
 * Not counted, for the page and for its floor alike: the first drafts pay for V8 compiling the drafting
 * and rendering code, and the figure is the steady state's.
 */
const WARM_UP_RUNS = 2;

/**
 * A set of samples stops early, after at least 3, once it has taken this long: a page that takes seconds
 * (a 10,000-alert timeline did, here) would otherwise hold the bench for many minutes to say the same.
 */
const SAMPLING_BUDGET_MS = 30_000;
const MIN_SAMPLES = 3;

function withinBudget(taken: number, startedAt: number): boolean {
  return taken < MIN_SAMPLES || performance.now() - startedAt < SAMPLING_BUDGET_MS;
}

/** Sequential GETs of the page; each must be a 200. */
async function fetchPages(url: string, samples: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  const began = performance.now();
  for (let i = 0; i < samples && withinBudget(i, began); i += 1) {
    const started = performance.now();
    const reply = await send('browser', 'GET', new URL(url), '', { accept: 'text/html' });
    ms.push(performance.now() - started);
    if (reply.status !== 200)
      throw new Error(`the postmortem page answered ${reply.status}: ${reply.text.slice(0, 200)}`);
    bytes = Buffer.byteLength(reply.text);
  }
  return { ms, bytes };
}

/**
 * The floor: the page's drafting and rendering alone, in this process, from what Firebreak stored. It runs
 * them built as Firebreak is (bench/postmortem-render.ts), not src through tsx, so floor and page run the
 * same JavaScript.
 */
async function draftingAlone(
  built: Built,
  dbPath: string,
  incidentId: number,
): Promise<{ ms: number[]; events: number }> {
  const { draftPostmortem, answersFromTimeline, postmortemHtml } = require(built.postmortemRender) as typeof Render;
  const store = createKyselyStore(openDatabase(`sqlite:${dbPath}`));
  try {
    const incident = await store.incidents.findById(incidentId);
    if (!incident) throw new Error(`incident ${incidentId} is not in the store`);
    const [events, alerts] = await Promise.all([
      store.timeline.list(incidentId),
      store.alerts.listByIncident(incidentId),
    ]);
    const ms: number[] = [];
    const began = performance.now();
    for (let i = 0; i < WARM_UP_RUNS + sizes.postmortemSamples && withinBudget(i - WARM_UP_RUNS, began); i += 1) {
      const started = performance.now();
      const now = new Date();
      postmortemHtml(
        draftPostmortem({ incident, events, alerts, answers: answersFromTimeline(events), timeZone: 'UTC', now }),
        { generatedAt: now },
      );
      if (i >= WARM_UP_RUNS) ms.push(performance.now() - started);
    }
    return { ms, events: events.length };
  } finally {
    await store.close();
  }
}

interface FirebreakFigures {
  peakRssMiB: number;
  idle: Latency;
  duringStorm: Latency;
  drafting: Latency;
  pageKiB: number;
  timelineEvents: number;
}

async function firebreakRun(ctx: PhaseContext): Promise<FirebreakFigures> {
  return withFakeSlack(async (slack) => {
    const firebreak = await startFirebreak(ctx.built, { slack });
    const seed = await alertStorm(firebreak.url, timelineStorm('timeline'), CONCURRENCY.batchStorm);
    const peakRssMiB = firebreak.peakRssMiB();
    const [incidentId] = [...seed.incidents];
    if (incidentId === undefined || seed.incidents.size !== 1)
      throw new Error(`the one-group storm named ${seed.incidents.size} incidents`);
    const url = signedPostmortemUrl(firebreak.url, secrets.linkSecret, incidentId, new Date());
    await fetchPages(url, WARM_UP_RUNS);
    const idle = await fetchPages(url, sizes.postmortemSamples);
    // The storm during the page goes to other groups, so the page's timeline stays the size it was.
    const { result: busy, storm } = await whileStorming(
      firebreak.url,
      { run: 'page', groups: STORM_GROUPS, alertsPerWebhook: ALERTS_PER_BATCH },
      CONCURRENCY.batchStorm,
      () => fetchPages(url, sizes.postmortemSamples),
    );
    await firebreak.stop();
    ctx.checks.refused('RSS storm, Firebreak', seed.refused, seed.refusals);
    ctx.checks.refused('storm under the postmortem page, Firebreak', storm.refused, storm.refusals);
    checkFirebreakRun(ctx.checks, {
      label: 'RSS storm and postmortem, Firebreak',
      dbPath: firebreak.dbPath,
      alertsAccepted: seed.units + storm.units,
      groups: seed.groups.size + storm.groups.size,
      slack,
    });
    reportLogProblems('RSS storm and postmortem', firebreak);
    // Right after Firebreak's figure, on its own data: the floor of the page.
    const drafting = await draftingAlone(ctx.built, firebreak.dbPath, incidentId);
    firebreak.remove();
    return {
      peakRssMiB,
      idle: latency(idle.ms),
      duringStorm: latency(busy.ms),
      drafting: latency(drafting.ms),
      pageKiB: busy.bytes / 1024,
      timelineEvents: drafting.events,
    };
  });
}

export async function rssAndPostmortem(ctx: PhaseContext): Promise<void> {
  console.log(
    `\nPeak RSS over a storm of ${sizes.rssStormAlerts.toLocaleString('en-US')} new alerts into one incident, then its postmortem page (floor, Firebreak, floor)`,
  );
  const { floors, firebreak } = await interleaved(
    () => floorRss(ctx),
    () => firebreakRun(ctx),
  );
  ctx.report.record('peak RSS and postmortem page', { floorRssMiB: floors, ...firebreak });
  ctx.report.add({
    figure: `peak RSS (VmHWM) over a ${sizes.rssStormAlerts.toLocaleString('en-US')}-alert storm`,
    unit: 'MiB',
    firebreak: firebreak.peakRssMiB,
    floor: mean(floors),
    goal: { text: '≤ 200 MiB', met: (f) => f <= 200 },
  });
  const goal = goalBesideIssueFloor({ text: '≤ 150 ms', value: 150, better: 'lower', issueFloor: 34 });
  const page = `postmortem page of a ${firebreak.timelineEvents.toLocaleString('en-US')}-event timeline (${firebreak.pageKiB.toFixed(0)} KiB)`;
  // n is said because a slow page gets fewer samples (SAMPLING_BUDGET_MS): a p99 of 3 is their maximum.
  const n = (l: Latency): string => `n=${l.n}`;
  ctx.report.add({
    figure: `${page}, idle, p99 (${n(firebreak.idle)}; floor ${n(firebreak.drafting)})`,
    unit: 'ms',
    firebreak: firebreak.idle.p99,
    floor: firebreak.drafting.p99,
    goal,
  });
  ctx.report.add({
    figure: `${page}, during a storm, p99 (${n(firebreak.duringStorm)})`,
    unit: 'ms',
    firebreak: firebreak.duringStorm.p99,
    floor: firebreak.drafting.p99,
    goal,
  });
}
