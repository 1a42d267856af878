// What a postmortem is: its sections, the facts drawn from the timeline, and the one marker for what a person
// still has to write. Plain data; drafted in draft.ts, rendered as Markdown and HTML in src/web.
import type { AutoScalingProposal } from '../capacity/auto-scaling-proposal';
import type { Severity } from '../severity';

/** What only people know, from `/incident resolve` or the postmortem modal. */
export interface PostmortemAnswers {
  summary?: string;
  impact?: string;
  rootCause?: string;
  resolution?: string;
  followUps?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Placeholders: the one marker for "a person has to write this". Renderers recognise it and show it as
// a marker; everything else is user or timeline text and is escaped.

const PLACEHOLDER_PATTERN = /^_To be filled in: ([a-z][a-z ,-]*)_$/;

/** `_To be filled in: impact_` — what is missing, in lower case. */
export function placeholder(what: string): string {
  const text = `_To be filled in: ${what}_`;
  if (!PLACEHOLDER_PATTERN.test(text)) throw new Error(`placeholder text must be lower-case words: ${what}`);
  return text;
}

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDER_PATTERN.test(text);
}

/** The placeholder's words without the Markdown emphasis, for renderers that style it themselves. */
export function placeholderText(text: string): string {
  const match = PLACEHOLDER_PATTERN.exec(text);
  return match ? `To be filled in: ${match[1] ?? ''}` : text;
}

export const PLACEHOLDERS = {
  impact: placeholder('impact'),
  rootCause: placeholder('root cause'),
  resolution: placeholder('resolution'),
  immediate: placeholder('immediate actions'),
  preventative: placeholder('preventative measures'),
  tasks: placeholder('follow-up tasks'),
} as const;

// ---------------------------------------------------------------------------------------------------
// The document.

export type PostmortemEntryKind =
  | 'incident'
  | 'alert'
  | 'page'
  | 'status'
  | 'note'
  | 'scale'
  | 'mitigated'
  | 'resolved';

export interface PostmortemTimelineEntry {
  at: Date;
  /** `11:30`, or `Feb 16 00:10` when the incident spans days; in the postmortem's zone. */
  time: string;
  kind: PostmortemEntryKind;
  /** Plain text: renderers escape it. */
  text: string;
  actor: string;
}

export type ScaleStepOutcome = 'pending' | 'completed' | 'failed' | 'refused' | 'dry_run';

/** One scale operation as the timeline tells it, from the request to its outcome. */
export interface ScaleStep {
  target: string;
  /** Capacity before; null when the timeline does not say. */
  from: number | null;
  /** Capacity asked for; null for a refusal, which records no size. */
  to: number | null;
  requestedBy: string;
  requestedAt: Date;
  startedAt: Date | null;
  /** When it completed, failed, was refused or finished its dry run. */
  finishedAt: Date | null;
  outcome: ScaleStepOutcome;
  /** Capacity reached, when it completed. */
  capacity: number | null;
  /** Why it failed or was refused, or what the dry run said. */
  message: string | null;
}

/** Key moments, for the metrics, the measures and the HTML chart. */
export interface PostmortemFacts {
  openedAt: Date;
  /** The earliest thing the timeline knows: the first alert or the opening. */
  firstEventAt: Date;
  /** Resolution, or `now` while the incident is open. */
  endAt: Date;
  firstAlertAt: Date | null;
  /** When the last firing alert resolved; null while any fires or when there were none. */
  alertsResolvedAt: Date | null;
  pageSentAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  scaleSteps: ScaleStep[];
  /** When the first other team was escalated to (`/incident escalate`); unset when none was. */
  firstEscalatedAt?: Date;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
}

export type MeasureSource = 'timeline' | 'people' | 'suggested' | 'placeholder';

export interface Measure {
  /** Plain text, or a placeholder when source is `placeholder`. */
  text: string;
  source: MeasureSource;
  /** For a suggestion: what in the timeline prompted it. */
  reason?: string;
}

export interface PostmortemTask {
  text: string;
  done: boolean;
}

export interface PostmortemMetrics {
  /** First page sent → first acknowledgement. */
  timeToAcknowledge: number | null;
  /** Opened → mitigated. */
  timeToMitigate: number | null;
  /** Opened → resolved. */
  timeToResolve: number | null;
  /** First alert → first completed scale-out. */
  firstAlertToCapacity: number | null;
  /** Opened → first escalation to another team; present only when a team was escalated to. */
  timeToEscalate?: number | null;
}

export interface Postmortem {
  incidentId: number;
  /** `INC-7`. */
  reference: string;
  /** `Postmortem: <incident title> (INC-7)`; plain text. */
  title: string;
  severity: Severity;
  service: string;
  /** IANA zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** How people read the zone at the incident's start: `UTC`, `CET`, `EST`, `GMT+9` (`zoneLabel` of local-time). */
  zoneLabel: string;
  /** The zone said once, for the document's header: `UTC`, `CET (Europe/Paris)`, `CET, then CEST from 03:00 (Europe/Paris)`. */
  zoneNote: string;
  /** The incident spans more than one calendar day in the zone: times carry dates. */
  multiDay: boolean;
  draftedAt: Date;
  issueSummary: {
    start: Date;
    end: Date | 'ongoing';
    /** `February 15, 2023, 11:30 – 14:00 UTC`. */
    period: string;
    durationMs: number;
    /** `2 hours 30 minutes`; `… so far` while ongoing. */
    durationText: string;
    timeZone: string;
    impact: string;
    rootCause: string;
    /** People's summary, or one written from the timeline's facts. */
    summary: string;
  };
  timeline: PostmortemTimelineEntry[];
  rootCauseAndResolution: {
    rootCause: string;
    resolution: string;
    /** What the timeline says was done, e.g. "web went from 4 to 24 instances in 2 steps". */
    fromTimeline: string[];
  };
  measures: { immediate: Measure[]; preventative: Measure[] };
  /** Follow-ups as unchecked tasks; empty when nobody gave any (see `tasksPlaceholder`). */
  tasks: PostmortemTask[];
  tasksPlaceholder: string | null;
  metrics: PostmortemMetrics;
  facts: PostmortemFacts;
  /** After a manual scale-out: the auto-scaling policy that would have done it, per target (issue 17); often empty. */
  autoScaling: AutoScalingProposal[];
}

// ---------------------------------------------------------------------------------------------------
// Moments: the facts' times, any of which the timeline may not know.

export function earliest(dates: Array<Date | null | undefined>): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d.getTime() < best.getTime())) best = d;
  return best;
}

/** Milliseconds from one moment to another; null when either is unknown. */
export function between(from: Date | null, to: Date | null): number | null {
  return from && to ? to.getTime() - from.getTime() : null;
}
