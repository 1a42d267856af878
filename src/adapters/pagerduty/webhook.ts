// PagerDuty's v3 webhooks toward Firebreak: checks the X-PagerDuty-Signature, reads the envelope into plain data,
// and tells it to the paging flow as a neutral page update.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Severity } from '../../domain/severity';
import type { PagerIncident, PageUpdate, PageUpdateStatus, ResponderReply } from '../../ports/pager';
import { formatIssues } from '../../validation/zod-issues';
import { PAGERDUTY_NAME } from './events-client';

/** The header's name as Node presents it (lower case). */
export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';

const SIGNATURE = /^v1=([0-9a-f]{64})$/i;

/**
 * True when one of the header's comma-separated `v1=` signatures is the hex HMAC-SHA256 of the raw body keyed with
 * `secret` (several appear while PagerDuty rotates a secret). Anything missing or malformed is simply false.
 */
export function verifyPagerDutySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (secret === '' || typeof header !== 'string' || header === '') return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let valid = false;
  for (const part of header.split(',')) {
    const hex = SIGNATURE.exec(part.trim())?.[1];
    if (hex === undefined) continue;
    const given = Buffer.from(hex, 'hex');
    // Every candidate is compared (no early return), so timing says nothing about which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
}

export interface PagerDutyWebhookEvent {
  id: string;
  /** e.g. incident.acknowledged */
  type: string;
  occurredAt: Date;
  /** The Events API dedup_key the incident was opened with; null for incidents opened another way. */
  incidentKey: string | null;
  pagerDutyIncidentId: string;
  htmlUrl: string | null;
  /** Who acted; null when PagerDuty itself did (an escalation timeout, for instance). */
  agent: { id: string; name: string } | null;
  assignees: Array<{ id: string; name: string }>;
  escalationPolicy: { id: string; name: string } | null;
  title: string | null;
  number: number | null;
  service: { id: string; name: string } | null;
  /** `high` or `low`. */
  urgency: string | null;
  /** The account's priority name (`P1`…), when priorities are on. */
  priority: string | null;
}

// Unknown keys are stripped, never refused: PagerDuty adds fields to its payloads without notice.
const reference = z.object({ id: z.string().min(1), summary: z.string() });

const envelopeSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().min(1),
    occurred_at: z.iso.datetime({ offset: true }),
    agent: z
      .object({
        id: z.string().min(1),
        summary: z.string(),
        type: z.string(),
        html_url: z.string().nullable().optional(),
      })
      .nullable()
      .optional(),
    data: z.object({
      id: z.string().min(1),
      type: z.string(),
      incident_key: z.string().nullable().optional(),
      status: z.string().optional(),
      title: z.string().optional(),
      html_url: z.string().nullable().optional(),
      number: z.number().int().optional(),
      assignees: z.array(reference).optional(),
      escalation_policy: reference.nullable().optional(),
      service: reference.nullable().optional(),
      urgency: z.string().optional(),
      priority: z.object({ summary: z.string() }).nullable().optional(),
    }),
  }),
});

export function parsePagerDutyWebhook(
  body: unknown,
): { ok: true; event: PagerDutyWebhookEvent } | { ok: false; issues: string[] } {
  const parsed = envelopeSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const { event } = parsed.data;
  const { data } = event;
  return {
    ok: true,
    event: {
      id: event.id,
      type: event.event_type,
      occurredAt: new Date(event.occurred_at),
      incidentKey: data.incident_key ?? null,
      pagerDutyIncidentId: data.id,
      htmlUrl: data.html_url ?? null,
      agent: event.agent ? { id: event.agent.id, name: event.agent.summary } : null,
      assignees: (data.assignees ?? []).map((a) => ({ id: a.id, name: a.summary })),
      escalationPolicy: data.escalation_policy
        ? { id: data.escalation_policy.id, name: data.escalation_policy.summary }
        : null,
      title: data.title ?? null,
      number: data.number ?? null,
      service: data.service ? { id: data.service.id, name: data.service.summary } : null,
      urgency: data.urgency ?? null,
      priority: data.priority?.summary ?? null,
    },
  };
}

