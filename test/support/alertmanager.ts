// A real Prometheus Alertmanager (Debian's prometheus-alertmanager), configured with Firebreak as its
// webhook receiver, on free ports in a temp dir. `.ci/run` installs the package.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDaemon } from './daemon';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts through Alertmanager's own API, as Prometheus does. */
  postAlerts(
    alerts: Array<{
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      startsAt?: string;
      endsAt?: string;
    }>,
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startAlertmanager(options: {
  webhookUrl: string;
  bearerToken: string;
}): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-am-'));
  const config = {
    route: {
      receiver: 'firebreak',
      group_by: ['alertname', 'service'],
      group_wait: '0s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'firebreak',
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: true,
            max_alerts: 1000,
            http_config: { authorization: { type: 'Bearer', credentials: options.bearerToken } },
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
  const { url, stop } = await startDaemon({
    bin: ALERTMANAGER_BIN,
    packageName: 'prometheus-alertmanager',
    dir,
    args: (port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    ready: async (url) => (await fetch(`${url}/-/ready`)).ok,
    readyTimeoutMs: 15_000,
  });

  return {
    url,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!response.ok) throw new Error(`alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    stop,
  };
}
