// Checks an Events API v2 enqueue body the way PagerDuty does, and says what is wrong in its words.

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';
export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface AlertPayload {
  summary: string;
  source: string;
  severity: Severity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  customDetails?: unknown;
}

export interface EnqueueEvent {
  routingKey: string;
  action: EventAction;
  /** Absent on a trigger without one: PagerDuty generates it. Always present on acknowledge and resolve. */
  dedupKey?: string;
  /** Only on triggers (PagerDuty ignores the payload of acknowledge and resolve). */
  payload?: AlertPayload;
  links: Array<{ href: string; text?: string }>;
  images: Array<{ src: string; href?: string; alt?: string }>;
  client?: string;
  clientUrl?: string;
}

export type EnqueueValidation = { ok: true; event: EnqueueEvent } | { ok: false; errors: string[] };

const ACTIONS: readonly EventAction[] = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** An optional string field: undefined when absent, an error when present but not a string. */
function optionalString(source: Json, key: string, label: string, errors: string[]): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    errors.push(`'${label}' must be a string`);
    return undefined;
  }
  return value;
}

function requiredString(source: Json, key: string, label: string, errors: string[]): string | undefined {
  if (isBlank(source[key])) {
    errors.push(`'${label}' is missing or blank`);
    return undefined;
  }
  return optionalString(source, key, label, errors);
}

function links(body: Json, errors: string[]): EnqueueEvent['links'] {
  const raw = body.links;
  if (raw === undefined || raw === null) return [];
  const valid =
    Array.isArray(raw) &&
    raw.every((l) => isObject(l) && typeof l.href === 'string' && (l.text === undefined || typeof l.text === 'string'));
  if (!valid) {
    errors.push("'links' is invalid (must be a list of objects with a string 'href' and an optional string 'text')");
    return [];
  }
  return (raw as Json[]).map((l) => ({
    href: l.href as string,
    ...(typeof l.text === 'string' ? { text: l.text } : {}),
  }));
}

function images(body: Json, errors: string[]): EnqueueEvent['images'] {
  const raw = body.images;
  if (raw === undefined || raw === null) return [];
  const valid = Array.isArray(raw) && raw.every((i) => isObject(i) && typeof i.src === 'string');
  if (!valid) {
    errors.push("'images' is invalid (must be a list of objects with a string 'src')");
    return [];
  }
  return (raw as Json[]).map((i) => ({
    src: i.src as string,
    ...(typeof i.href === 'string' ? { href: i.href } : {}),
    ...(typeof i.alt === 'string' ? { alt: i.alt } : {}),
  }));
}

function alertPayload(body: Json, errors: string[]): AlertPayload | undefined {
  const raw = body.payload;
  if (!isObject(raw)) {
    errors.push("'payload' is missing or blank");
    return undefined;
  }
  const summary = requiredString(raw, 'summary', 'payload.summary', errors);
  if (summary !== undefined && summary.length > MAX_SUMMARY)
    errors.push(`'payload.summary' is too long (maximum is ${MAX_SUMMARY} characters)`);
  const source = requiredString(raw, 'source', 'payload.source', errors);
  const severity = requiredString(raw, 'severity', 'payload.severity', errors);
  if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) {
    errors.push(
      "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
    );
  }
  const timestamp = optionalString(raw, 'timestamp', 'payload.timestamp', errors);
  if (timestamp !== undefined && !ISO_8601.test(timestamp))
    errors.push("'payload.timestamp' is invalid (must be an ISO 8601 timestamp)");
  const component = optionalString(raw, 'component', 'payload.component', errors);
  const group = optionalString(raw, 'group', 'payload.group', errors);
  const klass = optionalString(raw, 'class', 'payload.class', errors);
  const customDetails = raw.custom_details;
  if (
    customDetails !== undefined &&
    customDetails !== null &&
    !isObject(customDetails) &&
    typeof customDetails !== 'string'
  ) {
    errors.push("'payload.custom_details' must be an object");
  }
  if (summary === undefined || source === undefined || severity === undefined) return undefined;
  return {
    summary,
    source,
    severity: severity as Severity,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(component !== undefined ? { component } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(klass !== undefined ? { class: klass } : {}),
    ...(customDetails !== undefined && customDetails !== null ? { customDetails: structuredClone(customDetails) } : {}),
  };
}

/**
 * Validates a parsed enqueue body. `expectedRoutingKey`, when set, is the only integration key (or keys: other
 * teams' services) that exist; without it any non-blank key routes to the one service.
 */
export function validateEnqueue(body: unknown, expectedRoutingKey?: string | readonly string[]): EnqueueValidation {
  if (!isObject(body)) return { ok: false, errors: ['Event object must be a JSON object'] };
  const errors: string[] = [];
  const routingKey = requiredString(body, 'routing_key', 'routing_key', errors);
  const known = typeof expectedRoutingKey === 'string' ? [expectedRoutingKey] : expectedRoutingKey;
  if (routingKey !== undefined && known !== undefined && !known.includes(routingKey))
    errors.push('Invalid routing key');

  const actionRaw = requiredString(body, 'event_action', 'event_action', errors);
  const action =
    actionRaw !== undefined && ACTIONS.includes(actionRaw as EventAction) ? (actionRaw as EventAction) : undefined;
  if (actionRaw !== undefined && action === undefined) {
    errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
  }

  let dedupKey = optionalString(body, 'dedup_key', 'dedup_key', errors);
  if (dedupKey !== undefined && dedupKey.trim() === '') dedupKey = undefined;
  if (dedupKey !== undefined && dedupKey.length > MAX_DEDUP_KEY)
    errors.push(`'dedup_key' is too long (maximum is ${MAX_DEDUP_KEY} characters)`);
  if ((action === 'acknowledge' || action === 'resolve') && dedupKey === undefined)
    errors.push("'dedup_key' is missing or blank");

  const payload = action === 'trigger' ? alertPayload(body, errors) : undefined;
  const eventLinks = links(body, errors);
  const eventImages = images(body, errors);
  const client = optionalString(body, 'client', 'client', errors);
  const clientUrl = optionalString(body, 'client_url', 'client_url', errors);

  if (errors.length > 0 || routingKey === undefined || action === undefined) return { ok: false, errors };
  return {
    ok: true,
    event: {
      routingKey,
      action,
      ...(dedupKey !== undefined ? { dedupKey } : {}),
      ...(payload ? { payload } : {}),
      links: eventLinks,
      images: eventImages,
      ...(client !== undefined ? { client } : {}),
      ...(clientUrl !== undefined ? { clientUrl } : {}),
    },
  };
}
