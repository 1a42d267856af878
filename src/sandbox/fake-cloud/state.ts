// The simulated account: launch templates, instances and Auto Scaling groups, all timed by one injected clock.
// Instance states are derived from the clock when read (pending → running after the launch delay), so a test
// moves time instead of sleeping.
import { CloudError } from './errors';
import type { Ids } from './ids';
import { ChangeListeners } from '../change-listeners';
import { refill, savedObject } from '../saved-state';

export const ACCOUNT_ID = '123456789012';
export const VPC_ID = 'vpc-0f1e2d3c4b5a69788';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

export interface TemplateVersion {
  number: number;
  imageId: string;
  instanceType: string;
}

export interface LaunchTemplateRecord {
  id: string;
  name: string;
  createdAt: number;
  defaultVersion: number;
  versions: TemplateVersion[];
  tags: Map<string, string>;
}

export interface InstanceRecord {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  subnetId: string;
  privateIpAddress: string;
  amiLaunchIndex: number;
  launchedAt: number;
  terminatedAt?: number;
  /** Who ended it: a TerminateInstances call, or its Auto Scaling group scaling in. */
  terminatedBy?: 'user' | 'group';
  tags: Map<string, string>;
  clientToken?: string;
  launchTemplate?: { id: string; name: string; version: number };
  groupName?: string;
}

export interface ReservationRecord {
  id: string;
  instanceIds: string[];
}

export interface GroupRecord {
  name: string;
  arn: string;
  min: number;
  max: number;
  desired: number;
  cooldownSeconds: number;
  /** As configured: `version` may be "$Latest", "$Default" or a number. */
  launchTemplate: { id: string; name: string; version: string };
  subnets: string[];
  createdAt: number;
  tags: Map<string, string>;
  lastScalingAt?: number;
  lastActivityId?: string;
}

export interface LaunchRequest {
  imageId: string;
  instanceType: string;
  count: number;
  subnetId?: string;
  availabilityZone?: string;
  tags?: Map<string, string>;
  clientToken?: string;
  launchTemplate?: { id: string; name: string; version: number };
  groupName?: string;
  /** For instances that exist "already" (presets): when they were launched. */
  launchedAt?: number;
}

export interface StateChange {
  id: string;
  previous: InstanceStateName;
  current: InstanceStateName;
}

export interface CloudStateOptions {
  clock: () => number;
  launchMs: number;
  ids: Ids;
  region: string;
  /** Notify listeners again once launched/terminated instances have settled (real-time clocks only). */
  timedNotifications: boolean;
}

export class CloudState {
  readonly region: string;
  readonly launchMs: number;
  readonly ids: Ids;
  readonly templates = new Map<string, LaunchTemplateRecord>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly reservations = new Map<string, ReservationRecord>();
  readonly groups = new Map<string, GroupRecord>();
  /** ClientToken → what RunInstances did with it. */
  readonly tokens = new Map<string, { fingerprint: string; reservationId: string }>();
  /** Known subnets and their zones; other subnet ids are accepted and placed by a hash. */
  readonly subnets = new Map<string, string>();
  private ipCounter = 10;
  private readonly clock: () => number;
  private readonly listeners = new ChangeListeners('FakeCloud');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly timedNotifications: boolean;

  constructor(options: CloudStateOptions) {
    this.clock = options.clock;
    this.launchMs = options.launchMs;
    this.ids = options.ids;
    this.region = options.region;
    this.timedNotifications = options.timedNotifications;
  }

  now(): number {
    return this.clock();
  }

  // ---- instances ----

  stateOf(instance: InstanceRecord, at = this.now()): InstanceStateName {
    if (instance.terminatedAt !== undefined)
      return at - instance.terminatedAt >= this.launchMs ? 'terminated' : 'shutting-down';
    return at - instance.launchedAt >= this.launchMs ? 'running' : 'pending';
  }

  instance(id: string): InstanceRecord | undefined {
    return this.instances.get(id);
  }

  /** The instances, all found, or InvalidInstanceID.NotFound naming the missing ones (as EC2 does). */
  requireInstances(ids: readonly string[]): InstanceRecord[] {
    for (const id of ids) {
      if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new CloudError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    }
    const missing = ids.filter((id) => !this.instances.has(id));
    if (missing.length === 1)
      throw new CloudError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
    if (missing.length > 1)
      throw new CloudError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    return ids.map((id) => this.instances.get(id) as InstanceRecord);
  }

