// The fake's PagerDuty account: people, who is on call, and the incidents that events and responders change.
import { randomUUID } from 'node:crypto';
import type { EnqueueEvent, Severity } from './events-api';
import { refill, savedObject } from '../saved-state';
import {
  PRESET_POLICY,
  PRESET_SCHEDULE,
  PRESET_SERVICE,
  PRESET_USERS,
  type PresetLevel,
  type PresetUser,
} from './preset';

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';
export type Urgency = 'high' | 'low';
/** What an enqueue did: opened an incident, added a trigger to an open one, changed one, or found none to change. */
export type EnqueueOutcome = 'opened' | 'appended' | 'acknowledged' | 'resolved' | 'dropped';

/** Who acted: a PagerDuty user id, or this for the Events API integration the app posts to. */
export const EVENTS_API_AGENT = 'events_api';

export type LogEntryType =
  | 'trigger_log_entry'
  | 'acknowledge_log_entry'
  | 'resolve_log_entry'
  | 'escalate_log_entry'
  | 'assign_log_entry';

export interface IncidentLogEntry {
  /** Clock time (ms). */
  at: number;
  type: LogEntryType;
  /** A user id, or 'events_api'. */
  agent: string;
  summary: string;
}

export interface Incident {
  id: string;
  number: number;
  dedupKey: string;
  status: IncidentStatus;
  /** The summary of the trigger that opened it; PagerDuty's incident title. */
  summary: string;
  severity: Severity;
  urgency: Urgency;
  source: string;
  serviceId: string;
  escalationPolicyId: string;
  escalationLevel: number;
  assigneeIds: string[];
  /** Alerts in the incident: a repeated trigger with the same dedup_key lands on the same alert, so this stays 1. */
  alerts: number;
  /** Trigger events applied: the first one plus every repeat while the incident was open. */
  triggers: number;
  createdAt: number;
  updatedAt: number;
  /** A user id, or 'events_api'; cleared when the incident is escalated or reassigned (it is triggered again). */
  acknowledgedBy?: string;
  resolvedBy?: string;
  links: Array<{ href: string; text?: string }>;
  customDetails?: unknown;
  log: IncidentLogEntry[];
  /** POST /incidents/{id}/responder_requests made on it, oldest first (absent until the first). */
  responderRequests?: ResponderRequest[];
}

/** A request for another escalation policy's on-call people to join an incident. */
export interface ResponderRequest {
  at: number;
  requesterId: string;
  message: string;
  policyId: string;
  /** The policy's on-call users asked (level 1 first; each decline asks the next level), each with their answer. */
  responders: Array<{ userId: string; state: 'pending' | 'joined' | 'declined'; updatedAt: number }>;
}

export type User = PresetUser;

export interface OnCallEntry {
  policyId: string;
  level: number;
  userId: string;
  scheduleId: string | null;
}

interface Policy {
  id: string;
  name: string;
  levels: PresetLevel[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** PagerDuty's "urgency based on alert severity": critical and error page loudly, warning and info do not. */
function urgencyOf(severity: Severity): Urgency {
  return severity === 'critical' || severity === 'error' ? 'high' : 'low';
}

function presetPolicies(): Map<string, Policy> {
  return new Map([
    [
      PRESET_POLICY.id,
      { id: PRESET_POLICY.id, name: PRESET_POLICY.name, levels: PRESET_POLICY.levels.map((l) => ({ ...l })) },
    ],
  ]);
}

export class Account {
  readonly users: ReadonlyMap<string, User> = new Map(PRESET_USERS.map((u) => [u.id, { ...u }]));
  readonly service = PRESET_SERVICE;
  readonly schedule = PRESET_SCHEDULE;
  private policies = presetPolicies();
  private incidentList: Incident[] = [];
  private nextNumber = 1;

  constructor(readonly clock: () => number) {}

  /** Back to the preset people and on-call, no incidents; incident numbers keep counting (ids are never reused). */
  reset(): void {
    this.policies = presetPolicies();
    this.incidentList = [];
  }

  /** Who is on call and every incident, as plain data with Maps (for encodeState). */
  saveState(): Record<string, unknown> {
    return { policies: this.policies, incidents: this.incidentList, nextNumber: this.nextNumber };
  }

  /** Back to what saveState() gave (decoded); throws, changing nothing, when it is not that. */
  loadState(saved: unknown): void {
    const s = savedObject(saved, 'PagerDuty account');
    if (!(s.policies instanceof Map) || !Array.isArray(s.incidents) || typeof s.nextNumber !== 'number')
      throw new Error('the saved PagerDuty account lacks its policies, incidents or numbering');
    refill(this.policies, s.policies, 'PagerDuty escalation policies');
    this.incidentList = s.incidents as Incident[];
    this.nextNumber = Math.max(this.nextNumber, s.nextNumber);
  }

  // ---- people and on-call ----

  user(id: string): User | undefined {
    return this.users.get(id);
  }

  /** The user with this login email (case-insensitive), as the REST API's `From` header names them. */
  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.email.toLowerCase() === wanted);
  }

