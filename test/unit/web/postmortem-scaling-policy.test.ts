// The postmortem's auto-scaling section as a manager reads it (Markdown and the HTML page), on the seed's flash
// sale: every figure in it, and the AWS CLI commands and target-tracking JSON that apply it.
import { FIREBREAK } from '../../../src/domain/actor';
import type { LoadObservation } from '../../../src/domain/capacity/load-observation';
import { draftPostmortem } from '../../../src/domain/postmortem';
import type { TimelineEvent } from '../../../src/domain/timeline';
import { postmortemMarkdown } from '../../../src/web/postmortem-markdown';
import { postmortemHtml } from '../../../src/web/postmortem-page';
import { flashSaleScenario, utc } from '../../support/flash-sale';

const OBSERVED: LoadObservation = {
  target: 'web',
  home: { kind: 'autoscaling-group', groupName: 'web-prod-asg' },
  windowStart: '2023-02-15T11:00:00.000Z',
  windowEnd: '2023-02-15T14:00:00.000Z',
  watch: {
    query: { source: 'prometheus', query: 'sum(rate(http_requests_total{job="web"}[1m]))' },
    perInstance: 250,
    targetUtilization: 0.7,
  },
  peak: { load: 3100, at: '2023-02-15T13:10:00.000Z', instances: 24, loadPerInstance: 129.17 },
  atFirstAlert: { load: 1000, at: '2023-02-15T11:30:00.000Z', instances: 4, loadPerInstance: 250 },
};

function postmortemWith(observed: LoadObservation | null) {
  const scenario = flashSaleScenario();
  const events: TimelineEvent[] = observed
    ? [
        ...scenario.events,
        {
          id: 99,
          incidentId: 7,
          at: utc('14:00:05'),
          type: 'capacity.load_observed',
          actor: FIREBREAK,
          data: observed,
        },
      ]
    : scenario.events;
  return draftPostmortem({ ...scenario, events, timeZone: 'UTC' });
}

function section(markdown: string): string {
  const start = markdown.indexOf('## Auto-scaling Policy Proposal');
  return start < 0 ? '' : markdown.slice(start, markdown.indexOf('## Tasks'));
}

const SEED_BASIS = [
  "- When the first alert fired (11:30), web's 4 instances were carrying a load of 1,000: 250 per instance, taken as what one instance can carry (the watch assumes 250).",
  '- Holding each instance at 70 % of 250 gives the target value: 175 per instance.',
  '- The load peaked at 3,100 (13:10) on 24 instances, 129 each; at 175 per instance the peak needs 18 instances.',
  '- Suggested size: at least 4 instances (what web had before the incident), at most 24 (the incident went up to 24; the peak needs 18).',
  '- Target tracking reads CloudWatch, not Prometheus: publish the watch\'s query (sum(rate(http\\_requests\\_total{job="web"}\\[1m\\]))) every minute as CloudWatch metric Firebreak/Capacity Load with dimension ScaleTarget=web (for example with the CloudWatch agent\'s Prometheus support).',
];

it('no manual scale-out observed, no section', () => {
  expect(section(postmortemMarkdown(postmortemWith(null)))).toBe('');
});

