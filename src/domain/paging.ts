// Paging the on-call engineer: when an incident pages, what the page says, and where it stands.
// Pure: the flows store this state and the outbox sends the page; tests use an injected clock.
import { actorName, type Actor } from './actor';
import { mention, type RichText } from './rich-text';
import type { Severity } from './severity';

export type PageStatus = 'pending' | 'triggered' | 'acknowledged' | 'resolved' | 'failed';

/** The incident's page, as far as Firebreak knows it. One page per incident; re-pages reuse its key. */
export interface PageState {
  status: PageStatus;
  /** The page's key in the paging service: repeats, acknowledgements and resolves all name it. */
  key: string;
  /** The paging service's name ("PagerDuty"), as the card and replies say it goes through. */
  via: string;
  /** How many times it was sent (the automatic page and each re-page by hand). */
  count: number;
  requestedAt: Date;
  sentAt: Date | null;
  /** When an unacknowledged page is called out in the channel. */
  ackDueAt: Date | null;
  acknowledgedAt: Date | null;
  /** A person on the chat platform, or someone in the paging service (a pager actor). */
  acknowledgedBy: Actor | null;
  /** The unacknowledged reminder was posted for the current send. */
  reminded: boolean;
  /** Why the paging service refused it (status failed). */
  error: string | null;
  /** Who the paging service has it with now (after an escalation or reassignment). */
  assignedTo: string | null;
  /** For a page that started in the paging service: its id of the incident, to change it by (not by key). */
  pagerIncidentId?: string;
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
export function pageKey(incidentId: number): string {
  return `firebreak-inc-${incidentId}`;
}

/** The incident a page key belongs to, or null for a page Firebreak did not send. */
export function incidentIdFromPageKey(key: string | null | undefined): number | null {
  const match = /^firebreak-inc-(\d+)$/.exec(key ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * A new page, or the next send of an existing one (a re-page): waiting for the outbox, to go through the
 * paging service named `via`.
 */
export function requestPage(current: PageState | null, incidentId: number, now: Date, via: string): PageState {
  return {
    status: 'pending',
    key: current?.key ?? pageKey(incidentId),
    via,
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

/**
 * A page that started in the paging service (a monitor routed through it): sent when it opened there, with its
 * key and id there, waiting for an acknowledgement like a page Firebreak sent.
 */
export function pageOpenedInPager(
  opened: { key: string; via: string; pagerIncidentId: string; at: Date; assignedTo: string | null },
  ackTimeoutMinutes: number,
): PageState {
  return {
    status: 'triggered',
    key: opened.key,
    via: opened.via,
    count: 1,
    requestedAt: opened.at,
    sentAt: opened.at,
    ackDueAt: new Date(opened.at.getTime() + ackTimeoutMinutes * 60_000),
    acknowledgedAt: null,
    acknowledgedBy: null,
    reminded: false,
    error: null,
    assignedTo: opened.assignedTo,
    pagerIncidentId: opened.pagerIncidentId,
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

export function pageAcknowledged(page: PageState, by: Actor, now: Date): PageState {
  return { ...page, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, ackDueAt: null };
}

/** True when the page is still waiting for someone to acknowledge it past its deadline. */
export function isOverdue(page: PageState | null, now: Date): boolean {
  return (
    page !== null && page.status === 'triggered' && page.ackDueAt !== null && page.ackDueAt.getTime() <= now.getTime()
  );
}

/** Someone acting in the paging service `via`: by name when it says who, else the service itself. */
export function pagerActor(via: string, agent: { id: string; name: string } | null): Actor {
  return agent ? { kind: 'pager', via, id: agent.id, name: agent.name } : { kind: 'pager', via };
}

/**
 * Who acknowledged, as the card and replies name them: a person on the chat platform as the platform shows
 * people, someone in the paging service by the name it gave (or the service's own name when it gave none).
 */
export function acknowledgerText(by: Actor): RichText {
  switch (by.kind) {
    case 'user':
      return [mention(by.id)];
    case 'pager':
      return by.name ?? by.via;
    default:
      return actorName(by);
  }
}

/** The page's summary line: severity, reference and title, within 1024 characters (a paging service's limit). */
export function pageSummary(
  incident: { id: number; severity: Severity; title: string },
  message?: string | null,
): string {
  const base = `[${incident.severity.toUpperCase()}] INC-${incident.id}: ${incident.title}`;
  const text = message ? `${base} — ${message}` : base;
  return text.length > 1024 ? `${text.slice(0, 1023)}…` : text;
}
