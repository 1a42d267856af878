// The Pager port over PagerDuty's Events API v2: one POST to /v2/enqueue per page request, our severity and key
// mapped onto PagerDuty's, answers mapped to coded errors.
import { z } from 'zod';
import { severityRank, type Severity } from '../../domain/severity';
import { FirebreakError } from '../../errors';
import type { PageRequest, Pager } from '../../ports/pager';

/** How Firebreak names PagerDuty to people ("paged through PagerDuty"). */
export const PAGERDUTY_NAME = 'PagerDuty';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** PagerDuty's four severities, from ours. */
export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  const rank = severityRank(severity);
  return rank === 1 ? 'critical' : rank === 2 ? 'error' : rank === 3 ? 'warning' : 'info';
}

export interface PagerDutyCallObserver {
  /** Every Events API call (`trigger`, `acknowledge`, `resolve`), for latency metrics. */
  called(action: string, seconds: number, outcome: 'ok' | 'rate_limited' | 'error'): void;
}

export interface PagerDutyEventsOptions {
  /** Base URL, e.g. https://events.pagerduty.com (pdjs's event() cannot be pointed elsewhere, hence plain fetch). */
  eventsUrl: string;
  /** The service's integration key. A secret: it never appears in an error. */
  routingKey: string;
  /** 10000 by default. */
  timeoutMs?: number;
  observer?: PagerDutyCallObserver;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** PagerDuty refuses a trigger without these; the port leaves them optional, so the adapter fills them in. */
const DEFAULT_SOURCE = 'Firebreak';
const DEFAULT_SEVERITY = 'critical';
const CLIENT = 'Firebreak';

const STEPS: Readonly<Record<PageRequest['action'], string>> = {
  trigger: 'triggering the page',
  acknowledge: 'acknowledging the page',
  resolve: 'resolving the page',
};

const accepted = z.object({
  dedup_key: z.string().min(1),
  status: z.string().optional(),
  message: z.string().optional(),
});
const refused = z.object({ message: z.string().optional(), errors: z.array(z.string()).optional() });

function enqueueBody(routingKey: string, request: PageRequest): Record<string, unknown> {
  return {
    routing_key: routingKey,
    event_action: request.action,
    dedup_key: request.key,
    ...(request.action === 'trigger'
      ? {
          payload: {
            summary: request.summary,
            source: request.source ?? DEFAULT_SOURCE,
            severity: request.severity ? pagerDutySeverity(request.severity) : DEFAULT_SEVERITY,
            ...(request.service !== undefined ? { component: request.service } : {}),
            ...(request.details !== undefined ? { custom_details: request.details } : {}),
          },
        }
      : {}),
    ...(request.links && request.links.length > 0 ? { links: request.links } : {}),
    client: CLIENT,
  };
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

// fetch's errors come from undici's realm, where `instanceof Error` can be false (under jest, for one): read them by shape.
function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Why fetch failed: undici says "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function fetchFailure(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | null;
  const cause = e?.cause;
  if (cause && typeof cause.message === 'string' && cause.message !== '') return cause.message;
  if (cause && typeof cause.code === 'string') return cause.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createPagerDutyEvents(options: PagerDutyEventsOptions): Pager {
  const endpoint = `${options.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // PagerDuty might echo what it was sent; the routing key must not travel on in an error.
  const scrubKey = (text: string, key: string | undefined): string =>
    !key ? text : text.split(key).join('[routing key]');

  async function post(event: PageRequest, step: string): Promise<{ key: string }> {
    // A team's own key (`route`) is as secret as ours: neither ever appears in an error.
    const scrub = (text: string): string => scrubKey(scrubKey(text, options.routingKey), event.route);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(enqueueBody(event.route ?? options.routingKey, event)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (errorName(error) === 'TimeoutError') {
        throw new FirebreakError('PAGE_UNAVAILABLE', `PagerDuty did not answer within ${timeoutMs} ms while ${step}`, {
          step,
        });
      }
      throw new FirebreakError(
        'PAGE_UNAVAILABLE',
        `could not reach PagerDuty while ${step}: ${scrub(fetchFailure(error))}`,
        { step },
      );
    }

    let body: unknown;
    try {
      body = await readJson(response);
    } catch (error) {
      throw new FirebreakError(
        'PAGE_UNAVAILABLE',
        `PagerDuty's answer broke off while ${step} (HTTP ${response.status})`,
        { step, cause: error },
      );
    }

    if (response.status === 202) {
      const parsed = accepted.safeParse(body);
      if (!parsed.success)
        throw new FirebreakError(
          'PAGE_UNAVAILABLE',
          `PagerDuty accepted the event but its answer had no dedup_key while ${step}`,
          { step },
        );
      return { key: parsed.data.dedup_key };
    }
    if (response.status === 429) {
      const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
      const when = retryAfter === undefined ? 'retry later' : `retry after ${retryAfter} s`;
      throw new FirebreakError('PAGE_RATE_LIMITED', `PagerDuty rate-limited ${step}; ${when}`, {
        step,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    if (response.status === 400) {
      const parsed = refused.safeParse(body);
      const message = parsed.success ? parsed.data.message : undefined;
      const errors = parsed.success ? (parsed.data.errors ?? []) : [];
      const reason = scrub(
        `${message ?? 'Event object is invalid'}${errors.length > 0 ? ` (${errors.join('; ')})` : ''}`,
      );
      throw new FirebreakError('PAGE_REJECTED', `PagerDuty refused the ${event.action}: ${reason}`, {
        step,
        providerError: reason,
      });
    }
    throw new FirebreakError('PAGE_UNAVAILABLE', `PagerDuty answered HTTP ${response.status} while ${step}`, { step });
  }

  return {
    name: PAGERDUTY_NAME,
    async send(event) {
      const step = STEPS[event.action];
      const started = process.hrtime.bigint();
      const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const result = await post(event, step);
        options.observer?.called(event.action, seconds(), 'ok');
        return result;
      } catch (error) {
        const rateLimited = error instanceof FirebreakError && error.code === 'PAGE_RATE_LIMITED';
        options.observer?.called(event.action, seconds(), rateLimited ? 'rate_limited' : 'error');
        throw error;
      }
    },
  };
}
