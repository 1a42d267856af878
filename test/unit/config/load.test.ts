// loadConfig: env and policy file together, every problem in one CONFIG_INVALID error, each with where it is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../src/config/load';
import { defaultPolicy } from '../../../src/config/policy';
import { FirebreakError } from '../../../src/errors';

const LIVE = {
  SLACK_BOT_TOKEN: 'xoxb-1234-5678-abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789abcdef',
  ALERT_WEBHOOK_TOKEN: 'alert-token-0123456789abcdef',
  LINK_SECRET: 'link-secret-0123456789abcdef0123456789',
};

function missing(path: string): never {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** A readFile that knows only the given files (by absolute path). */
function files(contents: Record<string, string>): (path: string) => string {
  return (path) => contents[path] ?? missing(path);
}

function configError(run: () => Config): FirebreakError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FirebreakError);
    expect((error as FirebreakError).code).toBe('CONFIG_INVALID');
    return error as FirebreakError;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('loadConfig', () => {
  it('warns, without refusing to start, when a live install has no PUBLIC_URL for its links', () => {
    const without = loadConfig({ ...LIVE, PUBLIC_URL: undefined }, { cwd: '/srv/firebreak', readFile: missing });
    expect(without.warnings).toEqual([expect.stringContaining('PUBLIC_URL is not set')]);
    const withUrl = loadConfig(
      { ...LIVE, PUBLIC_URL: 'https://firebreak.example.com' },
      { cwd: '/srv/firebreak', readFile: missing },
    );
    expect(withUrl.warnings).toEqual([]);
    expect(loadConfig({}, { cwd: '/srv/firebreak', readFile: missing }).warnings).toEqual([]);
  });

  it('without a policy file, gives the full default policy, and resolves the sandbox dir against cwd', () => {
    const config = loadConfig({}, { cwd: '/srv/firebreak', readFile: files({}) });
    expect(config.mode).toBe('sandbox');
    expect(config.policyPath).toBeNull();
    expect(config.sandboxDataDir).toBe('/srv/firebreak/data');
    expect(config.policy).toEqual(defaultPolicy());
    expect(config.policy).toEqual({
      incidents: { defaultSeverity: 'sev3', channelPrefix: 'inc' },
      severityWords: {},
      routing: { defaultResponders: [], services: [] },
      card: { timelineEntries: 5, minEditIntervalMs: 1100 },
      scaleTargets: [],
      paging: { severities: ['sev1', 'sev2'], ackTimeoutMinutes: 5, escalationPolicies: [] },
      slack: { rateLimits: {} },
      teams: [],
      nudges: { leadMinutes: 10, updateMinutes: 30 },
      capacityPlans: { leadMinutes: 30 },
    });
  });

  it('reads ./firebreak.yaml from cwd when present', () => {
    const config = loadConfig(LIVE, {
      cwd: '/srv',
      readFile: files({ '/srv/firebreak.yaml': 'card:\n  timelineEntries: 8\n' }),
    });
    expect(config.policyPath).toBe('/srv/firebreak.yaml');
    expect(config.policy.card).toEqual({ timelineEntries: 8, minEditIntervalMs: 1100 });
    expect(config.mode).toBe('live');
  });

  it('reads FIREBREAK_CONFIG relative to cwd, and an absolute FIREBREAK_SANDBOX_DIR as is', () => {
    const config = loadConfig(
      { FIREBREAK_CONFIG: 'conf/policy.yml', FIREBREAK_SANDBOX_DIR: '/tmp/sandbox' },
      { cwd: '/srv', readFile: files({ '/srv/conf/policy.yml': '# only comments\n' }) },
    );
    expect(config.policyPath).toBe('/srv/conf/policy.yml');
    expect(config.policy).toEqual(defaultPolicy());
    expect(config.sandboxDataDir).toBe('/tmp/sandbox');
  });

  it('FIREBREAK_CONFIG naming a missing file is an error', () => {
    const error = configError(() =>
      loadConfig({ FIREBREAK_CONFIG: 'nope.yaml' }, { cwd: '/srv', readFile: files({}) }),
    );
    expect(error.message).toBe('FIREBREAK_CONFIG: the policy file nope.yaml does not exist');
  });

  it('reports env and policy problems together, one per line, each with its path', () => {
    const policy = [
      'incidents:',
      '  defaultSeverity: sev5',
      'routing:',
      '  services:',
      '    - service: web',
      '      responders: [U0123ABC, "@alice"]',
      'card:',
      '  timelineEntries: 50',
      '  minEditIntervalMs: 200',
      'scaleTargets:',
      '  - name: web',
      '    kind: ec2-launch-template',
      '    launchTemplate: { id: lt-0abc, version: 2 }',
      '    subnets: []',
      '    max: 4',
      '    buttons: [2, 8]',
    ].join('\n');
    const error = configError(() =>
      loadConfig(
        { ...LIVE, PORT: 'abc', TIMEZONE: 'Nowhere/Town' },
        { cwd: '/srv', readFile: files({ '/srv/firebreak.yaml': policy }) },
      ),
    );
    expect(error.message.split('\n')).toEqual([
      'PORT: must be a number from 0 to 65535 (got "abc")',
      'TIMEZONE: must be an IANA time zone such as UTC or Europe/Paris (got "Nowhere/Town")',
      'firebreak.yaml: incidents.defaultSeverity: expected one of "sev1", "sev2", "sev3", "sev4" (got "sev5")',
      'firebreak.yaml: routing.services.0.responders.1: must be a Slack user id such as U012AB3CD (got "@alice"); a display name or @handle will not do',
      'firebreak.yaml: card.timelineEntries: must be at most 20 (got 50)',
      'firebreak.yaml: card.minEditIntervalMs: must be at least 1000 (got 200)',
      'firebreak.yaml: scaleTargets.0.subnets: must have at least 1 item',
      'firebreak.yaml: scaleTargets.0.buttons.1: must not exceed maxStep (4)',
    ]);
  });

  it('never puts a secret value in the message', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxa-SECRET-bot',
      ALERT_WEBHOOK_TOKEN: 'SECRET-short',
      LINK_SECRET: 'SECRET-link',
      DATABASE_URL: 'mysql://u:SECRET@db/x',
    };
    const error = configError(() =>
      loadConfig({ ...secrets, NODE_ENV: 'production' }, { cwd: '/srv', readFile: files({}) }),
    );
    expect(error.message).toContain('SLACK_BOT_TOKEN');
    expect(error.message).toContain('ALERT_WEBHOOK_TOKEN');
    expect(error.message).toContain('LINK_SECRET');
    expect(error.message).not.toContain('SECRET-');
    expect(error.message).not.toContain(':SECRET@');
  });

  it('reports a YAML syntax error with its line and column', () => {
    const error = configError(() =>
      loadConfig(
        {},
        {
          cwd: '/srv',
          readFile: files({ '/srv/firebreak.yaml': 'card:\n  timelineEntries: 5\n\tminEditIntervalMs: 3\n' }),
        },
      ),
    );
    expect(error.message).toBe(
      'firebreak.yaml: line 3, column 1: YAML syntax error: Tabs are not allowed as indentation',
    );
  });

  it('reports a duplicate key as a YAML error', () => {
    const error = configError(() =>
      loadConfig({}, { cwd: '/srv', readFile: files({ '/srv/firebreak.yaml': 'card: {}\ncard: {}\n' }) }),
    );
    expect(error.message).toMatch(/^firebreak\.yaml: line 2, column 1: YAML syntax error: .*unique/i);
  });

  it('an unknown key in the policy is an error that suggests the key that was meant', () => {
    const error = configError(() =>
      loadConfig(
        {},
        { cwd: '/srv', readFile: files({ '/srv/firebreak.yaml': 'card:\n  timelineEntires: 3\nscaleTarget: []\n' }) },
      ),
    );
    expect(error.message.split('\n')).toEqual([
      'firebreak.yaml: card: unknown key "timelineEntires" (did you mean "timelineEntries"?); expected timelineEntries, minEditIntervalMs',
      expect.stringMatching(
        /^firebreak\.yaml: unknown key "scaleTarget" \(did you mean "scaleTargets"\?\); expected incidents, /,
      ),
    ]);
  });

  it('a policy that is not a mapping is an error', () => {
    const error = configError(() =>
      loadConfig({}, { cwd: '/srv', readFile: files({ '/srv/firebreak.yaml': '- a\n- b\n' }) }),
    );
    expect(error.message).toBe('firebreak.yaml: expected an object (got an array)');
  });

  it('reads real files with the default readFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-config-'));
    try {
      writeFileSync(join(dir, 'firebreak.yaml'), 'incidents:\n  channelPrefix: outage\n');
      const config = loadConfig({}, { cwd: dir });
      expect(config.policy.incidents.channelPrefix).toBe('outage');
      expect(config.policyPath).toBe(join(dir, 'firebreak.yaml'));
      expect(loadConfig({}, { cwd: join(dir, 'elsewhere') }).policyPath).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