  subnetZone(subnetId: string): string {
    const known = this.subnets.get(subnetId);
    if (known) return known;
    let hash = 0;
    for (const ch of subnetId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return `${this.region}${'abc'[hash % 3]}`;
  }

  defaultSubnet(availabilityZone?: string): string {
    for (const [id, zone] of this.subnets) {
      if (availabilityZone === undefined || zone === availabilityZone) return id;
    }
    throw new CloudError(
      'InvalidParameterValue',
      `No default subnet for availability zone: [${availabilityZone ?? ''}]`,
    );
  }

  launch(request: LaunchRequest): ReservationRecord {
    const reservation: ReservationRecord = { id: this.ids.resource('r'), instanceIds: [] };
    const launchedAt = request.launchedAt ?? this.now();
    for (let index = 0; index < request.count; index++) {
      const subnetId = request.subnetId ?? this.defaultSubnet(request.availabilityZone);
      const instance: InstanceRecord = {
        id: this.ids.resource('i'),
        reservationId: reservation.id,
        imageId: request.imageId,
        instanceType: request.instanceType,
        availabilityZone: request.availabilityZone ?? this.subnetZone(subnetId),
        subnetId,
        privateIpAddress: this.nextIp(),
        amiLaunchIndex: index,
        launchedAt,
        tags: new Map(request.tags ?? []),
        ...(request.clientToken !== undefined ? { clientToken: request.clientToken } : {}),
        ...(request.launchTemplate ? { launchTemplate: { ...request.launchTemplate } } : {}),
        ...(request.groupName !== undefined ? { groupName: request.groupName } : {}),
      };
      this.instances.set(instance.id, instance);
      reservation.instanceIds.push(instance.id);
    }
    this.reservations.set(reservation.id, reservation);
    this.settleLater();
    return reservation;
  }

  /** Terminates the instances (already checked to exist); a group that lost one launches its replacement. */
  terminate(instances: readonly InstanceRecord[], by: 'user' | 'group'): StateChange[] {
    const at = this.now();
    const changes = instances.map((instance) => {
      const previous = this.stateOf(instance, at);
      if (instance.terminatedAt === undefined) {
        instance.terminatedAt = at;
        instance.terminatedBy = by;
      }
      return { id: instance.id, previous, current: this.stateOf(instance, at) };
    });
    if (by === 'user') {
      const groups = new Set(instances.map((i) => i.groupName).filter((name): name is string => name !== undefined));
      for (const name of groups) {
        const group = this.groups.get(name);
        if (group) this.reconcile(group);
      }
    }
    this.settleLater();
    return changes;
  }

  // ---- launch templates ----

  template(ref: { id?: string; name?: string }): LaunchTemplateRecord {
    if (ref.id !== undefined && ref.name !== undefined) {
      throw new CloudError(
        'InvalidParameterCombination',
        'Only one of LaunchTemplateId or LaunchTemplateName can be specified.',
      );
    }
    if (ref.id !== undefined) {
      const found = this.templates.get(ref.id);
      if (!found)
        throw new CloudError(
          'InvalidLaunchTemplateId.NotFound',
          `The specified launch template, with template ID ${ref.id}, does not exist.`,
        );
      return found;
    }
    if (ref.name !== undefined) {
      const found = [...this.templates.values()].find((t) => t.name === ref.name);
      if (!found)
        throw new CloudError(
          'InvalidLaunchTemplateName.NotFoundException',
          `The specified launch template, with template name ${ref.name}, does not exist.`,
        );
      return found;
    }
    throw new CloudError(
      'MissingParameter',
      'The request must contain the parameter LaunchTemplateId or LaunchTemplateName',
    );
  }

  /** "$Latest", "$Default", a version number, or nothing (the default version). */
  templateVersion(template: LaunchTemplateRecord, version: string | undefined): TemplateVersion {
    let number: number;
    if (version === undefined || version === '$Default') number = template.defaultVersion;
    else if (version === '$Latest') number = Math.max(...template.versions.map((v) => v.number));
    else if (/^\d+$/.test(version)) number = Number(version);
    else
      throw new CloudError(
        'InvalidLaunchTemplateId.VersionNotFound',
        `The specified launch template version '${version}' is not valid.`,
      );
    const found = template.versions.find((v) => v.number === number);
    if (!found) {
      throw new CloudError(
        'InvalidLaunchTemplateId.VersionNotFound',
        `Could not find launch template version ${number} for launch template ${template.id}.`,
      );
    }
    return found;
  }

  // ---- Auto Scaling groups ----

  /** Instances the group still lists: launching, in service, or terminating (not yet terminated). */
  groupInstances(group: GroupRecord, at = this.now()): InstanceRecord[] {
    return [...this.instances.values()].filter(
      (i) => i.groupName === group.name && this.stateOf(i, at) !== 'terminated',
    );
  }

  /** Launches or terminates instances until the group holds `desired` live (not terminating) ones. */
  reconcile(group: GroupRecord): void {
    const live = () =>
      [...this.instances.values()].filter((i) => i.groupName === group.name && i.terminatedAt === undefined);
    const current = live();
    if (current.length < group.desired) {
      const template = this.template({ id: group.launchTemplate.id });
      const version = this.templateVersion(template, group.launchTemplate.version);
      for (let n = current.length; n < group.desired; n++) {
        const subnetId = this.leastUsedSubnet(group, live());
        this.launch({
          imageId: version.imageId,
          instanceType: version.instanceType,
          count: 1,
          subnetId,
          tags: this.groupInstanceTags(group, template, version.number),
          launchTemplate: { id: template.id, name: template.name, version: version.number },
          groupName: group.name,
        });
      }
    } else if (current.length > group.desired) {
      const victims: InstanceRecord[] = [];
      let remaining = current;
      while (remaining.length > group.desired) {
        const victim = this.scaleInVictim(remaining);
        victims.push(victim);
        remaining = remaining.filter((i) => i !== victim);
      }
      this.terminate(victims, 'group');
    }
  }

  groupInstanceTags(group: GroupRecord, template: LaunchTemplateRecord, version: number): Map<string, string> {
    return new Map([
      ...group.tags,
      ['aws:autoscaling:groupName', group.name],
      ['aws:ec2launchtemplate:id', template.id],
      ['aws:ec2launchtemplate:version', String(version)],
    ]);
  }

  // ---- change notification ----

  subscribe(listener: () => void): () => void {
    return this.listeners.subscribe(listener);
  }

  changed(): void {
    this.listeners.notify();
  }

  /** Every resource and the id and address counters, as plain data with Maps (for encodeState). */
  saveState(): Record<string, unknown> {
    return {
      templates: this.templates,
      instances: this.instances,
      reservations: this.reservations,
      groups: this.groups,
      tokens: this.tokens,
      subnets: this.subnets,
      ipCounter: this.ipCounter,
      ids: this.ids.save(),
    };
  }

  /** Back to what saveState() gave (decoded); throws, changing nothing, when it is not that. */
  loadState(saved: unknown): void {
    const s = savedObject(saved, 'cloud');
    const maps = ['templates', 'instances', 'reservations', 'groups', 'tokens', 'subnets'] as const;
    for (const name of maps) if (!(s[name] instanceof Map)) throw new Error(`the saved cloud ${name} are not a map`);
    const ids = savedObject(s.ids, 'cloud ids');
    if (typeof s.ipCounter !== 'number' || typeof ids.seed !== 'string' || typeof ids.counter !== 'number')
      throw new Error('the saved cloud lacks its counters');
    this.cancelTimers();
    refill(this.templates, s.templates, 'launch templates');
    refill(this.instances, s.instances, 'instances');
    refill(this.reservations, s.reservations, 'reservations');
    refill(this.groups, s.groups, 'Auto Scaling groups');
    refill(this.tokens, s.tokens, 'client tokens');
    refill(this.subnets, s.subnets, 'subnets');
    this.ipCounter = s.ipCounter;
    this.ids.load({ seed: ids.seed, counter: ids.counter });
  }

  /** Forgets every resource (listeners stay). */
  clear(): void {
    this.templates.clear();
    this.instances.clear();
    this.reservations.clear();
    this.groups.clear();
    this.tokens.clear();
    this.subnets.clear();
    this.cancelTimers();
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private settleLater(): void {
    if (!this.timedNotifications || this.listeners.size === 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.changed();
    }, this.launchMs + 10);
    timer.unref();
    this.timers.add(timer);
  }

  private nextIp(): string {
    const n = this.ipCounter++;
    return `10.0.${(n >> 8) & 255}.${n & 255}`;
  }

  private leastUsedSubnet(group: GroupRecord, live: InstanceRecord[]): string {
    const subnets = group.subnets.length > 0 ? group.subnets : [...this.subnets.keys()];
    let best = subnets[0] ?? this.defaultSubnet();
    let bestCount = Infinity;
    for (const subnet of subnets) {
      const count = live.filter((i) => i.subnetId === subnet).length;
      if (count < bestCount) {
        best = subnet;
        bestCount = count;
      }
    }
    return best;
  }

  /** Like the Default termination policy, simplified: from the fullest zone, the newest instance. */
  private scaleInVictim(live: InstanceRecord[]): InstanceRecord {
    const byZone = new Map<string, InstanceRecord[]>();
    for (const instance of live)
      byZone.set(instance.availabilityZone, [...(byZone.get(instance.availabilityZone) ?? []), instance]);
    const fullest = [...byZone.values()].sort((a, b) => b.length - a.length)[0] ?? live;
    return [...fullest].sort((a, b) => b.launchedAt - a.launchedAt)[0] as InstanceRecord;
  }
}