it('the seed: target tracking at 175 per instance on web-prod-asg, 4 to 24 instances, with its commands', () => {
  const md = section(postmortemMarkdown(postmortemWith(OBSERVED)));
  expect(md).toContain(['### web (Auto Scaling group web-prod-asg)', '', ...SEED_BASIS, ''].join('\n'));
  const blocks = [...md.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)].map((m) => ({ language: m[1], code: m[2] }));
  expect(blocks.map((b) => b.language)).toEqual(['shell', 'shell', 'json', 'shell']);
  expect(blocks[0]?.code).toBe(
    'aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-prod-asg --min-size 4 --max-size 24',
  );
  expect(blocks[1]?.code).toBe(
    'aws autoscaling enable-metrics-collection --auto-scaling-group-name web-prod-asg --granularity 1Minute --metrics GroupInServiceInstances',
  );
  expect(JSON.parse(blocks[2]?.code ?? '')).toEqual({
    TargetValue: 175,
    CustomizedMetricSpecification: {
      Metrics: [
        {
          Id: 'load',
          MetricStat: {
            Metric: {
              Namespace: 'Firebreak/Capacity',
              MetricName: 'Load',
              Dimensions: [{ Name: 'ScaleTarget', Value: 'web' }],
            },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        {
          Id: 'instances',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/AutoScaling',
              MetricName: 'GroupInServiceInstances',
              Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-prod-asg' }],
            },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        { Id: 'load_per_instance', Expression: 'load / instances', Label: 'web load per instance', ReturnData: true },
      ],
    },
  });
  expect(blocks[3]?.code).toBe(
    'aws autoscaling put-scaling-policy --auto-scaling-group-name web-prod-asg --policy-name web-target-tracking --policy-type TargetTrackingScaling --target-tracking-configuration file://web-target-tracking.json',
  );
});

it('an alert that came when each instance carried more than the watch assumes: the watch’s figure, said so', () => {
  const md = section(
    postmortemMarkdown(
      postmortemWith({
        ...OBSERVED,
        atFirstAlert: { load: 1416, at: '2023-02-15T11:30:00.000Z', instances: 4, loadPerInstance: 354 },
      }),
    ),
  );
  expect(md).toContain(
    "- When the first alert fired (11:30), web's 4 instances were carrying 354 per instance, more than the watch's 250: the watch's figure is kept as what one instance can carry.\n- Holding each instance at 70 % of 250 gives the target value: 175 per instance.",
  );
});

it('a CloudWatch watch is tracked as its own metric, with its statistic and dimensions', () => {
  const md = section(
    postmortemMarkdown(
      postmortemWith({
        ...OBSERVED,
        watch: {
          query: {
            source: 'cloudwatch',
            namespace: 'AWS/ApplicationELB',
            metric: 'RequestCount',
            dimensions: { LoadBalancer: 'app/web/123' },
            statistic: 'Sum',
          },
          perInstance: 250,
          targetUtilization: 0.7,
        },
      }),
    ),
  );
  expect(md).not.toContain('publish the watch');
  const json = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(md)?.[1] ?? '');
  expect(json.CustomizedMetricSpecification.Metrics[0]).toEqual({
    Id: 'load',
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/123' }],
      },
      Stat: 'Sum',
    },
    ReturnData: false,
  });
});

it('a launch-template target without a watch: create the group from the template, average CPU at 50 %', () => {
  const { watch: _w, peak: _p, atFirstAlert: _a, ...bare } = OBSERVED;
  const md = section(
    postmortemMarkdown(
      postmortemWith({
        ...bare,
        home: {
          kind: 'launch-template',
          launchTemplateId: 'lt-0web00000000000',
          version: '$Latest',
          subnets: ['subnet-0aa', 'subnet-0bb'],
        },
      }),
    ),
  );
  expect(md).toContain(
    [
      '### web (launch template lt-0web00000000000)',
      '',
      '- No load was measured: web has no capacity watch, so its load was not measured.',
      "- The proposal tracks average CPU at 50 % (AWS's example value; tune it against the group's CPU during the incident), sized from the instances the incident needed: people scaled web from 4 to 24 instances.",
      '- Suggested size: at least 4 instances (what web had before the incident), at most 24 (the incident went up to 24).',
      "- web launches single instances from a launch template; target tracking needs an Auto Scaling group, so the first command creates one from the template (then make the policy file's target kind: autoscaling-group, autoScalingGroupName: web-asg).",
    ].join('\n'),
  );
  const blocks = [...md.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)].map((m) => m[2]);
  expect(blocks).toEqual([
    "aws autoscaling create-auto-scaling-group --auto-scaling-group-name web-asg --launch-template 'LaunchTemplateId=lt-0web00000000000,Version=$Latest' --min-size 4 --max-size 24 --vpc-zone-identifier subnet-0aa,subnet-0bb",
    JSON.stringify(
      { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
      null,
      2,
    ),
    'aws autoscaling put-scaling-policy --auto-scaling-group-name web-asg --policy-name web-target-tracking --policy-type TargetTrackingScaling --target-tracking-configuration file://web-target-tracking.json',
  ]);
});

it('the page for managers shows the same section, its code escaped', () => {
  const page = postmortemHtml(postmortemWith(OBSERVED), { generatedAt: utc('14:05') });
  expect(page).toContain('<h2>Auto-scaling Policy Proposal</h2>');
  expect(page).toContain('<h3>web (Auto Scaling group web-prod-asg)</h3>');
  expect(page).toContain('<li>Holding each instance at 70 % of 250 gives the target value: 175 per instance.</li>');
  expect(page).toContain(
    '<li>Suggested size: at least 4 instances (what web had before the incident), at most 24 (the incident went up to 24; the peak needs 18).</li>',
  );
  expect(page).toContain('&quot;TargetValue&quot;: 175,');
  expect(page).toContain('--min-size 4 --max-size 24');
});
