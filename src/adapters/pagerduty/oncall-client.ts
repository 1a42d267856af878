// The OnCallDirectory port over PagerDuty's REST API (GET /oncalls through pdjs), with a brief per-policy cache.
import { api } from '@pagerduty/pdjs';
import { z } from 'zod';
import { FirebreakError } from '../../errors';
import type { OnCallDirectory, OnCallPerson } from '../../ports/pager';
import { PAGERDUTY_NAME } from './events-client';

export interface PagerDutyOnCallOptions {
  /** Base URL, e.g. https://api.pagerduty.com */
  apiUrl: string;
  /** A REST API key (`Token token=…`). A secret: it never appears in an error. */
  token: string;
  /** Deadline for one lookup, all pages and pdjs's retries included; 10000 by default. */
  timeoutMs?: number;
  /** How long an answer is reused for the same policy; 60000 by default, 0 to always ask. */
  cacheMs?: number;
  /** Milliseconds since the epoch, for the cache; Date.now by default. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CACHE_MS = 60_000;
const PAGE_LIMIT = 100;
/** 1,000 on-call entries for one policy is far beyond any real rota; stop rather than page forever. */
const MAX_PAGES = 10;
/**
 * pdjs 2.2 retries every 429 three times (its retryCount option is declared but ignored) and waits `retryTimeout`
 * between tries, 20 s by default. A short wait keeps a rate-limited lookup under a second, not a minute.
 */
const RETRY_WAIT_MS = 100;

const userSchema = z.object({
  id: z.string().min(1),
  summary: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
});

const oncallSchema = z.object({
  escalation_policy: z.object({ id: z.string().min(1), summary: z.string() }),
  escalation_level: z.number().int().min(1),
  user: userSchema.nullable().optional(),
});

const pageSchema = z.object({
  oncalls: z.array(oncallSchema),
  more: z.boolean().nullable().optional(),
});

const incidentListSchema = z.object({
  incidents: z.array(z.object({ incident_key: z.string().nullable().optional(), status: z.string() })),
});

const errorSchema = z.object({
  error: z.object({ message: z.string().optional(), errors: z.array(z.string()).optional() }),
});

type Query = Record<string, string | string[]>;
/** The part of pdjs's APIResponse read here (the package does not export the type from its entry point). */
interface APIResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The parsed JSON body, unvalidated. */
  data: unknown;
}

