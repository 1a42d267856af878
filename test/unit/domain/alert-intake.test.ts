import { alertCountsAfter, planAlertIntake } from '../../../src/domain/alert-intake';
import { groupingKey } from '../../../src/domain/grouping';
import { anAlert, anAlertRecord, anIncident, at, T0 } from '../../support/builders';

describe('grouping', () => {
  it('groups Alertmanager alerts by their groupKey, whatever their fingerprint', () => {
    const a = anAlert({ fingerprint: 'a' });
    const b = anAlert({ fingerprint: 'b', service: 'api' });
    expect(groupingKey(a)).toBe(groupingKey(b));
  });

  it('groups alerts without a groupKey by service and fingerprint', () => {
    const generic = anAlert({ source: 'generic', groupKey: undefined, fingerprint: 'f1', service: 'web' });
    expect(groupingKey(generic)).toBe(groupingKey({ ...generic }));
    expect(groupingKey(generic)).not.toBe(groupingKey({ ...generic, service: 'api' }));
    expect(groupingKey(generic)).not.toBe(groupingKey({ ...generic, fingerprint: 'f2' }));
  });
});

describe('planAlertIntake', () => {
  const now = at(1);

  it('opens an incident for a firing alert with no open incident, declared by the monitor', () => {
    const plan = planAlertIntake({ alert: anAlert(), incident: null, existing: null, otherFiring: 0, now });
    expect(plan.open).toMatchObject({
      title: 'High request rate on web',
      severity: 'sev2',
      service: 'web',
      status: 'investigating',
      openedAt: now,
    });
    expect(plan.open?.groupKey).toBe(groupingKey(anAlert()));
    expect(plan.alert).toMatchObject({ kind: 'insert', record: { count: 1, status: 'firing', startsAt: T0 } });
    expect(plan.events.map((e) => e.type)).toEqual(['incident.declared', 'alert.fired']);
    expect(plan.events[0]?.actor).toEqual({ kind: 'monitor', id: 'alertmanager' });
  });

  it('ignores a resolved alert for which no incident is open', () => {
    const plan = planAlertIntake({
      alert: anAlert({ status: 'resolved' }),
      incident: null,
      existing: null,
      otherFiring: 0,
      now,
    });
    expect(plan.relevant).toBe(false);
    expect(plan.open).toBeNull();
  });

  it('adds a new alert of the group to the open incident with a timeline event', () => {
    const plan = planAlertIntake({
      alert: anAlert({ fingerprint: 'fp-2' }),
      incident: anIncident(),
      existing: null,
      otherFiring: 1,
      now,
    });
    expect(plan.open).toBeNull();
    expect(plan.alert.kind).toBe('insert');
    expect(plan.events.map((e) => e.type)).toEqual(['alert.fired']);
  });

  it('counts a repeat of a firing alert without a timeline event', () => {
    const existing = anAlertRecord({ count: 41 });
    const plan = planAlertIntake({ alert: anAlert(), incident: anIncident(), existing, otherFiring: 0, now });
    expect(plan.alert).toEqual({ kind: 'update', id: existing.id, changes: { lastSeenAt: now, count: 42 } });
    expect(plan.events).toEqual([]);
  });

  it('records a resolved alert as a timeline event, and says when it was the last one firing', () => {
    const plan = planAlertIntake({
      alert: anAlert({ status: 'resolved', endsAt: at(30) }),
      incident: anIncident(),
      existing: anAlertRecord(),
      otherFiring: 0,
      now,
    });
    expect(plan.alert).toMatchObject({ kind: 'update', changes: { status: 'resolved', endsAt: at(30) } });
    expect(plan.events).toEqual([
      expect.objectContaining({ type: 'alert.resolved', data: expect.objectContaining({ allResolved: true }) }),
    ]);
    expect(plan.allAlertsResolved).toBe(true);
    expect(plan.incidentChanges).toEqual({ alertsResolvedAt: now });
    // It offers to resolve; it does not resolve the incident itself.
    expect(plan.incidentChanges).not.toHaveProperty('status');
  });

  it('does not call the incident resolved while another alert still fires', () => {
    const plan = planAlertIntake({
      alert: anAlert({ status: 'resolved' }),
      incident: anIncident(),
      existing: anAlertRecord(),
      otherFiring: 2,
      now,
    });
    expect(plan.allAlertsResolved).toBe(false);
    expect(plan.incidentChanges).toEqual({});
  });

  it('a resolved alert arriving twice changes nothing the second time', () => {
    const plan = planAlertIntake({
      alert: anAlert({ status: 'resolved' }),
      incident: anIncident(),
      existing: anAlertRecord({ status: 'resolved' }),
      otherFiring: 0,
      now,
    });
    expect(plan.alert.kind).toBe('none');
    expect(plan.events).toEqual([]);
  });

  it('an alert firing again after resolving is a new timeline event and clears "all resolved"', () => {
    const plan = planAlertIntake({
      alert: anAlert({ startsAt: at(40) }),
      incident: anIncident({ alertsResolvedAt: at(35) }),
      existing: anAlertRecord({ status: 'resolved', count: 3 }),
      otherFiring: 0,
      now,
    });
    expect(plan.alert).toMatchObject({
      kind: 'update',
      changes: { status: 'firing', endsAt: null, count: 4, startsAt: at(40) },
    });
    expect(plan.events[0]).toMatchObject({ type: 'alert.fired', data: { refired: true } });
    expect(plan.incidentChanges.alertsResolvedAt).toBeNull();
  });

  it('raises the incident severity when a worse alert joins', () => {
    const plan = planAlertIntake({
      alert: anAlert({ fingerprint: 'fp-9', severity: 'sev1' }),
      incident: anIncident({ severity: 'sev3' }),
      existing: null,
      otherFiring: 1,
      now,
    });
    expect(plan.incidentChanges.severity).toBe('sev1');
    expect(plan.events.map((e) => e.type)).toEqual(['alert.fired', 'incident.severity_changed']);
  });

  it('never lowers the severity because a milder alert joins', () => {
    const plan = planAlertIntake({
      alert: anAlert({ fingerprint: 'fp-9', severity: 'sev4' }),
      incident: anIncident({ severity: 'sev2' }),
      existing: null,
      otherFiring: 1,
      now,
    });
    expect(plan.incidentChanges).not.toHaveProperty('severity');
  });

  it('lets the routing policy set the severity of a service', () => {
    const plan = planAlertIntake({
      alert: anAlert({ severity: 'sev3' }),
      incident: null,
      existing: null,
      otherFiring: 0,
      now,
      policy: { severityFor: (s) => (s === 'web' ? 'sev1' : undefined) },
    });
    expect(plan.open?.severity).toBe('sev1');
  });
});

describe('alertCountsAfter', () => {
  const now = at(1);
  const counts = { firing: 3, resolved: 1 };
  const countsAfter = (alert: ReturnType<typeof anAlert>, existing: ReturnType<typeof anAlertRecord> | null) =>
    alertCountsAfter(
      counts,
      planAlertIntake({ alert, incident: anIncident(), existing, otherFiring: 2, now }).alert,
      existing,
    );

  it('counts a new firing alert', () => {
    expect(countsAfter(anAlert({ fingerprint: 'new' }), null)).toEqual({ firing: 4, resolved: 1 });
  });

  it('moves an alert that resolves from firing to resolved, and back when it fires again', () => {
    const firing = anAlertRecord({ status: 'firing' });
    expect(countsAfter(anAlert({ status: 'resolved' }), firing)).toEqual({ firing: 2, resolved: 2 });
    expect(countsAfter(anAlert(), anAlertRecord({ status: 'resolved' }))).toEqual({ firing: 4, resolved: 0 });
  });

  it('leaves the counts alone for a repeat of a firing alert', () => {
    expect(countsAfter(anAlert(), anAlertRecord({ status: 'firing', count: 7 }))).toEqual(counts);
  });
});
