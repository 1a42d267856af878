// `npm run bench`: Firebreak's speed as production runs it (the production build, NODE_ENV=production, a real SQLite
// file, against the local fake Slack), each figure beside a floor measured in the same run — the least any
// program doing that job does — and their ratio. The machines are shared and noisy: the ratio to a floor
// measured right before and after means something where an absolute time means less. Speed is measured
// here, never asserted in tests; reliability is checked on every run (exit 1 when broken).
// Sizes: BENCH_QUICK=1, and BENCH_STORM_ALERTS etc. (bench/config.ts). BENCH_ONLY=cold,card,commands,storms,rss
// runs only those phases; BENCH_CPU_PROF=DIR profiles each Firebreak process.
import { join } from 'node:path';
import { build } from './build';
import { Checks } from './checks';
import { sizes } from './config';
import { capacityForecast } from './phases/capacity';
import { alertToCardLatency } from './phases/latency';
import { coldStart } from './phases/cold-start';
import { slashCommandAcks } from './phases/commands';
import type { PhaseContext } from './phases/common';
import { rssAndPostmortem } from './phases/postmortem';
import { ingestStorms } from './phases/storms';
import { killAll } from './processes';
import { closeSender } from './send';
import { machineLine, Report } from './report';

const PHASES: Record<string, (ctx: PhaseContext) => Promise<void>> = {
  cold: coldStart,
  card: alertToCardLatency,
  commands: slashCommandAcks,
  storms: ingestStorms,
  rss: rssAndPostmortem,
  capacity: capacityForecast,
};

function chosenPhases(): Array<(ctx: PhaseContext) => Promise<void>> {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!only) return Object.values(PHASES);
  const unknown = only.filter((name) => !(name in PHASES));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY names unknown phases ${unknown.join(', ')}; known: ${Object.keys(PHASES).join(', ')}`);
  return only.map((name) => PHASES[name] as (ctx: PhaseContext) => Promise<void>);
}

async function main(): Promise<void> {
  const started = performance.now();
  const phases = chosenPhases();
  const machine = machineLine();
  console.log(
    `Firebreak bench — ${machine}${sizes.quick ? ' — BENCH_QUICK' : ''}\nBuilding Firebreak (npm run build) and the floors…`,
  );
  const ctx: PhaseContext = { built: await build(), report: new Report(), checks: new Checks() };
  try {
    for (const phase of phases) await phase(ctx);
  } finally {
    closeSender();
  }
  const seconds = (performance.now() - started) / 1000;
  const markdown = ctx.report.markdown({ machine, sizes, seconds, checks: ctx.checks.results });
  console.log(`\n${markdown}`);
  ctx.report.write(join(__dirname, '../test-output'), markdown, {
    date: new Date().toISOString(),
    machine,
    sizes,
    seconds,
    checks: ctx.checks.results,
  });
  console.log('Written to test-output/bench.md and test-output/bench.json.');
  if (ctx.checks.broken.length > 0) process.exitCode = 1;
}

process.on('exit', killAll);

main().then(
  // Explicit: sockets of fetch's global pool to processes already stopped may keep the loop alive a while.
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
