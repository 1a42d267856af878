// Paging the on-call engineer: when an incident pages, what the page says, and where it stands.
// Pure: the flows store this state and the outbox sends the page; tests use an injected clock.
import { severityRank, type Severity } from './severity';

export type PageStatus = 'pending' | 'triggered' | 'acknowledged' | 'resolved' | 'failed';

/** The incident's page, as far as Firebreak knows it. One page per incident; re-pages reuse its key. */
export interface PageState {
  status: PageStatus;
  dedupKey: string;
  /** How many times it was sent (the automatic page and each re-page by hand). */
  count: number;
  requestedAt: Date;
  sentAt: Date | null;
  /** When an unacknowledged page is called out in the channel. */
  ackDueAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** The unacknowledged reminder was posted for the current send. */
  reminded: boolean;
  /** Why PagerDuty refused it (status failed). */
  error: string | null;
  /** Who PagerDuty has it with now (after an escalation or reassignment). */
  assignedTo: string | null;
}

/** Who is on call, as looked up for an incident, with their Slack user where the email matched. */
export interface OnCallState {
  checkedAt: Date;
  people: Array<{ name: string; slackUserId: string | null; level: number; policyName: string }>;
  /** Set when the lookup failed; `people` then holds the last good answer, if any. */
  error: string | null;
}

export interface PagingPolicy {
  severities: readonly Severity[];
  ackTimeoutMinutes: number;
}

export function shouldPage(policy: PagingPolicy, severity: Severity): boolean {
  return policy.severities.includes(severity);
}

/** Stable per incident, so repeats, acknowledgements and resolves all address the same page. */
export function pageDedupKey(incidentId: number): string {
  return `firebreak-inc-${incidentId}`;
}

/** The incident a dedup key belongs to, or null for a page Firebreak did not send. */
export function incidentIdFromDedupKey(key: string | null | undefined): number | null {
  const match = /^firebreak-inc-(\d+)$/.exec(key ?? '');
  return match ? Number(match[1]) : null;
}

/** PagerDuty's four severities, from ours. */
export function pageSeverity(severity: Severity): 'critical' | 'error' | 'warning' | 'info' {
  const rank = severityRank(severity);
  return rank === 1 ? 'critical' : rank === 2 ? 'error' : rank === 3 ? 'warning' : 'info';
}

/** A new page, or the next send of an existing one (a re-page): waiting for the outbox. */
export function requestPage(current: PageState | null, incidentId: number, now: Date): PageState {
  return {
    status: 'pending',
    dedupKey: current?.dedupKey ?? pageDedupKey(incidentId),
    count: (current?.count ?? 0) + 1,
    requestedAt: now,
    sentAt: current?.sentAt ?? null,
    ackDueAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    reminded: false,
    error: null,
    assignedTo: current?.assignedTo ?? null,
  };
}

export function pageSent(page: PageState, now: Date, policy: PagingPolicy): PageState {
  return {
    ...page,
    status: 'triggered',
    sentAt: now,
    ackDueAt: new Date(now.getTime() + policy.ackTimeoutMinutes * 60_000),
    error: null,
  };
}

export function pageAcknowledged(page: PageState, by: string, now: Date): PageState {
  return { ...page, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, ackDueAt: null };
}

/** True when the page is still waiting for someone to acknowledge it past its deadline. */
export function isOverdue(page: PageState | null, now: Date): boolean {
  return (
    page !== null && page.status === 'triggered' && page.ackDueAt !== null && page.ackDueAt.getTime() <= now.getTime()
  );
}

/** The page's summary line in PagerDuty: severity, reference and title, within PagerDuty's 1024 chars. */
export function pageSummary(
  incident: { id: number; severity: Severity; title: string },
  message?: string | null,
): string {
  const base = `[${incident.severity.toUpperCase()}] INC-${incident.id}: ${incident.title}`;
  const text = message ? `${base} — ${message}` : base;
  return text.length > 1024 ? `${text.slice(0, 1023)}…` : text;
}
