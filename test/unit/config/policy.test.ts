// The policy schema: defaults, strictness, and the checks on routing, severities and scale targets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { policySchema } from '../../../src/config/policy';
import { formatIssues } from '../../../src/validation/zod-issues';

function issuesOf(policy: unknown): string[] {
  const result = policySchema.safeParse(policy, { reportInput: true });
  if (result.success) throw new Error('expected the policy to be refused');
  return formatIssues(result.error.issues);
}

describe('policySchema', () => {
  it('firebreak.example.yaml validates', () => {
    const example = parse(readFileSync(join(__dirname, '../../../firebreak.example.yaml'), 'utf8')) as unknown;
    const result = policySchema.safeParse(example);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data?.paging.severities).toEqual(['sev1', 'sev2']);
    expect(result.data?.routing.services[0]).toEqual({ service: 'web', responders: ['U0456WEBLEAD', 'U0789WEBSRE'], severity: 'sev2' });
  });

  it('fills defaults inside a partly written section', () => {
    const policy = policySchema.parse({ incidents: { channelPrefix: 'outage' }, scaleTargets: [{ name: 'web', kind: 'autoscaling_group', groupName: 'web-prod', max: 10 }] });
    expect(policy.incidents).toEqual({ defaultSeverity: 'sev3', channelPrefix: 'outage' });
    expect(policy.scaleTargets[0]).toEqual({ name: 'web', kind: 'autoscaling_group', groupName: 'web-prod', max: 10, step: 1 });
  });

  it('lowercases severity words', () => {
    expect(policySchema.parse({ severityWords: { Disaster: 'sev1', 'S-3': 'sev3' } }).severityWords).toEqual({ disaster: 'sev1', 's-3': 'sev3' });
    expect(issuesOf({ severityWords: { bad: 'sev9' } })).toEqual(['severityWords.bad: expected one of "sev1", "sev2", "sev3", "sev4" (got "sev9")']);
  });

  it('channel prefixes must fit Slack channel names', () => {
    expect(issuesOf({ incidents: { channelPrefix: 'Inc_' } })).toEqual([
      'incidents.channelPrefix: must be lowercase letters, digits and single dashes, as Slack channel names allow (e.g. "inc")',
    ]);
    expect(issuesOf({ incidents: { channelPrefix: 'a'.repeat(21) } })).toEqual(['incidents.channelPrefix: must be at most 20 characters long']);
  });

  it('a service routed twice is an error', () => {
    expect(issuesOf({ routing: { services: [{ service: 'web', responders: [] }, { service: 'web', responders: [] }] } })).toEqual([
      'routing.services.1.service: "web" is listed twice; only the first would apply',
    ]);
  });

  it('scale targets: an unknown kind, a missing kind, a duplicate name and bad numbers are each reported', () => {
    expect(
      issuesOf({
        scaleTargets: [
          { name: 'web', kind: 'autoscaling_group', groupName: 'web-prod', min: 5, max: 4 },
          { name: 'web', kind: 'ec2_instances', launchTemplateId: 'lt-0abc', max: 1.5 },
          { name: 'db', kind: 'kubernetes' },
          { name: 'cache' },
        ],
      }),
    ).toEqual([
      'scaleTargets.0.min: must not exceed max (4)',
      'scaleTargets.1.max: expected an integer (got 1.5)',
      'scaleTargets.2.kind: expected "autoscaling_group" or "ec2_instances" (got "kubernetes")',
      'scaleTargets.3.kind: required: "autoscaling_group" or "ec2_instances"',
    ]);
  });

  it('duplicate scale target names are an error', () => {
    const target = { kind: 'autoscaling_group', groupName: 'g', max: 4 };
    expect(issuesOf({ scaleTargets: [{ name: 'web', ...target }, { name: 'web', ...target }] })).toEqual([
      'scaleTargets.1.name: "web" is used by another scale target; names must be unique',
    ]);
  });

  it('accepts a numeric launch template version from YAML and keeps it as a string', () => {
    const policy = policySchema.parse(parse('scaleTargets:\n  - {name: web, kind: ec2_instances, launchTemplateId: lt-0abc, launchTemplateVersion: 3, max: 10}\n'));
    expect(policy.scaleTargets[0]).toMatchObject({ launchTemplateVersion: '3' });
  });

  it('paging defaults: sev1 and sev2 page, 5 minutes to acknowledge', () => {
    expect(policySchema.parse({}).paging).toEqual({ severities: ['sev1', 'sev2'], ackTimeoutMinutes: 5, escalationPolicies: [] });
  });
});