  policy(id: string): Readonly<Policy> | undefined {
    return this.policies.get(id);
  }

  policyIds(): string[] {
    return [...this.policies.keys()];
  }

  /** Every (policy, level) with who is on call there now, by policy then level. */
  onCalls(): OnCallEntry[] {
    return [...this.policies.values()].flatMap((p) =>
      [...p.levels]
        .sort((a, b) => a.level - b.level)
        .map((l) => ({ policyId: p.id, level: l.level, userId: l.userId, scheduleId: l.scheduleId })),
    );
  }

  /** The current shift of a scheduled on-call: weekly, Monday 00:00 UTC to the next Monday. */
  shift(): { start: number; end: number } {
    const days = Math.floor(this.clock() / DAY_MS);
    const sinceMonday = (days + 3) % 7; // 1970-01-01 was a Thursday
    const start = (days - sinceMonday) * DAY_MS;
    return { start, end: start + this.schedule.rotationDays * DAY_MS };
  }

  /** Puts `userId` on call at `level` of the policy (an override); a level one past the last adds a level. */
  setOnCall(policyId: string, level: number, userId: string): void {
    const policy = this.policies.get(policyId);
    if (!policy) throw new Error(`FakePagerDuty.setOnCall: no escalation policy ${policyId}`);
    if (!this.users.has(userId)) throw new Error(`FakePagerDuty.setOnCall: no user ${userId}`);
    const existing = policy.levels.find((l) => l.level === level);
    if (existing) {
      existing.userId = userId;
      return;
    }
    if (level !== policy.levels.length + 1)
      throw new Error(
        `FakePagerDuty.setOnCall: ${policyId} has levels 1-${policy.levels.length}; cannot set level ${level}`,
      );
    policy.levels.push({ level, userId, scheduleId: null, delayMinutes: 30 });
  }

  private onCallAt(policyId: string, level: number): string | undefined {
    return this.policies.get(policyId)?.levels.find((l) => l.level === level)?.userId;
  }

  // ---- incidents ----

  incidents(): readonly Incident[] {
    return this.incidentList;
  }

  incident(id: string): Incident | undefined {
    return this.incidentList.find((i) => i.id === id);
  }

  /** The incident for this dedup_key that is not resolved, if any (there is at most one). */
  openIncident(dedupKey: string): Incident | undefined {
    return this.incidentList.find((i) => i.dedupKey === dedupKey && i.status !== 'resolved');
  }

  /** The most recent incident for this dedup_key, resolved or not. */
  latestIncident(dedupKey: string): Incident | undefined {
    return this.incidentList.findLast((i) => i.dedupKey === dedupKey);
  }

  /** Applies an accepted Events API event, as PagerDuty does with alerts and their incident. */
  applyEvent(event: EnqueueEvent): { dedupKey: string; outcome: EnqueueOutcome } {
    const at = this.clock();
    if (event.action === 'trigger') {
      // A trigger without a dedup_key always opens a new alert: PagerDuty's generated key is a fresh UUID.
      const dedupKey = event.dedupKey ?? randomUUID().replaceAll('-', '');
      const payload = event.payload;
      if (!payload) throw new Error('FakePagerDuty: a valid trigger always has a payload');
      const open = this.openIncident(dedupKey);
      if (open) {
        open.triggers += 1;
        open.updatedAt = at;
        open.log.push({
          at,
          type: 'trigger_log_entry',
          agent: EVENTS_API_AGENT,
          summary: `Triggered again through the Events API: ${payload.summary}`,
        });
        return { dedupKey, outcome: 'appended' };
      }
      this.open(dedupKey, event, at);
      return { dedupKey, outcome: 'opened' };
    }
    const dedupKey = event.dedupKey;
    if (dedupKey === undefined) throw new Error('FakePagerDuty: a valid acknowledge or resolve always has a dedup_key');
    const open = this.openIncident(dedupKey);
    // Acknowledge and resolve for an alert that is not open are accepted and dropped.
    if (!open) return { dedupKey, outcome: 'dropped' };
    if (event.action === 'acknowledge') {
      this.acknowledge(open, EVENTS_API_AGENT);
      return { dedupKey, outcome: 'acknowledged' };
    }
    this.resolve(open, EVENTS_API_AGENT);
    return { dedupKey, outcome: 'resolved' };
  }

  acknowledge(incident: Incident, agent: string): void {
    this.mustBeOpen(incident, 'acknowledge');
    const at = this.clock();
    incident.status = 'acknowledged';
    incident.acknowledgedBy = agent;
    incident.updatedAt = at;
    incident.log.push({
      at,
      type: 'acknowledge_log_entry',
      agent,
      summary: `Acknowledged by ${this.agentName(agent)}`,
    });
  }

