// PagerDuty's own incidents as Firebreak reads them from the v3 webhook: which events open one, and the severity
// its priority (else its urgency) gives.
import {
  type PagerDutyWebhookEvent,
  pagerIncidentFromPagerDuty,
  severityOfPagerDutyIncident,
} from '../../../src/adapters/pagerduty/webhook';

const triggered: PagerDutyWebhookEvent = {
  id: '01DEN3X1',
  type: 'incident.triggered',
  occurredAt: new Date('2023-02-15T11:30:00Z'),
  incidentKey: 'datadog-monitor-4711',
  pagerDutyIncidentId: 'Q2ABC',
  htmlUrl: 'https://acme.pagerduty.com/incidents/Q2ABC',
  agent: { id: 'PSVC0WEB', name: 'Web' },
  assignees: [{ id: 'PUSR0ALICE', name: 'Alice Archer' }],
  escalationPolicy: null,
  title: 'Checkout error rate above 5%',
  number: 42,
  service: { id: 'PSVC0WEB', name: 'Web' },
  urgency: 'high',
  priority: null,
};

describe("PagerDuty's own incidents", () => {
  it('priority first (P1 sev1 … P4 and P5 sev4), else urgency (high sev2, low sev3)', () => {
    expect(['P1', 'P2', 'P3', 'P4', 'p5'].map((p) => severityOfPagerDutyIncident(p, 'low'))).toEqual([
      'sev1',
      'sev2',
      'sev3',
      'sev4',
      'sev4',
    ]);
    expect(severityOfPagerDutyIncident(null, 'high')).toBe('sev2');
    expect(severityOfPagerDutyIncident('Custom', 'low')).toBe('sev3');
  });

  it('incident.triggered on a service is an incident to follow; any other event is not', () => {
    expect(pagerIncidentFromPagerDuty(triggered)).toEqual({
      via: 'PagerDuty',
      source: 'pagerduty',
      deliveryId: '01DEN3X1',
      pagerIncidentId: 'Q2ABC',
      pageKey: 'datadog-monitor-4711',
      title: 'Checkout error rate above 5%',
      service: { id: 'PSVC0WEB', name: 'Web' },
      severity: 'sev2',
      number: 42,
      url: 'https://acme.pagerduty.com/incidents/Q2ABC',
      assignedTo: [{ id: 'PUSR0ALICE', name: 'Alice Archer' }],
      agent: { id: 'PSVC0WEB', name: 'Web' },
      at: new Date('2023-02-15T11:30:00Z'),
    });
    expect(pagerIncidentFromPagerDuty({ ...triggered, type: 'incident.acknowledged' })).toBeNull();
    expect(pagerIncidentFromPagerDuty({ ...triggered, service: null })).toBeNull();
  });
});
