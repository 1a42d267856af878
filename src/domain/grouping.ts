// Which incident an alert belongs to: Alertmanager's group when it has one, else its service and fingerprint.
import type { NormalizedAlert } from './alert';

export function groupingKey(alert: Pick<NormalizedAlert, 'source' | 'groupKey' | 'service' | 'fingerprint'>): string {
  if (alert.groupKey) return `${alert.source}:group:${alert.groupKey}`;
  return `service:${alert.service}:fingerprint:${alert.fingerprint}`;
}