/** The webhook event types Firebreak follows, and what each says of the page. */
const STATUSES: ReadonlyMap<string, PageUpdateStatus> = new Map<string, PageUpdateStatus>([
  ['incident.acknowledged', 'acknowledged'],
  ['incident.escalated', 'escalated'],
  ['incident.reassigned', 'reassigned'],
  ['incident.resolved', 'resolved'],
]);

/** A PagerDuty webhook event as the paging flow hears it: the page's key is the Events API dedup_key. */
export function pageUpdateFromPagerDuty(event: PagerDutyWebhookEvent): PageUpdate {
  return {
    via: PAGERDUTY_NAME,
    // The prefix keeps the deliveries recorded before paging was vendor-neutral (`pagerduty:<event id>`) repeats.
    source: 'pagerduty',
    deliveryId: event.id,
    pageKey: event.incidentKey,
    pagerIncidentId: event.pagerDutyIncidentId,
    status: STATUSES.get(event.type) ?? 'untracked',
    event: event.type,
    agent: event.agent,
    assignedTo: event.assignees,
    at: event.occurredAt,
  };
}

/** PagerDuty's priority (P1…P5), else its urgency, as our severity: P1 sev1, P2 sev2, P3 sev3, P4–P5 sev4; high sev2, low sev3. */
export function severityOfPagerDutyIncident(priority: string | null, urgency: string | null): Severity {
  const p = /^P([1-5])$/i.exec(priority?.trim() ?? '')?.[1];
  if (p) return (['sev1', 'sev2', 'sev3', 'sev4', 'sev4'] as const)[Number(p) - 1] as Severity;
  return urgency === 'low' ? 'sev3' : 'sev2';
}

/** An `incident.triggered` event as the paging flow hears it: an incident opened in PagerDuty. */
export function pagerIncidentFromPagerDuty(event: PagerDutyWebhookEvent): PagerIncident | null {
  if (event.type !== 'incident.triggered' || !event.service) return null;
  return {
    via: PAGERDUTY_NAME,
    source: 'pagerduty',
    deliveryId: event.id,
    pagerIncidentId: event.pagerDutyIncidentId,
    pageKey: event.incidentKey,
    title: event.title ?? `PagerDuty incident ${event.pagerDutyIncidentId}`,
    service: event.service,
    severity: severityOfPagerDutyIncident(event.priority, event.urgency),
    number: event.number,
    url: event.htmlUrl,
    assignedTo: event.assignees,
    agent: event.agent,
    at: event.occurredAt,
  };
}

/** The event PagerDuty sends when someone asked by a responder request answers it. */
export const RESPONDER_REPLIED = 'incident.responder.replied';

// Its data is an incident_responder, not an incident: the incident is a reference beside the responder.
const responderEnvelopeSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.literal(RESPONDER_REPLIED),
    occurred_at: z.iso.datetime({ offset: true }),
    data: z.object({
      incident: z.object({ id: z.string().min(1) }),
      user: reference.nullable().optional(),
      escalation_policy: reference.nullable().optional(),
      /** `joined` (accepted), `declined`, or `pending`. */
      state: z.string().min(1),
    }),
  }),
});

/** An `incident.responder.replied` event as the team-escalation flow hears it. */
export function responderReplyFromPagerDuty(
  body: unknown,
): { ok: true; reply: ResponderReply } | { ok: false; issues: string[] } {
  const parsed = responderEnvelopeSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const { event } = parsed.data;
  return {
    ok: true,
    reply: {
      via: PAGERDUTY_NAME,
      source: 'pagerduty',
      deliveryId: event.id,
      pagerIncidentId: event.data.incident.id,
      policyId: event.data.escalation_policy?.id ?? null,
      accepted: event.data.state === 'joined',
      state: event.data.state,
      responder: event.data.user ? { id: event.data.user.id, name: event.data.user.summary } : null,
      at: new Date(event.occurred_at),
    },
  };
}
