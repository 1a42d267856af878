// Test data builders: plain domain objects with sensible defaults, overridden per test.
import type { AlertRecord, NormalizedAlert } from '../../src/domain/alert';
import type { Incident } from '../../src/domain/incident';

export const T0 = new Date('2023-02-15T11:30:00.000Z');

export function at(minutes: number, base: Date = T0): Date {
  return new Date(base.getTime() + minutes * 60_000);
}

export function anAlert(overrides: Partial<NormalizedAlert> = {}): NormalizedAlert {
  return {
    source: 'alertmanager',
    groupKey: '{}:{alertname="HighRequestRate"}',
    fingerprint: 'fp-web-1',
    title: 'High request rate on web',
    service: 'web',
    severity: 'sev2',
    status: 'firing',
    labels: { alertname: 'HighRequestRate', service: 'web' },
    startsAt: T0,
    ...overrides,
  };
}

export function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 7,
    title: 'High request rate on web',
    severity: 'sev2',
    status: 'investigating',
    service: 'web',
    groupKey: 'alertmanager:group:{}:{alertname="HighRequestRate"}',
    leadUserId: null,
    declaredBy: { kind: 'monitor', id: 'alertmanager' },
    channelId: 'C0INC7',
    channelName: 'inc-20230215-high-request-rate-on-web',
    cardMessageId: '1676460600.000100',
    channelFailure: null,
    announcement: null,
    openedAt: T0,
    mitigatedAt: null,
    resolvedAt: null,
    alertsResolvedAt: null,
    page: null,
    onCall: null,
    capacity: null,
    alertCounts: { firing: 1, resolved: 0 },
    ...overrides,
  };
}

export function anAlertRecord(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: 1,
    incidentId: 7,
    fingerprint: 'fp-web-1',
    source: 'alertmanager',
    title: 'High request rate on web',
    service: 'web',
    severity: 'sev2',
    status: 'firing',
    summary: null,
    labels: {},
    url: null,
    links: [],
    startsAt: T0,
    endsAt: null,
    firstSeenAt: T0,
    lastSeenAt: T0,
    count: 1,
    ...overrides,
  };
}
