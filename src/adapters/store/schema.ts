// The stored tables as Kysely sees them: one row type per table, the same on SQLite and PostgreSQL.
// Times are ISO-8601 UTC text (`Date#toISOString()`, which sorts as text); JSON is text.
import type { Generated } from 'kysely';

/** ISO-8601 UTC text, e.g. `2023-02-15T11:30:00.000Z`. */
export type IsoTime = string;
/** JSON text. */
export type JsonText = string;

export interface IncidentsTable {
  id: Generated<number>;
  title: string;
  severity: string;
  status: string;
  service: string;
  group_key: string | null;
  lead_user_id: string | null;
  declared_by: JsonText;
  channel_id: string | null;
  channel_name: string | null;
  card_ts: string | null;
  opened_at: IsoTime;
  mitigated_at: IsoTime | null;
  resolved_at: IsoTime | null;
  alerts_resolved_at: IsoTime | null;
  /** PageState as JSON (times as ISO text). */
  page: JsonText | null;
  /** OnCallState as JSON (times as ISO text). */
  on_call: JsonText | null;
  /** Record<target, CapacitySnapshot> as JSON. */
  capacity: JsonText | null;
  /** Why Slack refused to create the channel for good; null while it exists or may still be created. */
  channel_failure: string | null;
  /** Where the announcement in the incidents channel was posted, as JSON `{channelId, ts}`. */
  announcement: JsonText | null;
  updated_at: IsoTime;
  /** Its alerts by status, kept by the alert repository as alerts are stored (migration 006). */
  alerts_firing: Generated<number>;
  alerts_resolved: Generated<number>;
  /** 1 for a test incident (migration 009), else 0. */
  test_incident: Generated<number>;
}

export interface AlertsTable {
  id: Generated<number>;
  incident_id: number;
  fingerprint: string;
  source: string;
  title: string;
  service: string;
  severity: string;
  status: string;
  summary: string | null;
  labels: JsonText;
  url: string | null;
  /** JSON `[{label, url}]` (migration 008). */
  links: string | null;
  starts_at: IsoTime;
  ends_at: IsoTime | null;
  first_seen_at: IsoTime;
  last_seen_at: IsoTime;
  count: number;
}

export interface TimelineEventsTable {
  id: Generated<number>;
  incident_id: number;
  at: IsoTime;
  type: string;
  actor: JsonText;
  data: JsonText;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  incident_id: number | null;
  coalesce_key: string | null;
  payload: JsonText;
  attempts: number;
  status: string;
  next_attempt_at: IsoTime;
  locked_until: IsoTime | null;
  last_error: string | null;
  /** Jobs of one lane run in order, by one worker at a time (one Slack channel, one pager incident). */
  lane: string;
  /** The worker running it (while `running`). */
  owner: string | null;
  /** 0 urgent, 1 the rest: lanes with urgent work due are claimed first. */
  priority: number;
  /** When the job began a call that must take effect once; cleared when that call surely did not. */
  sending_since: IsoTime | null;
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface OutboxLanesTable {
  lane: string;
  owner: string | null;
  locked_until: IsoTime | null;
  ready_at: IsoTime;
}

export interface RateBudgetsTable {
  key: string;
  tokens: number;
  updated_at: IsoTime;
}

export interface ChannelNamesTable {
  name: string;
  incident_id: number;
  claimed_at: IsoTime;
}

export interface DeliveriesTable {
  key: string;
  response: JsonText;
  received_at: IsoTime;
}

/** Slack requests already served (the replay guard): when each was signed (unix seconds) and its signature. */
export interface SlackRequestClaimsTable {
  signed_at: number;
  signature: string;
}

export interface ScaleOperationsTable {
  id: Generated<number>;
  incident_id: number | null;
  target: string;
  requested_by: JsonText;
  request_key: string;
  from_size: number;
  to_size: number;
  reason: string | null;
  status: string;
  instance_ids: JsonText;
  error: JsonText | null;
  requested_at: IsoTime;
  started_at: IsoTime | null;
  finished_at: IsoTime | null;
}

export interface TeamEscalationsTable {
  id: Generated<number>;
  incident_id: number;
  team: string;
  page_key: string;
  message: string | null;
  escalated_by: JsonText;
  status: string;
  escalated_at: IsoTime;
  paged_at: IsoTime | null;
  acknowledged_at: IsoTime | null;
  acknowledged_by: string | null;
  error: string | null;
  pager_incident_id: string | null;
  declined_at: IsoTime | null;
  declined_by: string | null;
}

export interface ScaleApprovalsTable {
  id: Generated<number>;
  incident_id: number | null;
  target: string;
  amount: string;
  click_id: string;
  request_key: string;
  from_size: number;
  to_size: number;
  reason: string | null;
  requested_by: JsonText;
  approvers: string;
  channel_id: string;
  message_id: string | null;
  status: string;
  decided_by: JsonText | null;
  decided_at: IsoTime | null;
  requested_at: IsoTime;
  expires_at: IsoTime;
}

export interface NudgesTable {
  incident_id: number;
  kind: string;
  channel_id: string | null;
  message_id: string | null;
  posted_at: IsoTime;
  settled: JsonText | null;
}

export interface IncidentSubscribersTable {
  incident_id: number;
  user_id: string;
  subscribed_at: IsoTime;
}

/** Held by a proposal's transaction while it checks for overlaps and stores its plan (migration 016). */
export interface CapacityPlanLocksTable {
  target: string;
  locked_at: IsoTime;
}

export interface CapacityPlansTable {
  id: Generated<number>;
  target: string;
  count: number;
  starts_at: IsoTime;
  ends_at: IsoTime;
  name: string;
  proposed_by: JsonText;
  proposed_at: IsoTime;
  lead_minutes: number;
  approvers: string | null;
  state: string;
  confirmed_by: JsonText | null;
  confirmed_at: IsoTime | null;
  prescale_operation_id: number | null;
  scale_back_to: number | null;
  scale_back_operation_id: number | null;
  outcome: string | null;
  announcement: JsonText | null;
  scale_back_message: JsonText | null;
  steps: JsonText;
}

export interface CapacityWarningsTable {
  id: Generated<number>;
  target: string;
  state: string;
  opened_at: IsoTime;
  updated_at: IsoTime;
  closed_at: IsoTime | null;
  close_reason: string | null;
  numbers: JsonText;
  opened_instances: number;
  source_problem: string | null;
  calm_checks: number;
  offer: number;
  incident_id: number | null;
  channel_id: string | null;
  message_id: string | null;
  outcome: JsonText | null;
  scale_operation_id: number | null;
  approval_id: number | null;
}

export interface Database {
  incidents: IncidentsTable;
  alerts: AlertsTable;
  timeline_events: TimelineEventsTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
  slack_request_claims: SlackRequestClaimsTable;
  scale_operations: ScaleOperationsTable;
  outbox_lanes: OutboxLanesTable;
  rate_budgets: RateBudgetsTable;
  channel_names: ChannelNamesTable;
  team_escalations: TeamEscalationsTable;
  scale_approvals: ScaleApprovalsTable;
  nudges: NudgesTable;
  incident_subscribers: IncidentSubscribersTable;
  capacity_plans: CapacityPlansTable;
  capacity_plan_locks: CapacityPlanLocksTable;
  capacity_warnings: CapacityWarningsTable;
}
