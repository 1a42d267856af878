// The incident: what is stored about one response, and the words for its state.
import type { Actor } from './actor';
import type { OnCallState, PageState } from './paging';
import type { CapacitySnapshot } from './scale-target';
import type { Severity } from './severity';

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses a person may set with `/incident status`. */
export const SETTABLE_STATUSES = ['investigating', 'identified', 'monitoring', 'mitigated', 'resolved'] as const;

export function isOpen(status: IncidentStatus): boolean {
  return status !== 'resolved';
}

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  service: string;
  /** Grouping key of the alerts that opened it; null for a declared incident. */
  groupKey: string | null;
  leadUserId: string | null;
  declaredBy: Actor;
  channelId: string | null;
  channelName: string | null;
  /** The card's message in the incident channel, once posted. */
  cardMessageId: string | null;
  /** Why the chat platform refused to create the channel for good (then the incident lives in the announcement). */
  channelFailure: string | null;
  /** The announcement of the incident in the incidents channel, once posted. */
  announcement: MessageRef | null;
  openedAt: Date;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  /** When the last firing alert resolved; null while any fires. */
  alertsResolvedAt: Date | null;
  /** The page sent to the on-call engineer, once one was requested. */
  page: PageState | null;
  /** Who is on call, once looked up. */
  onCall: OnCallState | null;
  /** Capacity of the scale targets this incident may use, by target name, as last observed. */
  capacity: Record<string, CapacitySnapshot> | null;
  /**
   * Its alerts by status, kept by the store as alerts are stored: an alert storm must cost the same per
   * alert on its ten-thousandth alert as on its first, never a count over every alert of the incident.
   */
  alertCounts: AlertCounts;
  /**
   * A test incident (`/incident declare --test`): its channel is prefixed `test-`, nobody is paged, it is not
   * announced, and it is kept out of metrics. Absent on real incidents.
   */
  test?: boolean;
}

export interface AlertCounts {
  firing: number;
  resolved: number;
}

/** What is set when an incident is opened or changed; its alert counts follow its alerts. */
export type NewIncident = Omit<Incident, 'id' | 'alertCounts'>;

/** A message the chat platform accepted: where it is, to find or edit it later. Both ids are the platform's. */
export interface MessageRef {
  channelId: string;
  messageId: string;
}

/** What an incident's channel is told on its own, beside the card. */
export type IncidentNotice = 'all_alerts_resolved' | 'page_unacknowledged';

/** The channel will never exist (the chat platform refused it for good): work that needs it stops waiting. */
export function channelRefused(incident: Pick<Incident, 'channelId' | 'channelFailure'>): boolean {
  return incident.channelId === null && incident.channelFailure !== null;
}

export function incidentRef(incident: Pick<Incident, 'id'>): string {
  return `INC-${incident.id}`;
}

/** The channel prefix of test incidents, in place of the configured one: nobody mistakes them for real ones. */
export const TEST_CHANNEL_PREFIX = 'test';

export function isTestIncident(incident: Pick<Incident, 'test'>): boolean {
  return incident.test === true;
}
