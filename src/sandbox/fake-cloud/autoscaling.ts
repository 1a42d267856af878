// Auto Scaling actions: DescribeAutoScalingGroups and SetDesiredCapacity.
import { CloudError } from './errors';
import {
  autoScalingError,
  autoScalingSuccess,
  AUTOSCALING_VERSION,
  type ActionHandler,
  type ServiceApi,
} from './protocol';
import { boolParam, intParam, listParam, structListParam, type Params } from './query';
import { ACCOUNT_ID, type CloudState, type GroupRecord, type InstanceRecord } from './state';
import { el, isoTime, list, type XmlContent } from './xml';

const LIFECYCLE = {
  pending: 'Pending',
  running: 'InService',
  'shutting-down': 'Terminating',
  terminated: 'Terminated',
} as const;

function notNull(params: Params, name: string, member: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new CloudError(
      'ValidationError',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function launchTemplateXml(id: string, name: string, version: string): XmlContent {
  return el('LaunchTemplate', el('LaunchTemplateId', id), el('LaunchTemplateName', name), el('Version', version));
}

function groupInstanceXml(state: CloudState, instance: InstanceRecord, at: number): XmlContent {
  const lifecycle = LIFECYCLE[state.stateOf(instance, at)];
  return [
    el('InstanceId', instance.id),
    el('InstanceType', instance.instanceType),
    el('AvailabilityZone', instance.availabilityZone),
    el('LifecycleState', lifecycle),
    el('HealthStatus', instance.terminatedBy === 'user' ? 'Unhealthy' : 'Healthy'),
    instance.launchTemplate
      ? launchTemplateXml(
          instance.launchTemplate.id,
          instance.launchTemplate.name,
          String(instance.launchTemplate.version),
        )
      : undefined,
    el('ProtectedFromScaleIn', false),
  ];
}

function groupXml(state: CloudState, group: GroupRecord, at: number): XmlContent {
  const zones = [...new Set(group.subnets.map((s) => state.subnetZone(s)))].sort();
  return [
    el('AutoScalingGroupName', group.name),
    el('AutoScalingGroupARN', group.arn),
    launchTemplateXml(group.launchTemplate.id, group.launchTemplate.name, group.launchTemplate.version),
    el('MinSize', group.min),
    el('MaxSize', group.max),
    el('DesiredCapacity', group.desired),
    el('DefaultCooldown', group.cooldownSeconds),
    list('AvailabilityZones', 'member', zones, (z) => z),
    el('LoadBalancerNames'),
    el('TargetGroupARNs'),
    el('HealthCheckType', 'EC2'),
    el('HealthCheckGracePeriod', 300),
    list('Instances', 'member', state.groupInstances(group, at), (i) => groupInstanceXml(state, i, at)),
    el('CreatedTime', isoTime(group.createdAt)),
    el('SuspendedProcesses'),
    el('VPCZoneIdentifier', group.subnets.join(',')),
    el('EnabledMetrics'),
    list('Tags', 'member', [...group.tags], ([key, value]) => [
      el('ResourceId', group.name),
      el('ResourceType', 'auto-scaling-group'),
      el('Key', key),
      el('Value', value),
      el('PropagateAtLaunch', true),
    ]),
    list('TerminationPolicies', 'member', ['Default'], (p) => p),
    el('NewInstancesProtectedFromScaleIn', false),
    el(
      'ServiceLinkedRoleARN',
      `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    ),
    el('CapacityRebalance', false),
  ];
}

/** Filters: tag-key, tag-value and tag:<key>, with `Values.member.N`. */
function groupFilters(params: Params): Array<(group: GroupRecord) => boolean> {
  return structListParam(params, 'Filters.member').map((filter) => {
    const name = filter.Name ?? '';
    const values = listParam(filter, 'Values.member');
    if (name === 'tag-key') return (g) => [...g.tags.keys()].some((k) => values.includes(k));
    if (name === 'tag-value') return (g) => [...g.tags.values()].some((v) => values.includes(v));
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      return (g) => values.includes(g.tags.get(key) ?? '\u0000');
    }
    throw new CloudError('ValidationError', `Filter name '${name}' is invalid.`);
  });
}

const describeAutoScalingGroups: ActionHandler = (params, state) => {
  const names = listParam(params, 'AutoScalingGroupNames.member');
  const filters = groupFilters(params);
  // Unknown names are left out, not an error, as AWS does.
  const groups = [...state.groups.values()].filter(
    (g) => (names.length === 0 || names.includes(g.name)) && filters.every((f) => f(g)),
  );
  const at = state.now();
  return list('AutoScalingGroups', 'member', groups, (g) => groupXml(state, g, at));
};

const setDesiredCapacity: ActionHandler = (params, state) => {
  const name = notNull(params, 'AutoScalingGroupName', 'autoScalingGroupName');
  notNull(params, 'DesiredCapacity', 'desiredCapacity');
  const desired = intParam(params, 'DesiredCapacity', 'ValidationError') as number;
  const honorCooldown = boolParam(params, 'HonorCooldown', 'ValidationError') ?? false;
  const group = state.groups.get(name);
  if (!group)
    throw new CloudError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
  if (desired > group.max)
    throw new CloudError(
      'ValidationError',
      `New SetDesiredCapacity value ${desired} is above max value ${group.max} for the AutoScalingGroup.`,
    );
  if (desired < group.min)
    throw new CloudError(
      'ValidationError',
      `New SetDesiredCapacity value ${desired} is below min value ${group.min} for the AutoScalingGroup.`,
    );
  const now = state.now();
  if (honorCooldown && group.lastScalingAt !== undefined && now - group.lastScalingAt < group.cooldownSeconds * 1000) {
    throw new CloudError(
      'ScalingActivityInProgress',
      `Scaling activity ${group.lastActivityId ?? ''} is in progress and blocks this action`,
    );
  }
  if (desired !== group.desired) {
    group.desired = desired;
    group.lastScalingAt = now;
    group.lastActivityId = state.ids.request();
    state.reconcile(group);
    state.changed();
  }
  return undefined;
};

export const AUTOSCALING_API: ServiceApi = {
  service: 'autoscaling',
  actions: new Map<string, ActionHandler>([
    ['DescribeAutoScalingGroups', describeAutoScalingGroups],
    ['SetDesiredCapacity', setDesiredCapacity],
  ]),
  success: autoScalingSuccess,
  error: autoScalingError,
  missingAuthentication: () =>
    new CloudError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  unknownAction: (action) =>
    action === undefined
      ? new CloudError('MissingAction', 'The request must contain the parameter Action')
      : new CloudError('InvalidAction', `Could not find operation ${action} for version ${AUTOSCALING_VERSION}`),
};