export function createPagerDutyOnCall(options: PagerDutyOnCallOptions): OnCallDirectory {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expiresAt: number; people: OnCallPerson[] }>();
  // Incidents declared together ask about the same policy at once: one request serves them all.
  const inFlight = new Map<string, Promise<OnCallPerson[]>>();
  const scrub = (text: string): string => (options.token === '' ? text : text.split(options.token).join('[token]'));

  async function get(path: string, queryParameters: Query, signal: AbortSignal, step: string): Promise<APIResponse> {
    try {
      return await api({
        token: options.token,
        url: `${baseUrl}${path}`,
        queryParameters,
        // pdjs's requestTimeout only keeps a timer alive, it never aborts: the signal is the deadline.
        requestTimeout: 0,
        retryTimeout: RETRY_WAIT_MS,
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new FirebreakError(
          'ONCALL_UNAVAILABLE',
          `PagerDuty did not answer within ${timeoutMs} ms while ${step}`,
          { step },
        );
      }
      // pdjs rejects with the response itself when the body is not JSON.
      const status = (error as { status?: unknown } | null)?.status;
      if (typeof status === 'number') {
        throw new FirebreakError('ONCALL_UNAVAILABLE', `PagerDuty answered HTTP ${status} without JSON while ${step}`, {
          step,
        });
      }
      // Read by shape: errors from another realm fail `instanceof Error`.
      const message = (error as { message?: unknown } | null)?.message;
      const reason = typeof message === 'string' ? message : String(error);
      throw new FirebreakError('ONCALL_UNAVAILABLE', `could not reach PagerDuty while ${step}: ${scrub(reason)}`, {
        step,
      });
    }
  }

  function failure(response: APIResponse, policyId: string, step: string): FirebreakError {
    const status = response.status;
    if (status === 401)
      return new FirebreakError('ONCALL_UNAVAILABLE', `PagerDuty refused the API token (401) while ${step}`, {
        step,
        providerError: 'unauthorized',
      });
    if (status === 403)
      return new FirebreakError(
        'ONCALL_UNAVAILABLE',
        `the PagerDuty API token may not read on-calls (403) while ${step}`,
        { step, providerError: 'forbidden' },
      );
    if (status === 404) {
      return new FirebreakError(
        'ONCALL_UNAVAILABLE',
        `PagerDuty has no escalation policy ${policyId} (404) while ${step}`,
        { step, providerError: 'not_found' },
      );
    }
    if (status === 429) {
      const reset = Number(response.headers.get('ratelimit-reset') ?? Number.NaN);
      const retryAfter = Number.isFinite(reset) && reset >= 0 ? Math.ceil(reset) : undefined;
      return new FirebreakError('ONCALL_UNAVAILABLE', `PagerDuty rate-limited ${step}`, {
        step,
        providerError: 'rate_limited',
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    const parsed = errorSchema.safeParse(response.data);
    const said = parsed.success
      ? [parsed.data.error.message, ...(parsed.data.error.errors ?? [])].filter((s): s is string => !!s).join('; ')
      : '';
    const providerError = said === '' ? undefined : scrub(said);
    return new FirebreakError(
      'ONCALL_UNAVAILABLE',
      `PagerDuty answered HTTP ${status} while ${step}${providerError ? `: ${providerError}` : ''}`,
      {
        step,
        ...(providerError ? { providerError } : {}),
      },
    );
  }

  /** An empty list may mean "nobody on call" or "no such policy" (PagerDuty answers both with 200): ask which. */
  async function assertPolicyExists(policyId: string, signal: AbortSignal, step: string): Promise<void> {
    const response = await get(`/escalation_policies/${encodeURIComponent(policyId)}`, {}, signal, step);
    if (response.status !== 200) throw failure(response, policyId, step);
  }

  async function lookUp(policyId: string): Promise<OnCallPerson[]> {
    const step = `looking up who is on call for ${policyId}`;
    const signal = AbortSignal.timeout(timeoutMs);
    const people: OnCallPerson[] = [];
    const seen = new Set<string>();
    for (let pageIndex = 0; pageIndex < MAX_PAGES; pageIndex++) {
      const response = await get(
        '/oncalls',
        {
          'escalation_policy_ids[]': policyId,
          'include[]': 'users',
          earliest: 'true',
          limit: String(PAGE_LIMIT),
          offset: String(pageIndex * PAGE_LIMIT),
        },
        signal,
        step,
      );
      if (response.status !== 200) throw failure(response, policyId, step);
      const parsed = pageSchema.safeParse(response.data);
      if (!parsed.success) {
        const where = parsed.error.issues[0]?.path.join('.') ?? '';
        throw new FirebreakError(
          'ONCALL_UNAVAILABLE',
          `PagerDuty's on-call answer had an unexpected shape${where ? ` at ${where}` : ''} while ${step}`,
          { step },
        );
      }
      for (const oncall of parsed.data.oncalls) {
        const user = oncall.user;
        if (!user || oncall.escalation_policy.id !== policyId) continue;
        // earliest=true still lists a person twice at one level when two rules of that level reach them.
        const key = `${oncall.escalation_level}:${user.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        people.push({
          id: user.id,
          name: user.name ?? user.summary ?? user.id,
          email: user.email ?? null,
          level: oncall.escalation_level,
          policyId,
          policyName: oncall.escalation_policy.summary,
        });
      }
      if (!parsed.data.more) break;
    }
    if (people.length === 0) await assertPolicyExists(policyId, signal, step);
    // Array.prototype.sort is stable: PagerDuty's order is kept within a level.
    return people.sort((a, b) => a.level - b.level);
  }

  async function isPageOpen(key: string): Promise<boolean> {
    const step = 'looking up whether PagerDuty has the page already';
    const signal = AbortSignal.timeout(timeoutMs);
    // PagerDuty lists the last month by default; a page being sent again is minutes old.
    const response = await get('/incidents', { incident_key: key, limit: '25' }, signal, step);
    if (response.status !== 200) throw failure(response, '', step);
    const parsed = incidentListSchema.safeParse(response.data);
    if (!parsed.success)
      throw new FirebreakError(
        'ONCALL_UNAVAILABLE',
        `PagerDuty's incident list had an unexpected shape while ${step}`,
        { step },
      );
    return parsed.data.incidents.some((incident) => incident.incident_key === key && incident.status !== 'resolved');
  }

  return {
    name: PAGERDUTY_NAME,
    isPageOpen,
    async whoIsOnCall(policyId) {
      const cached = cache.get(policyId);
      if (cached && now() < cached.expiresAt) return cached.people.map((p) => ({ ...p }));
      let pending = inFlight.get(policyId);
      if (!pending) {
        pending = lookUp(policyId).then(
          (people) => {
            inFlight.delete(policyId);
            if (cacheMs > 0) cache.set(policyId, { expiresAt: now() + cacheMs, people });
            return people;
          },
          (error: unknown) => {
            inFlight.delete(policyId); // failures are not remembered: the next incident asks again
            throw error;
          },
        );
        inFlight.set(policyId, pending);
      }
      const people = await pending;
      return people.map((p) => ({ ...p }));
    },
  };
}
