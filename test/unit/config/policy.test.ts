// The policy schema: defaults, strictness, and the checks on routing, severities and scale targets (both kinds, mapped
// to provider aws and its spec, and the examples in firebreak.example.yaml and DESIGN.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { policySchema, type ScaleTarget } from '../../../src/config/policy';
import { formatIssues } from '../../../src/validation/zod-issues';

const ROOT = join(__dirname, '../../../');

/** The commented-out `scaleTargets:` block of firebreak.example.yaml, uncommented. */
function exampleScaleTargets(): string {
  const lines = readFileSync(join(ROOT, 'firebreak.example.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('# scaleTargets:'));
  if (start < 0) throw new Error('firebreak.example.yaml has no commented "# scaleTargets:" block');
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('#'));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .map((line) => line.replace(/^# ?/, ''))
    .join('\n');
}

/** The YAML example under DESIGN.md's Scaling heading. */
function designScaleTargets(): string {
  const design = readFileSync(join(ROOT, 'docs/DESIGN.md'), 'utf8');
  const block = /## Scaling[\s\S]*?```yaml\n([\s\S]*?)```/.exec(design)?.[1];
  if (block === undefined) throw new Error('DESIGN.md has no yaml block under "## Scaling"');
  return block;
}

const ASG = { kind: 'autoscaling-group', autoScalingGroupName: 'web-prod-asg', max: 10 };

function issuesOf(policy: unknown): string[] {
  const result = policySchema.safeParse(policy, { reportInput: true });
  if (result.success) throw new Error('expected the policy to be refused');
  return formatIssues(result.error.issues);
}

describe('policySchema', () => {
  it('firebreak.example.yaml validates', () => {
    const example = parse(readFileSync(join(ROOT, 'firebreak.example.yaml'), 'utf8')) as unknown;
    const result = policySchema.safeParse(example);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data?.paging.severities).toEqual(['sev1', 'sev2']);
    expect(result.data?.routing.services[0]).toEqual({
      service: 'web',
      responders: ['U0456WEBLEAD', 'U0789WEBSRE'],
      severity: 'sev2',
    });
  });

  it("firebreak.example.yaml's commented scale targets validate once uncommented", () => {
    const policy = policySchema.parse(parse(exampleScaleTargets()));
    const targets: ScaleTarget[] = policy.scaleTargets;
    expect(targets).toEqual([
      {
        name: 'web',
        description: 'Web servers behind the public load balancer',
        provider: 'aws',
        spec: {
          kind: 'ec2-launch-template',
          region: 'us-east-1',
          launchTemplate: { id: 'lt-0a1b2c3d4e5f67890', version: '$Latest' },
          subnets: ['subnet-0a1b2c3d4e5f60a01', 'subnet-0a1b2c3d4e5f60b02'],
        },
        min: 2,
        max: 40,
        maxStep: 10,
        cooldownSeconds: 120,
        allowedUserGroups: ['oncall-web'],
        buttons: [2, 4],
        services: ['web', 'checkout'],
        dryRun: false,
        approval: { above: 20, approvers: 'sre-leads', expiresMinutes: 15 },
      },
      {
        name: 'web-asg',
        provider: 'aws',
        spec: { kind: 'autoscaling-group', autoScalingGroupName: 'web-prod-asg' },
        min: 4,
        max: 60,
        maxStep: 10,
        cooldownSeconds: 120,
        allowedUserGroups: [],
        buttons: [2, 4],
        services: [],
        dryRun: false,
        watch: {
          query: { source: 'prometheus', query: 'sum(rate(http_requests_total{job="web"}[1m]))' },
          perInstance: 250,
          targetUtilization: 0.7,
          lookaheadMinutes: 20,
          offer: 'warning',
          intervalSeconds: 60,
        },
      },
    ]);
  });

  it("DESIGN.md's scale target example validates", () => {
    const policy = policySchema.parse(parse(designScaleTargets()));
    expect(policy.scaleTargets).toMatchObject([
      { name: 'web', provider: 'aws', spec: { kind: 'ec2-launch-template' } },
      { name: 'web-asg', provider: 'aws', spec: { kind: 'autoscaling-group' } },
    ]);
  });

  it('fills defaults inside a partly written section', () => {
    const policy = policySchema.parse({
      incidents: { channelPrefix: 'outage' },
      scaleTargets: [{ name: 'web', ...ASG }],
    });
    expect(policy.incidents).toEqual({ defaultSeverity: 'sev3', channelPrefix: 'outage' });
    expect(policy.scaleTargets[0]).toEqual({
      name: 'web',
      provider: 'aws',
      spec: { kind: 'autoscaling-group', autoScalingGroupName: 'web-prod-asg' },
      min: 0,
      max: 10,
      maxStep: 10,
      cooldownSeconds: 120,
      allowedUserGroups: [],
      dryRun: false,
      buttons: [2, 4],
      services: [],
    });
    const ec2 = policySchema.parse({
      scaleTargets: [
        {
          name: 'web',
          kind: 'ec2-launch-template',
          launchTemplate: { id: 'lt-0abc' },
          subnets: ['subnet-0abc'],
          max: 40,
        },
      ],
    });
    expect(ec2.scaleTargets[0]).toMatchObject({
      spec: { launchTemplate: { id: 'lt-0abc', version: '$Latest' }, subnets: ['subnet-0abc'] },
      maxStep: 10,
      buttons: [2, 4],
    });
  });

  it('unset maxStep and buttons fit a small max instead of failing on their own defaults', () => {
    const [three, one] = policySchema.parse({
      scaleTargets: [
        { name: 'three', ...ASG, max: 3 },
        { name: 'one', ...ASG, max: 1 },
      ],
    }).scaleTargets;
    expect([three?.maxStep, three?.buttons]).toEqual([3, [2]]);
    expect([one?.maxStep, one?.buttons]).toEqual([1, [1]]);
  });

  it('lowercases severity words', () => {
    expect(policySchema.parse({ severityWords: { Disaster: 'sev1', 'S-3': 'sev3' } }).severityWords).toEqual({
      disaster: 'sev1',
      's-3': 'sev3',
    });
    expect(issuesOf({ severityWords: { bad: 'sev9' } })).toEqual([
      'severityWords.bad: expected one of "sev1", "sev2", "sev3", "sev4" (got "sev9")',
    ]);
  });

  it('channel prefixes must fit Slack channel names', () => {
    expect(issuesOf({ incidents: { channelPrefix: 'Inc_' } })).toEqual([
      'incidents.channelPrefix: must be lowercase letters, digits and single dashes, as Slack channel names allow (e.g. "inc")',
    ]);
    expect(issuesOf({ incidents: { channelPrefix: 'a'.repeat(21) } })).toEqual([
      'incidents.channelPrefix: must be at most 20 characters long',
    ]);
  });

  it('a service routed twice is an error', () => {
    expect(
      issuesOf({
        routing: {
          services: [
            { service: 'web', responders: [] },
            { service: 'web', responders: [] },
          ],
        },
      }),
    ).toEqual(['routing.services.1.service: "web" is listed twice; only the first would apply']);
  });

  it('scale targets: an unknown kind, a missing kind, bad numbers and cross-field limits are each reported, with paths', () => {
    expect(
      issuesOf({
        scaleTargets: [
          {
            name: 'web',
            kind: 'autoscaling-group',
            autoScalingGroupName: 'web-prod',
            min: 5,
            max: 4,
            maxStep: 6,
            buttons: [2, 8],
          },
          {
            name: 'api',
            kind: 'ec2-launch-template',
            launchTemplate: { id: 'ami-0abc', version: 'latest' },
            subnets: [],
            max: 1.5,
          },
          { name: 'db', kind: 'kubernetes' },
          { name: 'cache' },
          {
            name: 'Queue',
            ...ASG,
            cooldownSeconds: -1,
            allowedUserGroups: ['@oncall-web'],
            dryRun: 'yes',
            buttons: [0],
          },
        ],
      }),
    ).toEqual([
      'scaleTargets.0.min: must not exceed max (4)',
      'scaleTargets.0.maxStep: must not exceed max (4)',
      'scaleTargets.0.buttons.1: must not exceed maxStep (6)',
      'scaleTargets.1.launchTemplate.id: must be a launch template id such as lt-0abc1234def567890',
      'scaleTargets.1.launchTemplate.version: must be a version number, $Latest or $Default',
      'scaleTargets.1.subnets: must have at least 1 item',
      'scaleTargets.1.max: expected an integer (got 1.5)',
      'scaleTargets.2.kind: expected "ec2-launch-template" or "autoscaling-group" (got "kubernetes")',
      'scaleTargets.3.kind: required: "ec2-launch-template" or "autoscaling-group"',
      'scaleTargets.4.name: must be lowercase letters, digits, - and _ (it is typed in `/scale <target>`)',
      'scaleTargets.4.cooldownSeconds: must be at least 0 (got -1)',
      'scaleTargets.4.allowedUserGroups.0: must be a Slack user group handle such as oncall-web (lowercase letters, digits, ., - and _; no @)',
      'scaleTargets.4.dryRun: expected true or false (got "yes")',
      'scaleTargets.4.buttons.0: must be at least 1 (got 0)',
    ]);
  });

  it('a required field of each kind is named when missing', () => {
    expect(
      issuesOf({
        scaleTargets: [
          { name: 'web', kind: 'ec2-launch-template', max: 4 },
          { name: 'asg', kind: 'autoscaling-group' },
        ],
      }),
    ).toEqual([
      'scaleTargets.0.launchTemplate: required',
      'scaleTargets.0.subnets: required',
      'scaleTargets.1.autoScalingGroupName: required',
      'scaleTargets.1.max: required',
    ]);
  });

  it('an unknown key in a scale target (the old shape included) suggests the key that was meant', () => {
    expect(issuesOf({ scaleTargets: [{ name: 'web', ...ASG, maxSteps: 4 }] })).toEqual([
      'scaleTargets.0: unknown key "maxSteps" (did you mean "maxStep"?); expected name, kind, autoScalingGroupName, description, region, min, max, maxStep, cooldownSeconds, allowedUserGroups, dryRun, buttons, services, approval, watch',
    ]);
    expect(
      issuesOf({ scaleTargets: [{ name: 'web', kind: 'autoscaling_group', groupName: 'web-prod', max: 4 }] }),
    ).toEqual(['scaleTargets.0.kind: expected "ec2-launch-template" or "autoscaling-group" (got "autoscaling_group")']);
  });

  it('duplicate scale target names and a button offered twice are errors', () => {
    expect(
      issuesOf({
        scaleTargets: [
          { name: 'web', ...ASG },
          { name: 'web', ...ASG },
        ],
      }),
    ).toEqual(['scaleTargets.1.name: "web" is used by another scale target; names must be unique']);
    expect(issuesOf({ scaleTargets: [{ name: 'web', ...ASG, buttons: [2, 2] }] })).toEqual([
      'scaleTargets.0.buttons.1: +2 is offered twice',
    ]);
  });

  it('accepts a numeric launch template version from YAML and keeps it as a string', () => {
    const policy = policySchema.parse(
      parse(
        'scaleTargets:\n  - {name: web, kind: ec2-launch-template, launchTemplate: {id: lt-0abc, version: 3}, subnets: [subnet-0abc], max: 10}\n',
      ),
    );
    expect(policy.scaleTargets[0]).toMatchObject({ spec: { launchTemplate: { id: 'lt-0abc', version: '3' } } });
    expect(
      issuesOf({
        scaleTargets: [
          {
            name: 'web',
            kind: 'ec2-launch-template',
            launchTemplate: { id: 'lt-0abc', version: 0 },
            subnets: ['subnet-0abc'],
            max: 10,
          },
        ],
      }),
    ).toEqual(['scaleTargets.0.launchTemplate.version: must be at least 1 (got 0)']);
  });

  it('paging defaults: sev1 and sev2 page, 5 minutes to acknowledge', () => {
    expect(policySchema.parse({}).paging).toEqual({
      severities: ['sev1', 'sev2'],
      ackTimeoutMinutes: 5,
      escalationPolicies: [],
    });
  });

  it('slack rate limits: none overridden by default; a method by name, a positive number a minute', () => {
    expect(policySchema.parse({}).slack).toEqual({ rateLimits: {} });
    expect(policySchema.parse({ slack: { rateLimits: { 'conversations.create': 100 } } }).slack.rateLimits).toEqual({
      'conversations.create': 100,
    });
    expect(issuesOf({ slack: { rateLimits: { 'create channel': 100 } } })[0]).toContain(
      'must be a Slack Web API method such as conversations.create',
    );
    expect(issuesOf({ slack: { rateLimits: { 'pins.add': 0 } } })[0]).toContain('slack.rateLimits.pins.add');
  });

  it('teams: a routing key or an escalation policy, unique names; the domain sees a route, never the vendor key name', () => {
    const policy = policySchema.parse({
      teams: [
        { name: 'network', pagerduty: { routingKey: '0123456789abcdef0123456789abcdef' }, slackUserGroup: 'netops' },
        { name: 'dba', pagerduty: { escalationPolicyId: 'PDBA123' } },
      ],
    });
    expect(policy.teams).toEqual([
      { name: 'network', pager: { route: '0123456789abcdef0123456789abcdef' }, userGroup: 'netops' },
      { name: 'dba', pager: { escalationPolicyId: 'PDBA123' }, userGroup: null },
    ]);
    expect(policySchema.safeParse({ teams: [{ name: 'dba', pagerduty: {} }] }).success).toBe(false);
    expect(
      policySchema
        .safeParse({
          teams: [
            { name: 'dba', pagerduty: { escalationPolicyId: 'PDBA123' } },
            { name: 'dba', pagerduty: { escalationPolicyId: 'PDBA124' } },
          ],
        })
        .error?.issues.map((i) => i.message),
    ).toEqual(['"dba" is listed twice; names must be unique']);
  });

  it('a scale approval needs a threshold and a group (handle or id); expiry defaults to 15 minutes', () => {
    const target = { name: 'web', ...ASG };
    const ok = policySchema.parse({ scaleTargets: [{ ...target, approval: { above: 0, approvers: 'S0LEADS' } }] });
    expect(ok.scaleTargets[0]?.approval).toEqual({ above: 0, approvers: 'S0LEADS', expiresMinutes: 15 });
    expect(
      policySchema.safeParse({ scaleTargets: [{ ...target, approval: { above: 4, approvers: '@sre leads' } }] })
        .success,
    ).toBe(false);
  });
});

describe('nudges', () => {
  it('defaults to a lead prompt after 10 minutes and an update reminder after 30', () => {
    expect(policySchema.parse({}).nudges).toEqual({ leadMinutes: 10, updateMinutes: 30 });
  });

  it('refuses minutes that are not positive, naming the key', () => {
    const parsed = policySchema.safeParse({ nudges: { leadMinutes: 0, updateMinutes: 'soon' } });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['nudges.leadMinutes', 'nudges.updateMinutes']));
  });
});
