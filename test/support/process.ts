// Runs Firebreak as its own process (from source through tsx, or compiled as `npm start` runs it), to test
// what only a real process shows: the first log line, SIGTERM, SIGKILL and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventually } from './eventually';

const ROOT = join(__dirname, '../..');
/** tsx's loader by absolute URL, so the process may run in any directory (a temp dir, for its data). */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface FirebreakProcess {
  child: ChildProcess;
  url: string;
  /** Every JSON log line so far, parsed. */
  logs: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `src/main.ts` (or a compiled main.js) with exactly `env` (plus PATH) and waits for its "listening" log line, or, with
 * `healthUrl` (a fixed PORT, a LOG_LEVEL quieter than info), until that URL answers 200.
 */
export async function spawnFirebreak(
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number; nodeArgs?: string[]; healthUrl?: string; compiledMain?: string } = {},
): Promise<FirebreakProcess> {
  // `compiledMain`: the compiled main.js (as production runs it) instead of src/main.ts through tsx.
  const entry = options.compiledMain ? [options.compiledMain] : ['--import', TSX_LOADER, join(ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Firebreak did not start within ${options.timeoutMs ?? 20_000} ms; stderr: ${stderr}`)),
      options.timeoutMs ?? 20_000,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.url === 'string' && String(entry.msg).startsWith('Firebreak listening')) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          logs.push({ msg: line, unparsed: true });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`Firebreak exited (code ${code}, signal ${signal}) before listening; stderr: ${stderr}`));
    });
    if (options.healthUrl)
      void pollHealth(options.healthUrl, exited).then((ok) => {
        if (!ok) return;
        clearTimeout(timer);
        resolve(new URL(options.healthUrl as string).origin);
      });
  });
  try {
    return { child, url: await url, logs, stderr: () => stderr, exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/**
 * Resolves once the process's outbox has nothing left to do: its firebreak_outbox_depth metric (jobs due,
 * running, or waiting out a retry) reads 0. Negative assertions about what a process sent come after this.
 */
export async function outboxDrained(p: FirebreakProcess, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      const depth = metrics.split('\n').find((line) => line.startsWith('firebreak_outbox_depth '));
      if (depth === undefined) throw new Error('no firebreak_outbox_depth in /metrics');
      if (Number(depth.split(' ')[1]) !== 0) throw new Error(depth);
      return true;
    },
    'the outbox to have nothing left to do',
    timeoutMs,
  );
}

/** True once `url` answers 200; false if the process exits first. */
async function pollHealth(url: string, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * For a test file whose tests start Firebreak processes in a scratch directory: a fresh directory per test
 * (`scratch.dir`), and every process handed to `track` SIGKILLed and awaited, and the directory removed,
 * after each test. Call once at the top of the file.
 */
export function scratchProcesses(prefix: string): {
  readonly dir: string;
  track(p: FirebreakProcess): FirebreakProcess;
} {
  let dir = '';
  let running: FirebreakProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `firebreak-${prefix}-`));
  });
  afterEach(async () => {
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    running = [];
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    track(p) {
      running.push(p);
      return p;
    },
  };
}
