// The paging decisions, with fixed times: who pages, what the page says, when it is overdue.
import { userActor } from '../../../src/domain/actor';
import {
  acknowledgerText,
  incidentIdFromPageKey,
  isOverdue,
  pageAcknowledged,
  pageKey,
  pagerActor,
  pageSent,
  pageSummary,
  requestPage,
  shouldPage,
  pageOpenedInPager,
} from '../../../src/domain/paging';

const T0 = new Date('2023-02-15T11:30:00Z');
const policy = { severities: ['sev1', 'sev2'] as const, ackTimeoutMinutes: 5 };
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const VIA = 'Some Pager';

describe('paging', () => {
  it('pages the severities the policy names, and no others', () => {
    expect(shouldPage(policy, 'sev1')).toBe(true);
    expect(shouldPage(policy, 'sev2')).toBe(true);
    expect(shouldPage(policy, 'sev3')).toBe(false);
  });

  it('keys a page by its incident, and reads the incident back only from keys Firebreak made', () => {
    expect(pageKey(42)).toBe('firebreak-inc-42');
    expect(incidentIdFromPageKey('firebreak-inc-42')).toBe(42);
    expect(incidentIdFromPageKey('firebreak-inc-42x')).toBeNull();
    expect(incidentIdFromPageKey('srv-alert-42')).toBeNull();
    expect(incidentIdFromPageKey(null)).toBeNull();
  });

  it('a page remembers the pager it goes through', () => {
    expect(requestPage(null, 7, T0, VIA)).toMatchObject({ key: 'firebreak-inc-7', via: VIA, status: 'pending' });
  });

  it('a re-page keeps the key, counts the send and forgets the previous acknowledgement', () => {
    const first = pageSent(requestPage(null, 7, T0, VIA), at(0), policy);
    const acked = pageAcknowledged(first, userActor('U0BOB'), at(2));
    expect(acked.acknowledgedBy).toEqual({ kind: 'user', id: 'U0BOB' });
    const again = requestPage(acked, 7, at(10), VIA);
    expect(again).toMatchObject({
      key: 'firebreak-inc-7',
      count: 2,
      status: 'pending',
      acknowledgedBy: null,
      reminded: false,
    });
  });

  it('is overdue only when sent, unacknowledged and past its deadline', () => {
    const sent = pageSent(requestPage(null, 1, T0, VIA), T0, policy);
    expect(sent.ackDueAt).toEqual(at(5));
    expect(isOverdue(sent, at(4.99))).toBe(false);
    expect(isOverdue(sent, at(5))).toBe(true);
    expect(isOverdue(pageAcknowledged(sent, pagerActor(VIA, null), at(3)), at(6))).toBe(false);
    expect(isOverdue(requestPage(null, 1, T0, VIA), at(60))).toBe(false);
  });

  it('names who acknowledged: a chat user as a mention, someone in the pager by the name it gave, else the pager', () => {
    expect(acknowledgerText(userActor('U0BOB', 'bob'))).toEqual([{ mention: 'U0BOB' }]);
    expect(pagerActor(VIA, { id: 'P1', name: 'Alice Archer' })).toEqual({
      kind: 'pager',
      via: VIA,
      id: 'P1',
      name: 'Alice Archer',
    });
    expect(acknowledgerText(pagerActor(VIA, { id: 'P1', name: 'Alice Archer' }))).toBe('Alice Archer');
    expect(acknowledgerText(pagerActor(VIA, null))).toBe(VIA);
  });

  it('summarises the page with severity, reference, title and message, within 1024 characters', () => {
    expect(pageSummary({ id: 3, severity: 'sev1', title: 'Checkout down' }, 'need a DBA')).toBe(
      '[SEV1] INC-3: Checkout down — need a DBA',
    );
    expect(pageSummary({ id: 3, severity: 'sev2', title: 'x'.repeat(2000) })).toHaveLength(1024);
  });
});

describe('a page that started in the paging service', () => {
  it('is sent when it opened there, waits for an acknowledgement from then, and keeps its id there', () => {
    const at = new Date('2023-02-15T11:30:00Z');
    const page = pageOpenedInPager(
      { key: 'datadog-4711', via: 'PagerDuty', pagerIncidentId: 'Q2ABC', at, assignedTo: 'Alice Archer' },
      5,
    );
    expect(page).toMatchObject({
      status: 'triggered',
      key: 'datadog-4711',
      count: 1,
      sentAt: at,
      ackDueAt: new Date('2023-02-15T11:35:00Z'),
      assignedTo: 'Alice Archer',
      pagerIncidentId: 'Q2ABC',
    });
  });
});
