// The postmortem's auto-scaling proposal in words and as the AWS CLI commands that apply it, shared by the
// Markdown and the HTML page: what the figures are based on, the target-tracking configuration JSON
// (`aws autoscaling put-scaling-policy --policy-type TargetTrackingScaling --target-tracking-configuration`) and,
// for a launch-template target, the Auto Scaling group to create from the template first.
//
// Which metric: with a capacity watch, the watch's own load divided by the group's in-service instances
// (metric math in a CustomizedMetricSpecification), since that is the figure the incident measured and the watch
// plans with. CloudWatch watches name their metric; a Prometheus watch's query must be published to CloudWatch
// first (target tracking reads only CloudWatch), as Firebreak/Capacity `Load` with dimension ScaleTarget. Without
// a watch nothing measured the load, so the proposal tracks ASGAverageCPUUtilization, which every group has
// (ALBRequestCountPerTarget would need the load balancer's target group, which Firebreak does not know).
import type { AutoScalingProposal } from '../domain/capacity/auto-scaling-proposal';
import type { CapacityHome } from '../domain/capacity/observed-load';
import { plural } from '../domain/plural';

export interface ScalingPolicyText {
  /** `web (Auto Scaling group web-prod-asg)`. */
  heading: string;
  /** Plain sentences: what each figure comes from. */
  basis: string[];
  /** What to run, in order; `file` is a file the next command reads. */
  steps: Array<{ caption: string; language: 'json' | 'shell'; code: string; file?: string }>;
}

const PROMETHEUS_IN_CLOUDWATCH = { namespace: 'Firebreak/Capacity', metric: 'Load', dimension: 'ScaleTarget' };

/** Loads as people read them: whole numbers from 100 up (3,155 req/s), two decimals below (0.42). */
function num(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 });
}

function percent(ratio: number): string {
  return `${(Math.round(ratio * 1000) / 10).toLocaleString('en-US')} %`;
}

function where(home: CapacityHome | null): string {
  if (!home) return '';
  return home.kind === 'autoscaling-group'
    ? ` (Auto Scaling group ${home.groupName})`
    : ` (launch template ${home.launchTemplateId})`;
}

/** The group the policy is attached to: the target's own, or the one to create from its launch template. */
function groupName(p: AutoScalingProposal): string | null {
  if (!p.home) return null;
  return p.home.kind === 'autoscaling-group' ? p.home.groupName : `${p.target}-asg`;
}

/** Single-quoted for a POSIX shell. */
function sh(value: string): string {
  return /^[A-Za-z0-9_.,:/=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function trackingConfiguration(p: AutoScalingProposal, group: string): object {
  if (p.basis === 'instances' || !p.load)
    return {
      TargetValue: p.targetValue,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
    };
  const query = p.load.query;
  const loadMetric =
    query.source === 'cloudwatch'
      ? {
          Namespace: query.namespace,
          MetricName: query.metric,
          Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
        }
      : {
          Namespace: PROMETHEUS_IN_CLOUDWATCH.namespace,
          MetricName: PROMETHEUS_IN_CLOUDWATCH.metric,
          Dimensions: [{ Name: PROMETHEUS_IN_CLOUDWATCH.dimension, Value: p.target }],
        };
  return {
    TargetValue: p.targetValue,
    CustomizedMetricSpecification: {
      Metrics: [
        {
          Id: 'load',
          MetricStat: { Metric: loadMetric, Stat: query.source === 'cloudwatch' ? query.statistic : 'Average' },
          ReturnData: false,
        },
        {
          Id: 'instances',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/AutoScaling',
              MetricName: 'GroupInServiceInstances',
              Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
            },
            Stat: 'Average',
          },
          ReturnData: false,
        },
        {
          Id: 'load_per_instance',
          Expression: 'load / instances',
          Label: `${p.target} load per instance`,
          ReturnData: true,
        },
      ],
    },
  };
}

