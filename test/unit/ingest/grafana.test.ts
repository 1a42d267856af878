// Grafana alerting's webhook (payload version 1): the documented payload normalizes to the domain's alerts with
// the dashboard and panel as links; what Grafana leaves empty stays out; a wrong payload is refused with paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGrafanaWebhook } from '../../../src/ingest/grafana';

const options = { defaultSeverity: 'sev3' as const, severityWords: {} };

function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/grafana', name), 'utf8')) as Record<string, any>;
}

function alertsOf(body: unknown) {
  const result = parseGrafanaWebhook(body, options);
  if (!result.ok) throw new Error(`refused: ${result.issues.join('; ')}`);
  return result.alerts;
}

describe('parseGrafanaWebhook', () => {
  it('normalizes the firing fixture: grouped by its groupKey, with its rule, dashboard and panel', () => {
    const [alert, ...rest] = alertsOf(fixture('firing.json'));
    expect(rest).toEqual([]);
    expect(alert).toEqual({
      source: 'grafana',
      groupKey: fixture('firing.json').groupKey,
      fingerprint: 'c6eadffa33fcdf37',
      title: 'Request rate on web is 8x normal',
      service: 'web',
      severity: 'sev1',
      status: 'firing',
      summary: 'Flash-sale traffic is overwhelming the web tier\nValues: B=812.5, C=1',
      labels: fixture('firing.json').alerts[0].labels,
      startsAt: new Date('2023-02-15T10:30:00.157Z'),
      url: 'https://grafana.example.com/alerting/grafana/b1c2d3e4/view?orgId=1',
      links: [
        { label: 'dashboard', url: 'https://grafana.example.com/d/web-overview?orgId=1' },
        { label: 'panel', url: 'https://grafana.example.com/d/web-overview?orgId=1&viewPanel=4' },
      ],
    });
  });

  it('reads the resolved fixture as resolved, with its end', () => {
    const [alert] = alertsOf(fixture('resolved.json'));
    expect(alert).toMatchObject({ status: 'resolved', endsAt: new Date('2023-02-15T12:30:00Z') });
  });

  it('a rule with no panel, no service label and "no data" values: the folder names the service, no links', () => {
    const body = fixture('firing.json');
    const raw = body.alerts[0];
    Object.assign(raw, { dashboardURL: '', panelURL: '', values: { B: null } });
    delete raw.labels.service;
    delete raw.annotations.description;
    body.commonLabels = {};
    const [alert] = alertsOf(body);
    expect(alert?.service).toBe('Web');
    expect(alert?.links).toBeUndefined();
    expect(alert?.summary).toBe('Values: B=no data');
  });

  it('a link that is not http(s) is left out', () => {
    const body = fixture('firing.json');
    body.alerts[0].dashboardURL = 'javascript:alert(1)';
    expect(alertsOf(body)[0]?.links).toEqual([
      { label: 'panel', url: 'https://grafana.example.com/d/web-overview?orgId=1&viewPanel=4' },
    ]);
  });

  it("refuses a payload that is not Grafana's, naming each field", () => {
    const body = fixture('firing.json');
    delete body.groupKey;
    body.alerts[0].status = 'pending';
    const result = parseGrafanaWebhook(body, options);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      expect.stringMatching(/^alerts\.0\.status: /),
      expect.stringMatching(/^groupKey: /),
    ]);
  });

  it('an alert with neither a summary nor an alert name is refused, since it could not be named', () => {
    const body = fixture('firing.json');
    delete body.alerts[0].annotations.summary;
    delete body.alerts[0].labels.alertname;
    const result = parseGrafanaWebhook(body, options);
    expect(result).toEqual({
      ok: false,
      issues: ['alerts.0.labels.alertname: required (or annotations.summary), to name the alert'],
    });
  });
});
