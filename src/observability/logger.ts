// Structured JSON logs (pino), with every secret-bearing field redacted wherever it appears.
import pino, { type Logger } from 'pino';
import { scrubSecrets } from './process-guard';

export type { Logger };

/** Field names that may hold a secret, at any depth we log. */
const SECRET_FIELDS = [
  'token',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'signingSecret',
  'routingKey',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'ALERT_WEBHOOK_TOKEN',
  'PAGERDUTY_ROUTING_KEY',
  'PAGERDUTY_API_TOKEN',
  'PAGERDUTY_WEBHOOK_SECRET',
  'LINK_SECRET',
  'DATABASE_URL',
  'x-slack-signature',
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

const SECRET_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
/** Causes deeper than this are cut: a chain that long is a loop or noise. */
const MAX_CAUSE_DEPTH = 5;

/** A serialized error's own fields, scalars only: a nested object (an HTTP client's request, headers and all) is dropped. */
function scalarFields(source: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (skip.has(key) || SECRET_KEYS.has(key.toLowerCase())) continue;
    if (typeof value === 'string') out[key] = scrubSecrets(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

const OWN_FIELDS = new Set(['type', 'message', 'stack', 'cause', 'details', 'aggregateErrors', 'raw']);

function safeSerialized(serialized: unknown, depth: number): unknown {
  if (typeof serialized === 'string') return scrubSecrets(serialized);
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const err = serialized as Record<string, unknown>;
  const details = err.details;
  return {
    ...(typeof err.type === 'string' ? { type: err.type } : {}),
    ...(typeof err.message === 'string' ? { message: scrubSecrets(err.message) } : {}),
    ...(typeof err.stack === 'string' ? { stack: scrubSecrets(err.stack) } : {}),
    ...scalarFields(err, OWN_FIELDS),
    // FirebreakError's step, provider error and retry delay.
    ...(typeof details === 'object' && details !== null
      ? { details: scalarFields(details as Record<string, unknown>, new Set(['cause'])) }
      : {}),
    ...(err.cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: safeSerialized(err.cause, depth + 1) } : {}),
  };
}

/**
 * The `err` field: pino's errWithCause (type, message, stack, and the cause chain as nested errors), kept to
 * what cannot carry a secret. Redaction works by field name and depth; an error's fields are neither known nor
 * shallow, so only scalar fields are kept, secret-named ones dropped, and text scrubbed of token shapes.
 */
export function serializeError(value: unknown): unknown {
  return safeSerialized(value instanceof Error ? pino.stdSerializers.errWithCause(value) : value, 0);
}

export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name ?? 'firebreak',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
