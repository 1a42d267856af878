// What scaling needs from a cloud, in no provider's words: a target's capacity, and one change of it. Each
// provider is one adapter (AWS: adapters/aws), chosen per target by its `provider` in the composition root.
// Adapters throw FirebreakError: CLOUD_THROTTLED / CLOUD_UNAVAILABLE (retry later), CLOUD_REJECTED (refused for
// good; providerError holds the provider's code, e.g. AWS's InsufficientInstanceCapacity), CLOUD_DRY_RUN_OK (a
// dry run the provider says would have succeeded).
import type { ScaleTarget } from '../domain/scale-target';

export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

export interface CloudInstance {
  id: string;
  state: InstanceState;
  launchedAt: Date | null;
  /** Tags (labels) on the instance, Firebreak's own included: firebreak:incident, firebreak:operation. */
  tags: Record<string, string>;
}

export interface Capacity {
  /** Instances that count toward capacity now (running / in service). */
  running: number;
  /** Instances on their way. */
  pending: number;
  /** What the cloud is aiming for: a group's desired capacity; where there is none, running + pending. */
  desired: number;
  instances: CloudInstance[];
}

export interface ResizeRequest {
  /** The capacity the operation was asked from (desired, as read before it was stored) and the one it asks for. */
  from: number;
  to: number;
  /**
   * The scale request's idempotency key (domain `scaleRequestKey`). Each adapter derives its provider's own token
   * from it (EC2: ClientToken), so the same key, retried after a lost answer or a restart, changes the cloud once.
   */
  key: string;
  /** Tags for whatever the change starts, marking it as Firebreak's: firebreak:incident, firebreak:operation. */
  tags: Record<string, string>;
  /**
   * On scale-in, the instances to stop: chosen by the flow among those Firebreak started, and stored before the
   * call, so a retry stops the same ones. A cloud that picks for itself (a group's desired capacity) ignores it.
   */
  remove: readonly string[];
}

export interface ResizeResult {
  /**
   * The instances the change started or stopped, when the cloud names them: the flow waits for those (started ones
   * running, stopped ones gone). Empty: it waits for the count to reach `to`.
   */
  instanceIds: string[];
}

export interface Cloud {
  /** Where a target's capacity lives, in words for people: "Auto Scaling group web-prod-asg". */
  describe(target: ScaleTarget): string;
  /** Current capacity of a target. */
  capacity(target: ScaleTarget): Promise<Capacity>;
  /** Changes a target's capacity from `from` to `to`; with `dryRun` on the target, asks and changes nothing. */
  resize(target: ScaleTarget, request: ResizeRequest): Promise<ResizeResult>;
}
