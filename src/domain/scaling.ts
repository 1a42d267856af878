// Scaling decisions, pure: what `/scale web +4` asks for, whether the guardrails allow it, the idempotency
// key that makes a retried request change the cloud once, and the timeline events that record it.
import { FIREBREAK, type Actor } from './actor';
import type { ScaleTarget } from './scale-target';
import type { TimelineEventDraft } from './timeline';

/** What the user asked for: add or remove some instances, or set a total. */
export type ScaleChange = { kind: 'relative'; delta: number } | { kind: 'absolute'; size: number };

export type ParsedScaleAmount = { ok: true; change: ScaleChange } | { ok: false; error: string };

const AMOUNT_HELP = 'use +N to add, -N to remove, or N for a total';

/** `+4` adds four instances, `-2` removes two, `12` sets the total to twelve. */
export function parseScaleAmount(text: string): ParsedScaleAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: `say how many instances: ${AMOUNT_HELP}` };
  const shown = `"${trimmed.length > 20 ? `${trimmed.slice(0, 19)}…` : trimmed}"`;
  const match = /^([+-]?)(\d+)$/.exec(trimmed);
  if (!match) {
    const decimal = /^[+-]?\d*[.,]\d+$/.test(trimmed);
    return { ok: false, error: `${shown} is not ${decimal ? 'a whole' : 'a'} number of instances; ${AMOUNT_HELP}` };
  }
  const sign = match[1] ?? '';
  const amount = Number(match[2]);
  if (!Number.isSafeInteger(amount)) return { ok: false, error: `${shown} is too large a number of instances` };
  if (sign === '') return { ok: true, change: { kind: 'absolute', size: amount } };
  if (amount === 0) return { ok: false, error: `${shown} would change nothing; ${AMOUNT_HELP}` };
  return { ok: true, change: { kind: 'relative', delta: sign === '-' ? -amount : amount } };
}

export const SCALE_OPERATION_STATUSES = ['requested', 'started', 'completed', 'failed', 'refused', 'dry_run'] as const;
export type ScaleOperationStatus = (typeof SCALE_OPERATION_STATUSES)[number];

