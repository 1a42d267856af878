// The step arithmetic of a planned event whose change is larger than its target's maxStep: which capacities the
// steps pass through, how long they take, and whether the plan's lead leaves room for them.
import {
  estimatePrescale,
  proposalNotes,
  STEP_LAUNCH_ALLOWANCE_MS,
  steppedDurationMs,
  stepTargets,
} from '../../../../src/domain/capacity/planned-event';

describe('stepTargets', () => {
  it('grows in steps of at most maxStep, the last one exact', () => {
    expect(stepTargets(4, 24, 10)).toEqual([14, 24]);
    expect(stepTargets(4, 25, 10)).toEqual([14, 24, 25]);
    expect(stepTargets(0, 4, 6)).toEqual([4]);
  });
  it('shrinks the same way, and a change within one step is one step', () => {
    expect(stepTargets(24, 4, 10)).toEqual([14, 4]);
    expect(stepTargets(5, 3, 10)).toEqual([3]);
  });
  it('is empty when there is nothing to change, and refuses a step that could never arrive', () => {
    expect(stepTargets(7, 7, 3)).toEqual([]);
    expect(() => stepTargets(1, 5, 0)).toThrow(RangeError);
  });
});

describe('estimatePrescale', () => {
  const web = { maxStep: 10, cooldownSeconds: 120 };
  it('counts each step’s launch allowance and the cooldown between steps', () => {
    expect(steppedDurationMs(0, 120)).toBe(0);
    expect(steppedDurationMs(1, 120)).toBe(STEP_LAUNCH_ALLOWANCE_MS);
    expect(steppedDurationMs(2, 120)).toBe(2 * STEP_LAUNCH_ALLOWANCE_MS + 120_000);
  });
  it('says when the lead is too short for the steps, and which lead is enough', () => {
    const short = estimatePrescale({ current: 4, count: 24, target: web, leadMinutes: 5 });
    expect(short).toMatchObject({ from: 4, targets: [14, 24], leadTooShort: true, neededLeadMinutes: 8 });
    expect(estimatePrescale({ current: 4, count: 24, target: web, leadMinutes: 8 }).leadTooShort).toBe(false);
  });
  it('has no steps when the target already has the count', () => {
    expect(estimatePrescale({ current: 30, count: 24, target: web, leadMinutes: 1 })).toMatchObject({
      targets: [],
      durationMs: 0,
      leadTooShort: false,
    });
  });
});

describe('proposalNotes', () => {
  const web = { name: 'web', maxStep: 10, cooldownSeconds: 120 };
  it('names the steps, and warns (for the announcement too) when the lead is too short for them', () => {
    const short = proposalNotes({ target: web, count: 24, leadMinutes: 5, current: { desired: 4 } });
    expect(short.notes[0]).toContain('from 4 now, web grows in 2 steps of at most 10 (its max step), about 8 minutes');
    expect(short.warning).toContain('its 2 steps take about 8 minutes');
    expect(short.warning).toContain('`lead 8m`');
    expect(proposalNotes({ target: web, count: 24, leadMinutes: 30, current: { desired: 4 } }).warning).toBeNull();
  });
  it('says when there is nothing to add now, and when the capacity could not be read', () => {
    expect(proposalNotes({ target: web, count: 4, leadMinutes: 30, current: { desired: 6 } }).notes[0]).toContain(
      'web already has 6 instances, so as things stand there is nothing to pre-scale',
    );
    expect(
      proposalNotes({ target: web, count: 4, leadMinutes: 30, current: { error: 'the cloud did not answer' } })
        .notes[0],
    ).toContain("could not read web's capacity now (the cloud did not answer)");
    expect(proposalNotes({ target: web, count: 8, leadMinutes: 30, current: { desired: 4 } }).notes).toEqual([]);
  });
});
