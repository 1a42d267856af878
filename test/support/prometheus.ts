// A real Prometheus (Debian's prometheus) on a free port in a temp dir: it scrapes a gauge the test serves,
// evaluates the test's alert rules every second and sends what fires to an Alertmanager. `.ci/run` installs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Daemon, startDaemon } from './daemon';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the expression must hold before the alert fires; '0s' fires on the first evaluation. */
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type RunningPrometheus = Daemon;

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
  return startDaemon({
    bin: PROMETHEUS_BIN,
    packageName: 'prometheus',
    dir,
    args: (port, url) => [
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
    // Ready, and with that Alertmanager in its active list, so the first alert is not dropped.
    ready: async (url) => {
      if (!(await fetch(`${url}/-/ready`)).ok) return false;
      const body = (await (await fetch(`${url}/api/v1/alertmanagers`)).json()) as {
        data?: { activeAlertmanagers?: Array<{ url: string }> };
      };
      return body.data?.activeAlertmanagers?.some((a) => a.url.startsWith(options.alertmanagerUrl)) ?? false;
    },
    readyTimeoutMs: 20_000,
  });
}
