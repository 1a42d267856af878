// Structured JSON logs (pino), with every secret-bearing field redacted wherever it appears.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Field names that may hold a secret, at any depth we log. */
const SECRET_FIELDS = [
  'token', 'authorization', 'Authorization', 'password', 'secret', 'signingSecret', 'routingKey',
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ALERT_WEBHOOK_TOKEN', 'PAGERDUTY_ROUTING_KEY',
  'PAGERDUTY_API_TOKEN', 'PAGERDUTY_WEBHOOK_SECRET', 'LINK_SECRET', 'DATABASE_URL', 'x-slack-signature',
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name ?? 'firebreak',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
