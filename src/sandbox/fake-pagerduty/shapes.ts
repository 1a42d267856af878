// PagerDuty's JSON for the account's objects: references, full users and policies, incidents as the REST API
// and v3 webhooks show them. `self` and `html_url` point at the fake itself, which serves them.
import type { Account, Incident, ResponderRequest, User } from './account';

type Json = Record<string, unknown>;

export interface Reference {
  id: string;
  type: string;
  summary: string;
  self: string;
  html_url: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class Shapes {
  constructor(
    /** Like http://127.0.0.1:PORT */
    private readonly baseUrl: string,
    private readonly account: Account,
  ) {}

  private ref(type: string, collection: string, id: string, summary: string): Reference {
    const url = `${this.baseUrl}/${collection}/${id}`;
    return { id, type, summary, self: url, html_url: url };
  }

  userRef(id: string): Reference {
    return this.ref('user_reference', 'users', id, this.account.user(id)?.name ?? id);
  }

  user(user: User): Json {
    const url = `${this.baseUrl}/users/${user.id}`;
    return {
      id: user.id,
      type: 'user',
      summary: user.name,
      self: url,
      html_url: url,
      name: user.name,
      email: user.email,
      time_zone: user.timeZone,
      color: 'purple',
      role: 'user',
      avatar_url: `${this.baseUrl}/avatars/${user.id}.png`,
      description: '',
      invitation_sent: false,
      job_title: user.jobTitle,
      teams: [],
      contact_methods: [],
      notification_rules: [],
    };
  }

  policyRef(id: string): Reference {
    return this.ref('escalation_policy_reference', 'escalation_policies', id, this.account.policy(id)?.name ?? id);
  }

  policy(id: string): Json | undefined {
    const policy = this.account.policy(id);
    if (!policy) return undefined;
    const url = `${this.baseUrl}/escalation_policies/${policy.id}`;
    return {
      id: policy.id,
      type: 'escalation_policy',
      summary: policy.name,
      self: url,
      html_url: url,
      name: policy.name,
      description: '',
      num_loops: 0,
      on_call_handoff_notifications: 'if_has_services',
      escalation_rules: [...policy.levels]
        .sort((a, b) => a.level - b.level)
        .map((level) => ({
          id: `PRUL${policy.id.slice(-4)}${level.level}`,
          escalation_delay_in_minutes: level.delayMinutes,
          targets: [level.scheduleId ? this.scheduleRef(level.scheduleId) : this.userRef(level.userId)],
        })),
      services: this.account.service.escalationPolicyId === policy.id ? [this.serviceRef()] : [],
      teams: [],
    };
  }

  scheduleRef(id: string): Reference {
    return this.ref(
      'schedule_reference',
      'schedules',
      id,
      id === this.account.schedule.id ? this.account.schedule.name : id,
    );
  }

  serviceRef(): Reference {
    return this.ref('service_reference', 'services', this.account.service.id, this.account.service.name);
  }

  incidentRef(incident: Incident): Reference {
    return this.ref('incident_reference', 'incidents', incident.id, `[#${incident.number}] ${incident.summary}`);
  }

  /** The incident as GET /incidents/:id answers it. */
  incident(incident: Incident): Json {
    const ref = this.incidentRef(incident);
    const acknowledgedAt = [...incident.log].reverse().find((e) => e.type === 'acknowledge_log_entry')?.at;
    return {
      ...ref,
      type: 'incident',
      incident_number: incident.number,
      title: incident.summary,
      description: incident.summary,
      created_at: iso(incident.createdAt),
      updated_at: iso(incident.updatedAt),
      last_status_change_at: iso(incident.updatedAt),
      status: incident.status,
      incident_key: incident.dedupKey,
      service: this.serviceRef(),
      assignments:
        incident.status === 'resolved'
          ? []
          : incident.assigneeIds.map((id) => ({ at: iso(incident.updatedAt), assignee: this.userRef(id) })),
      acknowledgements:
        incident.status === 'acknowledged' && incident.acknowledgedBy && acknowledgedAt !== undefined
          ? [{ at: iso(acknowledgedAt), acknowledger: this.acknowledger(incident.acknowledgedBy) }]
          : [],
      escalation_policy: this.policyRef(incident.escalationPolicyId),
      teams: [],
      urgency: incident.urgency,
      priority: null,
      alert_counts: {
        all: incident.alerts,
        triggered: incident.status === 'resolved' ? 0 : incident.alerts,
        resolved: incident.status === 'resolved' ? incident.alerts : 0,
      },
      resolve_reason: null,
      incidents_responders: (incident.responderRequests ?? []).flatMap((r) =>
        r.responders.map((p) => this.incidentResponder(incident, r, p)),
      ),
      responder_requests: (incident.responderRequests ?? []).map((r) => this.responderRequest(incident, r)),
    };
  }

  /** One person asked by a responder request, as PagerDuty lists them (`incident_responder`). */
  incidentResponder(
    incident: Incident,
    request: ResponderRequest,
    responder: ResponderRequest['responders'][number],
  ): Json {
    return {
      state: responder.state,
      user: this.userRef(responder.userId),
      incident: this.incidentRef(incident),
      updated_at: iso(responder.updatedAt),
      message: request.message,
      requester: this.userRef(request.requesterId),
      requested_at: iso(request.at),
    };
  }

  /** A responder request as POST /incidents/{id}/responder_requests answers it and the incident lists it. */
  responderRequest(incident: Incident, request: ResponderRequest): Json {
    const policy = this.policyRef(request.policyId);
    return {
      incident: this.incidentRef(incident),
      requester: this.userRef(request.requesterId),
      requested_at: iso(request.at),
      message: request.message,
      responder_request_targets: [
        {
          responder_request_target: {
            ...policy,
            type: 'escalation_policy',
            incident_responders: request.responders.map((p) => this.incidentResponder(incident, request, p)),
          },
        },
      ],
    };
  }

  /** The incident as it appears in a v3 webhook's `event.data`. */
  webhookIncident(incident: Incident): Json {
    const url = `${this.baseUrl}/incidents/${incident.id}`;
    return {
      id: incident.id,
      type: 'incident',
      self: url,
      html_url: url,
      number: incident.number,
      status: incident.status,
      incident_key: incident.dedupKey,
      created_at: iso(incident.createdAt),
      title: incident.summary,
      service: this.serviceRef(),
      assignees: incident.assigneeIds.map((id) => this.userRef(id)),
      escalation_policy: this.policyRef(incident.escalationPolicyId),
      teams: [],
      priority: null,
      urgency: incident.urgency,
      conference_bridge: null,
      resolve_reason: null,
    };
  }

  private acknowledger(agent: string): Reference {
    // The Events API acknowledges as the service's integration; PagerDuty shows the service.
    return this.account.user(agent) ? this.userRef(agent) : this.serviceRef();
  }
}
