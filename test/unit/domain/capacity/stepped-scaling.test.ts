// The step arithmetic of a planned event whose change is larger than its target's maxStep: which capacities the
// steps pass through, how long they take, and whether the plan's lead leaves room for them.
import {
  estimatePrescale,
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