  resolve(incident: Incident, agent: string): void {
    this.mustBeOpen(incident, 'resolve');
    const at = this.clock();
    incident.status = 'resolved';
    incident.resolvedBy = agent;
    incident.updatedAt = at;
    incident.log.push({ at, type: 'resolve_log_entry', agent, summary: `Resolved by ${this.agentName(agent)}` });
  }

  /** Escalates to whoever is on call at `toLevel`; the incident is triggered again (unacknowledged). */
  escalate(incident: Incident, toLevel: number, agent: string): void {
    this.mustBeOpen(incident, 'escalate');
    const userId = this.onCallAt(incident.escalationPolicyId, toLevel);
    if (!userId) throw new Error(`FakePagerDuty.escalate: ${incident.escalationPolicyId} has no level ${toLevel}`);
    const at = this.clock();
    incident.escalationLevel = toLevel;
    this.assign(incident, userId, at);
    incident.log.push({
      at,
      type: 'escalate_log_entry',
      agent,
      summary: `Escalated to level ${toLevel} (${this.agentName(userId)}) by ${this.agentName(agent)}`,
    });
  }

  /** Reassigns to one user; the incident is triggered again (unacknowledged). */
  reassign(incident: Incident, userId: string, agent: string): void {
    this.mustBeOpen(incident, 'reassign');
    if (!this.users.has(userId)) throw new Error(`FakePagerDuty.reassign: no user ${userId}`);
    const at = this.clock();
    this.assign(incident, userId, at);
    incident.log.push({
      at,
      type: 'assign_log_entry',
      agent,
      summary: `Reassigned to ${this.agentName(userId)} by ${this.agentName(agent)}`,
    });
  }

  /** A responder request to `policyId`'s level-1 on-call; throws (the 400's reason) when the policy does not exist. */
  requestResponders(incident: Incident, requesterId: string, policyId: string, message: string): ResponderRequest {
    const userId = this.onCallAt(policyId, 1);
    if (!userId) throw new Error(`Escalation policy ${policyId} not found`);
    const at = this.clock();
    const request: ResponderRequest = {
      at,
      requesterId,
      message,
      policyId,
      responders: [{ userId, state: 'pending', updatedAt: at }],
    };
    incident.responderRequests = [...(incident.responderRequests ?? []), request];
    incident.updatedAt = at;
    return request;
  }

  /**
   * Someone asked by a responder request to `policyId` answers it; the request, or undefined when none asked them.
   * A decline passes the request to the policy's next level (the fake's model of a request that escalates when
   * refused), so someone else can still accept it.
   */
  replyToRequest(
    incident: Incident,
    policyId: string,
    userId: string,
    state: 'joined' | 'declined',
  ): ResponderRequest | undefined {
    const request = incident.responderRequests?.find(
      (r) => r.policyId === policyId && r.responders.some((p) => p.userId === userId),
    );
    const responder = request?.responders.find((p) => p.userId === userId);
    if (!request || !responder) return undefined;
    const at = this.clock();
    responder.state = state;
    responder.updatedAt = at;
    const next = state === 'declined' ? this.onCallAt(policyId, request.responders.length + 1) : undefined;
    if (next && !request.responders.some((p) => p.userId === next))
      request.responders.push({ userId: next, state: 'pending', updatedAt: at });
    incident.updatedAt = at;
    return request;
  }

  private open(dedupKey: string, event: EnqueueEvent, at: number): void {
    const payload = event.payload as NonNullable<EnqueueEvent['payload']>;
    const number = this.nextNumber++;
    const policyId = this.service.escalationPolicyId;
    const assignee = this.onCallAt(policyId, 1);
    this.incidentList.push({
      id: `PINC${String(number).padStart(4, '0')}`,
      number,
      dedupKey,
      status: 'triggered',
      summary: payload.summary,
      severity: payload.severity,
      urgency: urgencyOf(payload.severity),
      source: payload.source,
      serviceId: this.service.id,
      escalationPolicyId: policyId,
      escalationLevel: 1,
      assigneeIds: assignee ? [assignee] : [],
      alerts: 1,
      triggers: 1,
      createdAt: at,
      updatedAt: at,
      links: event.links.map((l) => ({ ...l })),
      ...(payload.customDetails !== undefined ? { customDetails: payload.customDetails } : {}),
      log: [
        {
          at,
          type: 'trigger_log_entry',
          agent: EVENTS_API_AGENT,
          summary: `Triggered through the Events API: ${payload.summary}`,
        },
      ],
    });
  }

  private assign(incident: Incident, userId: string, at: number): void {
    incident.assigneeIds = [userId];
    incident.status = 'triggered';
    delete incident.acknowledgedBy;
    incident.updatedAt = at;
  }

  private mustBeOpen(incident: Incident, what: string): void {
    if (incident.status === 'resolved')
      throw new Error(`FakePagerDuty: cannot ${what} incident ${incident.id} (${incident.dedupKey}): it is resolved`);
  }

  private agentName(agent: string): string {
    return agent === EVENTS_API_AGENT ? 'the Events API' : (this.users.get(agent)?.name ?? agent);
  }
}
