// The REST API v2 routes the app reads (on-calls, users, escalation policies, incidents), with PagerDuty's
// answers and errors. Authentication and injected faults are handled before a request gets here.
import type { Account } from './account';
import type { Shapes } from './shapes';

export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Query = URLSearchParams;

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

export function restError(status: number, message: string, code: number, errors?: string[]): RestAnswer {
  return { status, body: { error: { message, code, ...(errors ? { errors } : {}) } } };
}

const NOT_FOUND = (): RestAnswer => restError(404, 'Not Found', 2100);

/** `name[]=a&name[]=b` as PagerDuty reads array parameters; the bare `name=a` form is not an array filter there. */
function arrayParam(query: Query, name: string): string[] {
  return query.getAll(`${name}[]`);
}

function includes(query: Query): Set<string> {
  return new Set(arrayParam(query, 'include'));
}

type Page = { ok: true; limit: number; offset: number; total: boolean } | { ok: false; answer: RestAnswer };

function page(query: Query): Page {
  const errors: string[] = [];
  const integer = (name: string, fallback: number, min: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      errors.push(`${name} must be an integer of at least ${min}`);
      return fallback;
    }
    return value;
  };
  const limit = Math.min(integer('limit', DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = integer('offset', 0, 0);
  if (errors.length > 0) return { ok: false, answer: restError(400, 'Invalid Input Provided', 2001, errors) };
  return { ok: true, limit, offset, total: query.get('total') === 'true' };
}

function paginated<T>(key: string, items: T[], query: Query): RestAnswer {
  const p = page(query);
  if (!p.ok) return p.answer;
  const slice = items.slice(p.offset, p.offset + p.limit);
  return {
    status: 200,
    body: {
      [key]: slice,
      limit: p.limit,
      offset: p.offset,
      more: p.offset + slice.length < items.length,
      total: p.total ? items.length : null,
    },
  };
}

function listOnCalls(query: Query, account: Account, shapes: Shapes): RestAnswer {
  const policyIds = arrayParam(query, 'escalation_policy_ids');
  const userIds = arrayParam(query, 'user_ids');
  const scheduleIds = arrayParam(query, 'schedule_ids');
  const withUsers = includes(query).has('users');
  const shift = account.shift();
  // Every on-call here is current and unique per (policy, level, user): `earliest=true` changes nothing.
  const oncalls = account
    .onCalls()
    .filter((o) => policyIds.length === 0 || policyIds.includes(o.policyId))
    .filter((o) => userIds.length === 0 || userIds.includes(o.userId))
    .filter((o) => scheduleIds.length === 0 || (o.scheduleId !== null && scheduleIds.includes(o.scheduleId)))
    .map((o) => {
      const user = account.user(o.userId);
      return {
        escalation_policy: shapes.policyRef(o.policyId),
        escalation_level: o.level,
        schedule: o.scheduleId ? shapes.scheduleRef(o.scheduleId) : null,
        user: withUsers && user ? shapes.user(user) : shapes.userRef(o.userId),
        // A rule that targets a user directly is on call permanently: PagerDuty gives null start and end.
        start: o.scheduleId ? new Date(shift.start).toISOString() : null,
        end: o.scheduleId ? new Date(shift.end).toISOString() : null,
      };
    });
  return paginated('oncalls', oncalls, query);
}

/** GET /incidents, filtered as PagerDuty filters: `incident_key`, `statuses[]`; oldest first. */
function listIncidents(query: Query, account: Account, shapes: Shapes): RestAnswer {
  const key = query.get('incident_key');
  const statuses = arrayParam(query, 'statuses');
  const incidents = account
    .incidents()
    .filter((i) => key === null || i.dedupKey === key)
    .filter((i) => statuses.length === 0 || statuses.includes(i.status))
    .map((i) => shapes.incident(i));
  return paginated('incidents', incidents, query);
}

function listUsers(query: Query, account: Account, shapes: Shapes): RestAnswer {
  const needle = (query.get('query') ?? '').toLowerCase();
  const users = [...account.users.values()]
    .filter((u) => needle === '' || u.name.toLowerCase().includes(needle) || u.email.toLowerCase().includes(needle))
    .map((u) => shapes.user(u));
  return paginated('users', users, query);
}

/** Answers a GET on the REST API; undefined path segments and other methods are 404s, as PagerDuty answers them. */
export function handleRest(
  method: string,
  pathname: string,
  query: Query,
  account: Account,
  shapes: Shapes,
): RestAnswer {
  if (method !== 'GET') return NOT_FOUND();
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const [collection, id, extra] = segments;
  if (extra !== undefined) return NOT_FOUND();
  switch (collection) {
    case 'oncalls':
      return id === undefined ? listOnCalls(query, account, shapes) : NOT_FOUND();
    case 'users': {
      if (id === undefined) return listUsers(query, account, shapes);
      const user = account.user(id);
      return user ? { status: 200, body: { user: shapes.user(user) } } : NOT_FOUND();
    }
    case 'escalation_policies': {
      const policy = id === undefined ? undefined : shapes.policy(id);
      return policy ? { status: 200, body: { escalation_policy: policy } } : NOT_FOUND();
    }
    case 'incidents': {
      if (id === undefined) return listIncidents(query, account, shapes);
      const incident = account.incident(id);
      return incident ? { status: 200, body: { incident: shapes.incident(incident) } } : NOT_FOUND();
    }
    default:
      return NOT_FOUND();
  }
}
