// The postmortem draft: facts from the stored timeline, what only people know from their answers, and
// a placeholder wherever neither says anything — it never guesses. Pure; the renderers are in src/web.
import { FirebreakError } from '../../errors';
import { actorName, type Actor } from '../actor';
import { proposeAutoScaling } from '../capacity/auto-scaling-proposal';
import type { AlertRecord } from '../alert';
import { distinguishingLabels } from '../alert-labels';
import { humanDuration } from '../duration';
import { incidentRef, type Incident } from '../incident';
import { withPinEdits } from '../pinned-messages';
import { sameLocalDay, zoneDescription, zoneLabel } from '../local-time';
import { plural } from '../plural';
import type { TimelineEvent } from '../timeline';
import { localText, postmortemClock } from './clock';
import {
  between,
  earliest,
  type Measure,
  PLACEHOLDERS,
  type Postmortem,
  type PostmortemAnswers,
  type PostmortemEntryKind,
  type PostmortemFacts,
  type PostmortemMetrics,
  type PostmortemTimelineEntry,
  type ScaleStep,
} from './model';
import { preventativeMeasures } from './suggestions';

export interface PostmortemInput {
  incident: Incident;
  events: TimelineEvent[];
  /** The records of the alerts the timeline names (`alertsNamedIn(events)`); more do no harm. */
  alerts: AlertRecord[];
  /** When the incident's earliest alert started and its first was seen, over all its alerts (from `alerts` when absent). */
  alertsFirst?: { startedAt: Date | null; seenAt: Date | null };
  answers: PostmortemAnswers;
  /** IANA zone every time is shown in, e.g. `Europe/Berlin`. */
  timeZone: string;
  now: Date;
  /**
   * People's names by chat user id, as the chat platform knows them (their full names), so a person is
   * named one way throughout; the name the timeline recorded (a username) is the fallback.
   */
  names?: ReadonlyMap<string, string>;
}

/** Zones already found valid: building a formatter to check one costs more than drafting a small postmortem. */
const knownZones = new Set<string>();

function assertTimeZone(timeZone: string): void {
  if (knownZones.has(timeZone)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    knownZones.add(timeZone);
  } catch {
    throw new FirebreakError(
      'INPUT_INVALID',
      `"${timeZone}" is not a time zone (use an IANA name such as Europe/Berlin)`,
      {
        step: 'drafting the postmortem',
      },
    );
  }
}

