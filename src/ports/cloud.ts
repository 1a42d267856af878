// What scaling needs from a cloud (AWS EC2 and Auto Scaling today). Adapters throw FirebreakError:
// CLOUD_THROTTLED / CLOUD_UNAVAILABLE (retry later), CLOUD_REJECTED (refused for good; providerError holds
// AWS's code, e.g. InsufficientInstanceCapacity, UnauthorizedOperation), CLOUD_DRY_RUN_OK (a dry run that
// AWS says would have succeeded).
import type { ScaleTarget } from '../domain/scale-target';

export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

export interface CloudInstance {
  id: string;
  state: InstanceState;
  launchedAt: Date | null;
  /** Tags on the instance (Firebreak's own: firebreak:incident, firebreak:operation). */
  tags: Record<string, string>;
}

export interface Capacity {
  /** Instances that count toward capacity now (running / InService). */
  running: number;
  /** Instances on their way (pending / Pending). */
  pending: number;
  /** Auto Scaling group's desired capacity; for launch-template targets, running + pending. */
  desired: number;
  instances: CloudInstance[];
}

export interface Cloud {
  /** Current capacity of a target: for a launch template, the instances tagged with its target name. */
  capacity(target: ScaleTarget): Promise<Capacity>;
  /**
   * Launches `count` instances from a launch-template target. `clientToken` makes the call idempotent:
   * the same token returns the same instances, never new ones. Tags mark the instances as Firebreak's.
   */
  launch(
    target: ScaleTarget & { kind: 'ec2-launch-template' },
    request: { count: number; clientToken: string; tags: Record<string, string> },
  ): Promise<{ instanceIds: string[] }>;
  /** Sets an Auto Scaling group's desired capacity. */
  setDesiredCapacity(target: ScaleTarget & { kind: 'autoscaling-group' }, desired: number): Promise<void>;
  /** Terminates the given instances (scale-in of a launch-template target). */
  terminate(target: ScaleTarget & { kind: 'ec2-launch-template' }, instanceIds: string[]): Promise<void>;
}
