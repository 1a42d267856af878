// Alertmanager's webhook v4: the fixtures normalize to the domain's alerts; a wrong payload is refused with paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertmanagerWebhook } from '../../../src/ingest/alertmanager';

const options = { defaultSeverity: 'sev3' as const, severityWords: {} };

function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/alertmanager', name), 'utf8')) as Record<string, any>;
}

function issuesOf(body: unknown): string[] {
  const result = parseAlertmanagerWebhook(body, options);
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.issues;
}

describe('parseAlertmanagerWebhook', () => {
  it('normalizes the firing fixture: two alerts of one group', () => {
    const result = parseAlertmanagerWebhook(fixture('firing.json'), options);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alerts).toHaveLength(2);
    expect(result.alerts[0]).toEqual({
      source: 'alertmanager',
      groupKey: '{}:{alertname="HighRequestRate", service="web"}',
      fingerprint: '3f6a2c1b9e8d7f05',
      title: 'Request rate on web is 8x normal',
      service: 'web',
      severity: 'sev1',
      status: 'firing',
      summary: 'web-1 is serving 8x its usual request rate (flash-sale traffic); p99 latency is above 4s.',
      labels: {
        alertname: 'HighRequestRate',
        instance: 'web-1.prod.internal:9100',
        job: 'web',
        service: 'web',
        severity: 'critical',
      },
      startsAt: new Date('2023-02-15T11:30:12.482Z'),
      url: expect.stringMatching(/^http:\/\/prometheus\.example\.com:9090\/graph\?/),
    });
    expect(result.alerts[0]).not.toHaveProperty('endsAt'); // Go's zero time means "not set"
    expect(result.alerts[1]?.fingerprint).toBe('8b1d4e7a0c2f9361');
  });

  it('normalizes the resolved fixture with its end times', () => {
    const result = parseAlertmanagerWebhook(fixture('resolved.json'), options);
    expect(result.ok && result.alerts.map((a) => [a.status, a.endsAt?.toISOString()])).toEqual([
      ['resolved', '2023-02-15T14:00:12.482Z'],
      ['resolved', '2023-02-15T14:00:42.117Z'],
    ]);
  });

  it('maps severity words, with the policy words first, and falls back to the default', () => {
    const body = fixture('firing.json');
    body.alerts[0].labels.severity = 'Disaster';
    delete body.alerts[1].labels.severity;
    const result = parseAlertmanagerWebhook(body, { defaultSeverity: 'sev4', severityWords: { disaster: 'sev2' } });
    expect(result.ok && result.alerts.map((a) => a.severity)).toEqual(['sev2', 'sev4']);
  });

  it('takes the title from summary, then title, then alertname; the service from service, job, then commonLabels', () => {
    const body = fixture('firing.json');
    body.alerts[0].annotations = { title: 'Web is hot' };
    body.alerts[0].labels = { alertname: 'HighRequestRate', job: 'web-job' };
    body.alerts[1].annotations = {};
    body.alerts[1].labels = { alertname: 'HighRequestRate' };
    const result = parseAlertmanagerWebhook(body, options);
    expect(result.ok && result.alerts.map((a) => [a.title, a.service, a.summary])).toEqual([
      ['Web is hot', 'web-job', undefined],
      ['HighRequestRate', 'web', undefined],
    ]);
    delete body.commonLabels.service;
    const unknown = parseAlertmanagerWebhook(body, options);
    expect(unknown.ok && unknown.alerts[1]?.service).toBe('unknown');
  });

  it('lets unknown fields through (Alertmanager may add some) and accepts nanosecond timestamps with offsets', () => {
    const body: Record<string, any> = { ...fixture('firing.json'), someFutureField: { x: 1 } };
    body.alerts[0].startsAt = '2023-02-15T12:30:12.482123456+01:00';
    body.alerts[0].silencedBy = [];
    const result = parseAlertmanagerWebhook(body, options);
    expect(result.ok && result.alerts[0]?.startsAt?.toISOString()).toBe('2023-02-15T11:30:12.482Z');
  });

  it('names every wrong field with its path', () => {
    const body = fixture('firing.json');
    body.version = '3';
    body.alerts[0].status = 'burning';
    body.alerts[0].labels.instance = 42;
    body.alerts[1].startsAt = 'yesterday';
    delete body.groupKey;
    expect(issuesOf(body)).toEqual([
      'version: expected "4": Firebreak reads Alertmanager\'s webhook version 4 (got "3")',
      'groupKey: required',
      'alerts.0.status: expected "firing" or "resolved" (got "burning")',
      'alerts.0.labels.instance: expected a string (got 42)',
      'alerts.1.startsAt: expected an RFC 3339 timestamp such as 2023-02-15T11:30:00Z (got "yesterday")',
    ]);
  });

  it('refuses an empty alerts list, a body that is not an object, and an alert with nothing to call it', () => {
    expect(issuesOf({ ...fixture('firing.json'), alerts: [] })).toEqual(['alerts: must contain at least one alert']);
    expect(issuesOf([fixture('firing.json')])).toEqual(['expected an object (got an array)']);
    expect(issuesOf(null)).toEqual(['expected an object (got null)']);
    const nameless = fixture('firing.json');
    nameless.alerts[1].annotations = {};
    nameless.alerts[1].labels = { service: 'web' };
    expect(issuesOf(nameless)).toEqual([
      'alerts.1.labels.alertname: required (or annotations.summary), to name the alert',
    ]);
  });
});
