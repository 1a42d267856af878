import { userActor, FIREBREAK } from '../../../src/domain/actor';
import type { ScaleTarget } from '../../../src/domain/scale-target';
import {
  capacityLine,
  cloudFailure,
  SCALE_CLOUD_GIVE_UP_MS,
  checkBeforeCapacity,
  checkGuardrails,
  findScaleTarget,
  parseScaleAmount,
  refusalError,
  scaleRequestKey,
  scaleTimelineEvents,
  type ScaleChange,
  type ScaleOperation,
} from '../../../src/domain/scaling';

const web: ScaleTarget = {
  name: 'web',
  provider: 'aws',
  spec: {
    kind: 'ec2-launch-template',
    launchTemplate: { id: 'lt-0abc', version: '$Latest' },
    subnets: ['subnet-1', 'subnet-2'],
  },
  min: 2,
  max: 40,
  maxStep: 10,
  cooldownSeconds: 120,
  allowedUserGroups: ['oncall-web'],
  dryRun: false,
  buttons: [2, 4],
  services: ['web'],
};

const now = new Date('2023-02-15T11:40:00Z');
const alice = { userId: 'U1', userGroups: ['oncall-web'] };
const plus = (delta: number): ScaleChange => ({ kind: 'relative', delta });
const total = (size: number): ScaleChange => ({ kind: 'absolute', size });

function operation(overrides: Partial<ScaleOperation> = {}): ScaleOperation {
  return {
    id: 7,
    incidentId: 12,
    target: 'web',
    requestedBy: userActor('U1'),
    requestKey: 'scale/inc-12/web/to-8/click-1',
    from: 4,
    to: 8,
    reason: null,
    status: 'completed',
    instanceIds: [],
    error: null,
    requestedAt: new Date(now.getTime() - 300_000),
    startedAt: new Date(now.getTime() - 290_000),
    finishedAt: new Date(now.getTime() - 280_000),
    ...overrides,
  };
}

function check(overrides: Partial<Parameters<typeof checkGuardrails>[0]> = {}) {
  return checkGuardrails({
    target: web,
    current: 4,
    change: plus(4),
    actor: alice,
    lastOperation: null,
    now,
    ...overrides,
  });
}

describe('parseScaleAmount', () => {
  it.each([
    ['+4', { kind: 'relative', delta: 4 }],
    ['-2', { kind: 'relative', delta: -2 }],
    ['12', { kind: 'absolute', size: 12 }],
    ['0', { kind: 'absolute', size: 0 }],
    ['  +10 ', { kind: 'relative', delta: 10 }],
  ])('reads %j', (text, change) => {
    expect(parseScaleAmount(text)).toEqual({ ok: true, change });
  });

  it('refuses +0 and -0: they change nothing', () => {
    expect(parseScaleAmount('+0')).toEqual({
      ok: false,
      error: '"+0" would change nothing; use +N to add, -N to remove, or N for a total',
    });
    expect(parseScaleAmount('-0')).toEqual({
      ok: false,
      error: '"-0" would change nothing; use +N to add, -N to remove, or N for a total',
    });
  });

  it.each(['+x', 'four', '4x', '++4', '+-4', '+ 4', '0x10', '1e3'])('refuses %j with the three forms', (text) => {
    expect(parseScaleAmount(text)).toEqual({
      ok: false,
      error: `"${text}" is not a number of instances; use +N to add, -N to remove, or N for a total`,
    });
  });

  it('says a fraction is not a whole number', () => {
    expect(parseScaleAmount('+1.5')).toEqual({
      ok: false,
      error: '"+1.5" is not a whole number of instances; use +N to add, -N to remove, or N for a total',
    });
  });

  it('asks for an amount when there is none', () => {
    expect(parseScaleAmount('  ')).toEqual({
      ok: false,
      error: 'say how many instances: use +N to add, -N to remove, or N for a total',
    });
  });

  it('refuses numbers too large to count exactly, and shortens long input in the message', () => {
    const result = parseScaleAmount('+99999999999999999999999');
    expect(result).toEqual({ ok: false, error: '"+999999999999999999…" is too large a number of instances' });
  });
});

