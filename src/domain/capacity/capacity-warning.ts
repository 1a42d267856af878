// A capacity warning (issue 17): what the watcher says in the announcements channel when a target's forecast
// needs more instances than it has, kept as one record per open warning and decided here from each look.
// Pure: the watcher's flow stores and posts what this decides.
//
// The closing rule (hysteresis): an open warning closes only after CALM_CHECKS_TO_CLOSE consecutive looks whose
// plan needs no more instances than the target has (needed ≤ instances). One calm look in a noisy surge does not
// close it; a look that warns again starts the count over. A look that could not read the source counts for
// nothing either way: it neither closes the warning nor resets the count.
import type { UserActor } from '../actor';
import type { CapacityPlan } from './capacity-plan';

/** Consecutive calm looks (needed ≤ instances) after which an open warning closes itself. */
export const CALM_CHECKS_TO_CLOSE = 3;

/** The numbers a warning shows, from the latest look that could read the load. */
export interface WarningNumbers {
  /** When the look was made. */
  at: Date;
  loadNow: number;
  peak: { at: Date; value: number };
  saturatesAt: Date | null;
  /** When the forecast passes the target utilization of the current instances (null: not within the lookahead). */
  passesTargetAt: Date | null;
  utilizationNow: number;
  utilizationAtPeak: number;
  instances: number;
  needed: number;
  /** The offered scale-out (+N), within the target's max; 0 when it has enough. */
  scaleOut: number;
  beyondMax: boolean;
  targetUtilization: number;
  perInstance: number;
  lookaheadMinutes: number;
}

export type WarningState = 'open' | 'closed';
/** Why a warning closed: the load fell back by itself, capacity was added (a scale-out), or the target left the watch. */
export type WarningCloseReason = 'load_fell' | 'capacity_added' | 'superseded';

/** What the button led to, last: a scale operation, or a request waiting for approval. */
export type WarningOutcome =
  | { kind: 'scaled'; by: UserActor; amount: number; operationId: number; at: Date }
  | { kind: 'approval_requested'; by: UserActor; amount: number; approvalId: number; at: Date };

export interface CapacityWarning {
  id: number;
  target: string;
  state: WarningState;
  openedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closeReason: WarningCloseReason | null;
  numbers: WarningNumbers;
  /** The target's instances when the warning opened: closing needing more than these means capacity was added. */
  openedInstances: number;
  /** Why the latest look could not read the load (the source down, no recent data), or null when it could. */
  sourceProblem: string | null;
  /** Consecutive calm looks so far (see the closing rule). */
  calmChecks: number;
  /** Bumped whenever the offer changes (another +N, or after a scale-out): a click names the offer it saw. */
  offer: number;
  /** The capacity incident it opened (`offer: incident`), or null: posted in the announcements channel. */
  incidentId: number | null;
  channelId: string | null;
  messageId: string | null;
  outcome: WarningOutcome | null;
}

export type NewCapacityWarning = Omit<CapacityWarning, 'id'>;

export function warningNumbers(
  plan: CapacityPlan,
  instances: number,
  watch: { targetUtilization: number; perInstance: number; lookaheadMinutes: number },
  at: Date,
): WarningNumbers {
  return {
    at,
    loadNow: plan.loadNow,
    peak: plan.peak,
    saturatesAt: plan.saturatesAt,
    passesTargetAt: plan.passesTargetAt,
    utilizationNow: plan.utilizationNow,
    utilizationAtPeak: plan.utilizationAtPeak,
    instances,
    needed: plan.needed,
    scaleOut: plan.scaleOut,
    beyondMax: plan.beyondMax,
    targetUtilization: watch.targetUtilization,
    perInstance: watch.perInstance,
    lookaheadMinutes: watch.lookaheadMinutes,
  };
}

/** One look's result as the warning needs it. */
export type WarningLook =
  | { kind: 'planned'; plan: CapacityPlan; numbers: WarningNumbers }
  | { kind: 'unread'; problem: string };

export type WarningDecision =
  | { action: 'none' }
  | { action: 'open'; warning: NewCapacityWarning }
  | { action: 'update'; changes: Partial<NewCapacityWarning>; edit: boolean }
  | { action: 'close'; changes: Partial<NewCapacityWarning> };

/**
 * What one look does to `target`'s warning. `open` is the target's open warning, if any. An edit is asked
 * only when what the message shows changes (numbers, the offer, the source's state), so a steady look costs
 * the channel no write.
 */
export function decideWarning(
  target: string,
  open: CapacityWarning | null,
  look: WarningLook,
  now: Date,
): WarningDecision {
  if (look.kind === 'unread') {
    if (!open || open.sourceProblem === look.problem) return { action: 'none' };
    return { action: 'update', changes: { sourceProblem: look.problem, updatedAt: now }, edit: true };
  }
  const { plan, numbers } = look;
  if (!open) {
    if (!plan.warn) return { action: 'none' };
    return {
      action: 'open',
      warning: {
        target,
        state: 'open',
        openedAt: now,
        updatedAt: now,
        closedAt: null,
        closeReason: null,
        numbers,
        openedInstances: numbers.instances,
        sourceProblem: null,
        calmChecks: 0,
        offer: 1,
        incidentId: null,
        channelId: null,
        messageId: null,
        outcome: null,
      },
    };
  }
  if (plan.warn) {
    const shown = offerWhileClimbing(open.numbers, numbers);
    return {
      action: 'update',
      changes: { numbers: shown, sourceProblem: null, calmChecks: 0, offer: nextOffer(open, shown), updatedAt: now },
      edit: true,
    };
  }
  const offer = nextOffer(open, numbers);
  const calmChecks = open.calmChecks + 1;
  if (calmChecks >= CALM_CHECKS_TO_CLOSE)
    return {
      action: 'close',
      changes: {
        numbers,
        sourceProblem: null,
        calmChecks,
        offer,
        state: 'closed',
        closedAt: now,
        updatedAt: now,
        // The instances it opened with would do again: the load fell back. Otherwise the capacity added (by its
        // button or anyone) is what made it enough.
        closeReason: numbers.needed <= open.openedInstances ? 'load_fell' : 'capacity_added',
      },
    };
  return {
    action: 'update',
    changes: { numbers, sourceProblem: null, calmChecks, offer, updatedAt: now },
    edit: true,
  };
}

/** The offer's number: a new one whenever +N changes, so a click on an older button is told it moved on. */
function nextOffer(open: CapacityWarning, numbers: WarningNumbers): number {
  return numbers.scaleOut !== open.numbers.scaleOut ? open.offer + 1 : open.offer;
}

/**
 * While the load still climbs, the offer never shrinks: a forecast redrawn from one more noisy minute may ask for
 * a little less, but people who read "+6" and then "+5" as the surge grows would trust neither. The capacity it
 * offered (instances + N) is kept, less what was added since; once the load falls, the latest plan stands.
 */
function offerWhileClimbing(before: WarningNumbers, now: WarningNumbers): WarningNumbers {
  if (now.loadNow < before.loadNow) return now;
  const offeredBefore = before.instances + before.scaleOut;
  if (offeredBefore <= now.instances + now.scaleOut) return now;
  return { ...now, needed: Math.max(now.needed, before.needed), scaleOut: offeredBefore - now.instances };
}
