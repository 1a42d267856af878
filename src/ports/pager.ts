// What the incident flows need from a paging service, in Firebreak's terms: send page requests (our severity,
// our key), hear back what happened to a page, and know who is on call. Each adapter maps these onto its
// service (PagerDuty's Events API in adapters/pagerduty). Adapters throw FirebreakError: PAGE_RATE_LIMITED /
// PAGE_UNAVAILABLE (retry later), PAGE_REJECTED (the service refused the request for good, with its reason),
// ONCALL_UNAVAILABLE.
import type { Severity } from '../domain/severity';

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

export interface PageRequest {
  action: PageAction;
  /** One page per incident: the same key triggers, acknowledges and resolves it (each pager's idempotency key). */
  key: string;
  /** Required to trigger. */
  summary?: string;
  /**
   * Where to page, when not the configured default: another team's own destination in the paging service
   * (PagerDuty: that team's Events API integration key). A secret: adapters never put it in an error.
   */
  route?: string;
  /** Who is paging (`firebreak`). */
  source?: string;
  /** Ours; each adapter maps it onto its service's own scale. */
  severity?: Severity;
  /** The service the incident is about. */
  service?: string;
  /**
   * For a page that started in the paging service (not by Firebreak's trigger): its id of the incident, which an
   * acknowledgement or resolution names instead of the key when the adapter can.
   */
  pagerIncidentId?: string;
  /** Facts shown with the page (the incident, its firing alerts, its channel). */
  details?: Record<string, unknown>;
  links?: Array<{ href: string; text: string }>;
}

export interface Pager {
  /** The service's name as people know it ("PagerDuty"): Firebreak says the on-call engineer is paged through it. */
  readonly name: string;
  send(request: PageRequest): Promise<{ key: string }>;
}

/** Where a page stands now, as the paging service tells it (`untracked`: something Firebreak does not follow). */
export type PageUpdateStatus = 'acknowledged' | 'escalated' | 'reassigned' | 'resolved' | 'untracked';

/** Something that happened to a page in the paging service, told back to Firebreak (by webhook, say). */
export interface PageUpdate {
  /** The paging service's name ("PagerDuty"), for who the change came through. */
  via: string;
  /** Which adapter delivered it, a stable lower-case word: with `deliveryId`, what a repeat is known by. */
  source: string;
  /** The service's id of this delivery: each applies once, however often it arrives. */
  deliveryId: string;
  /** The key the page was sent with; null for a page Firebreak did not send. */
  pageKey: string | null;
  /** The paging service's own id of its incident (for a page opened there, not by Firebreak). */
  pagerIncidentId: string;
  status: PageUpdateStatus;
  /** The service's own word for what happened (`incident.annotated`), for messages. */
  event: string;
  /** Who acted; null when the service itself did (an escalation timeout, for instance). */
  agent: { id: string; name: string } | null;
  /** Who has the page now, after an escalation or reassignment. */
  assignedTo: Array<{ id: string; name: string }>;
  at: Date;
}

/**
 * An incident opened in the paging service itself (a monitor routed through it), which Firebreak follows: it
 * opens a Firebreak incident linked to it, and pages nobody again.
 */
export interface PagerIncident {
  via: string;
  source: string;
  deliveryId: string;
  /** The paging service's id of the incident, which its later updates carry. */
  pagerIncidentId: string;
  /** Its key, for acknowledging and resolving it as Firebreak's own pages are (null when it has none). */
  pageKey: string | null;
  title: string;
  /** The paging service's service it was opened on. */
  service: { id: string; name: string };
  /** Ours, from the service's own urgency or priority. */
  severity: Severity;
  number: number | null;
  url: string | null;
  assignedTo: Array<{ id: string; name: string }>;
  agent: { id: string; name: string } | null;
  at: Date;
}

export type PageUpdateOutcome = { applied: true; incidentId: number } | { applied: false; reason: string };

/** Where a pager adapter hands the updates it hears (the composition root wires it to the paging flow). */
export type PageUpdateSink = (update: PageUpdate) => Promise<PageUpdateOutcome>;

export interface OnCallPerson {
  /** The paging service's user id. */
  id: string;
  name: string;
  email: string | null;
  /** Escalation level, 1 = first to be paged. */
  level: number;
  policyId: string;
  policyName: string;
}

export interface OnCallDirectory {
  /** The service's name as people know it, for "could not reach PagerDuty". */
  readonly name: string;
  /** Who is on call now for an escalation policy, lowest level first. */
  whoIsOnCall(policyId: string): Promise<OnCallPerson[]>;
  /**
   * Whether the paging service has an open (not resolved) page for this key: after a crash between sending a
   * trigger and storing that it was sent, this tells whether the trigger got through.
   */
  isPageOpen(key: string): Promise<boolean>;
}

/**
 * Asking another team, by its escalation policy, to join the incident's page in the paging service (PagerDuty's
 * responder requests): the way the paging service itself brings in another team. Throws the paging errors above.
 */
export interface ResponderRequests {
  readonly name: string;
  /**
   * Asks whoever is on call for `policyId` to respond to the paging service's incident for the page `pageKey`
   * (or `pagerIncidentId`, when known), with `message`. At most once per incident and policy: when the incident
   * already has a request to that policy (an earlier try whose answer was lost), nothing is sent again. Null when
   * the paging service has no incident for that page (yet).
   */
  request(input: {
    pageKey: string;
    pagerIncidentId: string | null;
    policyId: string;
    message: string;
  }): Promise<{ pagerIncidentId: string; alreadyRequested: boolean } | null>;
}

/** A responder's answer to a request to join an incident, told back to Firebreak (by webhook). */
export interface ResponderReply {
  via: string;
  source: string;
  /** With `source`, what a repeat is known by. */
  deliveryId: string;
  /** The paging service's incident the request was made on. */
  pagerIncidentId: string;
  /** The escalation policy the request went to, when the service says. */
  policyId: string | null;
  /** True when the responder accepted (joined); false when they declined or have not answered. */
  accepted: boolean;
  /** The service's word for the answer (`joined`, `declined`), for messages. */
  state: string;
  responder: { id: string; name: string } | null;
  at: Date;
}
