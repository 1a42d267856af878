// `/incident timeline`: the zone named as on the card and the postmortem, and dates on another day's times.
import type { TimelineEvent } from '../../../src/domain/timeline';
import { timelineReply } from '../../../src/slack/views/command-replies';
import { anAlertRecord, anIncident, T0 } from '../../support/builders';

function note(id: number, iso: string, text: string): TimelineEvent {
  return {
    id,
    incidentId: 7,
    at: new Date(iso),
    type: 'note.added',
    actor: { kind: 'user', id: 'U0ALICE', name: 'alice' },
    data: { text },
  };
}

describe('timelineReply', () => {
  it('names the zone as people read it, and dates every time once the incident spans midnight', () => {
    const events = [note(1, '2023-02-15T11:35:00Z', 'yesterday'), note(2, '2023-02-16T08:00:00Z', 'today')];
    const reply = timelineReply(
      anIncident({ openedAt: T0 }),
      events,
      [],
      new Date('2023-02-16T09:00:00Z'),
      'Europe/Paris',
    );
    expect(reply.text).toContain('*Timeline of INC-7* (opened 2023-02-15 12:30 CET)');
    expect(reply.text).toContain('`15 Feb 12:35` Note: yesterday');
    expect(reply.text).toContain('`16 Feb 09:00` Note: today');
  });

  it('keeps the times of an incident within one day short', () => {
    const events = [note(1, '2023-02-16T07:35:00Z', 'earlier'), note(2, '2023-02-16T08:00:00Z', 'later')];
    const reply = timelineReply(
      anIncident({ openedAt: new Date('2023-02-16T07:30:00Z') }),
      events,
      [],
      new Date('2023-02-16T09:00:00Z'),
      'Europe/Paris',
    );
    expect(reply.text).toContain('`08:35` Note: earlier');
    expect(reply.text).toContain('`09:00` Note: later');
  });

  it('tells apart alerts with the same title by their labels', () => {
    const fired = (id: number, fingerprint: string): TimelineEvent => ({
      id,
      incidentId: 7,
      at: T0,
      type: 'alert.fired',
      actor: { kind: 'monitor', id: 'alertmanager' },
      data: { fingerprint, title: 'Disk full', severity: 'sev3' },
    });
    const alerts = [
      anAlertRecord({ fingerprint: 'd1', title: 'Disk full', labels: { node: 'db-1', device: '/dev/sda' } }),
      anAlertRecord({ fingerprint: 'd2', title: 'Disk full', labels: { node: 'db-2', device: '/dev/sda' } }),
    ];
    const reply = timelineReply(anIncident(), [fired(1, 'd1'), fired(2, 'd2')], alerts, T0, 'UTC');
    expect(reply.text).toContain('Alert fired: *Disk full* (node=db-1) — alertmanager');
    expect(reply.text).toContain('Alert fired: *Disk full* (node=db-2) — alertmanager');
  });
});
