// A real server binary (Prometheus, Alertmanager) run for a test: spawned on a free port, waited for until
// it says it is ready, stopped with SIGTERM (SIGKILL after 5 s), its temp dir removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { freePort } from './free-port';

export interface Daemon {
  url: string;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  bin: string;
  /** Debian's package that installs `bin`, for the error when it cannot be run. */
  packageName: string;
  /** Its arguments, given the port it listens on and its URL there. */
  args(port: number, url: string): string[];
  /** Its working directory, removed once it has stopped. */
  dir: string;
  /** True once it can serve the test (not merely listening); may throw while it is not listening yet. */
  ready(url: string): Promise<boolean>;
  readyTimeoutMs: number;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const name = options.bin.split('/').pop() ?? options.bin;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(options.bin, options.args(port, url), {
    cwd: options.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // A binary that cannot be run emits 'error' and never 'exit': either one means the process is gone.
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    gone = true;
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(new Error(`cannot run ${options.bin} (${e.message}); install Debian's ${options.packageName}`)),
    ),
  );

  const stop = async (): Promise<void> => {
    // SIGTERM lets it close its storage; one that has not gone within 5 s is killed.
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(options.dir, { recursive: true, force: true });
  };

  const ready = (async () => {
    const deadline = Date.now() + options.readyTimeoutMs;
    for (;;) {
      if (gone) throw new Error(`${name} exited: ${stderr}`);
      try {
        if (await options.ready(url)) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready after ${options.readyTimeoutMs} ms: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
