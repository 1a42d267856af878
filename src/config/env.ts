// The environment Firebreak reads: every variable with its check and default, and the sandbox/live mode rules.
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Mode = 'sandbox' | 'live';

/** The sandbox's fixed secrets: it runs on one machine with no Slack, so there is nothing to protect. */
export const SANDBOX_ALERT_TOKEN = 'sandbox-alert-token'; // the README's curl example uses it
export const SANDBOX_SIGNING_SECRET = 'sandbox-signing-secret-not-for-production';
export const SANDBOX_LINK_SECRET = 'sandbox-link-secret-not-for-production-use';

/** Variables whose values never appear in an error message (nor in logs: see observability/logger.ts). */
export const SECRET_ENV_KEYS: ReadonlySet<string> = new Set([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DATABASE_URL', // a postgres URL carries a password
  'ALERT_WEBHOOK_TOKEN',
  'PAGERDUTY_ROUTING_KEY',
  'PAGERDUTY_API_TOKEN',
  'PAGERDUTY_WEBHOOK_SECRET',
  'GRAFANA_WEBHOOK_HMAC_SECRET',
  'LINK_SECRET',
]);

/** A check returns what is wrong with a value, or undefined. Checks of secrets never quote the value. */
type Check = (value: string) => string | undefined;

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

function variable(...checks: Check[]) {
  return z.string().superRefine((value, ctx) => {
    for (const check of checks) {
      const problem = check(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  });
}

const startsWith =
  (prefix: string, what: string, hints: Readonly<Record<string, string>> = {}): Check =>
  (value) => {
    if (value.startsWith(prefix)) return undefined;
    const hint = Object.entries(hints).find(([other]) => value.startsWith(other));
    return `must be ${what} starting with "${prefix}"${hint ? `; this one starts with "${hint[0]}": ${hint[1]}` : ''}`;
  };

const minLength =
  (n: number, how: string): Check =>
  (value) =>
    value.length >= n ? undefined : `must be at least ${n} characters long (it has ${value.length}); ${how}`;

const headerName: Check = (value) =>
  /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value) ? undefined : `must be an HTTP header name (got ${shown(value)})`;

const instanceId: Check = (value) =>
  /^[A-Za-z0-9._-]{1,100}$/.test(value)
    ? undefined
    : `must be a name of letters, digits, '.', '_' and '-', at most 100 (got ${shown(value)}); in Kubernetes, the pod's name`;

const SNS_TOPIC_ARN = /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

const email: Check = (value) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : `must be an email address (got ${shown(value)})`;

const serviceIds: Check = (value) => {
  const wrong = splitList(value).filter((id) => !/^P[A-Z0-9]{5,13}$/.test(id));
  return wrong.length === 0
    ? undefined
    : `must be PagerDuty service ids separated by commas, such as PWEB123 (not ${wrong.map(shown).join(', ')})`;
};

const topicArns: Check = (value) => {
  const wrong = splitList(value).filter((arn) => !SNS_TOPIC_ARN.test(arn));
  return wrong.length === 0
    ? undefined
    : `must be SNS topic ARNs separated by commas, such as arn:aws:sns:us-east-1:123456789012:alarms (not ${wrong.map(shown).join(', ')})`;
};

const httpUrl: Check = (value) => {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // reported below
  }
  return `must be an http:// or https:// URL (got ${shown(value)})`;
};

const databaseUrl: Check = (value) =>
  /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(value)
    ? undefined
    : 'must be sqlite:PATH (e.g. sqlite:./data/firebreak.db) or postgres://USER:PASSWORD@HOST/DATABASE';

const timeZone: Check = (value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return undefined;
  } catch {
    return `must be an IANA time zone such as UTC or Europe/Paris (got ${shown(value)})`;
  }
};

const port: Check = (value) =>
  /^\d{1,5}$/.test(value) && Number(value) <= 65535
    ? undefined
    : `must be a number from 0 to 65535 (got ${shown(value)})`;

