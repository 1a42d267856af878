// What the incident flows need from a paging service (PagerDuty today): send page events, and know who
// is on call. Adapters throw FirebreakError: PAGE_RATE_LIMITED / PAGE_UNAVAILABLE (retry later),
// PAGE_REJECTED (the service refused the event for good, with its reason), ONCALL_UNAVAILABLE.

export type PageSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PageEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  /** One page per incident: the same key triggers, acknowledges and resolves it. */
  dedupKey: string;
  /** Required to trigger. */
  summary?: string;
  source?: string;
  severity?: PageSeverity;
  component?: string;
  customDetails?: Record<string, unknown>;
  links?: Array<{ href: string; text: string }>;
}

export interface Pager {
  send(event: PageEvent): Promise<{ dedupKey: string }>;
}

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
  /** Who is on call now for an escalation policy, lowest level first. */
  whoIsOnCall(policyId: string): Promise<OnCallPerson[]>;
  /**
   * Whether the paging service has an open (not resolved) incident for this dedup key: after a crash between
   * sending a trigger and storing that it was sent, this tells whether the trigger got through.
   */
  isPageOpen(dedupKey: string): Promise<boolean>;
}
