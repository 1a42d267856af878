// The capacity warning's decision per look: opens on a plan that needs more, updates in place, closes only after
// CALM_CHECKS_TO_CLOSE calm looks in a row (a warning look starts the count over), and a look that could not
// read the load neither closes it nor resets the count; it is shown once per new problem.
import type { CapacityPlan } from '../../../../src/domain/capacity/capacity-plan';
import {
  CALM_CHECKS_TO_CLOSE,
  decideWarning,
  warningNumbers,
  type CapacityWarning,
  type WarningDecision,
  type WarningLook,
} from '../../../../src/domain/capacity/capacity-warning';

const WATCH = { targetUtilization: 0.7, perInstance: 250, lookaheadMinutes: 20 };
const at = (minute: number) => new Date(Date.UTC(2023, 1, 15, 11, minute));

function look(instances: number, needed: number, minute: number): WarningLook {
  const plan: CapacityPlan = {
    sizedOn: 'trend',
    path: [],
    loadNow: needed * 150,
    peak: { at: at(minute + 20), value: needed * 170 },
    utilizationNow: (needed * 150) / (instances * 250),
    utilizationAtPeak: (needed * 170) / (instances * 250),
    needed,
    saturatesAt: null,
    passesTargetAt: null,
    scaleOut: Math.max(0, needed - instances),
    warn: needed > instances,
    beyondMax: false,
  };
  return { kind: 'planned', plan, numbers: warningNumbers(plan, instances, WATCH, at(minute)) };
}

/** Applies decisions the way the watcher stores them. */
function run(looks: WarningLook[]): { warning: CapacityWarning | null; decisions: WarningDecision['action'][] } {
  let warning: CapacityWarning | null = null;
  const decisions: WarningDecision['action'][] = [];
  looks.forEach((l, i) => {
    const open = warning?.state === 'open' ? warning : null;
    const decision = decideWarning('web', open, l, at(i));
    decisions.push(decision.action);
    if (decision.action === 'open') warning = { id: 1, ...decision.warning };
    if ((decision.action === 'update' || decision.action === 'close') && warning)
      warning = { ...warning, ...decision.changes };
  });
  return { warning, decisions };
}

it('no warning while the target has enough', () => {
  expect(run([look(4, 3, 0), look(4, 4, 1)]).decisions).toEqual(['none', 'none']);
});

it('opens with the numbers and +N, then updates the same warning with a new offer as the surge grows', () => {
  const { warning, decisions } = run([look(4, 5, 0), look(4, 7, 1), look(4, 7, 2)]);
  expect(decisions).toEqual(['open', 'update', 'update']);
  expect(warning).toMatchObject({ state: 'open', openedInstances: 4, offer: 2, numbers: { needed: 7, scaleOut: 3 } });
});

it('keeps its offer while the load still climbs, even when one more minute asks for less; a falling load lowers it', () => {
  const withLoad = (l: WarningLook, loadNow: number): WarningLook =>
    l.kind === 'planned' ? { ...l, numbers: { ...l.numbers, loadNow } } : l;
  const climbing = run([look(4, 7, 0), withLoad(look(4, 6, 1), 1100)]);
  expect(climbing.warning).toMatchObject({ offer: 1, numbers: { loadNow: 1100, needed: 7, scaleOut: 3 } });
  const falling = run([look(4, 7, 0), withLoad(look(4, 6, 1), 1000)]);
  expect(falling.warning).toMatchObject({ offer: 2, numbers: { loadNow: 1000, needed: 6, scaleOut: 2 } });
  // Capacity added meanwhile counts: 4 + 3 offered, 5 running now, still climbing: +2.
  const added = run([look(4, 7, 0), withLoad(look(5, 6, 1), 1100)]);
  expect(added.warning).toMatchObject({ numbers: { instances: 5, needed: 7, scaleOut: 2 } });
});

it(`closes only after ${CALM_CHECKS_TO_CLOSE} calm looks in a row; a warning look in between starts over`, () => {
  const calm = (i: number) => look(4, 3, i);
  const { warning, decisions } = run([look(4, 6, 0), calm(1), calm(2), look(4, 5, 3), calm(4), calm(5), calm(6)]);
  expect(decisions).toEqual(['open', 'update', 'update', 'update', 'update', 'update', 'close']);
  expect(warning).toMatchObject({ state: 'closed', closeReason: 'load_fell', closedAt: at(6) });
});

it('closing after a scale-out that the load still needs says capacity was added', () => {
  const { warning } = run([look(4, 9, 0), look(9, 9, 1), look(9, 8, 2), look(9, 8, 3)]);
  expect(warning).toMatchObject({ state: 'closed', closeReason: 'capacity_added' });
});

it('a look that could not read the load: shown once per problem, neither closing nor resetting the count', () => {
  const down: WarningLook = { kind: 'unread', problem: 'Prometheus at http://prom:9090: ECONNREFUSED' };
  expect(run([down]).decisions).toEqual(['none']);
  const { warning, decisions } = run([look(4, 6, 0), look(4, 3, 1), down, down, look(4, 3, 4), look(4, 3, 5)]);
  expect(decisions).toEqual(['open', 'update', 'update', 'none', 'update', 'close']);
  expect(warning).toMatchObject({ state: 'closed', sourceProblem: null });
});
