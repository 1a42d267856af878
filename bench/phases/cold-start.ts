// Cold start → GET /healthz answers 200: Firebreak (compiled, production, on an already migrated SQLite
// file, as a restart finds it) against a process that only loads the SDKs Firebreak is built on.
// Starts alternate floor, Firebreak, floor, Firebreak… so drift in the machine's speed hits both alike.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sizes } from '../config';
import { firebreakEnv, freePort, tempDir } from '../processes';
import { median } from '../stats';
import { withFakeSlack, type PhaseContext } from './common';
import { goalBesideIssueFloor } from '../report';

/** True when the URL answers 200; a fresh connection each time, since the server may not be up yet. */
function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Milliseconds from spawning `node entry` to its first 200 on /healthz. Polled every 5 ms, not
 * spawnFirebreak's 50, which would round every start up by tens of milliseconds.
 */
async function timeToHealthy(entry: string, env: Record<string, string>, cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${entry} exited with ${child.exitCode} before answering /healthz: ${stderr}`);
      if (await answers200(`http://127.0.0.1:${port}/healthz`)) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function coldStart(ctx: PhaseContext): Promise<void> {
  console.log(`\nCold start → /healthz 200 (median of ${sizes.coldStarts}, alternating floor and Firebreak)`);
  await withFakeSlack(async (slack) => {
    const firebreakDir = tempDir('cold-firebreak');
    const floorDir = tempDir('cold-floor');
    const firebreak = (): Promise<number> =>
      timeToHealthy(ctx.built.firebreakMain, firebreakEnv({ slack }, firebreakDir), firebreakDir);
    const floor = (): Promise<number> =>
      timeToHealthy(
        ctx.built.floor('sdk-start'),
        { DATABASE_PATH: join(floorDir, 'floor.db'), NODE_ENV: 'production' },
        floorDir,
      );
    // Not counted: the first start migrates Firebreak's new database, and both warm the file cache.
    await floor();
    await firebreak();
    const floors: number[] = [];
    const firebreaks: number[] = [];
    for (let i = 0; i < sizes.coldStarts; i += 1) {
      floors.push(await floor());
      firebreaks.push(await firebreak());
    }
    for (const dir of [firebreakDir, floorDir]) rmSync(dir, { recursive: true, force: true });
    ctx.report.record('cold start samples (ms)', { floor: floors, firebreak: firebreaks });
    ctx.report.add({
      figure: `cold start → /healthz 200, median of ${sizes.coldStarts}`,
      unit: 'ms',
      firebreak: median(firebreaks),
      floor: median(floors),
      goal: goalBesideIssueFloor({ text: '< 1 s', value: 1000, better: 'lower', issueFloor: 320, strictly: true }),
    });
  });
}
