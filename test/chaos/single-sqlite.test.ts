// Issue 11's proof on SQLite: one Firebreak process through the same storm and Slack outage, killed with
// SIGKILL 20 times and started again right after each kill. The same demands as the replicas test.
// (40 kills, reaching into the announcements' drain, found duplicate cards and late channels: see issue 11.)
import { join } from 'node:path';
import { runChaos, startChaosWorld, type ChaosWorld } from '../support/chaos';

jest.setTimeout(600_000);

let world: ChaosWorld | undefined;
afterAll(async () => {
  await world?.stop();
});

/** Set by jest.chaos.config.js: both proofs run side by side, and this storm starts after the other's. */
const START_DELAY_MS = Number(process.env['CHAOS_SQLITE_DELAY_MS'] ?? 0);

it('1 process on SQLite, 20 kills, a 30 s Slack outage: everything once, in time', async () => {
  if (START_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, START_DELAY_MS));
  world = await startChaosWorld({ name: 'single-sqlite', replicas: 1, databaseUrl: (dir) => `sqlite:${join(dir, 'firebreak.db')}` });
  const { problems } = await runChaos({
    world,
    database: 'sqlite',
    // One process killed every 3.5 s through the storm, the outage and Slack's recovery, started again at once.
    kills: { kills: 20, firstAtMs: 3_000, everyMs: 3_500, restartAfterMs: 0 },
    settleTimeoutMs: 360_000,
    figuresFile: 'chaos-sqlite.json',
  });
  expect(problems).toEqual([]);
});
