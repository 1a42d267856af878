// A quick look at ingest throughput alone, from source (tsx, no build): new alerts, 6 per webhook, 50
// webhooks in flight, for BENCH_SECONDS; the same sender and bodies as `npm run bench`. FIREBREAK_COMPILED_MAIN
// runs a compiled main.js instead.
import { rmSync } from 'node:fs';
import { FakeSlack } from '../src/sandbox/fake-slack';
import { spawnFirebreak } from '../test/support/process';
import { whileStorming } from './alerts';
import { ALERTS_PER_BATCH, CONCURRENCY, STORM_GROUPS, secrets } from './config';
import { firebreakEnv, tempDir } from './processes';
import { closeSender } from './send';
import { latency } from './stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

async function main(): Promise<void> {
  const dir = tempDir('storm-rate');
  const slack = await FakeSlack.start({ botToken: secrets.botToken });
  const compiled = process.env.FIREBREAK_COMPILED_MAIN;
  const firebreak = await spawnFirebreak(firebreakEnv({ slack }, dir), {
    cwd: dir,
    ...(compiled ? { compiledMain: compiled } : {}),
  });
  const shape = { run: 'rate', groups: STORM_GROUPS, alertsPerWebhook: ALERTS_PER_BATCH };
  const { storm } = await whileStorming(
    firebreak.url,
    shape,
    CONCURRENCY.batchStorm,
    () => new Promise((r) => setTimeout(r, SECONDS * 1000)),
  );
  const l = latency(storm.latencies);
  console.log(
    `${Math.round(storm.units / storm.seconds)} alerts/s over ${storm.seconds.toFixed(1)} s; p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms; ${storm.refused} refused`,
  );
  firebreak.child.kill('SIGKILL');
  await firebreak.exited;
  await slack.stop();
  closeSender();
  rmSync(dir, { recursive: true, force: true });
}

void main();