/** One request to change a scale target's capacity, from the click to its outcome. */
export interface ScaleOperation {
  id: number;
  incidentId: number | null;
  target: string;
  requestedBy: Actor;
  /** Idempotency key (scaleRequestKey): a retried request finds this operation instead of making another. */
  requestKey: string;
  from: number;
  to: number;
  reason: string | null;
  status: ScaleOperationStatus;
  instanceIds: string[];
  error: ScaleError | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type NewScaleOperation = Omit<ScaleOperation, 'id'>;

/**
 * Why an operation failed or was refused; on an operation still `requested`, why its cloud call is failing while
 * it is retried, since when (`since`) and until when it keeps trying (`until`, ISO times).
 */
export interface ScaleError {
  code: string;
  message: string;
  since?: string;
  until?: string;
}

/**
 * How long a scale request's cloud call is retried after its first try (the outbox retries it every few seconds)
 * before the operation is given up for good: in the worst hour, the on-call engineer decides what next, not a
 * day of silent retries.
 */
export const SCALE_CLOUD_GIVE_UP_MS = 10 * 60_000;

/** The code of an operation given up because its cloud call kept failing. */
export const CLOUD_FAILING = 'CloudFailing';

function hhmm(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}

/**
 * What a failed try of an operation's cloud call (retryable: 5xx, throttled, no answer) does to the operation:
 * `show` stores the failing state (the first failure, or a different one: one card edit per change, not per try),
 * `same` changes nothing, `give_up` fails it for good once SCALE_CLOUD_GIVE_UP_MS has passed since the first try.
 * `message` must already be free of secrets.
 */
export function cloudFailure(input: {
  op: Pick<ScaleOperation, 'target' | 'from' | 'to' | 'error'>;
  code: string;
  message: string;
  /** Tries so far, this one included. */
  tries: number;
  firstTryAt: Date;
  now: Date;
}): { kind: 'show' | 'give_up'; error: ScaleError } | { kind: 'same' } {
  const { op, now } = input;
  const until = new Date(input.firstTryAt.getTime() + SCALE_CLOUD_GIVE_UP_MS);
  const message = input.message.length > 200 ? `${input.message.slice(0, 199)}…` : input.message;
  if (now.getTime() >= until.getTime()) {
    const minutes = Math.round(SCALE_CLOUD_GIVE_UP_MS / 60_000);
    return {
      kind: 'give_up',
      error: {
        code: CLOUD_FAILING,
        message: `gave up after ${input.tries} tries in ${minutes} minutes, the cloud failing (${message}); \`/scale status ${op.target}\` shows what it runs, \`/scale ${op.target} ${op.to}\` tries again`,
      },
    };
  }
  if (op.error?.since !== undefined && op.error.code === input.code) return { kind: 'same' };
  return {
    kind: 'show',
    error: { code: input.code, message, since: op.error?.since ?? now.toISOString(), until: until.toISOString() },
  };
}

export type GuardrailRule =
  | 'unknown_target'
  | 'no_change'
  | 'max'
  | 'min'
  | 'max_step'
  | 'cooldown'
  | 'not_allowed'
  | 'in_progress';

export interface GuardrailRefusal {
  ok: false;
  rule: GuardrailRule;
  /** For the Slack user: names the rule and the numbers. */
  message: string;
}

export type GuardrailResult = { ok: true; from: number; to: number; delta: number } | GuardrailRefusal;

function instances(n: number): string {
  return `${n} ${n === 1 ? 'instance' : 'instances'}`;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `${n}`;
}

function changeText(change: ScaleChange): string {
  return change.kind === 'relative' ? signed(change.delta) : `${change.size}`;
}

function refuse(rule: GuardrailRule, message: string): GuardrailRefusal {
  return { ok: false, rule, message };
}

/** The target a user named, or a refusal listing the ones there are. */
export function findScaleTarget(
  targets: readonly ScaleTarget[],
  name: string,
): { ok: true; target: ScaleTarget } | GuardrailRefusal {
  const target = targets.find((t) => t.name === name);
  if (target) return { ok: true, target };
  const known = targets.map((t) => t.name).join(', ');
  return refuse(
    'unknown_target',
    `there is no scale target "${name}"; ${known ? `the targets are ${known}` : 'none are configured'}`,
  );
}

function normalizeHandle(handle: string): string {
  return handle.replace(/^@/, '').toLowerCase();
}

/** When the cooldown after an operation starts counting; null when the operation sets none. */
function cooldownFrom(op: ScaleOperation): Date | null {
  if (op.status !== 'completed' && op.status !== 'started') return null;
  return op.finishedAt ?? op.startedAt ?? op.requestedAt;
}

function notAllowed(target: ScaleTarget, userGroups: string[]): GuardrailRefusal | null {
  const allowed = target.allowedUserGroups.map(normalizeHandle);
  if (allowed.length === 0) return null;
  const groups = new Set(userGroups.map(normalizeHandle));
  if (allowed.some((g) => groups.has(g))) return null;
  return refuse(
    'not_allowed',
    `scaling ${target.name} is limited to members of ${allowed.map((g) => `@${g}`).join(' or ')}`,
  );
}

function inProgress(name: string, last: ScaleOperation | null): GuardrailRefusal | null {
  if (!last || (last.status !== 'requested' && last.status !== 'started')) return null;
  return refuse('in_progress', `${name} is being scaled right now (operation #${last.id}); wait for it to finish`);
}

function maxStepBroken(
  target: ScaleTarget,
  change: ScaleChange,
  current: number | null,
  delta: number,
): GuardrailRefusal | null {
  if (Math.abs(delta) <= target.maxStep) return null;
  const verb =
    delta > 0 ? `add at most ${instances(target.maxStep)} to` : `remove at most ${instances(target.maxStep)} from`;
  const detail =
    change.kind === 'relative' || current === null
      ? `asked for ${changeText(change)}`
      : `it has ${current}, so ${change.size} would ${delta > 0 ? 'add' : 'remove'} ${Math.abs(delta)}`;
  return refuse('max_step', `one request may ${verb} ${target.name} (max step); ${detail}`);
}

function coolingDown(target: ScaleTarget, last: ScaleOperation | null, now: Date): GuardrailRefusal | null {
  const since = last ? cooldownFrom(last) : null;
  if (!since) return null;
  const cooldownMs = target.cooldownSeconds * 1000;
  // A clock behind the stored time counts as "just now", not as a longer wait than the cooldown.
  const elapsedMs = Math.max(0, now.getTime() - since.getTime());
  if (elapsedMs >= cooldownMs) return null;
  const elapsed = Math.floor(elapsedMs / 1000);
  const remaining = Math.ceil((cooldownMs - elapsedMs) / 1000);
  return refuse(
    'cooldown',
    `${target.name} was scaled ${elapsed} s ago; wait ${remaining} s more (cooldown ${target.cooldownSeconds} s)`,
  );
}

/** An operation on another target says nothing about this one. */
function lastOn(target: ScaleTarget, op: ScaleOperation | null): ScaleOperation | null {
  return op?.target === target.name ? op : null;
}

/**
 * The guardrails that need nothing from the cloud, checked before any cloud call (a refused user must not
 * cost a cloud read): not_allowed, in_progress, max_step when the request itself says the step (+N, -N),
 * cooldown. Passing them is not approval: checkGuardrails decides, with the capacity. A request breaking
 * several rules may hear of a different one here than checkGuardrails would name; each is one it breaks.
 */
export function checkBeforeCapacity(input: {
  target: ScaleTarget;
  change: ScaleChange;
  actor: { userId: string; userGroups: string[] };
  lastOperation: ScaleOperation | null;
  now: Date;
}): { ok: true } | GuardrailRefusal {
  const { target, change } = input;
  const last = lastOn(target, input.lastOperation);
  return (
    notAllowed(target, input.actor.userGroups) ??
    inProgress(target.name, last) ??
    (change.kind === 'relative' ? maxStepBroken(target, change, null, change.delta) : null) ??
    coolingDown(target, last, input.now) ?? { ok: true }
  );
}

/**
 * Whether a change may go ahead, checked before any call that changes the cloud. The first rule broken is
 * reported, in this order: not_allowed, in_progress, no_change, max, min, max_step, cooldown.
 *
 * max and min refuse only a change that moves away from the range: a target already above max (someone scaled
 * it by hand) may still be scaled in, even if one step does not bring it back under max.
 */
export function checkGuardrails(input: {
  target: ScaleTarget;
  /** Desired capacity now. */
  current: number;
  change: ScaleChange;
  /** Handles (without or with the leading @) of the Slack user groups the user is in. */
  actor: { userId: string; userGroups: string[] };
  /** The latest requested, started or completed operation on this target. */
  lastOperation: ScaleOperation | null;
  now: Date;
}): GuardrailResult {
  const { target, current, change, now } = input;
  const name = target.name;
  const last = lastOn(target, input.lastOperation);

  const early = notAllowed(target, input.actor.userGroups) ?? inProgress(name, last);
  if (early) return early;

  const to = change.kind === 'relative' ? current + change.delta : change.size;
  const delta = to - current;
  const asked = changeText(change);

  if (delta === 0) return refuse('no_change', `${name} already has ${instances(current)}`);

  if (delta > 0 && to > target.max) {
    const detail = change.kind === 'relative' ? `so ${asked} would make ${to}` : `asked for ${to}`;
    return refuse('max', `${name} can grow to at most ${instances(target.max)}; it has ${current}, ${detail} (max)`);
  }

  // Never below zero, whatever the policy says.
  const min = Math.max(0, target.min);
  if (delta < 0 && to < min) {
    const detail = change.kind === 'relative' ? `so ${asked} would leave ${to}` : `asked for ${to}`;
    return refuse('min', `${name} may not go below ${instances(min)} (min); it has ${current}, ${detail}`);
  }

  return (
    maxStepBroken(target, change, current, delta) ??
    coolingDown(target, last, now) ?? { ok: true, from: current, to, delta }
  );
}

/** What a refused operation stores as its error, and what its timeline event says. */
export function refusalError(refusal: Pick<GuardrailRefusal, 'rule' | 'message'>): { code: string; message: string } {
  return { code: `guardrail:${refusal.rule}`, message: refusal.message };
}

/**
 * The idempotency key of a scale request. `clickId` identifies the click or command (Slack's action_ts or
 * trigger_id): the same click delivered twice gives the same key, another click another key. Each cloud adapter
 * derives its provider's own idempotency token from it.
 */
export function scaleRequestKey(input: {
  incidentId: number | null;
  target: string;
  change: string;
  clickId: string;
}): string {
  const incident = input.incidentId === null ? 'none' : `inc-${input.incidentId}`;
  // The click id, last, is encoded so it cannot contain the separator: distinct inputs never make the same key.
  return ['scale', incident, input.target, encodeURIComponent(input.change), encodeURIComponent(input.clickId)].join(
    '/',
  );
}

type RequestedPart = Pick<ScaleOperation, 'target' | 'from' | 'to' | 'reason' | 'requestedBy' | 'requestedAt'>;

/** Timeline events for each step of a scale operation. Steps Firebreak takes on its own are Firebreak's. */
export const scaleTimelineEvents = {
  requested(op: RequestedPart): TimelineEventDraft {
    return {
      at: op.requestedAt,
      type: 'scale.requested',
      actor: op.requestedBy,
      data: { target: op.target, from: op.from, to: op.to, ...(op.reason ? { reason: op.reason } : {}) },
    };
  },
  started(op: Pick<ScaleOperation, 'target' | 'instanceIds'>, now: Date): TimelineEventDraft {
    return {
      at: now,
      type: 'scale.started',
      actor: FIREBREAK,
      data: { target: op.target, ...(op.instanceIds.length > 0 ? { instanceIds: op.instanceIds } : {}) },
    };
  },
  /** `capacity` is what the target reached; the operation's `to` unless told otherwise. */
  completed(op: Pick<ScaleOperation, 'target' | 'to'>, now: Date, capacity: number = op.to): TimelineEventDraft {
    return { at: now, type: 'scale.completed', actor: FIREBREAK, data: { target: op.target, capacity } };
  },
  failed(op: Pick<ScaleOperation, 'target'>, error: { code: string; message: string }, now: Date): TimelineEventDraft {
    return {
      at: now,
      type: 'scale.failed',
      actor: FIREBREAK,
      data: { target: op.target, code: error.code, message: error.message },
    };
  },
  /** A guardrail refusal, recorded as the requester's: they asked, and were told why not. */
  refused(input: {
    target: string;
    requestedBy: Actor;
    refusal: Pick<GuardrailRefusal, 'rule' | 'message'>;
    now: Date;
  }): TimelineEventDraft {
    return {
      at: input.now,
      type: 'scale.refused',
      actor: input.requestedBy,
      data: { target: input.target, rule: input.refusal.rule, message: input.refusal.message },
    };
  },
};

/**
 * The operation on one line for the card, e.g. `web: 4 → 8 (now 6 running, 2 starting)`. `current` is the
 * target's capacity as last read, when known. Plain text: the view escapes it.
 */
export function capacityLine(
  op: Pick<ScaleOperation, 'target' | 'from' | 'to' | 'status' | 'error'>,
  current: { running: number; pending?: number } | null,
): string {
  const running = current
    ? `now ${current.running} running${current.pending ? `, ${current.pending} starting` : ''}`
    : null;
  let detail: string;
  switch (op.status) {
    case 'requested':
      detail =
        op.error?.since !== undefined
          ? `the cloud is failing since ${hhmm(new Date(op.error.since))} (${op.error.message}); retrying until ${hhmm(new Date(op.error.until ?? op.error.since))}`
          : (running ?? 'requested');
      break;
    case 'started':
      detail = running ?? 'starting';
      break;
    case 'completed':
      detail = running ?? 'done';
      break;
    case 'failed':
      detail = `failed: ${op.error?.message ?? 'no reason given'}`;
      break;
    case 'refused':
      detail = `refused: ${op.error?.message ?? 'no reason given'}`;
      break;
    case 'dry_run':
      detail = 'dry run, nothing launched';
      break;
  }
  return `${op.target}: ${op.from} → ${op.to} (${detail})`;
}