describe('checkGuardrails', () => {
  it('allows a change inside every rule, and says from, to and delta', () => {
    expect(check()).toEqual({ ok: true, from: 4, to: 8, delta: 4 });
    expect(check({ change: total(6) })).toEqual({ ok: true, from: 4, to: 6, delta: 2 });
    expect(check({ change: plus(-2) })).toEqual({ ok: true, from: 4, to: 2, delta: -2 });
  });

  describe('not_allowed', () => {
    it('refuses someone outside the allowed groups, naming them', () => {
      expect(check({ actor: { userId: 'U2', userGroups: ['oncall-db'] } })).toEqual({
        ok: false,
        rule: 'not_allowed',
        message: 'scaling web is limited to members of @oncall-web',
      });
      const twoGroups = { ...web, allowedUserGroups: ['oncall-web', '@sre'] };
      expect(check({ target: twoGroups, actor: { userId: 'U2', userGroups: [] } })).toMatchObject({
        rule: 'not_allowed',
        message: 'scaling web is limited to members of @oncall-web or @sre',
      });
    });

    it('matches handles with or without @, in any case', () => {
      expect(check({ actor: { userId: 'U2', userGroups: ['@OnCall-Web'] } })).toMatchObject({ ok: true });
    });

    it('lets anyone scale when no groups are named', () => {
      expect(
        check({ target: { ...web, allowedUserGroups: [] }, actor: { userId: 'U2', userGroups: [] } }),
      ).toMatchObject({ ok: true });
    });
  });

  describe('in_progress', () => {
    it.each(['requested', 'started'] as const)('refuses while the last operation is %s', (status) => {
      expect(check({ lastOperation: operation({ status, finishedAt: null }) })).toEqual({
        ok: false,
        rule: 'in_progress',
        message: 'web is being scaled right now (operation #7); wait for it to finish',
      });
    });

    it.each(['failed', 'refused', 'dry_run'] as const)(
      'does not block after a %s operation, nor start a cooldown',
      (status) => {
        expect(
          check({ lastOperation: operation({ status, requestedAt: now, startedAt: null, finishedAt: now }) }),
        ).toMatchObject({ ok: true });
      },
    );

    it('ignores an operation on another target', () => {
      expect(check({ lastOperation: operation({ target: 'api', status: 'started', finishedAt: now }) })).toMatchObject({
        ok: true,
      });
    });
  });

  describe('no_change', () => {
    it('refuses a total equal to the current size', () => {
      expect(check({ current: 12, change: total(12) })).toEqual({
        ok: false,
        rule: 'no_change',
        message: 'web already has 12 instances',
      });
      expect(check({ current: 1, change: total(1), target: { ...web, min: 0 } })).toMatchObject({
        message: 'web already has 1 instance',
      });
    });
  });

  describe('max', () => {
    it('refuses growing past max, with the numbers', () => {
      expect(check({ current: 38, change: plus(4) })).toEqual({
        ok: false,
        rule: 'max',
        message: 'web can grow to at most 40 instances; it has 38, so +4 would make 42 (max)',
      });
      expect(check({ current: 38, change: total(42) })).toMatchObject({
        rule: 'max',
        message: 'web can grow to at most 40 instances; it has 38, asked for 42 (max)',
      });
    });

    it('allows reaching max exactly', () => {
      expect(check({ current: 36, change: plus(4) })).toMatchObject({ ok: true, to: 40 });
    });

    it('lets a target already over max shrink, even if it stays over', () => {
      expect(check({ current: 50, change: plus(-5) })).toMatchObject({ ok: true, to: 45 });
      expect(check({ current: 50, change: plus(1) })).toMatchObject({ rule: 'max' });
    });
  });

  describe('min', () => {
    it('refuses shrinking below min, with the numbers', () => {
      expect(check({ current: 3, change: plus(-2) })).toEqual({
        ok: false,
        rule: 'min',
        message: 'web may not go below 2 instances (min); it has 3, so -2 would leave 1',
      });
      expect(check({ current: 3, change: total(1) })).toMatchObject({
        rule: 'min',
        message: 'web may not go below 2 instances (min); it has 3, asked for 1',
      });
    });

    it('allows reaching min exactly', () => {
      expect(check({ current: 4, change: plus(-2) })).toMatchObject({ ok: true, to: 2 });
    });

    it('never goes below zero, even with no min', () => {
      expect(check({ target: { ...web, min: 0 }, current: 1, change: plus(-3) })).toMatchObject({
        rule: 'min',
        message: 'web may not go below 0 instances (min); it has 1, so -3 would leave -2',
      });
    });

    it('treats a negative min as zero', () => {
      expect(check({ target: { ...web, min: -5 }, current: 1, change: plus(-2) })).toMatchObject({
        rule: 'min',
        message: 'web may not go below 0 instances (min); it has 1, so -2 would leave -1',
      });
    });

    it('lets a target under min grow, even if it stays under', () => {
      expect(check({ target: { ...web, min: 5 }, current: 1, change: plus(2) })).toMatchObject({ ok: true, to: 3 });
    });
  });

  describe('max_step', () => {
    it('refuses adding more than max step at once', () => {
      expect(check({ current: 4, change: plus(15) })).toEqual({
        ok: false,
        rule: 'max_step',
        message: 'one request may add at most 10 instances to web (max step); asked for +15',
      });
      expect(check({ current: 12, change: total(30) })).toMatchObject({
        rule: 'max_step',
        message: 'one request may add at most 10 instances to web (max step); it has 12, so 30 would add 18',
      });
    });

    it('refuses removing more than max step at once', () => {
      expect(check({ current: 30, change: plus(-15) })).toMatchObject({
        rule: 'max_step',
        message: 'one request may remove at most 10 instances from web (max step); asked for -15',
      });
    });

    it('allows exactly max step', () => {
      expect(check({ current: 4, change: plus(10) })).toMatchObject({ ok: true, delta: 10 });
      expect(check({ current: 20, change: plus(-10) })).toMatchObject({ ok: true, delta: -10 });
    });
  });

  describe('cooldown', () => {
    const finishedAgo = (ms: number) => operation({ finishedAt: new Date(now.getTime() - ms) });

    it('refuses within the cooldown, saying how long ago and how long to wait', () => {
      expect(check({ lastOperation: finishedAgo(45_000) })).toEqual({
        ok: false,
        rule: 'cooldown',
        message: 'web was scaled 45 s ago; wait 75 s more (cooldown 120 s)',
      });
    });

    it('rounds the wait up, so waiting that long is always enough', () => {
      expect(check({ lastOperation: finishedAgo(45_500) })).toMatchObject({
        message: 'web was scaled 45 s ago; wait 75 s more (cooldown 120 s)',
      });
      expect(check({ lastOperation: finishedAgo(119_999) })).toMatchObject({
        message: 'web was scaled 119 s ago; wait 1 s more (cooldown 120 s)',
      });
    });

    it('allows a change exactly at the end of the cooldown', () => {
      expect(check({ lastOperation: finishedAgo(120_000) })).toMatchObject({ ok: true });
    });

    it('counts from when the operation finished, else started, else was requested', () => {
      const requestedOnly = operation({
        requestedAt: new Date(now.getTime() - 10_000),
        startedAt: null,
        finishedAt: null,
      });
      expect(check({ lastOperation: requestedOnly })).toMatchObject({
        message: 'web was scaled 10 s ago; wait 110 s more (cooldown 120 s)',
      });
      const started = operation({
        requestedAt: new Date(now.getTime() - 200_000),
        startedAt: new Date(now.getTime() - 20_000),
        finishedAt: null,
      });
      expect(check({ lastOperation: started })).toMatchObject({
        message: 'web was scaled 20 s ago; wait 100 s more (cooldown 120 s)',
      });
    });

    it('treats a stored time in the future as just now, not a longer wait', () => {
      expect(check({ lastOperation: finishedAgo(-30_000) })).toMatchObject({
        message: 'web was scaled 0 s ago; wait 120 s more (cooldown 120 s)',
      });
    });

    it('has no effect with a zero cooldown', () => {
      expect(check({ target: { ...web, cooldownSeconds: 0 }, lastOperation: finishedAgo(0) })).toMatchObject({
        ok: true,
      });
    });
  });

  describe('precedence: not_allowed, in_progress, no_change, max, min, max_step, cooldown', () => {
    const stranger = { userId: 'U2', userGroups: [] };
    const running = operation({ status: 'started', finishedAt: null });
    const justDone = operation({ finishedAt: now });

    it.each([
      ['not_allowed before in_progress', { actor: stranger, lastOperation: running }, 'not_allowed'],
      ['in_progress before no_change', { lastOperation: running, change: total(4) }, 'in_progress'],
      ['no_change before cooldown', { lastOperation: justDone, change: total(4) }, 'no_change'],
      ['max before max_step', { current: 38, change: plus(15) }, 'max'],
      ['min before max_step', { current: 12, change: plus(-11) }, 'min'],
      ['max_step before cooldown', { lastOperation: justDone, change: plus(11) }, 'max_step'],
      ['max before cooldown', { current: 38, lastOperation: justDone, change: plus(4) }, 'max'],
      ['min before cooldown', { current: 3, lastOperation: justDone, change: plus(-2) }, 'min'],
    ] as const)('%s', (_name, overrides, rule) => {
      expect(check(overrides)).toMatchObject({ ok: false, rule });
    });
  });
});

