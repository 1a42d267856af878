// The nudges' decisions: when the lead prompt and the update reminder are due, and what settles them.
import {
  decideLeadNudge,
  decideUpdateNudge,
  settlementsFor,
  updateNudgeDueAt,
  type NudgeRecord,
} from '../../../src/domain/nudges';

const policy = { leadMinutes: 10, updateMinutes: 30 };
const openedAt = new Date('2026-03-01T11:00:00Z');
const at = (minutes: number) => new Date(openedAt.getTime() + minutes * 60_000);
const open = { openedAt, status: 'investigating' as const, leadUserId: null };
const posted = (minutes: number): NudgeRecord => ({
  incidentId: 1,
  kind: 'update',
  channelId: 'C1',
  messageId: '1.0',
  postedAt: at(minutes),
  settled: null,
});

describe('the lead prompt', () => {
  it('waits until leadMinutes after opening, then fires', () => {
    expect(decideLeadNudge(open, null, at(9), policy)).toEqual({ action: 'wait', at: at(10) });
    expect(decideLeadNudge(open, null, at(10), policy)).toEqual({ action: 'fire' });
  });

  it('stops once there is a lead, the incident is resolved, or it was posted', () => {
    expect(decideLeadNudge({ ...open, leadUserId: 'U1' }, null, at(11), policy).action).toBe('stop');
    expect(decideLeadNudge({ ...open, status: 'resolved' }, null, at(11), policy).action).toBe('stop');
    expect(decideLeadNudge(open, { ...posted(10), kind: 'lead' }, at(11), policy).action).toBe('stop');
  });
});

describe('the update reminder', () => {
  it('is due updateMinutes after the latest of opening, movement and the last reminder', () => {
    expect(updateNudgeDueAt(open, null, null, policy)).toEqual(at(30));
    expect(updateNudgeDueAt(open, { at: at(20) }, null, policy)).toEqual(at(50));
    expect(updateNudgeDueAt(open, { at: at(20) }, posted(31), policy)).toEqual(at(61));
  });

  it('waits, fires, and stops when resolved', () => {
    expect(decideUpdateNudge(open, { at: at(20) }, null, at(31), policy)).toEqual({ action: 'wait', at: at(50) });
    expect(decideUpdateNudge(open, null, null, at(30), policy)).toEqual({ action: 'fire' });
    expect(decideUpdateNudge({ ...open, status: 'resolved' }, null, null, at(90), policy).action).toBe('stop');
  });
});

describe('what a change settles', () => {
  it('a lead named settles the lead prompt; movement the reminder; resolving both', () => {
    expect(settlementsFor(open, { ...open, leadUserId: 'U1' }, null)).toEqual({
      lead: { why: 'lead_assigned', userId: 'U1' },
    });
    expect(settlementsFor(open, open, at(40))).toEqual({ update: { why: 'update_posted', at: at(40) } });
    expect(settlementsFor(open, { ...open, status: 'resolved' }, null)).toEqual({
      lead: { why: 'resolved' },
      update: { why: 'resolved' },
    });
    expect(settlementsFor(open, open, null)).toEqual({});
  });
});
