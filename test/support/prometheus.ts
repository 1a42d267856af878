// A real Prometheus (Debian's prometheus) on a free port in a temp dir: it scrapes a gauge the test serves,
// evaluates the test's alert rules every second and sends what fires to an Alertmanager. `.ci/run` installs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the expression must hold before the alert fires; '0s' fires on the first evaluation. */
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

export interface ServedGauge {
  /** host:port, as a Prometheus scrape target. */
  target: string;
  set(value: number): void;
  stop(): Promise<void>;
}

/** Serves one gauge at /metrics in Prometheus's text format, with the value the test last set. */
export async function serveGauge(name: string, initial: number, help = 'Set by the test.'): Promise<ServedGauge> {
  let value = initial;
  const server = createHttpServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(`# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the gauge server has no address');
  return {
    target: `127.0.0.1:${address.port}`,
    set(next) {
      value = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts Prometheus scraping `scrapeTarget` every second and evaluating `rules` every second, sending alerts
 * to the Alertmanager at `alertmanagerUrl`. Resolves once Prometheus is ready and has that Alertmanager in
 * its active list, so the first alert is not dropped for want of somewhere to send it.
 */
export async function startPrometheus(options: {
  scrapeTarget: string;
  alertmanagerUrl: string;
  rules: AlertRule[];
}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-prom-'));
  const alertmanager = new URL(options.alertmanagerUrl);
  writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'firebreak-test', rules: options.rules }] }));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [{ job_name: 'test', static_configs: [{ targets: [options.scrapeTarget] }] }],
      alerting: {
        alertmanagers: [
          {
            scheme: alertmanager.protocol.replace(':', ''),
            timeout: '5s',
            static_configs: [{ targets: [alertmanager.host] }],
          },
        ],
      },
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alerts link back here (generatorURL), not to this machine's hostname.
      `--web.external-url=${url}`,
      // Firing alerts are re-sent every 5 s (not every minute) and stay valid for 20 s: a send lost while
      // Alertmanager starts is repaired quickly, and a slow machine does not let Alertmanager time them out.
      '--rules.alert.resend-delay=5s',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
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
      reject(new Error(`cannot run ${PROMETHEUS_BIN} (${e.message}); install Debian's prometheus`)),
    ),
  );

  const stop = async (): Promise<void> => {
    // SIGTERM lets it close its TSDB; one that has not gone within 5 s is killed.
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = (async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (gone) throw new Error(`prometheus exited: ${stderr}`);
      try {
        if ((await fetch(`${url}/-/ready`)).ok) {
          const body = (await (await fetch(`${url}/api/v1/alertmanagers`)).json()) as {
            data?: { activeAlertmanagers?: Array<{ url: string }> };
          };
          if (body.data?.activeAlertmanagers?.some((a) => a.url.startsWith(options.alertmanagerUrl))) return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`prometheus not ready (or without its Alertmanager) after 20 s: ${stderr}`);
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
