// Asking another team to join an incident the way PagerDuty itself does: a responder request to the team's
// escalation policy on the incident's own PagerDuty incident (REST: POST /incidents/{id}/responder_requests). Needs
// a REST token that may write and the email of a PagerDuty user in `From`, the requester.
import { api } from '@pagerduty/pdjs';
import { z } from 'zod';
import { FirebreakError } from '../../errors';
import type { ResponderRequests } from '../../ports/pager';
import { PAGERDUTY_NAME } from './events-client';

export interface PagerDutyRespondersOptions {
  apiUrl: string;
  /** A secret: it never appears in an error. */
  token: string;
  /** The email of the PagerDuty user the requests are made as (PAGERDUTY_FROM_EMAIL). */
  from: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** pdjs waits this long between its own retries of a 429 (20 s by default); the outbox retries later anyway. */
const RETRY_WAIT_MS = 100;

// Unknown keys are stripped, never refused: PagerDuty adds fields without notice.
const target = z.object({
  responder_request_target: z.object({ id: z.string().min(1), type: z.string().optional() }),
});
const responderRequest = z.object({
  responder_request_targets: z.array(target).optional(),
});
const incidentList = z.object({
  incidents: z.array(
    z.object({ id: z.string().min(1), incident_key: z.string().nullable().optional(), status: z.string() }),
  ),
});
const incidentAnswer = z.object({
  incident: z.object({
    id: z.string().min(1),
    status: z.string(),
    responder_requests: z.array(responderRequest).nullable().optional(),
  }),
});
const userList = z.object({ users: z.array(z.object({ id: z.string().min(1), email: z.string().optional() })) });
const created = z.object({ responder_request: responderRequest });
const errorAnswer = z.object({
  error: z.object({ message: z.string().optional(), errors: z.array(z.string()).optional() }),
});

interface Answer {
  status: number;
  data: unknown;
}

export function createPagerDutyResponders(options: PagerDutyRespondersOptions): ResponderRequests {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scrub = (text: string): string => text.split(options.token).join('[token]');
  let requesterId: string | null = null;

  async function call(
    step: string,
    request: { path: string; method?: 'GET' | 'POST'; query?: Record<string, string>; data?: object },
  ): Promise<Answer> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Answer;
    try {
      response = await api({
        token: options.token,
        url: `${baseUrl}${request.path}`,
        method: request.method ?? 'GET',
        headers: { From: options.from },
        ...(request.query ? { queryParameters: request.query } : {}),
        ...(request.data !== undefined ? { data: request.data } : {}),
        requestTimeout: 0,
        retryTimeout: RETRY_WAIT_MS,
        signal,
      });
    } catch (error) {
      const reason = signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : scrub(String((error as { message?: unknown } | null)?.message ?? error));
      throw new FirebreakError('PAGE_UNAVAILABLE', `could not reach PagerDuty while ${step}: ${reason}`, { step });
    }
    if (response.status >= 200 && response.status < 300) return response;
    const parsed = errorAnswer.safeParse(response.data);
    const said = parsed.success
      ? [parsed.data.error.message, ...(parsed.data.error.errors ?? [])].filter((s): s is string => !!s).join('; ')
      : '';
    const reason = scrub(said);
    if (response.status === 429)
      throw new FirebreakError('PAGE_RATE_LIMITED', `PagerDuty rate-limited ${step}`, { step, retryAfterSeconds: 1 });
    if (response.status >= 500)
      throw new FirebreakError('PAGE_UNAVAILABLE', `PagerDuty answered HTTP ${response.status} while ${step}`, {
        step,
      });
    throw new FirebreakError(
      'PAGE_REJECTED',
      `PagerDuty refused ${step} (HTTP ${response.status}${reason ? `: ${reason}` : ''})`,
      { step, providerError: String(response.status) },
    );
  }

  function shape<T>(schema: z.ZodType<T>, answer: Answer, step: string): T {
    const parsed = schema.safeParse(answer.data);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new FirebreakError(
      'PAGE_UNAVAILABLE',
      `PagerDuty's answer had an unexpected shape${where ? ` at ${where}` : ''} while ${step}`,
      { step },
    );
  }

  /** The PagerDuty incident Firebreak's page opened (its dedup key is the incident_key), newest first. */
  async function incidentFor(pageKey: string): Promise<string | null> {
    const step = `looking up the PagerDuty incident of page ${pageKey}`;
    const answer = await call(step, { path: '/incidents', query: { incident_key: pageKey, limit: '25' } });
    const found = shape(incidentList, answer, step).incidents.filter((i) => i.incident_key === pageKey);
    return found.at(-1)?.id ?? null;
  }

  /** The requester: the PagerDuty user whose login email is PAGERDUTY_FROM_EMAIL (looked up once). */
  async function requester(): Promise<string> {
    if (requesterId) return requesterId;
    const step = 'looking up the PagerDuty user of PAGERDUTY_FROM_EMAIL';
    const answer = await call(step, { path: '/users', query: { query: options.from } });
    const wanted = options.from.trim().toLowerCase();
    const user = shape(userList, answer, step).users.find((u) => u.email?.toLowerCase() === wanted);
    if (!user)
      throw new FirebreakError(
        'PAGE_REJECTED',
        'no PagerDuty user has the email in PAGERDUTY_FROM_EMAIL: set it to the login email of a PagerDuty user',
        { step },
      );
    requesterId = user.id;
    return user.id;
  }

  return {
    name: PAGERDUTY_NAME,
    async request(input) {
      const incidentId = input.pagerIncidentId ?? (await incidentFor(input.pageKey));
      if (incidentId === null) return null;
      // Exactly once, however often the outbox runs this (a lost answer, a restart between sending and storing):
      // PagerDuty lists an incident's responder requests on the incident, so a request to this policy already
      // there is the one an earlier try made. Asking first on every try (not only after an unknown outcome)
      // costs one read per escalation and also leaves alone a team someone already asked from PagerDuty itself.
      const readStep = `reading PagerDuty incident ${incidentId}`;
      const incident = shape(
        incidentAnswer,
        await call(readStep, { path: `/incidents/${encodeURIComponent(incidentId)}` }),
        readStep,
      ).incident;
      const asked = (incident.responder_requests ?? []).some((r) =>
        (r.responder_request_targets ?? []).some((t) => t.responder_request_target.id === input.policyId),
      );
      if (asked) return { pagerIncidentId: incidentId, alreadyRequested: true };
      const step = `asking escalation policy ${input.policyId} to respond to PagerDuty incident ${incidentId}`;
      const answer = await call(step, {
        path: `/incidents/${encodeURIComponent(incidentId)}/responder_requests`,
        method: 'POST',
        data: {
          requester_id: await requester(),
          message: input.message,
          responder_request_targets: [
            { responder_request_target: { id: input.policyId, type: 'escalation_policy_reference' } },
          ],
        },
      });
      shape(created, answer, step);
      return { pagerIncidentId: incidentId, alreadyRequested: false };
    },
  };
}
