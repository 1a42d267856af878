// Acknowledging and resolving a PagerDuty incident that started in PagerDuty (a monitor's own integration), through
// the REST API: the Events API acts only on alerts of the service its routing key belongs to, so an incident on
// another service can only be changed by its id. Needs a REST token that may write, and a PagerDuty user's email
// in `From` (PagerDuty records who did it).
import { api } from '@pagerduty/pdjs';
import { FirebreakError } from '../../errors';
import type { PageRequest, Pager } from '../../ports/pager';

export interface PagerDutyIncidentsOptions {
  apiUrl: string;
  /** A secret: it never appears in an error. */
  token: string;
  /** The email of the PagerDuty user the changes are made as. */
  from: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Sets an incident's status by its id; throws the paging errors the outbox knows (retry later, or give up). */
export function createPagerDutyIncidents(
  options: PagerDutyIncidentsOptions,
): (incidentId: string, status: 'acknowledged' | 'resolved') => Promise<void> {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scrub = (text: string): string => text.split(options.token).join('[token]');
  return async (incidentId, status) => {
    const step = `${status === 'acknowledged' ? 'acknowledging' : 'resolving'} PagerDuty incident ${incidentId}`;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: { status: number; data: unknown };
    try {
      response = await api({
        token: options.token,
        url: `${baseUrl}/incidents/${encodeURIComponent(incidentId)}`,
        method: 'PUT',
        headers: { From: options.from },
        data: { incident: { type: 'incident_reference', status } },
        requestTimeout: 0,
        signal,
      });
    } catch (error) {
      const reason = signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : scrub(String((error as { message?: unknown } | null)?.message ?? error));
      throw new FirebreakError('PAGE_UNAVAILABLE', `could not reach PagerDuty while ${step}: ${reason}`, { step });
    }
    if (response.status >= 200 && response.status < 300) return;
    const message = (response.data as { error?: { message?: unknown } } | null)?.error?.message;
    const said = typeof message === 'string' ? `: ${message}` : '';
    if (response.status === 429)
      throw new FirebreakError('PAGE_RATE_LIMITED', `PagerDuty rate-limited ${step}`, { step, retryAfterSeconds: 1 });
    if (response.status >= 500)
      throw new FirebreakError('PAGE_UNAVAILABLE', `PagerDuty answered HTTP ${response.status} while ${step}`, {
        step,
      });
    throw new FirebreakError('PAGE_REJECTED', `PagerDuty refused ${step} (HTTP ${response.status}${said})`, {
      step,
      providerError: String(response.status),
    });
  };
}

/**
 * The pager: pages through the Events API, except that acknowledging or resolving an incident that started in
 * PagerDuty (its id on the request) goes to that incident through the REST API.
 */
export function withIncidentUpdates(
  events: Pager,
  updateIncident: (incidentId: string, status: 'acknowledged' | 'resolved') => Promise<void>,
): Pager {
  return {
    name: events.name,
    async send(request: PageRequest) {
      if (request.action === 'trigger' || !request.pagerIncidentId) return events.send(request);
      await updateIncident(request.pagerIncidentId, request.action === 'acknowledge' ? 'acknowledged' : 'resolved');
      return { key: request.key };
    },
  };
}