function answer(text: string | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

function byTime(a: TimelineEvent, b: TimelineEvent): number {
  return a.at.getTime() - b.at.getTime() || a.id - b.id;
}

/** The events in time order: themselves when they already are (as the store returns them), else a sorted copy. */
function inTimeOrder(events: readonly TimelineEvent[]): readonly TimelineEvent[] {
  for (let i = 1; i < events.length; i += 1)
    if (byTime(events[i - 1] as TimelineEvent, events[i] as TimelineEvent) > 0) return [...events].sort(byTime);
  return events;
}

function instances(n: number): string {
  return plural(n, 'instance');
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `−${Math.abs(n)}`;
}

/**
 * Names people by name, one way each, since the postmortem leaves Slack: the name the chat platform gave
 * (`known`), else the name the timeline recorded for them, else their id.
 */
function actorNamer(
  declaredBy: Actor,
  events: readonly TimelineEvent[],
  known: ReadonlyMap<string, string>,
): { actor(actor: Actor): string; user(id: string): string } {
  const recorded = new Map<string, string>();
  const record = (actor: Actor): void => {
    if (actor.kind === 'user' && actor.name && !recorded.has(actor.id)) recorded.set(actor.id, actor.name);
  };
  record(declaredBy);
  for (const event of events) record(event.actor);
  const user = (id: string): string => known.get(id) ?? recorded.get(id) ?? id;
  return {
    actor: (actor) =>
      actor.kind === 'user' ? (known.get(actor.id) ?? actor.name ?? user(actor.id)) : actorName(actor),
    user,
  };
}

interface Context {
  incident: Incident;
  events: TimelineEvent[];
  /** Each alert's record, and its firings and resolves in time order, looked up once: a storm's incident
   *  has thousands of alerts, and a scan of every event per alert made its postmortem take seconds. Only
   *  the alerts the postmortem names (alertsNamedIn) have their events here; the rest are only counted. */
  alerts: Map<string, AlertRecord>;
  alertEvents: Map<string, { fired: TimelineEvent[]; resolved: TimelineEvent[] }>;
  /** How many alerts fired at least once: asked only when all alerts resolved, so counted only then. */
  alertsFired(): number;
  alertsFirst: { startedAt: Date | null; seenAt: Date | null };
  timeZone: string;
  multiDay: boolean;
  now: Date;
  name: ReturnType<typeof actorNamer>;
  /** What tells a named alert from another of the same name (`instance=web-3`), by fingerprint. */
  apart: Map<string, string>;
  clock(at: Date): string;
}

function alertName(fingerprint: string, title: string, ctx: Context): string {
  return ctx.alerts.get(fingerprint)?.labels.alertname ?? title;
}

/** The labels that tell apart the alerts the postmortem names, where two share a name. */
function alertsApart(namedAlerts: readonly string[], alerts: Context['alerts']): Context['apart'] {
  const named = namedAlerts.map((fp) => alerts.get(fp)).filter((a): a is AlertRecord => a !== undefined);
  const apart = distinguishingLabels(named.map((a) => ({ name: a.labels.alertname ?? a.title, labels: a.labels })));
  return new Map(named.map((a, i) => [a.fingerprint, apart[i] ?? '']));
}

function eventsByAlert(events: readonly TimelineEvent[], named: readonly string[]): Context['alertEvents'] {
  const byAlert: Context['alertEvents'] = new Map(named.map((fp) => [fp, { fired: [], resolved: [] }]));
  for (const event of events) {
    if (event.type !== 'alert.fired' && event.type !== 'alert.resolved') continue;
    const entry = byAlert.get(event.data.fingerprint);
    if (entry) (event.type === 'alert.fired' ? entry.fired : entry.resolved).push(event);
  }
  return byAlert;
}

function alertsFiredIn(events: readonly TimelineEvent[]): () => number {
  let count: number | undefined;
  return () => {
    if (count === undefined) {
      const fired = new Set<string>();
      for (const event of events) if (event.type === 'alert.fired') fired.add(event.data.fingerprint);
      count = fired.size;
    }
    return count;
  };
}

/** The first firing of each alert, with its refires and repeats told in one sentence. */
function alertFiredText(event: TimelineEvent & { type: 'alert.fired' }, ctx: Context): string {
  const { fingerprint, title, severity, summary } = event.data;
  const record = ctx.alerts.get(fingerprint);
  const name = alertName(fingerprint, title, ctx);
  const service = record?.service ?? ctx.incident.service;
  const detail = summary ?? (name !== title ? title : null);
  const apart = ctx.apart.get(fingerprint);
  const text = `${name}${apart ? ` (${apart})` : ''} fired on ${service} (${severity})${detail ? `: ${detail}` : ''}${/[.!?]$/.test(detail ?? '') ? '' : '.'}`;

  const own = ctx.alertEvents.get(fingerprint) ?? { fired: [], resolved: [] };
  const isLater = (e: TimelineEvent): boolean => e.id !== event.id && e.at.getTime() >= event.at.getTime();
  const refires = own.fired.filter(isLater);
  // The record counts every receipt while firing, refires included; the events are the floor if it is missing.
  const more = Math.max(refires.length, (record?.count ?? 1) - 1);
  if (more === 0) return text;
  const resolves = own.resolved.filter(isLater);
  const lastResolve = resolves[resolves.length - 1];
  const lastRefire = refires[refires.length - 1];
  const times = more === 1 ? 'once more' : `${more} more times`;
  if (record?.status === 'resolved' && lastResolve && (!lastRefire || lastResolve.at >= lastRefire.at)) {
    return `${text} It fired ${times} until it resolved at ${ctx.clock(lastResolve.at)}.`;
  }
  const last = record?.status === 'firing' ? record.lastSeenAt : lastRefire?.at;
  return last ? `${text} It fired ${times}, last at ${ctx.clock(last)}.` : `${text} It fired ${times}.`;
}

function scaleRequestedText(data: { target: string; from?: number; to: number; reason?: string }): string {
  const reason = data.reason ? `. Reason: ${data.reason}` : '';
  if (data.from === undefined) return `Scaling ${data.target} to ${instances(data.to)} requested${reason}`;
  const direction = data.to >= data.from ? 'Scale-out' : 'Scale-in';
  return `${direction} of ${data.target} requested: ${data.from} → ${instances(data.to)} (${signed(data.to - data.from)})${reason}`;
}

/** A `status_changed` to mitigated or resolved says the same as the event recorded with it. */
function isEchoOfOutcome(event: TimelineEvent, events: readonly TimelineEvent[]): boolean {
  if (event.type !== 'incident.status_changed') return false;
  const outcome =
    event.data.to === 'mitigated' ? 'incident.mitigated' : event.data.to === 'resolved' ? 'incident.resolved' : null;
  return outcome !== null && events.some((e) => e.type === outcome && e.at.getTime() === event.at.getTime());
}

function entryFor(
  event: TimelineEvent,
  ctx: Context,
  seenAlerts: Set<string>,
): { kind: PostmortemEntryKind; text: string } | null {
  switch (event.type) {
    case 'incident.declared':
      if (event.data.source === 'pager')
        return {
          kind: 'incident',
          text: `Incident opened from ${event.actor.kind === 'pager' ? event.actor.via : 'the pager'}: ${event.data.title} (${event.data.severity}, ${event.data.service})`,
        };
      return event.data.source === 'alert'
        ? {
            kind: 'incident',
            text: `Incident opened automatically from the alert (${event.data.severity}, ${event.data.service})`,
          }
        : {
            kind: 'incident',
            text: `${event.data.test ? 'Test incident' : 'Incident'} declared: ${event.data.title} (${event.data.severity}, ${event.data.service})`,
          };
    case 'alert.fired':
      if (seenAlerts.has(event.data.fingerprint)) return null;
      seenAlerts.add(event.data.fingerprint);
      return { kind: 'alert', text: alertFiredText(event, ctx) };
    case 'alert.resolved': {
      if (!event.data.allResolved) return null;
      const fired = ctx.alertsFired();
      const apart = ctx.apart.get(event.data.fingerprint);
      const last = `${alertName(event.data.fingerprint, event.data.title, ctx)}${apart ? `, ${apart}` : ''}`;
      return { kind: 'alert', text: fired > 1 ? `All alerts resolved (the last was ${last})` : 'All alerts resolved' };
    }
    case 'incident.status_changed':
      if (isEchoOfOutcome(event, ctx.events)) return null;
      return {
        kind: 'status',
        text: `Status changed from ${event.data.from} to ${event.data.to}${event.data.message ? `: ${event.data.message}` : ''}`,
      };
    case 'incident.severity_changed':
      return { kind: 'status', text: `Severity changed from ${event.data.from} to ${event.data.to}` };
    case 'incident.lead_assigned':
      return { kind: 'status', text: `${ctx.name.user(event.data.userId)} became the incident lead` };
    case 'page.sent':
      return {
        kind: 'page',
        text: `${(event.data.count ?? 1) > 1 ? 'On-call engineer paged again' : 'On-call engineer paged'} through ${event.data.via}${event.data.message ? `: ${event.data.message}` : ''}`,
      };
    case 'page.acknowledged': {
      const by = acknowledgedBy(event, ctx);
      return { kind: 'page', text: `Page acknowledged${by ? ` by ${by}` : ''}` };
    }
    case 'page.escalated':
      return { kind: 'page', text: `Page escalated${event.data.to ? ` to ${event.data.to}` : ''}` };
    case 'page.reassigned':
      return { kind: 'page', text: `Page reassigned${event.data.to ? ` to ${event.data.to}` : ''}` };
    case 'page.unacknowledged':
      return { kind: 'page', text: `Page still not acknowledged after ${plural(event.data.minutes, 'minute')}` };
    case 'page.failed':
      return { kind: 'page', text: `Paging failed: ${event.data.message}` };
    case 'note.added':
      return { kind: 'note', text: `Note: ${event.data.text}` };
    case 'message.pinned': {
      const from = event.data.author ? ` from ${ctx.name.user(event.data.author)}` : '';
      return {
        kind: 'note',
        text: event.data.text ? `Pinned a message${from}: “${event.data.text}”` : `Pinned a message${from}`,
      };
    }
    case 'scale.requested':
      return { kind: 'scale', text: scaleRequestedText(event.data) };
    case 'scale.started': {
      const launching = event.data.instanceIds?.length;
      return {
        kind: 'scale',
        text: `Scaling ${event.data.target} started${launching ? `: ${instances(launching)} launching` : ''}`,
      };
    }
    case 'scale.completed': {
      if (event.data.dryRun)
        return {
          kind: 'scale',
          text: `Dry run on ${event.data.target}, nothing launched${event.data.message ? `: ${event.data.message}` : ''}`,
        };
      const step = ctx.events
        .filter((e) => e.type === 'scale.requested' && e.data.target === event.data.target && e.at <= event.at)
        .pop();
      const took = step ? `, ${humanDuration(event.at.getTime() - step.at.getTime(), 'spoken')} after the request` : '';
      return { kind: 'scale', text: `${event.data.target} reached ${instances(event.data.capacity)}${took}` };
    }
    case 'scale.failed':
      return { kind: 'scale', text: `Scaling ${event.data.target} failed: ${event.data.message} (${event.data.code})` };
    case 'scale.refused':
      return { kind: 'scale', text: `Scaling ${event.data.target} refused: ${event.data.message}` };
    case 'incident.mitigated':
      return { kind: 'mitigated', text: `Incident mitigated${event.data.message ? `: ${event.data.message}` : ''}` };
    case 'incident.update_posted':
      return { kind: 'status', text: `Stakeholder update: ${event.data.text}` };
    case 'incident.resolved':
      return { kind: 'resolved', text: `Incident resolved${event.data.summary ? `: ${event.data.summary}` : ''}` };
    case 'team.escalated':
      return {
        kind: 'page',
        text: `Escalated to the ${event.data.team} team by ${ctx.name.actor(event.actor)}${event.data.message ? `: ${event.data.message}` : ''}${event.data.notPaged ? ` (not paged: ${event.data.notPaged})` : ''}`,
      };
    case 'team.acknowledged':
      return {
        kind: 'page',
        text: `The ${event.data.team} team acknowledged${event.data.by ? ` (${event.data.by})` : ''}`,
      };
    case 'team.declined':
      return {
        kind: 'page',
        text: `The ${event.data.team} team declined${event.data.by ? ` (${event.data.by})` : ''}`,
      };
    case 'scale.approval_requested':
      return {
        kind: 'scale',
        text: `${ctx.name.actor(event.actor)} asked @${event.data.approvers.replace(/^@/, '')} to approve scaling ${event.data.target} from ${event.data.from} to ${instances(event.data.to)}`,
      };
    case 'scale.approved':
      return {
        kind: 'scale',
        text: `${ctx.name.actor(event.actor)} approved scaling ${event.data.target} to ${instances(event.data.to)}`,
      };
    case 'scale.denied':
      return {
        kind: 'scale',
        text: `${ctx.name.actor(event.actor)} denied scaling ${event.data.target} to ${instances(event.data.to)}`,
      };
    case 'scale.approval_expired':
      return {
        kind: 'scale',
        text: `The request to scale ${event.data.target} to ${instances(event.data.to)} expired without an answer`,
      };
    case 'responder.joined':
    case 'page.resolved':
    case 'postmortem.drafted':
    // Told in its own section, the auto-scaling proposal.
    case 'capacity.load_observed':
    // An edit of a pinned message is told by its entry, which carries the latest text (withPinEdits).
    case 'message.edited':
      // Routine: they add length, not understanding.
      return null;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** Who acknowledged: a person who did it in Slack by their name; the pager's name for its user otherwise. */
function acknowledgedBy(event: TimelineEvent & { type: 'page.acknowledged' }, ctx: Context): string | undefined {
  return event.actor.kind === 'user' ? ctx.name.actor(event.actor) : event.data.by;
}

/** Alerts whose first firing gets its own line; the rest of a storm is told in one. */
export const ALERTS_LISTED = 10;

/** The fingerprints of the alerts a postmortem of these events names: what its `alerts` must hold. */
export function alertsNamedIn(events: readonly TimelineEvent[]): string[] {
  const named = new Set<string>();
  const listed = new Set<string>();
  for (const event of inTimeOrder(events)) {
    if (event.type === 'alert.fired' && listed.size < ALERTS_LISTED) listed.add(event.data.fingerprint);
    if (event.type === 'alert.resolved' && event.data.allResolved) named.add(event.data.fingerprint);
  }
  return [...listed, ...named].filter((fp, i, all) => all.indexOf(fp) === i);
}

function buildTimeline(ctx: Context): PostmortemTimelineEntry[] {
  const seen = new Set<string>();
  const entries: PostmortemTimelineEntry[] = [];
  // A storm of distinct alerts would be thousands of lines nobody reads; after the first few, their first
  // firings are counted on one line placed where the first of them fired.
  let more: { entry: PostmortemTimelineEntry; count: number; last: Date } | null = null;
  for (const event of ctx.events) {
    if (event.type === 'alert.fired' && seen.size >= ALERTS_LISTED && !seen.has(event.data.fingerprint)) {
      seen.add(event.data.fingerprint);
      if (!more) {
        more = {
          entry: {
            at: event.at,
            time: ctx.clock(event.at),
            kind: 'alert',
            text: '',
            actor: ctx.name.actor(event.actor),
          },
          count: 0,
          last: event.at,
        };
        entries.push(more.entry);
      }
      more.count += 1;
      more.last = event.at;
      continue;
    }
    const entry = entryFor(event, ctx, seen);
    if (entry)
      entries.push({
        at: event.at,
        time: ctx.clock(event.at),
        kind: entry.kind,
        text: entry.text,
        actor: ctx.name.actor(event.actor),
      });
  }
  if (more) {
    const span =
      more.last.getTime() > more.entry.at.getTime() ? ` between ${more.entry.time} and ${ctx.clock(more.last)}` : '';
    more.entry.text = `${more.count} more ${more.count === 1 ? 'alert' : 'alerts'} fired${span} (the first ${ALERTS_LISTED} are listed one by one)`;
  }
  return entries;
}

function buildScaleSteps(ctx: Context): ScaleStep[] {
  const steps: ScaleStep[] = [];
  const capacity = new Map<string, number>();
  const open = (target: string): ScaleStep | undefined =>
    steps.find((s) => s.target === target && s.outcome === 'pending');
  const unrequested = (target: string, actor: Actor, at: Date): ScaleStep => {
    // Finished without a recorded request (e.g. a refusal, or a request recorded before a restart).
    const step: ScaleStep = {
      target,
      from: capacity.get(target) ?? null,
      to: null,
      requestedBy: ctx.name.actor(actor),
      requestedAt: at,
      startedAt: null,
      finishedAt: null,
      outcome: 'pending',
      capacity: null,
      message: null,
    };
    steps.push(step);
    return step;
  };
  for (const event of ctx.events) {
    switch (event.type) {
      case 'scale.requested':
        steps.push({
          target: event.data.target,
          from: event.data.from ?? capacity.get(event.data.target) ?? null,
          to: event.data.to,
          requestedBy: ctx.name.actor(event.actor),
          requestedAt: event.at,
          startedAt: null,
          finishedAt: null,
          outcome: 'pending',
          capacity: null,
          message: null,
        });
        break;
      case 'scale.started': {
        const step = open(event.data.target);
        if (step && !step.startedAt) step.startedAt = event.at;
        break;
      }
      case 'scale.completed': {
        const step = open(event.data.target) ?? unrequested(event.data.target, event.actor, event.at);
        step.finishedAt = event.at;
        if (event.data.dryRun) {
          step.outcome = 'dry_run';
          step.message = event.data.message ?? null;
        } else {
          step.outcome = 'completed';
          step.capacity = event.data.capacity;
          step.to ??= event.data.capacity;
          capacity.set(event.data.target, event.data.capacity);
        }
        break;
      }
      case 'scale.failed':
      case 'scale.refused': {
        const step =
          (event.type === 'scale.failed' ? open(event.data.target) : undefined) ??
          unrequested(event.data.target, event.actor, event.at);
        step.finishedAt = event.at;
        step.outcome = event.type === 'scale.failed' ? 'failed' : 'refused';
        step.message = event.data.message;
        break;
      }
      default:
        break;
    }
  }
  return steps;
}

function buildFacts(ctx: Context): PostmortemFacts {
  const { incident, events, now } = ctx;
  const first = <T extends TimelineEvent['type']>(
    type: T,
    where: (e: TimelineEvent & { type: T }) => boolean = () => true,
  ) => events.find((e): e is TimelineEvent & { type: T } => e.type === type && where(e as TimelineEvent & { type: T }));
  const firstAlertAt = first('alert.fired')?.at ?? ctx.alertsFirst.seenAt;
  const pageSent = first('page.sent');
  const ack = first('page.acknowledged', (e) => !pageSent || e.at >= pageSent.at);
  const mitigated = events.find(
    (e) => e.type === 'incident.mitigated' || (e.type === 'incident.status_changed' && e.data.to === 'mitigated'),
  );
  const resolvedEvents = events.filter((e) => e.type === 'incident.resolved');
  // A reopened incident is resolved only if the incident says so; its last resolution counts.
  const resolvedAt =
    incident.status === 'resolved'
      ? (incident.resolvedAt ?? resolvedEvents[resolvedEvents.length - 1]?.at ?? null)
      : null;
  const allResolved = events.findLast((e) => e.type === 'alert.resolved' && e.data.allResolved);
  const lastFired = events.findLast((e) => e.type === 'alert.fired');
  const alertsResolvedAt =
    incident.alertsResolvedAt ??
    (allResolved && (!lastFired || allResolved.at >= lastFired.at) ? allResolved.at : null);
  return {
    openedAt: incident.openedAt,
    firstEventAt: earliest([incident.openedAt, firstAlertAt, events[0]?.at]) ?? incident.openedAt,
    endAt: resolvedAt ?? now,
    firstAlertAt,
    alertsResolvedAt: firstAlertAt ? alertsResolvedAt : null,
    pageSentAt: pageSent?.at ?? null,
    acknowledgedAt: ack?.at ?? null,
    acknowledgedBy: ack ? (acknowledgedBy(ack, ctx) ?? ctx.name.actor(ack.actor)) : null,
    scaleSteps: buildScaleSteps(ctx),
    ...firstEscalation(events),
    mitigatedAt: mitigated?.at ?? incident.mitigatedAt,
    resolvedAt,
  };
}

function firstEscalation(events: readonly TimelineEvent[]): { firstEscalatedAt?: Date } {
  const first = events.find((e) => e.type === 'team.escalated');
  return first ? { firstEscalatedAt: first.at } : {};
}

function buildMetrics(facts: PostmortemFacts): PostmortemMetrics {
  const firstCapacity = facts.scaleSteps.find((s) => s.outcome === 'completed')?.finishedAt ?? null;
  return {
    ...(facts.firstEscalatedAt ? { timeToEscalate: between(facts.openedAt, facts.firstEscalatedAt) } : {}),
    timeToAcknowledge: between(facts.pageSentAt, facts.acknowledgedAt),
    timeToMitigate: between(facts.openedAt, facts.mitigatedAt),
    timeToResolve: between(facts.openedAt, facts.resolvedAt),
    firstAlertToCapacity: between(facts.firstAlertAt, firstCapacity),
  };
}

/** Per target: "web went from 4 to 24 instances in 2 steps, requested by Alice (11:45–13:00)". */
function capacitySentences(facts: PostmortemFacts, ctx: Context): string[] {
  const targets = [...new Set(facts.scaleSteps.map((s) => s.target))];
  const sentences: string[] = [];
  for (const target of targets) {
    const steps = facts.scaleSteps.filter((s) => s.target === target);
    const done = steps.filter((s) => s.outcome === 'completed');
    const failed = steps.filter((s) => s.outcome === 'failed' || s.outcome === 'refused');
    const first = done[0];
    const last = done[done.length - 1];
    if (first && last && last.capacity !== null && last.finishedAt) {
      const who = [...new Set(done.map((s) => s.requestedBy))].join(' and ');
      const span = `${ctx.clock(first.requestedAt)}–${ctx.clock(last.finishedAt)}, ${humanDuration(last.finishedAt.getTime() - first.requestedAt.getTime(), 'spoken')}`;
      const change =
        first.from === null
          ? `reached ${instances(last.capacity)}`
          : `went from ${first.from} to ${instances(last.capacity)}`;
      sentences.push(
        `Capacity of ${target} ${change} in ${plural(done.length, 'step')}, requested by ${who} (${span}).`,
      );
    }
    if (failed.length > 0) {
      const what = failed.length === 1 ? 'One scale request' : `${failed.length} scale requests`;
      sentences.push(
        `${what} on ${target} did not go through: ${failed.map((s) => s.message ?? s.outcome).join('; ')}.`,
      );
    }
  }
  return sentences;
}

function immediateMeasures(facts: PostmortemFacts, ctx: Context): Measure[] {
  const measures: Measure[] = [];
  const add = (text: string): void => void measures.push({ text, source: 'timeline' });
  const { events } = ctx;

  if (facts.pageSentAt) {
    const ack = facts.acknowledgedAt
      ? `; ${facts.acknowledgedBy ?? 'someone'} acknowledged at ${ctx.clock(facts.acknowledgedAt)}, ${humanDuration(facts.acknowledgedAt.getTime() - facts.pageSentAt.getTime(), 'spoken')} later`
      : '; nobody acknowledged the page';
    const page = events.find((e): e is TimelineEvent & { type: 'page.sent' } => e.type === 'page.sent');
    add(`Paged the on-call engineer through ${page?.data.via ?? 'the pager'} at ${ctx.clock(facts.pageSentAt)}${ack}.`);
  }
  const repages = events.filter((e) => e.type === 'page.sent').slice(1);
  if (repages.length > 0)
    add(
      `Paged again ${repages.length === 1 ? 'once' : `${repages.length} times`} (${repages.map((e) => ctx.clock(e.at)).join(', ')}).`,
    );
  for (const e of events) {
    if (e.type === 'page.escalated' || e.type === 'page.reassigned') {
      const verb = e.type === 'page.escalated' ? 'Escalated' : 'Reassigned';
      add(`${verb} the page${e.data.to ? ` to ${e.data.to}` : ''} at ${ctx.clock(e.at)}.`);
    }
  }
  for (const step of facts.scaleSteps) {
    const asked =
      step.from !== null && step.to !== null
        ? `${step.to >= step.from ? 'scaled out' : 'scaled in'} ${step.target} from ${step.from} to ${instances(step.to)} (${signed(step.to - step.from)})`
        : step.to !== null
          ? `scaled ${step.target} to ${instances(step.to)}`
          : `asked to scale ${step.target}`;
    const when = `${step.requestedBy} ${asked} at ${ctx.clock(step.requestedAt)}`;
    switch (step.outcome) {
      case 'completed':
        if (step.finishedAt && step.capacity !== null) {
          const took = humanDuration(step.finishedAt.getTime() - step.requestedAt.getTime(), 'spoken');
          add(
            `${when}; ${step.target} had ${instances(step.capacity)} at ${ctx.clock(step.finishedAt)}${took === '0 seconds' ? '' : `, ${took} later`}.`,
          );
        }
        break;
      case 'failed':
      case 'refused':
        add(
          `${when}; it ${step.outcome === 'refused' ? 'was refused' : 'failed'}: ${step.message ?? 'no reason recorded'}.`,
        );
        break;
      case 'dry_run':
        add(`${when} as a dry run; nothing was launched.`);
        break;
      case 'pending':
        add(`${when}; the timeline does not record it finishing.`);
        break;
    }
  }
  for (const e of events) {
    if (e.type === 'incident.status_changed') {
      const who = ctx.name.actor(e.actor);
      const what =
        e.data.to === 'resolved'
          ? 'resolved the incident'
          : e.data.to === 'mitigated'
            ? 'marked the incident mitigated'
            : `set the status to ${e.data.to}`;
      add(`${who} ${what} at ${ctx.clock(e.at)}.`);
    }
  }
  return measures.length > 0 ? measures : [{ text: PLACEHOLDERS.immediate, source: 'placeholder' }];
}

/** A summary made only of what the timeline recorded, for when nobody wrote one. */
function summaryFromTimeline(facts: PostmortemFacts, ctx: Context, durationText: string): string {
  const { incident } = ctx;
  const sentences: string[] = [];
  const firstFired = ctx.events.find((e): e is TimelineEvent & { type: 'alert.fired' } => e.type === 'alert.fired');
  if (firstFired) {
    const name = alertName(firstFired.data.fingerprint, firstFired.data.title, ctx);
    const opened =
      incident.declaredBy.kind === 'monitor'
        ? 'opened the incident'
        : `led to the incident declared at ${ctx.clock(facts.openedAt)}`;
    sentences.push(`${name} fired for ${incident.service} at ${ctx.clock(firstFired.at)} and ${opened}.`);
  } else {
    sentences.push(`${ctx.name.actor(incident.declaredBy)} declared the incident at ${ctx.clock(facts.openedAt)}.`);
  }
  if (facts.pageSentAt) {
    const ack = facts.acknowledgedAt
      ? `; ${facts.acknowledgedBy ?? 'someone'} acknowledged at ${ctx.clock(facts.acknowledgedAt)}`
      : '; nobody acknowledged the page';
    sentences.push(`The on-call engineer was paged at ${ctx.clock(facts.pageSentAt)}${ack}.`);
  }
  sentences.push(...capacitySentences(facts, ctx));
  const outcome: string[] = [];
  if (facts.mitigatedAt) outcome.push(`mitigated at ${ctx.clock(facts.mitigatedAt)}`);
  if (facts.resolvedAt) outcome.push(`resolved at ${ctx.clock(facts.resolvedAt)}, ${durationText} after it opened`);
  if (outcome.length > 0) sentences.push(`The incident was ${outcome.join(' and ')}.`);
  else sentences.push(`The incident is still open after ${durationText}.`);
  return sentences.join(' ');
}

export function draftPostmortem(input: PostmortemInput): Postmortem {
  const { incident, alerts, answers, timeZone, now } = input;
  assertTimeZone(timeZone);
  // The store returns them in order; sorting again keeps a hand-built list (tests, imports) honest.
  // A pinned message's entry shows its latest edit, at the message's own time.
  const events = withPinEdits(input.events).sort(byTime);

  // Dates appear on times only when the incident spans local days.
  const spanStart = earliest([incident.openedAt, events[0]?.at]) ?? incident.openedAt;
  const spanEnd = incident.status === 'resolved' && incident.resolvedAt ? incident.resolvedAt : now;
  const lastEvent = events[events.length - 1]?.at ?? spanEnd;
  const multiDay = !sameLocalDay(spanStart, spanEnd, timeZone) || !sameLocalDay(spanStart, lastEvent, timeZone);
  const alertsByFingerprint = new Map(alerts.map((a) => [a.fingerprint, a]));
  const named = alertsNamedIn(events);
  const ctx: Context = {
    incident,
    events,
    timeZone,
    multiDay,
    now,
    alerts: alertsByFingerprint,
    apart: alertsApart(named, alertsByFingerprint),
    alertEvents: eventsByAlert(events, named),
    alertsFired: alertsFiredIn(events),
    alertsFirst: input.alertsFirst ?? {
      startedAt: earliest(alerts.map((a) => a.startsAt)),
      seenAt: earliest(alerts.map((a) => a.firstSeenAt)),
    },
    name: actorNamer(incident.declaredBy, events, input.names ?? new Map()),
    clock: (at) => postmortemClock(at, timeZone, multiDay),
  };

  const facts = buildFacts(ctx);
  const ongoing = facts.resolvedAt === null;
  const durationMs = facts.endAt.getTime() - facts.openedAt.getTime();
  const spoken = humanDuration(durationMs, 'spoken');
  const durationText = ongoing ? `${spoken} so far` : spoken;
  const startLabel = zoneLabel(timeZone, facts.openedAt);
  const endLabel = zoneLabel(timeZone, facts.endAt);
  const day = (at: Date): string => localText(at, timeZone, 'MMMM d, yyyy');
  const hm = (at: Date): string => localText(at, timeZone, 'HH:mm');
  let period: string;
  if (ongoing) period = `${day(facts.openedAt)}, ${hm(facts.openedAt)} ${startLabel} – ongoing`;
  else if (startLabel !== endLabel)
    period = `${day(facts.openedAt)}, ${hm(facts.openedAt)} ${startLabel} – ${sameLocalDay(facts.openedAt, facts.endAt, timeZone) ? '' : `${day(facts.endAt)}, `}${hm(facts.endAt)} ${endLabel}`;
  else if (sameLocalDay(facts.openedAt, facts.endAt, timeZone))
    period = `${day(facts.openedAt)}, ${hm(facts.openedAt)} – ${hm(facts.endAt)} ${startLabel}`;
  else period = `${day(facts.openedAt)}, ${hm(facts.openedAt)} – ${day(facts.endAt)}, ${hm(facts.endAt)} ${startLabel}`;

  const rootCause = answer(answers.rootCause) ?? PLACEHOLDERS.rootCause;
  const followUps = (answers.followUps ?? []).map((f) => f.trim()).filter((f) => f !== '');
  const reference = incidentRef(incident);

  return {
    incidentId: incident.id,
    reference,
    title: `${incident.test ? 'TEST INCIDENT — ' : ''}Postmortem: ${incident.title} (${reference})`,
    severity: incident.severity,
    service: incident.service,
    timeZone,
    zoneLabel: startLabel,
    zoneNote: zoneDescription(timeZone, facts.firstEventAt, facts.endAt, ctx.clock),
    multiDay,
    draftedAt: now,
    issueSummary: {
      start: facts.openedAt,
      end: ongoing ? 'ongoing' : facts.endAt,
      period,
      durationMs,
      durationText,
      timeZone: startLabel,
      impact: answer(answers.impact) ?? PLACEHOLDERS.impact,
      rootCause,
      summary: answer(answers.summary) ?? summaryFromTimeline(facts, ctx, durationText),
    },
    timeline: buildTimeline(ctx),
    rootCauseAndResolution: {
      rootCause,
      resolution: answer(answers.resolution) ?? PLACEHOLDERS.resolution,
      fromTimeline: [
        ...capacitySentences(facts, ctx),
        ...(facts.alertsResolvedAt ? [`All alerts had resolved by ${ctx.clock(facts.alertsResolvedAt)}.`] : []),
      ],
    },
    measures: { immediate: immediateMeasures(facts, ctx), preventative: preventativeMeasures(followUps, facts, ctx) },
    tasks: followUps.map((text) => ({ text, done: false })),
    tasksPlaceholder: followUps.length > 0 ? null : PLACEHOLDERS.tasks,
    metrics: buildMetrics(facts),
    facts,
    autoScaling: proposeAutoScaling(events),
  };
}