describe('checkBeforeCapacity (before any AWS call)', () => {
  const early = (overrides: Partial<Parameters<typeof checkBeforeCapacity>[0]> = {}) =>
    checkBeforeCapacity({ target: web, change: plus(4), actor: alice, lastOperation: null, now, ...overrides });

  it('refuses with the same words as checkGuardrails: permission, one active operation, cooldown', () => {
    const stranger = { userId: 'U2', userGroups: [] };
    expect(early({ actor: stranger })).toEqual(check({ actor: stranger }));
    const running = operation({ status: 'started', finishedAt: null });
    expect(early({ lastOperation: running })).toEqual(check({ lastOperation: running }));
    const justDone = operation({ finishedAt: new Date(now.getTime() - 45_000) });
    expect(early({ lastOperation: justDone })).toEqual(check({ lastOperation: justDone }));
  });

  it('refuses a relative step over max step, which needs no capacity to tell', () => {
    expect(early({ change: plus(-15) })).toEqual({
      ok: false,
      rule: 'max_step',
      message: 'one request may remove at most 10 instances from web (max step); asked for -15',
    });
  });

  it('leaves to checkGuardrails what needs the capacity: totals, max, min, no change', () => {
    expect(early({ change: total(400) })).toEqual({ ok: true });
    expect(early({ change: total(0) })).toEqual({ ok: true });
    expect(early({ change: plus(10) })).toEqual({ ok: true });
  });

  it('ignores an operation on another target', () => {
    expect(early({ lastOperation: operation({ target: 'api', status: 'started', finishedAt: null }) })).toEqual({
      ok: true,
    });
  });
});