function basisSentences(p: AutoScalingProposal, clock: (at: Date) => string): string[] {
  const size = `Suggested size: at least ${plural(p.minSize, 'instance')} (what ${p.target} had before the incident), at most ${p.maxSize}`;
  if (p.basis === 'instances' || !p.load)
    return [
      `No load was measured: ${p.noLoadBecause ?? 'no capacity watch'}.`,
      `The proposal tracks average CPU at ${p.targetValue} % (AWS's example value; tune it against the group's CPU during the incident), sized from the instances the incident needed: people scaled ${p.target} from ${p.before} to ${plural(p.needed, 'instance')}.`,
      `${size} (the incident went up to ${p.needed}).`,
    ];
  const l = p.load;
  const sentences: string[] = [];
  if (l.atFirstAlert && l.capacitySource === 'first alert')
    sentences.push(
      `When the first alert fired (${clock(new Date(l.atFirstAlert.at))}), ${p.target}'s ${plural(l.atFirstAlert.instances, 'instance')} ${l.atFirstAlert.instances === 1 ? 'was' : 'were'} carrying a load of ${num(l.atFirstAlert.load)}: ${num(l.atFirstAlert.loadPerInstance)} per instance, taken as what one instance can carry (the watch assumes ${num(l.watchPerInstance)}).`,
    );
  else if (l.atFirstAlert)
    sentences.push(
      `When the first alert fired (${clock(new Date(l.atFirstAlert.at))}), ${p.target}'s ${plural(l.atFirstAlert.instances, 'instance')} ${l.atFirstAlert.instances === 1 ? 'was' : 'were'} carrying ${num(l.atFirstAlert.loadPerInstance)} per instance, more than the watch's ${num(l.watchPerInstance)}: the watch's figure is kept as what one instance can carry.`,
    );
  else
    sentences.push(
      `The load at the first alert is not known; the watch's ${num(l.watchPerInstance)} per instance is used.`,
    );
  sentences.push(
    `Holding each instance at ${percent(l.targetUtilization)} of ${num(l.capacityPerInstance)} gives the target value: ${num(p.targetValue)} per instance.`,
    `The load peaked at ${num(l.peak.load)} (${clock(new Date(l.peak.at))}) on ${plural(l.peak.instances, 'instance')}, ${num(l.peak.loadPerInstance)} each; at ${num(p.targetValue)} per instance the peak needs ${plural(l.peakNeeds, 'instance')}.`,
    `${size} (the incident went up to ${p.needed}; the peak needs ${l.peakNeeds}).`,
  );
  return sentences;
}

export function scalingPolicyText(p: AutoScalingProposal, clock: (at: Date) => string): ScalingPolicyText {
  const basis = basisSentences(p, clock);
  const group = groupName(p);
  const heading = `${p.target}${where(p.home)}`;
  if (!p.home || !group) {
    basis.push(
      `Firebreak does not know where ${p.target}'s capacity lives in a form it can write commands for: apply these figures with your cloud's target tracking.`,
    );
    return { heading, basis, steps: [] };
  }
  const file = `${p.target}-target-tracking.json`;
  const steps: ScalingPolicyText['steps'] = [];
  if (p.home.kind === 'launch-template') {
    basis.push(
      `${p.target} launches single instances from a launch template; target tracking needs an Auto Scaling group, so the first command creates one from the template (then make the policy file's target kind: autoscaling-group, autoScalingGroupName: ${group}).`,
    );
    steps.push({
      caption: 'Create the Auto Scaling group from the launch template',
      language: 'shell',
      code: `aws autoscaling create-auto-scaling-group --auto-scaling-group-name ${sh(group)} --launch-template ${sh(`LaunchTemplateId=${p.home.launchTemplateId},Version=${p.home.version}`)} --min-size ${p.minSize} --max-size ${p.maxSize} --vpc-zone-identifier ${sh(p.home.subnets.join(','))}`,
    });
  } else {
    steps.push({
      caption: 'Set the group’s size limits',
      language: 'shell',
      code: `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${sh(group)} --min-size ${p.minSize} --max-size ${p.maxSize}`,
    });
  }
  if (p.basis === 'load' && p.load) {
    if (p.load.query.source === 'prometheus')
      basis.push(
        `Target tracking reads CloudWatch, not Prometheus: publish the watch's query (${p.load.query.query}) every minute as CloudWatch metric ${PROMETHEUS_IN_CLOUDWATCH.namespace} ${PROMETHEUS_IN_CLOUDWATCH.metric} with dimension ${PROMETHEUS_IN_CLOUDWATCH.dimension}=${p.target} (for example with the CloudWatch agent's Prometheus support).`,
      );
    steps.push({
      caption: 'Let CloudWatch count the group’s in-service instances (the policy divides the load by them)',
      language: 'shell',
      code: `aws autoscaling enable-metrics-collection --auto-scaling-group-name ${sh(group)} --granularity 1Minute --metrics GroupInServiceInstances`,
    });
  }
  steps.push(
    {
      caption: `The target-tracking configuration (${file})`,
      language: 'json',
      code: JSON.stringify(trackingConfiguration(p, group), null, 2),
      file,
    },
    {
      caption: 'Attach it to the group',
      language: 'shell',
      code: `aws autoscaling put-scaling-policy --auto-scaling-group-name ${sh(group)} --policy-name ${sh(`${p.target}-target-tracking`)} --policy-type TargetTrackingScaling --target-tracking-configuration file://${file}`,
    },
  );
  return { heading, basis, steps };
}
