// What an AWS scale target is to the AWS adapter: the spec config builds from the policy file's two kinds
// (RunInstances from a launch template, or an Auto Scaling group's desired capacity), and the words people see
// for it. No SDK here: config imports this, and the SDK loads only with the adapter.
import type { CapacityHome } from '../../domain/capacity/observed-load';
import type { ScaleTarget } from '../../domain/scale-target';
import { FirebreakError } from '../../errors';

export const AWS_PROVIDER = 'aws';

export interface LaunchTemplateSpec {
  kind: 'ec2-launch-template';
  launchTemplate: { id: string; version: string };
  /** Instances are spread over these subnets, round robin. */
  subnets: string[];
  /** The SDK's default chain (AWS_REGION…) when absent. */
  region?: string;
}

export interface AutoScalingGroupSpec {
  kind: 'autoscaling-group';
  autoScalingGroupName: string;
  /** The SDK's default chain (AWS_REGION…) when absent. */
  region?: string;
}

export type AwsTargetSpec = LaunchTemplateSpec | AutoScalingGroupSpec;

export type AwsScaleTarget<Spec extends AwsTargetSpec = AwsTargetSpec> = ScaleTarget<Spec>;

function isAwsSpec(spec: unknown): spec is AwsTargetSpec {
  if (typeof spec !== 'object' || spec === null) return false;
  const s = spec as Partial<Record<string, unknown>>;
  if (s.kind === 'autoscaling-group') return typeof s.autoScalingGroupName === 'string';
  return s.kind === 'ec2-launch-template' && Array.isArray(s.subnets) && typeof s.launchTemplate === 'object';
}

/** The target with its spec checked: one the AWS adapter was not built for is a refusal that names it. */
export function awsTarget(target: ScaleTarget): AwsScaleTarget {
  if (!isAwsSpec(target.spec)) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `scale target ${target.name} (provider ${target.provider}) has no AWS launch template or Auto Scaling group`,
      { step: `reading the scale target ${target.name}` },
    );
  }
  return { ...target, spec: target.spec };
}

/** Where the capacity lives, as `/scale targets` says it. */
export function describeAwsSpec(spec: AwsTargetSpec): string {
  return spec.kind === 'autoscaling-group'
    ? `Auto Scaling group ${spec.autoScalingGroupName}`
    : `launch template ${spec.launchTemplate.id}`;
}

/** Where an AWS target's capacity lives, in the postmortem's words (its auto-scaling proposal); null for another provider. */
export function capacityHomeOf(target: ScaleTarget): CapacityHome | null {
  if (target.provider !== AWS_PROVIDER || !isAwsSpec(target.spec)) return null;
  const spec = target.spec;
  return spec.kind === 'autoscaling-group'
    ? { kind: 'autoscaling-group', groupName: spec.autoScalingGroupName }
    : {
        kind: 'launch-template',
        launchTemplateId: spec.launchTemplate.id,
        version: spec.launchTemplate.version,
        subnets: spec.subnets,
      };
}