const channel: Check = (value) =>
  /^#?[a-z0-9][a-z0-9_-]{0,79}$/.test(value) || /^[CG][A-Z0-9]{6,}$/.test(value)
    ? undefined
    : `must be a Slack channel name (lowercase letters, digits, - and _) or id (got ${shown(value)})`;

const oneOf =
  (values: readonly string[]): Check =>
  (value) =>
    values.includes(value) ? undefined : `must be one of ${values.join(', ')} (got ${shown(value)})`;

/** FIREBREAK_SANDBOX: `1`/`true` chooses the sandbox explicitly (then it may listen beyond loopback). */
const SANDBOX_CHOICES = ['1', 'true', '0', 'false'] as const;

/** Where the sandbox listens unless FIREBREAK_SANDBOX=1 says otherwise: reachable from this machine only. */
export const SANDBOX_DEFAULT_HOST = '127.0.0.1';
export const LIVE_DEFAULT_HOST = '0.0.0.0';

/** Addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/i.test(host)
  );
}

const BOT_TOKEN_HINTS = {
  'xoxp-': 'that is a user token; use the Bot User OAuth Token',
  'xapp-': 'that is an app-level token; it belongs in SLACK_APP_TOKEN',
};
const APP_TOKEN_HINTS = { 'xoxb-': 'that is the bot token; it belongs in SLACK_BOT_TOKEN' };

/**
 * Every variable Firebreak reads, each checked on its own. Input has empty values removed (see `cleanEnv`);
 * the rules that tie variables together (sandbox or live, what live requires) are in `parseEnv`.
 */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: variable(startsWith('xoxb-', 'a bot token', BOT_TOKEN_HINTS)).optional(),
  SLACK_SIGNING_SECRET: variable().optional(),
  SLACK_APP_TOKEN: variable(startsWith('xapp-', 'an app-level token', APP_TOKEN_HINTS)).optional(),
  SLACK_API_URL: variable(httpUrl).default('https://slack.com/api/'),
  INCIDENTS_CHANNEL: variable(channel)
    .transform((value) => value.replace(/^#/, ''))
    .default('incidents'),
  PORT: variable(port).transform(Number).default(3000),
  // Default by mode (see parseEnv): every interface when live, loopback for the sandbox.
  HOST: variable().optional(),
  DATABASE_URL: variable(databaseUrl).default('sqlite:./data/firebreak.db'),
  ALERT_WEBHOOK_TOKEN: variable(minLength(16, 'generate one with `openssl rand -hex 24`')).optional(),
  PAGERDUTY_ROUTING_KEY: variable().optional(),
  PAGERDUTY_API_TOKEN: variable().optional(),
  PAGERDUTY_ESCALATION_POLICY_ID: variable().optional(),
  PAGERDUTY_EVENTS_URL: variable(httpUrl).optional(),
  PAGERDUTY_API_URL: variable(httpUrl).optional(),
  PAGERDUTY_WEBHOOK_SECRET: variable().optional(),
  // PagerDuty services whose own incidents open Firebreak incidents (through the v3 webhook); unset = none.
  // The PagerDuty user Firebreak acts as when it acknowledges or resolves an incident that started in PagerDuty
  // (REST API, with PAGERDUTY_API_TOKEN allowed to write), and who asks a team named by escalation policy to respond.
  PAGERDUTY_FROM_EMAIL: variable(email).optional(),
  PAGERDUTY_INCIDENT_SERVICE_IDS: variable(serviceIds).transform(splitList).default([]),
  // Grafana's contact point HMAC (optional): when set, /alerts/grafana also requires the signature.
  GRAFANA_WEBHOOK_HMAC_SECRET: variable(minLength(16, 'generate one with `openssl rand -hex 24`')).optional(),
  GRAFANA_WEBHOOK_SIGNATURE_HEADER: variable(headerName).default('X-Grafana-Alerting-Signature'),
  GRAFANA_WEBHOOK_TIMESTAMP_HEADER: variable(headerName).optional(),
  // The SNS topics whose CloudWatch alarms /alerts/cloudwatch takes; unset = it takes none.
  CLOUDWATCH_SNS_TOPIC_ARNS: variable(topicArns).transform(splitList).default([]),
  AWS_REGION: variable().optional(),
  AWS_ENDPOINT_URL_EC2: variable(httpUrl).optional(),
  AWS_ENDPOINT_URL_AUTO_SCALING: variable(httpUrl).optional(),
  AWS_ENDPOINT_URL_CLOUDWATCH: variable(httpUrl).optional(),
  // Prometheus's base URL, for scale targets whose capacity watch reads `source: prometheus` (issue 17);
  // credentials in it (https://user:pass@…) are sent as Basic auth and never logged.
  PROMETHEUS_URL: variable(httpUrl).optional(),
  FIREBREAK_CONFIG: variable().optional(),
  // This replica's stable name across its restarts (a pod's name): a restarted process takes back its
  // predecessor's outbox lanes at once instead of after their lease. Never the same for two live processes.
  FIREBREAK_INSTANCE_ID: variable(instanceId).optional(),
  PUBLIC_URL: variable(httpUrl).optional(),
  LINK_SECRET: variable(minLength(32, 'generate one with `openssl rand -hex 32`')).optional(),
  TIMEZONE: variable(timeZone).default('UTC'),
  LOG_LEVEL: variable(oneOf(LOG_LEVELS))
    .transform((value) => value as LogLevel)
    .default('info'),
  NODE_ENV: variable().optional(),
  FIREBREAK_SANDBOX: variable(oneOf(SANDBOX_CHOICES)).optional(),
  FIREBREAK_SANDBOX_DIR: variable().default('./data'),
});

