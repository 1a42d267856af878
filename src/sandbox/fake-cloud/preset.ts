// What the simulated account holds before anyone calls it: default subnets, the web-prod launch template
// and the web-prod-asg group with four instances in service.
import { ACCOUNT_ID, type CloudState, type GroupRecord, type LaunchTemplateRecord } from './state';

export const PRESET_TEMPLATE = {
  id: 'lt-0web00000000000',
  name: 'web-prod',
  imageId: 'ami-0c7217cdde317cfec',
  instanceType: 'm5.large',
} as const;

export const PRESET_GROUP = { name: 'web-prod-asg', min: 2, max: 20, desired: 4 } as const;

/** One default subnet per zone, like a default VPC; zone suffixes a, b, c of the region. */
export const DEFAULT_SUBNETS = [
  { id: 'subnet-0a1b2c3d4e5f60a01', zone: 'a' },
  { id: 'subnet-0a1b2c3d4e5f60b02', zone: 'b' },
  { id: 'subnet-0a1b2c3d4e5f60c03', zone: 'c' },
] as const;

export interface NewTemplate {
  /** lt- and 17 hex digits by default. */
  id?: string;
  name: string;
  /** Version 1 (the default) when `versions` is not given. */
  imageId?: string;
  instanceType?: string;
  /** Versions 1, 2…; the first is the default version. */
  versions?: Array<{ imageId: string; instanceType: string }>;
  tags?: Record<string, string>;
}

export interface NewGroup {
  name: string;
  min: number;
  max: number;
  /** `min` by default. */
  desired?: number;
  /** The preset web-prod template, "$Latest", by default. */
  launchTemplate?: { id?: string; name?: string; version?: string };
  /** Subnets the group launches into, spread evenly; the default subnets by default. */
  subnets?: string[];
  /** DefaultCooldown, 300 by default. */
  cooldownSeconds?: number;
  /** Tags propagated to the group's instances. */
  tags?: Record<string, string>;
}

export function addTemplate(state: CloudState, input: NewTemplate): LaunchTemplateRecord {
  const id = input.id ?? state.ids.resource('lt');
  if (state.templates.has(id)) throw new Error(`FakeCloud.addLaunchTemplate: ${id} exists`);
  if ([...state.templates.values()].some((t) => t.name === input.name))
    throw new Error(`FakeCloud.addLaunchTemplate: name ${input.name} is taken`);
  const versions = input.versions ?? [
    {
      imageId: input.imageId ?? PRESET_TEMPLATE.imageId,
      instanceType: input.instanceType ?? PRESET_TEMPLATE.instanceType,
    },
  ];
  if (versions.length === 0) throw new Error('FakeCloud.addLaunchTemplate: at least one version');
  const template: LaunchTemplateRecord = {
    id,
    name: input.name,
    createdAt: state.now(),
    defaultVersion: 1,
    versions: versions.map((v, index) => ({ number: index + 1, imageId: v.imageId, instanceType: v.instanceType })),
    tags: new Map(Object.entries(input.tags ?? {})),
  };
  state.templates.set(id, template);
  return template;
}

/** Adds the group with `desired` instances already in service (launched an hour ago). */
export function addGroup(state: CloudState, input: NewGroup): void {
  if (state.groups.has(input.name)) throw new Error(`FakeCloud.addGroup: ${input.name} exists`);
  const desired = input.desired ?? input.min;
  if (!(0 <= input.min && input.min <= desired && desired <= input.max)) {
    throw new Error(`FakeCloud.addGroup: need 0 <= min (${input.min}) <= desired (${desired}) <= max (${input.max})`);
  }
  const templateRef = input.launchTemplate ?? { id: PRESET_TEMPLATE.id };
  const template = state.template({
    ...(templateRef.id !== undefined ? { id: templateRef.id } : {}),
    ...(templateRef.name !== undefined ? { name: templateRef.name } : {}),
  });
  const version = templateRef.version ?? '$Latest';
  const versionRecord = state.templateVersion(template, version);
  const uuid = state.ids.request();
  const group: GroupRecord = {
    name: input.name,
    arn: `arn:aws:autoscaling:${state.region}:${ACCOUNT_ID}:autoScalingGroup:${uuid}:autoScalingGroupName/${input.name}`,
    min: input.min,
    max: input.max,
    desired,
    cooldownSeconds: input.cooldownSeconds ?? 300,
    launchTemplate: { id: template.id, name: template.name, version },
    subnets: [...(input.subnets ?? DEFAULT_SUBNETS.map((s) => s.id))],
    createdAt: state.now() - 86_400_000,
    tags: new Map(Object.entries(input.tags ?? {})),
  };
  state.groups.set(group.name, group);
  // Existing capacity: launched long enough ago to be in service.
  for (let n = 0; n < desired; n++) {
    const subnetId = group.subnets[n % group.subnets.length] ?? state.defaultSubnet();
    state.launch({
      imageId: versionRecord.imageId,
      instanceType: versionRecord.instanceType,
      count: 1,
      subnetId,
      tags: state.groupInstanceTags(group, template, versionRecord.number),
      launchTemplate: { id: template.id, name: template.name, version: versionRecord.number },
      groupName: group.name,
      launchedAt: state.now() - 3_600_000,
    });
  }
}

export function loadPreset(state: CloudState): void {
  for (const subnet of DEFAULT_SUBNETS) state.subnets.set(subnet.id, `${state.region}${subnet.zone}`);
  addTemplate(state, {
    id: PRESET_TEMPLATE.id,
    name: PRESET_TEMPLATE.name,
    imageId: PRESET_TEMPLATE.imageId,
    instanceType: PRESET_TEMPLATE.instanceType,
  });
  addGroup(state, {
    name: PRESET_GROUP.name,
    min: PRESET_GROUP.min,
    max: PRESET_GROUP.max,
    desired: PRESET_GROUP.desired,
    tags: { Name: 'web-prod' },
  });
}
