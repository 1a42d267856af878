// Issue 11's proof on SQLite: one Firebreak process through the same storm and Slack outage, killed with
// SIGKILL 20 times and started again right after each kill. The same demands as the replicas test.
import { join } from 'node:path';
import { runChaos, startChaosWorld, type ChaosWorld } from '../support/chaos';

jest.setTimeout(600_000);

let world: ChaosWorld | undefined;
afterAll(async () => {
  await world?.stop();
});

it('1 process on SQLite, 20 kills, a 30 s Slack outage: everything once, in time', async () => {
  world = await startChaosWorld({ name: 'single-sqlite', replicas: 1, databaseUrl: (dir) => `sqlite:${join(dir, 'firebreak.db')}` });
  const { problems } = await runChaos({
    world,
    database: 'sqlite',
    kills: { kills: 20, firstAtMs: 3_000, everyMs: 2_500, restartAfterMs: 0 },
    settleTimeoutMs: 360_000,
    figuresFile: 'chaos-sqlite.json',
  });
  expect(problems).toEqual([]);
});
