// Reading Web API arguments as Slack does: form-encoded strings or JSON values, and the errors it answers.

/** The arguments of one call, after decoding the body (form values are strings, JSON values anything). */
export type Args = Record<string, unknown>;

/** A Slack platform error: answered as HTTP 200 `{ ok: false, error, ...extra }`. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
    this.name = 'SlackApiError';
  }
}

export function fail(error: string, extra?: Record<string, unknown>): never {
  throw new SlackApiError(error, extra);
}

/** Decodes a request body by its content type; query-string arguments (GET) are merged underneath. */
export function decodeBody(contentType: string | undefined, raw: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return args;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      fail('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('json_not_object');
    return { ...args, ...(parsed as Args) };
  }
  if (type === 'application/x-www-form-urlencoded') return { ...args, ...Object.fromEntries(new URLSearchParams(raw)) };
  if (type === '') return fail('missing_post_type');
  // multipart/form-data (file uploads) is valid for Slack but not something the fake speaks.
  if (type === 'multipart/form-data') return fail('invalid_form_data');
  return fail('invalid_post_type');
}

/** A string argument; numbers are accepted as Slack accepts them in form posts. Empty counts as absent. */
export function optionalString(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function requiredString(args: Args, key: string): string {
  return (
    optionalString(args, key) ??
    fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${key}`] } })
  );
}

export function optionalBoolean(args: Args, key: string, fallback = false): boolean {
  const value = args[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value === 'true' || value === '1';
  return fallback;
}

export function optionalInteger(args: Args, key: string, fallback: number): number {
  const value = args[key];
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isInteger(parsed) ? parsed : fallback;
}

/**
 * A structured argument (blocks, view): @slack/web-api sends these JSON-stringified inside the form,
 * JSON bodies carry them as values. `invalid` is the error Slack answers when it cannot be parsed.
 */
export function optionalJson(args: Args, key: string, invalid: string): unknown {
  const value = args[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return fail(invalid);
  }
}

/** Arguments as recorded for tests: structured fields decoded, the token left out. */
export function recordableArgs(args: Args): Args {
  const recorded: Args = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'token') continue;
    if (STRUCTURED_FIELDS.has(key) && typeof value === 'string') {
      try {
        recorded[key] = JSON.parse(value) as unknown;
        continue;
      } catch {
        // keep the raw text: the call was answered with an error anyway
      }
    }
    recorded[key] = value;
  }
  return recorded;
}

const STRUCTURED_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);
