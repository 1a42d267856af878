// The approval rules, pure: who may decide a scale request, when it needs approval, and the refusals' words.
import { decisionRefusal, needsApproval, type ScaleApproval } from '../../../src/domain/scale-approval';

const requestedAt = new Date('2026-03-01T12:00:00Z');
const approval: ScaleApproval = {
  id: 7,
  incidentId: 1,
  target: 'web',
  amount: '+4',
  clickId: 'click-1',
  requestKey: 'scale/inc-1/web/%2B4/click-1',
  from: 4,
  to: 8,
  reason: null,
  requestedBy: { kind: 'user', id: 'U0ALICE' },
  approvers: 'sre-leads',
  channelId: 'C1',
  messageId: null,
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  requestedAt,
  expiresAt: new Date(requestedAt.getTime() + 10 * 60_000),
};
const time = (at: Date) => at.toISOString().slice(11, 16);
const at = (minutes: number) => new Date(requestedAt.getTime() + minutes * 60_000);

it('only a scale-out ending above the threshold needs approval; above 0 means every scale-out', () => {
  const rule = { above: 6, approvers: 'sre-leads', expiresMinutes: 10 };
  expect(needsApproval(rule, 4, 6)).toBe(false);
  expect(needsApproval(rule, 4, 7)).toBe(true);
  expect(needsApproval(rule, 10, 8)).toBe(false); // scale-in never waits
  expect(needsApproval({ ...rule, above: 0 }, 0, 1)).toBe(true);
  expect(needsApproval(undefined, 0, 40)).toBe(false);
});

it('a member of the approvers who is not the requester may decide before expiry', () => {
  expect(decisionRefusal(approval, { userId: 'U0BOB', isApprover: true }, 'approve', at(5), time)).toBeNull();
});

it('refuses, naming why: own request, not an approver, expired (checked at click time), already decided', () => {
  expect(decisionRefusal(approval, { userId: 'U0ALICE', isApprover: true }, 'approve', at(1), time)).toBe(
    'you asked for this scale-out, so you cannot approve it yourself; another member of @sre-leads must',
  );
  expect(decisionRefusal(approval, { userId: 'U0CAROL', isApprover: false }, 'deny', at(1), time)).toBe(
    'only members of @sre-leads may deny this request',
  );
  expect(decisionRefusal(approval, { userId: 'U0BOB', isApprover: true }, 'approve', at(10), time)).toBe(
    'this request expired at 12:10; ask again with `/scale web +4`',
  );
  const denied: ScaleApproval = { ...approval, status: 'denied', decidedBy: { kind: 'user', id: 'U0BOB' } };
  expect(decisionRefusal(denied, { userId: 'U0DAN', isApprover: true }, 'approve', at(1), time)).toBe(
    'this request was already denied by <@U0BOB>',
  );
  const byId: ScaleApproval = { ...approval, approvers: 'S0LEADS' };
  expect(decisionRefusal(byId, { userId: 'U0CAROL', isApprover: false }, 'approve', at(1), time)).toBe(
    'only members of <!subteam^S0LEADS> may approve this request',
  );
});
