// Slash command → acknowledgement at 20 in flight: Firebreak idle and during an alert storm, against a
// Bolt app whose /incident listener only acknowledges. Same signed requests and sender for both.
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { whileStorming, type StormResult } from '../alerts';
import { checkFirebreakRun } from '../checks';
import { ALERTS_PER_BATCH, CONCURRENCY, STORM_GROUPS, sizes } from '../config';
import { startFirebreak, startFloor } from '../processes';
import { commandSender, ResponseSink } from '../slash-commands';
import { runLoad, pooled, type LoadResult } from '../send';
import { latency } from '../stats';
import { interleaved, reportLogProblems, withFakeSlack, type PhaseContext } from './common';
import { goalBesideIssueFloor } from '../report';

/** `/incident list` and `/incident help` in turn: what people type most. */
function commands(slack: FakeSlack, appUrl: string, sink: ResponseSink, requests: number): Promise<LoadResult> {
  const command = commandSender(slack, appUrl, sink);
  return runLoad({
    concurrency: CONCURRENCY.commands,
    requests,
    one: async (i) => {
      const reply = await command(i % 2 === 0 ? 'list' : 'help', i);
      return reply.status === 200 ? { ok: true, units: 1 } : { ok: false, why: `HTTP ${reply.status}` };
    },
  });
}

/**
 * Not counted, for either app: opens the sender's connections and lets V8 compile the path, so the p99
 * is the steady state's and not the first request's.
 */
const warmUp = (slack: FakeSlack, appUrl: string, sink: ResponseSink): Promise<LoadResult> =>
  commands(slack, appUrl, sink, CONCURRENCY.commands * 3);

async function withSink<T>(work: (sink: ResponseSink) => Promise<T>): Promise<T> {
  const sink = await ResponseSink.start();
  try {
    return await work(sink);
  } finally {
    await sink.stop();
  }
}

async function floorRun(ctx: PhaseContext): Promise<LoadResult> {
  return withFakeSlack((slack) =>
    withSink(async (sink) => {
      const floor = await startFloor(ctx.built, 'bolt-ack', slack);
      await warmUp(slack, floor.url, sink);
      const result = await commands(slack, floor.url, sink, sizes.commandSamples);
      await floor.stop();
      floor.remove();
      ctx.checks.refused('slash commands, Bolt floor', result.refused, result.refusals);
      return result;
    }),
  );
}

async function firebreakRun(ctx: PhaseContext): Promise<{ idle: LoadResult; busy: LoadResult; storm: StormResult }> {
  return withFakeSlack((slack) =>
    withSink(async (sink) => {
      const firebreak = await startFirebreak(ctx.built, { slack });
      await warmUp(slack, firebreak.url, sink);
      const idle = await commands(slack, firebreak.url, sink, sizes.commandSamples);
      const shape = { run: 'commands', groups: STORM_GROUPS, alertsPerWebhook: ALERTS_PER_BATCH };
      const { result: busy, storm } = await whileStorming(firebreak.url, shape, CONCURRENCY.batchStorm, () =>
        commands(slack, firebreak.url, sink, sizes.commandSamples),
      );
      await firebreak.stop();
      ctx.checks.refused('slash commands, Firebreak idle', idle.refused, idle.refusals);
      ctx.checks.refused('slash commands, Firebreak during a storm', busy.refused, busy.refusals);
      ctx.checks.refused('storm under slash commands, Firebreak', storm.refused, storm.refusals);
      checkFirebreakRun(ctx.checks, {
        label: 'storm under slash commands, Firebreak',
        dbPath: firebreak.dbPath,
        alertsAccepted: storm.units,
        groups: storm.groups.size,
        slack,
      });
      reportLogProblems('slash commands', firebreak);
      firebreak.remove();
      return { idle, busy, storm };
    }),
  );
}

export async function slashCommandAcks(ctx: PhaseContext): Promise<void> {
  console.log(
    `\nSlash command → ack, ${sizes.commandSamples} at c${CONCURRENCY.commands} (floor, Firebreak idle then during a storm, floor)`,
  );
  const { floors, firebreak } = await interleaved(
    () => floorRun(ctx),
    () => firebreakRun(ctx),
  );
  const floor = latency(pooled(floors).latencies);
  const idle = latency(firebreak.idle.latencies);
  const busy = latency(firebreak.busy.latencies);
  const rate = (r: LoadResult): number => r.units / r.seconds;
  ctx.report.record('slash command → ack (ms)', {
    floor: { ...floor, perSecond: floors.map(rate) },
    idle: { ...idle, perSecond: rate(firebreak.idle) },
    duringStorm: { ...busy, perSecond: rate(firebreak.busy) },
    stormAlertsPerSecond: rate(firebreak.storm),
  });
  const goal = goalBesideIssueFloor({ text: '≤ 30 ms', value: 30, better: 'lower', issueFloor: 8 });
  ctx.report.add({
    figure: `slash command → ack p99 at c${CONCURRENCY.commands}, idle`,
    unit: 'ms',
    firebreak: idle.p99,
    floor: floor.p99,
    goal,
  });
  ctx.report.add({
    figure: `slash command → ack p99 at c${CONCURRENCY.commands}, during a storm`,
    unit: 'ms',
    firebreak: busy.p99,
    floor: floor.p99,
    goal,
  });
}
