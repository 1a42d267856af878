// The alert sources Firebreak serves, each at POST /alerts/<name>: one line per source.
import type { Env } from '../config/env';
import { alertmanagerSource, type SeverityOptions } from './alertmanager';
import { genericSource } from './generic';
import { GRAFANA_SIGNATURE_HEADER, grafanaSource } from './grafana';
import type { AlertSource } from './source';

export function alertSources(env: Env, severity: SeverityOptions): AlertSource[] {
  const token = env.ALERT_WEBHOOK_TOKEN;
  const grafanaSecret = env.GRAFANA_WEBHOOK_HMAC_SECRET;
  return [
    alertmanagerSource({ token, severity }),
    genericSource({ token, severity }),
    grafanaSource({
      token,
      severity,
      ...(grafanaSecret
        ? {
            signature: {
              secret: grafanaSecret,
              header: env.GRAFANA_WEBHOOK_SIGNATURE_HEADER ?? GRAFANA_SIGNATURE_HEADER,
              ...(env.GRAFANA_WEBHOOK_TIMESTAMP_HEADER
                ? { timestampHeader: env.GRAFANA_WEBHOOK_TIMESTAMP_HEADER }
                : {}),
            },
          }
        : {}),
    }),
  ];
}