describe('findScaleTarget', () => {
  it('finds a target by name, or refuses naming the targets there are', () => {
    const asg: ScaleTarget = {
      ...web,
      name: 'web-asg',
      spec: { kind: 'autoscaling-group', autoScalingGroupName: 'web-prod' },
    };
    expect(findScaleTarget([web, asg], 'web-asg')).toEqual({ ok: true, target: asg });
    expect(findScaleTarget([web, asg], 'webb')).toEqual({
      ok: false,
      rule: 'unknown_target',
      message: 'there is no scale target "webb"; the targets are web, web-asg',
    });
    expect(findScaleTarget([], 'web')).toMatchObject({
      message: 'there is no scale target "web"; none are configured',
    });
  });
});

// The cloud tokens derived from the key are each adapter's (EC2's: test/integration/aws-cloud.test.ts).
describe('scaleRequestKey', () => {
  const request = { incidentId: 12, target: 'web', change: '+4', clickId: '1700000000.123456' };

  it('gives the same key for the same click, and a different key for anything else', () => {
    expect(scaleRequestKey(request)).toBe(scaleRequestKey({ ...request }));
    const key = scaleRequestKey(request);
    expect(scaleRequestKey({ ...request, clickId: '1700000000.123457' })).not.toBe(key);
    expect(scaleRequestKey({ ...request, incidentId: 13 })).not.toBe(key);
    expect(scaleRequestKey({ ...request, incidentId: null })).not.toBe(key);
    expect(scaleRequestKey({ ...request, target: 'web-asg' })).not.toBe(key);
    expect(scaleRequestKey({ ...request, change: '+5' })).not.toBe(key);
  });

  it('cannot be confused by separators inside a part', () => {
    const a = scaleRequestKey({ ...request, target: 'web/+4', clickId: 'x' });
    const b = scaleRequestKey({ ...request, target: 'web', clickId: '+4/x' });
    expect(a).not.toBe(b);
  });

  it('is a stable, readable key', () => {
    expect(scaleRequestKey(request)).toBe('scale/inc-12/web/%2B4/1700000000.123456');
    expect(scaleRequestKey({ ...request, incidentId: null })).toBe('scale/none/web/%2B4/1700000000.123456');
  });
});

