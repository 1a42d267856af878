// Capacity Firebreak may change with one click, as the policy file names it (docs/DESIGN.md, Scaling). The
// domain keeps what every cloud shares (limits, who may, buttons); where the capacity lives is the provider's
// own `spec`, read only by that provider's adapter.
import type { CapacityWatch } from './capacity/watch';

export interface ScaleTarget<Spec = unknown> {
  /** What people type: `/scale web +4`. */
  name: string;
  description?: string;
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
  /** Ask the cloud whether the change would succeed (AWS: its DryRun), and change nothing. */
  dryRun: boolean;
  /** Sizes offered as "Scale out +N" buttons on the card. */
  buttons: number[];
  /** Incidents of these services offer this target on their card. */
  services: string[];
  /** Which cloud serves it (`aws`): the composition root hands the target to that provider's adapter. */
  provider: string;
  /** Where the capacity lives, in the provider's own terms (AWS: a launch template and subnets, or an Auto Scaling group; a region). Opaque here. */
  spec: Spec;
  /** Scale-outs beyond a threshold wait for an approver (policy `approval`); unset = none do. */
  approval?: ApprovalRule;
  /** Its load, forecast ahead to offer capacity before it saturates (issue 17); absent = not watched. */
  watch?: CapacityWatch;
}

/** A target's capacity as last observed, kept on the incident for its card. */
export interface CapacitySnapshot {
  running: number;
  pending: number;
  desired: number;
  checkedAt: Date;
  /** Set when the cloud could not be asked; the numbers are then the last good ones. */
  error: string | null;
}

/** A scale target's `approval` in the policy file. */
export interface ApprovalRule {
  /** A request that would leave the target above this many instances needs approval; 0 = every scale-out. */
  above: number;
  /** The Slack user group (handle such as `sre-leads`, or its id `S…`) whose members may approve or deny. */
  approvers: string;
  /** How long the request waits for an answer before it expires. */
  expiresMinutes: number;
}
