// Issue 11's proof on SQLite: one Firebreak process through the same storm and Slack outage, killed with
// SIGKILL 40 times and started again right after each kill. The same demands as the replicas test.
// With the replicas' 10, each run of the proofs holds issue 11's target: 0 duplicates across 50 kill -9 restarts.
import { join } from 'node:path';
import { runChaos, signalTimedPartOver, startChaosWorld, type ChaosWorld } from '../support/chaos';

jest.setTimeout(600_000);

let world: ChaosWorld | undefined;
afterAll(async () => {
  // Failed before its storm was through (runChaos says so itself otherwise): the other tests need not wait.
  signalTimedPartOver('single-sqlite');
  await world?.stop();
});

/** Set by jest.chaos.config.js: both proofs run side by side, and this storm starts after the other's. */
const START_DELAY_MS = Number(process.env.CHAOS_SQLITE_DELAY_MS ?? 0);

it('1 process on SQLite, 40 kills, a 30 s Slack outage: everything once, in time', async () => {
  if (START_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, START_DELAY_MS));
  world = await startChaosWorld({
    name: 'single-sqlite',
    replicas: 1,
    databaseUrl: (dir) => `sqlite:${join(dir, 'firebreak.db')}`,
  });
  const { problems } = await runChaos({
    world,
    database: 'sqlite',
    // One process killed every 3.5 s through the storm, the outage, Slack's recovery and most of the
    // announcements' drain, started again at once; each process lives at least 2 s (restarts are slow on a
    // loaded machine, and killing every process the moment it answers would be a crash loop).
    kills: { kills: 40, firstAtMs: 3_000, everyMs: 3_500, restartAfterMs: 0, minUpMs: 2_000 },
    settleTimeoutMs: 360_000,
    figuresFile: 'chaos-sqlite.json',
  });
  expect(problems).toEqual([]);
});