describe('scaleTimelineEvents', () => {
  const op = operation({ status: 'started', reason: 'flash sale', instanceIds: ['i-1', 'i-2'] });

  it('records the request as the requester, with from, to and reason', () => {
    expect(scaleTimelineEvents.requested(op)).toEqual({
      at: op.requestedAt,
      type: 'scale.requested',
      actor: userActor('U1'),
      data: { target: 'web', from: 4, to: 8, reason: 'flash sale' },
    });
    expect(scaleTimelineEvents.requested({ ...op, reason: null }).data).toEqual({ target: 'web', from: 4, to: 8 });
  });

  it('records start, completion and failure as Firebreak', () => {
    expect(scaleTimelineEvents.started(op, now)).toEqual({
      at: now,
      type: 'scale.started',
      actor: FIREBREAK,
      data: { target: 'web', instanceIds: ['i-1', 'i-2'] },
    });
    expect(scaleTimelineEvents.started({ ...op, instanceIds: [] }, now).data).toEqual({ target: 'web' });
    expect(scaleTimelineEvents.completed(op, now)).toEqual({
      at: now,
      type: 'scale.completed',
      actor: FIREBREAK,
      data: { target: 'web', capacity: 8 },
    });
    expect(scaleTimelineEvents.completed(op, now, 7).data).toEqual({ target: 'web', capacity: 7 });
    expect(
      scaleTimelineEvents.failed(op, { code: 'CLOUD_REJECTED', message: 'InsufficientInstanceCapacity' }, now),
    ).toEqual({
      at: now,
      type: 'scale.failed',
      actor: FIREBREAK,
      data: { target: 'web', code: 'CLOUD_REJECTED', message: 'InsufficientInstanceCapacity' },
    });
  });

  it('records a refusal as the requester, naming the rule and the numbers', () => {
    const refusal = check({ current: 38, change: plus(4) });
    if (refusal.ok) throw new Error('expected a refusal');
    expect(scaleTimelineEvents.refused({ target: 'web', requestedBy: userActor('U1'), refusal, now })).toEqual({
      at: now,
      type: 'scale.refused',
      actor: userActor('U1'),
      data: {
        target: 'web',
        rule: 'max',
        message: 'web can grow to at most 40 instances; it has 38, so +4 would make 42 (max)',
      },
    });
    expect(refusalError(refusal)).toEqual({ code: 'guardrail:max', message: refusal.message });
  });
});

