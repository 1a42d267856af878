// Capacity Firebreak may change with one click, as the policy file names it (docs/DESIGN.md, Scaling).
// The kinds match AWS's two ways of adding web servers: launch instances from a launch template, or
// raise an Auto Scaling group's desired capacity.

interface ScaleTargetCommon {
  /** What people type: `/scale web +4`. */
  name: string;
  description?: string;
  /** AWS region; the SDK's default chain (AWS_REGION…) when absent. */
  region?: string;
  /** Never below this many instances (scale-in stops here). */
  min: number;
  /** Never above this many instances. */
  max: number;
  /** The most instances one request may add or remove. */
  maxStep: number;
  /** Seconds after a scale operation before the next one on this target. */
  cooldownSeconds: number;
  /** Slack user group handles (e.g. `oncall-web`) whose members may scale; empty = anyone in the incident channel. */
  allowedUserGroups: string[];
  /** Ask AWS whether the call would succeed (its DryRun), and launch nothing. */
  dryRun: boolean;
  /** Sizes offered as "Scale out +N" buttons on the card. */
  buttons: number[];
  /** Incidents of these services offer this target on their card. */
  services: string[];
}

export interface Ec2LaunchTemplateTarget extends ScaleTargetCommon {
  kind: 'ec2-launch-template';
  launchTemplate: { id: string; version: string };
  /** Instances are spread over these subnets, round robin. */
  subnets: string[];
}

export interface AutoScalingGroupTarget extends ScaleTargetCommon {
  kind: 'autoscaling-group';
  autoScalingGroupName: string;
}

export type ScaleTarget = Ec2LaunchTemplateTarget | AutoScalingGroupTarget;

/** A target's capacity as last observed, kept on the incident for its card. */
export interface CapacitySnapshot {
  running: number;
  pending: number;
  desired: number;
  checkedAt: Date;
  /** Set when the cloud could not be asked; the numbers are then the last good ones. */
  error: string | null;
}
