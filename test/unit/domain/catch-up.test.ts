// The catch-up (issue 16, part 1) and pinned-message edits (part 6), decided from plain incidents and timelines.
import type { Actor } from '../../../src/domain/actor';
import { CATCH_UP_EVENTS, catchUp } from '../../../src/domain/catch-up';
import { localTime } from '../../../src/domain/local-time';
import { withPinEdits } from '../../../src/domain/pinned-messages';
import type { TimelineEvent, TimelineEventDraft } from '../../../src/domain/timeline';
import { anIncident, at } from '../../support/builders';

const alice: Actor = { kind: 'user', id: 'U0ALICE' };
const bob: Actor = { kind: 'user', id: 'U0BOB' };

function timeline(...drafts: TimelineEventDraft[]): TimelineEvent[] {
  return drafts.map((d, i) => ({ ...d, id: i + 1, incidentId: 7 }) as TimelineEvent);
}

describe('catchUp', () => {
  it('says what is broken since the first alert, who is engaged, capacity now and what is awaited', () => {
    const events = timeline(
      {
        at: at(-5),
        type: 'alert.fired',
        actor: { kind: 'monitor', id: 'alertmanager' },
        data: { fingerprint: 'a', title: 'High request rate on web', severity: 'sev2' },
      },
      {
        at: at(0),
        type: 'incident.declared',
        actor: alice,
        data: { title: 't', severity: 'sev2', service: 'web', source: 'manual' },
      },
      { at: at(2), type: 'responder.joined', actor: bob, data: { userId: 'U0BOB' } },
      { at: at(3), type: 'scale.completed', actor: alice, data: { target: 'web', capacity: 8 } },
      { at: at(4), type: 'scale.requested', actor: bob, data: { target: 'web', from: 8, to: 12 } },
      { at: at(5), type: 'note.added', actor: bob, data: { text: 'db is fine' } },
    );
    const summary = catchUp(
      anIncident({
        page: {
          status: 'triggered',
          key: 'k',
          via: 'PagerDuty',
          count: 1,
          requestedAt: at(0),
          sentAt: at(1),
          ackDueAt: at(6),
          acknowledgedAt: null,
          acknowledgedBy: null,
          reminded: false,
          error: null,
          assignedTo: null,
        },
      }),
      events,
    );
    expect(summary.brokenSince).toEqual(at(-5));
    expect(summary.engaged).toEqual(['U0ALICE', 'U0BOB']);
    expect(summary.capacity).toEqual([{ target: 'web', capacity: 8, at: at(3) }]);
    expect(summary.awaiting).toEqual([
      { kind: 'lead' },
      { kind: 'page_acknowledgement', via: 'PagerDuty', since: at(1) },
      { kind: 'scaling', target: 'web', to: 12, since: at(4) },
      { kind: 'alerts_firing', count: 1 },
    ]);
    // Joins are routine; the rest is told, the latest last.
    expect(summary.recent.map((e) => e.type)).toEqual([
      'alert.fired',
      'incident.declared',
      'scale.completed',
      'scale.requested',
      'note.added',
    ]);
  });

  it('tells only the latest few significant events, and awaits nothing once resolved', () => {
    const notes = Array.from({ length: 12 }, (_, i) => ({
      at: at(i),
      type: 'note.added' as const,
      actor: alice,
      data: { text: `note ${i}` },
    }));
    const summary = catchUp(
      anIncident({ status: 'resolved', resolvedAt: at(20), alertCounts: { firing: 0, resolved: 1 } }),
      timeline(...notes),
    );
    expect(summary.recent).toHaveLength(CATCH_UP_EVENTS);
    expect(summary.recent.at(-1)).toMatchObject({ data: { text: 'note 11' } });
    expect(summary.awaiting).toEqual([]);
  });

  it('marks a test incident', () => {
    expect(catchUp(anIncident({ test: true }), []).test).toBe(true);
    expect(catchUp(anIncident(), []).test).toBe(false);
  });
});

describe('withPinEdits', () => {
  const pinned: TimelineEventDraft = {
    at: at(1),
    type: 'message.pinned',
    actor: alice,
    data: { channelId: 'C1', messageId: '1.0', text: 'first words', author: 'U0BOB' },
  };
  const edit = (text: string, minutes: number): TimelineEventDraft => ({
    at: at(minutes),
    type: 'message.edited',
    actor: bob,
    data: { channelId: 'C1', messageId: '1.0', text },
  });

  it('gives the pinned entry its latest text and leaves the edits out', () => {
    const folded = withPinEdits(timeline(pinned, edit('second words', 2), edit('third words', 3)));
    expect(folded).toHaveLength(1);
    expect(folded[0]).toMatchObject({
      type: 'message.pinned',
      at: at(1),
      data: { text: 'third words', author: 'U0BOB' },
    });
  });

  it('keeps an edit whose pin is not among the events (the card shows only the latest few)', () => {
    expect(withPinEdits(timeline(edit('second words', 2))).map((e) => e.type)).toEqual(['message.edited']);
  });
});

describe('localTime once an incident spans midnight', () => {
  const zone = 'Europe/Paris';
  const now = new Date('2023-02-15T23:40:00Z'); // 00:40 on 16 Feb in Paris

  it('dates today’s times too when the incident opened yesterday', () => {
    expect(localTime(new Date('2023-02-15T23:35:00Z'), now, zone, new Date('2023-02-15T22:30:00Z'))).toBe(
      '16 Feb 00:35',
    );
  });

  it('keeps today’s times short for an incident opened today', () => {
    expect(localTime(new Date('2023-02-15T23:35:00Z'), now, zone, new Date('2023-02-15T23:10:00Z'))).toBe('00:35');
    expect(localTime(new Date('2023-02-15T23:35:00Z'), now, zone)).toBe('00:35');
  });
});