export type EnvKey = keyof typeof envSchema.shape;

/** Every variable the schema knows; `.env.example` must list exactly these (a test checks). */
export const ENV_KEYS = Object.keys(envSchema.shape) as EnvKey[];

type ParsedEnv = z.output<typeof envSchema>;

/** The environment after defaults: what live mode requires is always there (the sandbox fills its own). */
export type Env = Omit<ParsedEnv, 'ALERT_WEBHOOK_TOKEN' | 'LINK_SECRET' | 'PUBLIC_URL' | 'HOST'> & {
  HOST: string;
  ALERT_WEBHOOK_TOKEN: string;
  LINK_SECRET: string;
  PUBLIC_URL: string;
};

export type EnvResult = { ok: true; mode: Mode; env: Env } | { ok: false; issues: string[] };

/** The variables we know, with empty values dropped: `PORT=` in a .env file means "use the default". */
export function cleanEnv(raw: Readonly<Record<string, string | undefined>>): Partial<Record<EnvKey, string>> {
  const clean: Partial<Record<EnvKey, string>> = {};
  for (const key of ENV_KEYS) {
    const value = raw[key];
    if (value !== undefined && value.trim() !== '') clean[key] = value;
  }
  return clean;
}

/** Problems that are not any one value's: surrounding whitespace, and what the mode requires. */
function crossIssues(clean: Partial<Record<EnvKey, string>>, mode: Mode): string[] {
  const issues: string[] = [];
  for (const key of ENV_KEYS) {
    const value = clean[key];
    // A pasted token with a trailing newline fails authentication far from here; say it now.
    if (value !== undefined && value !== value.trim()) issues.push(`${key}: has leading or trailing whitespace`);
  }
  const production = clean.NODE_ENV === 'production';
  if (production && !clean.SLACK_BOT_TOKEN) {
    issues.push('SLACK_BOT_TOKEN is required in production; without it Firebreak would run its local sandbox Slack');
  }
  const chosen = sandboxChosen(clean);
  if (chosen && production)
    issues.push('FIREBREAK_SANDBOX: the sandbox cannot run with NODE_ENV=production; unset one of them');
  if (chosen && clean.SLACK_BOT_TOKEN) {
    issues.push(
      'FIREBREAK_SANDBOX: set together with SLACK_BOT_TOKEN; unset SLACK_BOT_TOKEN to run the sandbox, or FIREBREAK_SANDBOX to talk to Slack',
    );
  }
  // The sandbox has a published alert token and a console that acts as any user: never reachable from
  // other machines by accident (a production install that lost its token must not become one).
  if (mode === 'sandbox' && !chosen && clean.HOST !== undefined && !isLoopback(clean.HOST.trim())) {
    issues.push(
      `HOST: ${shown(clean.HOST)} would expose the sandbox (there is no SLACK_BOT_TOKEN) to other machines, with its published alert token and a console that acts as any user; ` +
        'set SLACK_BOT_TOKEN for Slack, unset HOST to keep the sandbox on 127.0.0.1, or set FIREBREAK_SANDBOX=1 to expose it on purpose',
    );
  }
  if (mode === 'live') {
    if (!clean.ALERT_WEBHOOK_TOKEN) {
      issues.push(
        'ALERT_WEBHOOK_TOKEN is required outside the sandbox; every alert webhook must carry it as a bearer token',
      );
    }
    if (!clean.LINK_SECRET)
      issues.push('LINK_SECRET is required outside the sandbox; it signs links to postmortem pages');
    if (!clean.SLACK_SIGNING_SECRET && !clean.SLACK_APP_TOKEN) {
      issues.push('SLACK_SIGNING_SECRET is required in HTTP mode (set SLACK_APP_TOKEN instead to use Socket Mode)');
    }
  }
  return issues;
}

