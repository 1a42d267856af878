// The environment: defaults, sandbox/live mode rules, and messages that say what is wrong without a secret.
import {
  ENV_KEYS,
  parseEnv,
  SANDBOX_ALERT_TOKEN,
  SANDBOX_LINK_SECRET,
  SANDBOX_SIGNING_SECRET,
} from '../../../src/config/env';

const LIVE = {
  SLACK_BOT_TOKEN: 'xoxb-1234-5678-abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789abcdef',
  ALERT_WEBHOOK_TOKEN: 'alert-token-0123456789abcdef',
  LINK_SECRET: 'link-secret-0123456789abcdef0123456789',
};

function issuesOf(env: Record<string, string | undefined>): string[] {
  const result = parseEnv(env);
  if (result.ok) throw new Error('expected the environment to be refused');
  return result.issues;
}

describe('parseEnv', () => {
  it('with nothing set, runs the sandbox with every default and the sandbox secrets', () => {
    const result = parseEnv({});
    expect(result).toEqual({
      ok: true,
      mode: 'sandbox',
      env: expect.objectContaining({
        SLACK_API_URL: 'https://slack.com/api/',
        INCIDENTS_CHANNEL: 'incidents',
        PORT: 3000,
        HOST: '127.0.0.1', // the sandbox stays on loopback unless chosen explicitly
        DATABASE_URL: 'sqlite:./data/firebreak.db',
        ALERT_WEBHOOK_TOKEN: SANDBOX_ALERT_TOKEN,
        SLACK_SIGNING_SECRET: SANDBOX_SIGNING_SECRET,
        LINK_SECRET: SANDBOX_LINK_SECRET,
        PUBLIC_URL: 'http://localhost:3000',
        TIMEZONE: 'UTC',
        LOG_LEVEL: 'info',
        FIREBREAK_SANDBOX_DIR: './data',
      }),
    });
    expect(SANDBOX_ALERT_TOKEN).toBe('sandbox-alert-token');
  });

  it('listens on every interface by default in live mode, on loopback in the sandbox', () => {
    expect(parseEnv(LIVE)).toMatchObject({ ok: true, mode: 'live', env: { HOST: '0.0.0.0' } });
    expect(parseEnv({ HOST: '127.0.0.1' })).toMatchObject({ ok: true, mode: 'sandbox', env: { HOST: '127.0.0.1' } });
    expect(parseEnv({ HOST: 'localhost' })).toMatchObject({ ok: true, mode: 'sandbox' });
    expect(parseEnv({ HOST: '::1' })).toMatchObject({ ok: true, mode: 'sandbox' });
  });

  it("takes a pod's name as FIREBREAK_INSTANCE_ID, and refuses a name that is not one", () => {
    expect(parseEnv({ FIREBREAK_INSTANCE_ID: 'firebreak-7d9f8c6b5-x2k4q' })).toMatchObject({
      ok: true,
      env: { FIREBREAK_INSTANCE_ID: 'firebreak-7d9f8c6b5-x2k4q' },
    });
    expect(issuesOf({ FIREBREAK_INSTANCE_ID: 'web 1@host' })).toEqual([
      expect.stringMatching(/^FIREBREAK_INSTANCE_ID: must be a name of letters, digits.*\(got "web 1@host"\)/),
    ]);
  });

  it('refuses a sandbox on another interface unless FIREBREAK_SANDBOX=1 chooses it', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      expect(issuesOf({ HOST: host })).toEqual([
        expect.stringMatching(/^HOST: .*no SLACK_BOT_TOKEN.*FIREBREAK_SANDBOX=1/),
      ]);
    }
    expect(parseEnv({ HOST: '0.0.0.0', FIREBREAK_SANDBOX: '1' })).toMatchObject({
      ok: true,
      mode: 'sandbox',
      env: { HOST: '0.0.0.0' },
    });
    expect(parseEnv({ FIREBREAK_SANDBOX: 'true' })).toMatchObject({
      ok: true,
      mode: 'sandbox',
      env: { HOST: '127.0.0.1' },
    });
    expect(issuesOf({ HOST: '0.0.0.0', FIREBREAK_SANDBOX: '0' })).toHaveLength(1);
    expect(issuesOf({ FIREBREAK_SANDBOX: 'yes' })).toEqual([
      expect.stringMatching(/^FIREBREAK_SANDBOX: must be one of/),
    ]);
  });

  it('refuses FIREBREAK_SANDBOX=1 in production or with a Slack token: the choice would be ambiguous', () => {
    expect(issuesOf({ ...LIVE, FIREBREAK_SANDBOX: '1' })).toEqual([
      expect.stringMatching(/^FIREBREAK_SANDBOX: .*SLACK_BOT_TOKEN/),
    ]);
    expect(issuesOf({ NODE_ENV: 'production', FIREBREAK_SANDBOX: '1' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FIREBREAK_SANDBOX: .*production/)]),
    );
  });

  it('treats empty values as unset and ignores variables it does not know', () => {
    const result = parseEnv({ PORT: '', SLACK_BOT_TOKEN: '  ', TIMEZONE: '', PATH: '/usr/bin', HOME: '/root' });
    expect(result.ok && result.mode).toBe('sandbox');
    expect(result.ok && result.env.PORT).toBe(3000);
    expect(result.ok && Object.keys(result.env)).not.toContain('PATH');
  });

  it('is live with a bot token, keeping what was given and allowing PORT=0', () => {
    const result = parseEnv({
      ...LIVE,
      PORT: '0',
      TIMEZONE: 'Europe/Paris',
      INCIDENTS_CHANNEL: '#ops-incidents',
      LOG_LEVEL: 'silent',
    });
    expect(result).toMatchObject({
      ok: true,
      mode: 'live',
      env: { PORT: 0, TIMEZONE: 'Europe/Paris', INCIDENTS_CHANNEL: 'ops-incidents', LOG_LEVEL: 'silent', ...LIVE },
    });
  });

  it('in Socket Mode does not need a signing secret', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...socket } = LIVE;
    expect(parseEnv({ ...socket, SLACK_APP_TOKEN: 'xapp-1-A0-123-abc' })).toMatchObject({ ok: true, mode: 'live' });
    expect(issuesOf(socket)).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode/)]);
  });

  it('in production, refuses to start without a bot token instead of running the sandbox, and lists what live mode needs', () => {
    const issues = issuesOf({ NODE_ENV: 'production' });
    expect(issues).toEqual([
      'SLACK_BOT_TOKEN is required in production; without it Firebreak would run its local sandbox Slack',
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required/),
      expect.stringMatching(/^ALERT_WEBHOOK_TOKEN is required outside the sandbox/),
      expect.stringMatching(/^LINK_SECRET is required outside the sandbox/),
    ]);
  });

  it('reports every wrong value at once, each with its variable, in the order of ENV_KEYS', () => {
    const issues = issuesOf({
      ...LIVE,
      PORT: 'abc',
      TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'verbose',
      DATABASE_URL: 'mysql://root:hunter2@db/firebreak',
      SLACK_API_URL: 'slack.com/api',
      INCIDENTS_CHANNEL: 'Incidents Room',
    });
    expect(issues).toEqual([
      'SLACK_API_URL: must be an http:// or https:// URL (got "slack.com/api")',
      expect.stringMatching(/^INCIDENTS_CHANNEL: must be a Slack channel name/),
      'PORT: must be a number from 0 to 65535 (got "abc")',
      expect.stringMatching(/^DATABASE_URL: must be sqlite:PATH/),
      'TIMEZONE: must be an IANA time zone such as UTC or Europe/Paris (got "Mars/Olympus")',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ]);
  });

  it('rejects ports out of range', () => {
    expect(issuesOf({ PORT: '65536' })).toEqual(['PORT: must be a number from 0 to 65535 (got "65536")']);
    expect(issuesOf({ PORT: '-1' })).toEqual(['PORT: must be a number from 0 to 65535 (got "-1")']);
  });

  it('checks token formats and lengths without ever quoting a secret', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxp-user-token-Zq9a',
      SLACK_APP_TOKEN: 'xoxb-wrong-place-Zq9b',
      ALERT_WEBHOOK_TOKEN: 'Zq9c-shorttt',
      LINK_SECRET: 'Zq9d-too-short-for-links-ab',
      DATABASE_URL: 'mysql://root:Zq9e@db/firebreak',
      SLACK_SIGNING_SECRET: ' Zq9f-with-space ',
    };
    const issues = issuesOf(secrets);
    expect(issues).toEqual([
      'SLACK_BOT_TOKEN: must be a bot token starting with "xoxb-"; this one starts with "xoxp-": that is a user token; use the Bot User OAuth Token',
      'SLACK_SIGNING_SECRET: has leading or trailing whitespace',
      'SLACK_APP_TOKEN: must be an app-level token starting with "xapp-"; this one starts with "xoxb-": that is the bot token; it belongs in SLACK_BOT_TOKEN',
      expect.stringMatching(/^DATABASE_URL: must be sqlite:PATH/),
      'ALERT_WEBHOOK_TOKEN: must be at least 16 characters long (it has 12); generate one with `openssl rand -hex 24`',
      'LINK_SECRET: must be at least 32 characters long (it has 27); generate one with `openssl rand -hex 32`',
    ]);
    const text = issues.join('\n');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value.trim());
    expect(text).not.toContain('Zq9');
  });

  it('accepts sqlite and postgres database URLs', () => {
    for (const url of [
      'sqlite:/var/lib/firebreak.db',
      'sqlite::memory:',
      'postgres://u:p@db:5432/fb',
      'postgresql://db/fb',
    ]) {
      expect(parseEnv({ DATABASE_URL: url })).toMatchObject({ ok: true, env: { DATABASE_URL: url } });
    }
  });

  it('knows every variable in the design table', () => {
    expect([...ENV_KEYS].sort()).toEqual(
      [
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'SLACK_APP_TOKEN',
        'SLACK_API_URL',
        'INCIDENTS_CHANNEL',
        'PORT',
        'HOST',
        'DATABASE_URL',
        'ALERT_WEBHOOK_TOKEN',
        'PAGERDUTY_ROUTING_KEY',
        'PAGERDUTY_API_TOKEN',
        'PAGERDUTY_ESCALATION_POLICY_ID',
        'PAGERDUTY_EVENTS_URL',
        'PAGERDUTY_API_URL',
        'PAGERDUTY_WEBHOOK_SECRET',
        'PAGERDUTY_INCIDENT_SERVICE_IDS',
        'PAGERDUTY_FROM_EMAIL',
        'GRAFANA_WEBHOOK_HMAC_SECRET',
        'GRAFANA_WEBHOOK_SIGNATURE_HEADER',
        'GRAFANA_WEBHOOK_TIMESTAMP_HEADER',
        'CLOUDWATCH_SNS_TOPIC_ARNS',
        'AWS_REGION',
        'AWS_ENDPOINT_URL_EC2',
        'AWS_ENDPOINT_URL_AUTO_SCALING',
        'AWS_ENDPOINT_URL_CLOUDWATCH',
        'PROMETHEUS_URL',
        'FIREBREAK_CONFIG',
        'FIREBREAK_INSTANCE_ID',
        'PUBLIC_URL',
        'LINK_SECRET',
        'TIMEZONE',
        'LOG_LEVEL',
        'NODE_ENV',
        'FIREBREAK_SANDBOX',
        'FIREBREAK_SANDBOX_DIR',
      ].sort(),
    );
  });
});
