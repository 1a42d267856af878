// The paging decisions, with fixed times: who pages, what the page says, when it is overdue.
import {
  incidentIdFromDedupKey,
  isOverdue,
  pageAcknowledged,
  pageDedupKey,
  pageSent,
  pageSeverity,
  pageSummary,
  requestPage,
  shouldPage,
} from '../../../src/domain/paging';

const T0 = new Date('2023-02-15T11:30:00Z');
const policy = { severities: ['sev1', 'sev2'] as const, ackTimeoutMinutes: 5 };
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('paging', () => {
  it('pages the severities the policy names, and no others', () => {
    expect(shouldPage(policy, 'sev1')).toBe(true);
    expect(shouldPage(policy, 'sev2')).toBe(true);
    expect(shouldPage(policy, 'sev3')).toBe(false);
  });

  it('maps our severities onto PagerDuty’s four', () => {
    expect(['sev1', 'sev2', 'sev3', 'sev4'].map((s) => pageSeverity(s as 'sev1'))).toEqual([
      'critical',
      'error',
      'warning',
      'info',
    ]);
  });

  it('keys a page by its incident, and reads the incident back only from keys Firebreak made', () => {
    expect(pageDedupKey(42)).toBe('firebreak-inc-42');
    expect(incidentIdFromDedupKey('firebreak-inc-42')).toBe(42);
    expect(incidentIdFromDedupKey('firebreak-inc-42x')).toBeNull();
    expect(incidentIdFromDedupKey('srv-alert-42')).toBeNull();
    expect(incidentIdFromDedupKey(null)).toBeNull();
  });

  it('a re-page keeps the key, counts the send and forgets the previous acknowledgement', () => {
    const first = pageSent(requestPage(null, 7, T0), at(0), policy);
    const acked = pageAcknowledged(first, '<@U0BOB>', at(2));
    const again = requestPage(acked, 7, at(10));
    expect(again).toMatchObject({
      dedupKey: 'firebreak-inc-7',
      count: 2,
      status: 'pending',
      acknowledgedBy: null,
      reminded: false,
    });
  });

  it('is overdue only when sent, unacknowledged and past its deadline', () => {
    const sent = pageSent(requestPage(null, 1, T0), T0, policy);
    expect(sent.ackDueAt).toEqual(at(5));
    expect(isOverdue(sent, at(4.99))).toBe(false);
    expect(isOverdue(sent, at(5))).toBe(true);
    expect(isOverdue(pageAcknowledged(sent, 'Alice', at(3)), at(6))).toBe(false);
    expect(isOverdue(requestPage(null, 1, T0), at(60))).toBe(false);
  });

  it('summarises the page with severity, reference, title and message, within PagerDuty’s 1024 characters', () => {
    expect(pageSummary({ id: 3, severity: 'sev1', title: 'Checkout down' }, 'need a DBA')).toBe(
      '[SEV1] INC-3: Checkout down — need a DBA',
    );
    expect(pageSummary({ id: 3, severity: 'sev2', title: 'x'.repeat(2000) })).toHaveLength(1024);
  });
});