/** FIREBREAK_SANDBOX=1 (or true): the sandbox was asked for, not fallen back to. */
export function sandboxChosen(clean: Partial<Record<EnvKey, string>>): boolean {
  return clean.FIREBREAK_SANDBOX === '1' || clean.FIREBREAK_SANDBOX === 'true';
}

/** Sandbox when there is no bot token, except in production, where that is an error instead. */
export function modeOf(clean: Partial<Record<EnvKey, string>>): Mode {
  return !clean.SLACK_BOT_TOKEN && clean.NODE_ENV !== 'production' ? 'sandbox' : 'live';
}

/** Checks every variable and the mode rules, and reports every problem at once, each prefixed with its variable. */
export function parseEnv(raw: Readonly<Record<string, string | undefined>>): EnvResult {
  const clean = cleanEnv(raw);
  const mode = modeOf(clean);
  const parsed = envSchema.safeParse(clean);
  const issues = [
    // Messages come only from our checks, which never quote a secret (zod's own would not either: all inputs are strings).
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`)),
    ...crossIssues(clean, mode),
  ];
  if (!parsed.success || issues.length > 0) return { ok: false, issues: sortByKey(issues) };

  const env = parsed.data;
  const sandbox = mode === 'sandbox';
  return {
    ok: true,
    mode,
    env: {
      ...env,
      HOST: env.HOST ?? (sandbox ? SANDBOX_DEFAULT_HOST : LIVE_DEFAULT_HOST),
      SLACK_SIGNING_SECRET: env.SLACK_SIGNING_SECRET ?? (sandbox ? SANDBOX_SIGNING_SECRET : undefined),
      ALERT_WEBHOOK_TOKEN: env.ALERT_WEBHOOK_TOKEN ?? SANDBOX_ALERT_TOKEN,
      LINK_SECRET: env.LINK_SECRET ?? SANDBOX_LINK_SECRET,
      // PORT=0 (a free port, picked at start) has no address yet: Firebreak then links to where it listens.
      PUBLIC_URL: (env.PUBLIC_URL ?? (env.PORT === 0 ? '' : `http://localhost:${env.PORT}`)).replace(/\/+$/, ''),
    },
  };
}

/** In the order of ENV_KEYS, so the report reads like .env.example. */
function sortByKey(issues: string[]): string[] {
  const rank = (issue: string): number => {
    const index = ENV_KEYS.indexOf(/^[A-Z0-9_]+/.exec(issue)?.[0] as EnvKey);
    return index === -1 ? ENV_KEYS.length : index;
  };
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.i - b.i)
    .map(({ issue }) => issue);
}