describe('capacityLine', () => {
  it('shows from → to and how many run now', () => {
    expect(capacityLine(operation({ status: 'started' }), { running: 6, pending: 0 })).toBe(
      'web: 4 → 8 (now 6 running)',
    );
    expect(capacityLine(operation({ status: 'started' }), { running: 6, pending: 2 })).toBe(
      'web: 4 → 8 (now 6 running, 2 starting)',
    );
    expect(capacityLine(operation({ status: 'completed' }), { running: 8 })).toBe('web: 4 → 8 (now 8 running)');
  });

  it('falls back to the status when capacity is unknown', () => {
    expect(capacityLine(operation({ status: 'requested' }), null)).toBe('web: 4 → 8 (requested)');
    expect(capacityLine(operation({ status: 'started' }), null)).toBe('web: 4 → 8 (starting)');
    expect(capacityLine(operation({ status: 'completed' }), null)).toBe('web: 4 → 8 (done)');
  });

  it('says why an operation failed or was refused, and that a dry run launched nothing', () => {
    const error = { code: 'CLOUD_REJECTED', message: 'InsufficientInstanceCapacity' };
    expect(capacityLine(operation({ status: 'failed', error }), { running: 4 })).toBe(
      'web: 4 → 8 (failed: InsufficientInstanceCapacity)',
    );
    expect(
      capacityLine(
        operation({ status: 'refused', to: 42, error: { code: 'guardrail:max', message: 'too many' } }),
        null,
      ),
    ).toBe('web: 4 → 42 (refused: too many)');
    expect(capacityLine(operation({ status: 'failed', error: null }), null)).toBe(
      'web: 4 → 8 (failed: no reason given)',
    );
    expect(capacityLine(operation({ status: 'dry_run' }), null)).toBe('web: 4 → 8 (dry run, nothing launched)');
  });
});

describe('cloudFailure: a scale request whose cloud call keeps failing', () => {
  const first = new Date('2023-02-15T10:02:00Z');
  const failing = { code: 'ServiceUnavailable', message: 'AWS failed RunInstances (ServiceUnavailable, HTTP 503)' };
  const fail = (op: ScaleOperation, at: Date, tries: number, code = failing.code) =>
    cloudFailure({ op, code, message: failing.message, tries, firstTryAt: first, now: at });

  it('shows the first failure with since and until, then changes nothing until the failure changes', () => {
    const shown = fail(operation({ status: 'requested' }), first, 1);
    expect(shown).toEqual({
      kind: 'show',
      error: { ...failing, since: first.toISOString(), until: '2023-02-15T10:12:00.000Z' },
    });
    if (shown.kind !== 'show') throw new Error('expected show');
    const op = operation({ status: 'requested', error: shown.error });
    expect(capacityLine(op, null)).toBe(
      'web: 4 → 8 (the cloud is failing since 10:02 UTC (AWS failed RunInstances (ServiceUnavailable, HTTP 503)); retrying until 10:12 UTC)',
    );
    expect(fail(op, new Date(first.getTime() + 60_000), 5)).toEqual({ kind: 'same' });
    // Another failure (no answer at all now): shown, keeping when it started failing.
    expect(fail(op, new Date(first.getTime() + 60_000), 6, 'CLOUD_UNAVAILABLE')).toMatchObject({
      kind: 'show',
      error: { code: 'CLOUD_UNAVAILABLE', since: first.toISOString() },
    });
  });

  it('gives up once the bound has passed since the first try, saying how to try again', () => {
    const op = operation({ status: 'requested' });
    expect(fail(op, new Date(first.getTime() + SCALE_CLOUD_GIVE_UP_MS - 1), 70).kind).toBe('show');
    const gaveUp = fail(op, new Date(first.getTime() + SCALE_CLOUD_GIVE_UP_MS), 71);
    expect(gaveUp).toEqual({
      kind: 'give_up',
      error: {
        code: 'CloudFailing',
        message: `gave up after 71 tries in 10 minutes, the cloud failing (${failing.message}); \`/scale status web\` shows what it runs, \`/scale web 8\` tries again`,
      },
    });
  });
});
