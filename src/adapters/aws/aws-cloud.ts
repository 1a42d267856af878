// The Cloud port over AWS: EC2 (RunInstances from a launch template, TerminateInstances) and Auto Scaling
// (SetDesiredCapacity), with the real SDK v3 clients, and every AWS failure turned into a coded FirebreakError
// that names its step. `resize` picks the AWS calls for the target's spec (aws-target.ts) and derives EC2's
// ClientToken from the scale request's key.
//
// Credentials, region and endpoints come from the SDK's own chain (AWS_REGION, AWS_PROFILE, instance role,
// AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_AUTO_SCALING…); this module reads no environment itself.
import { createHash } from 'node:crypto';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { ScaleTarget } from '../../domain/scale-target';
import { FirebreakError } from '../../errors';
import type { Capacity, Cloud, CloudInstance, InstanceState, ResizeRequest, ResizeResult } from '../../ports/cloud';
import { plural } from '../../domain/plural';
import {
  awsTarget,
  describeAwsSpec,
  type AutoScalingGroupSpec,
  type AwsScaleTarget,
  type LaunchTemplateSpec,
} from './aws-target';

export interface AwsClients {
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
}

export interface AwsCloudOptions {
  /** For targets without a `region`; built with the SDK's defaults when absent. Destroying it is the caller's job. */
  ec2?: EC2Client;
  /** For targets without a `region`; built with the SDK's defaults when absent. Destroying it is the caller's job. */
  autoScaling?: AutoScalingClient;
  /** Attempts per call (the SDK's own retry, with backoff, rides out throttling first) for clients built here; 3 by default. */
  maxAttempts?: number;
  /**
   * Clients for a region (undefined: the default region, unless `ec2`/`autoScaling` are given). Called once per
   * region, the answer cached; its clients belong to the caller. Without it, clients are built here, per region.
   */
  clientsFor?: (region?: string) => AwsClients;
}

export interface LaunchRequest {
  count: number;
  /** EC2's ClientToken: the same token returns the same instances, never new ones. */
  clientToken: string;
  /** Tags that mark the instances as Firebreak's. */
  tags: Record<string, string>;
}

export interface AwsCloud extends Cloud {
  // The AWS calls `resize` is made of, each on its own (the adapter's tests drive them directly).
  /** Launches `count` instances from a launch-template target. */
  launch(target: AwsScaleTarget<LaunchTemplateSpec>, request: LaunchRequest): Promise<{ instanceIds: string[] }>;
  /** Sets an Auto Scaling group's desired capacity. */
  setDesiredCapacity(target: AwsScaleTarget<AutoScalingGroupSpec>, desired: number): Promise<void>;
  /** Terminates the given instances of a launch-template target. */
  terminate(target: AwsScaleTarget<LaunchTemplateSpec>, instanceIds: readonly string[]): Promise<void>;
  /** Destroys the clients this adapter built (not the ones it was given). */
  close(): void;
}

type Action =
  | 'DescribeInstances'
  | 'RunInstances'
  | 'TerminateInstances'
  | 'DescribeAutoScalingGroups'
  | 'SetDesiredCapacity';

const DEFAULT_MAX_ATTEMPTS = 3;
export const TARGET_TAG = 'firebreak:target';

// ---- errors ----

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
]);
const UNAVAILABLE = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);
// EC2 sends capacity errors as HTTP 500, but trying again at once will not conjure capacity: a person must choose.
const NO_CAPACITY = /^Insufficient\w*Capacity$/;
const DRY_RUN_OK = 'DryRunOperation';

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** AWS's error code: the wire `Code` when the SDK kept it (ScalingActivityInProgress), else the error's name. */
function awsCode(error: unknown): string | undefined {
  const e = error as SdkErrorShape | null;
  return text(e?.Code) ?? text(e?.name);
}

function isDryRunOk(error: unknown): boolean {
  return awsCode(error) === DRY_RUN_OK;
}

function attemptsNote(error: SdkErrorShape): string {
  const attempts = error.$metadata?.attempts ?? 1;
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** Turns whatever an SDK call threw into CLOUD_THROTTLED, CLOUD_UNAVAILABLE or CLOUD_REJECTED, with the step. */
export function toCloudError(error: unknown, action: Action, step: string): FirebreakError {
  if (error instanceof FirebreakError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = text(e.name);
  const code = awsCode(error) ?? 'UnknownError';
  const message = (text(e.message) ?? String(error)).replace(/^AWS SDK error wrapper for /, '');
  const status = e.$metadata?.httpStatusCode;

  // Failures before any request left: no credentials, no region. Waiting will not fix either.
  if (name === 'CredentialsProviderError') {
    return new FirebreakError('CLOUD_REJECTED', `no AWS credentials for ${action}: ${message}`, {
      step,
      providerError: name,
      cause: error,
    });
  }
  if (message === 'Region is missing') {
    return new FirebreakError(
      'CLOUD_REJECTED',
      `no AWS region for ${action}: set AWS_REGION or the scale target's region`,
      { step, cause: error },
    );
  }
  if (THROTTLING.has(code) || (name !== undefined && THROTTLING.has(name))) {
    return new FirebreakError('CLOUD_THROTTLED', `AWS throttled ${action} (${code})${attemptsNote(e)}`, {
      step,
      providerError: code,
      cause: error,
    });
  }
  if (status === undefined) {
    // The request never got an answer: connection refused or reset, DNS, timeout.
    return new FirebreakError('CLOUD_UNAVAILABLE', `could not reach AWS for ${action}${attemptsNote(e)}: ${message}`, {
      step,
      cause: error,
    });
  }
  if (!NO_CAPACITY.test(code) && (UNAVAILABLE.has(code) || status >= 500)) {
    return new FirebreakError(
      'CLOUD_UNAVAILABLE',
      `AWS failed ${action} (${code}, HTTP ${status})${attemptsNote(e)}: ${message}`,
      {
        step,
        providerError: code,
        cause: error,
      },
    );
  }
  return new FirebreakError('CLOUD_REJECTED', `AWS refused ${action} (${code}): ${message}`, {
    step,
    providerError: code,
    cause: error,
  });
}

/** An answer that lacks what we asked for: not a refusal, and the idempotent retry is safe. */
function badAnswer(action: Action, step: string, what: string): FirebreakError {
  return new FirebreakError('CLOUD_UNAVAILABLE', `AWS answered ${action} ${what}`, { step });
}

// ---- launch plan ----

/** AWS's limit on ClientToken (RunInstances): 64 ASCII characters. */
export const CLIENT_TOKEN_MAX_LENGTH = 64;
const CLIENT_TOKEN = /^[\x20-\x7e]{1,64}$/;

/** 64-bit FNV-1a over the UTF-16 code units: small and stable across Node versions. */
function fnv1a64(text: string): string {
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * The EC2 ClientToken for a scale request's key: a readable part of the key (for CloudTrail) and a hash of all of
 * it, so keys that differ only past the cut still get different tokens. Its output must never change: an
 * operation retried after an upgrade has to send the token its first attempt sent.
 */
export function ec2ClientToken(requestKey: string): string {
  const hash = fnv1a64(requestKey);
  const readable = `fb-${requestKey}`
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, CLIENT_TOKEN_MAX_LENGTH - hash.length - 1);
  return `${readable}-${hash}`;
}

/** EC2 takes a ClientToken of at most 64 ASCII characters; a longer or non-ASCII one is replaced by its SHA-256 (64 hex). */
export function validClientToken(token: string): string {
  return CLIENT_TOKEN.test(token) ? token : createHash('sha256').update(token).digest('hex');
}

export interface LaunchCall {
  subnetId: string;
  count: number;
  clientToken: string;
}

/**
 * Spreads `count` instances over the subnets, round robin, one RunInstances call per subnet used. The first subnet
 * is chosen from the client token, so successive scale-outs do not all favour the first subnet, while a retry of the
 * same request makes the very same calls (and so launches nothing twice). Several calls get derived tokens
 * `<token>-<subnet index>`.
 */
export function launchPlan(subnets: readonly string[], count: number, clientToken: string): LaunchCall[] {
  if (subnets.length === 0) return [];
  const start = createHash('sha256').update(clientToken).digest().readUInt32BE(0) % subnets.length;
  const counts = subnets.map(() => 0);
  for (let k = 0; k < count; k++) {
    const index = (start + k) % subnets.length;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const used = subnets
    .map((subnetId, index) => ({ subnetId, index, count: counts[index] ?? 0 }))
    .filter((call) => call.count > 0);
  return used.map((call) => ({
    subnetId: call.subnetId,
    count: call.count,
    clientToken: validClientToken(used.length === 1 ? clientToken : `${clientToken}-${call.index}`),
  }));
}

// ---- reading answers ----

const INSTANCE_STATES: ReadonlySet<string> = new Set<InstanceState>([
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
]);

function tagRecord(tags: Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  return record;
}

function ec2Instance(instance: Instance): CloudInstance | undefined {
  const state = instance.State?.Name;
  if (instance.InstanceId === undefined || state === undefined || !INSTANCE_STATES.has(state)) return undefined;
  return {
    id: instance.InstanceId,
    state: state as InstanceState,
    launchedAt: instance.LaunchTime ?? null,
    tags: tagRecord(instance.Tags),
  };
}

/**
 * An Auto Scaling group's instances that count: InService as running, Pending (and Pending:Wait/Proceed) as pending.
 * Terminating, standby and detaching instances are left out, as stopping ones are for launch-template targets.
 */
function groupCapacity(group: AutoScalingGroup, desired: number): Capacity {
  const instances: CloudInstance[] = [];
  for (const member of group.Instances ?? []) {
    const lifecycle = member.LifecycleState ?? '';
    const state: InstanceState | undefined =
      lifecycle === 'InService' ? 'running' : lifecycle.startsWith('Pending') ? 'pending' : undefined;
    if (member.InstanceId === undefined || state === undefined) continue;
    instances.push({ id: member.InstanceId, state, launchedAt: null, tags: {} });
  }
  const running = instances.filter((i) => i.state === 'running').length;
  return { running, pending: instances.length - running, desired, instances };
}

// ---- the adapter ----

export function createAwsCloud(options: AwsCloudOptions = {}): AwsCloud {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const owned: Array<{ destroy(): void }> = [];
  const given = new Map<string, AwsClients>();
  const ec2Clients = new Map<string, EC2Client>();
  const autoScalingClients = new Map<string, AutoScalingClient>();

  function fromFactory(region: string | undefined): AwsClients | undefined {
    if (!options.clientsFor) return undefined;
    const key = region ?? '';
    let clients = given.get(key);
    if (!clients) {
      clients = options.clientsFor(region);
      given.set(key, clients);
    }
    return clients;
  }

  function ec2For(region: string | undefined): EC2Client {
    if (region === undefined && options.ec2) return options.ec2;
    const key = region ?? '';
    let client = ec2Clients.get(key) ?? fromFactory(region)?.ec2;
    if (!client) {
      client = new EC2Client({ ...(region !== undefined ? { region } : {}), maxAttempts });
      owned.push(client);
    }
    ec2Clients.set(key, client);
    return client;
  }

  function autoScalingFor(region: string | undefined): AutoScalingClient {
    if (region === undefined && options.autoScaling) return options.autoScaling;
    const key = region ?? '';
    let client = autoScalingClients.get(key) ?? fromFactory(region)?.autoScaling;
    if (!client) {
      client = new AutoScalingClient({ ...(region !== undefined ? { region } : {}), maxAttempts });
      owned.push(client);
    }
    autoScalingClients.set(key, client);
    return client;
  }

  /** One SDK call, its failure mapped to a coded error. */
  async function call<T>(action: Action, step: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toCloudError(error, action, step);
    }
  }

  async function ec2Capacity(target: AwsScaleTarget<LaunchTemplateSpec>): Promise<Capacity> {
    const step = `reading the capacity of ${target.name}`;
    const client = ec2For(target.spec.region);
    const instances: CloudInstance[] = [];
    const seenTokens = new Set<string>();
    let nextToken: string | undefined;
    do {
      const out = await call('DescribeInstances', step, () =>
        client.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: `tag:${TARGET_TAG}`, Values: [target.name] },
              { Name: 'instance-state-name', Values: ['pending', 'running'] },
            ],
            ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const reservation of out.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const mapped = ec2Instance(instance);
          if (mapped) instances.push(mapped);
        }
      }
      nextToken = text(out.NextToken);
      if (nextToken !== undefined && seenTokens.has(nextToken))
        throw badAnswer('DescribeInstances', step, 'with the same NextToken twice');
      if (nextToken !== undefined) seenTokens.add(nextToken);
    } while (nextToken !== undefined);
    const running = instances.filter((i) => i.state === 'running').length;
    const pending = instances.filter((i) => i.state === 'pending').length;
    return { running, pending, desired: running + pending, instances };
  }

  async function describeGroup(target: AwsScaleTarget<AutoScalingGroupSpec>, step: string): Promise<AutoScalingGroup> {
    const { autoScalingGroupName: name, region } = target.spec;
    const client = autoScalingFor(region);
    const out = await call('DescribeAutoScalingGroups', step, () =>
      client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
    );
    const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
    // Auto Scaling answers an unknown name with an empty list, not an error.
    if (!group) {
      throw new FirebreakError(
        'CLOUD_REJECTED',
        `AWS has no Auto Scaling group named "${name}"${region !== undefined ? ` in ${region}` : ''}`,
        { step },
      );
    }
    return group;
  }

  async function groupCapacityOf(target: AwsScaleTarget<AutoScalingGroupSpec>): Promise<Capacity> {
    const step = `reading the capacity of ${target.name}`;
    const group = await describeGroup(target, step);
    if (group.DesiredCapacity === undefined)
      throw badAnswer('DescribeAutoScalingGroups', step, 'without a DesiredCapacity');
    return groupCapacity(group, group.DesiredCapacity);
  }

  async function launch(
    target: AwsScaleTarget<LaunchTemplateSpec>,
    request: LaunchRequest,
  ): Promise<{ instanceIds: string[] }> {
    const step = `launching ${plural(request.count, 'instance')} for ${target.name}`;
    if (!Number.isInteger(request.count) || request.count < 1) {
      throw new FirebreakError(
        'INPUT_INVALID',
        `cannot launch ${request.count} instances: a positive whole number is needed`,
        { step },
      );
    }
    const { launchTemplate, subnets, region } = target.spec;
    const client = ec2For(region);
    const tags = { ...request.tags, [TARGET_TAG]: target.name };
    const plan = launchPlan(subnets, request.count, request.clientToken);
    const results = await Promise.allSettled(
      plan.map(async (part) => {
        const out = await client.send(
          new RunInstancesCommand({
            LaunchTemplate: { LaunchTemplateId: launchTemplate.id, Version: launchTemplate.version },
            MinCount: part.count,
            MaxCount: part.count,
            SubnetId: part.subnetId,
            ClientToken: part.clientToken,
            TagSpecifications: [
              { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
            ],
            DryRun: target.dryRun,
          }),
        );
        const ids = (out.Instances ?? []).map((i) => i.InstanceId).filter((id): id is string => id !== undefined);
        if (ids.length !== part.count)
          throw badAnswer(
            'RunInstances',
            step,
            `with ${plural(ids.length, 'instance id')} for ${part.count} instances`,
          );
        return ids;
      }),
    );

    const launched = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const failure = failures.find((reason) => !isDryRunOk(reason));
    if (failure !== undefined) {
      const error = toCloudError(failure, 'RunInstances', step);
      if (launched.length === 0) throw error;
      // Some subnets launched: say so, so nobody reads "failed" as "nothing launched".
      const note = ` (${launched.length} of ${request.count} did launch: ${launched.join(', ')}; the same client token launches only the rest)`;
      throw new FirebreakError(error.code, `${error.message}${note}`, error.details);
    }
    if (failures.length > 0) {
      throw new FirebreakError(
        'CLOUD_DRY_RUN_OK',
        `AWS says this would launch ${plural(request.count, 'instance')} (dry run: nothing launched)`,
        {
          step,
          providerError: DRY_RUN_OK,
        },
      );
    }
    return { instanceIds: launched };
  }

  async function setDesiredCapacity(target: AwsScaleTarget<AutoScalingGroupSpec>, desired: number): Promise<void> {
    const step = `setting the desired capacity of ${target.name} to ${desired}`;
    const { autoScalingGroupName, region } = target.spec;
    if (target.dryRun) {
      // Auto Scaling has no DryRun: check what SetDesiredCapacity would check (the group and its limits), change nothing.
      const group = await describeGroup(target, step);
      const { MinSize: min, MaxSize: max } = group;
      if (max !== undefined && desired > max) {
        throw new FirebreakError(
          'CLOUD_REJECTED',
          `AWS would refuse SetDesiredCapacity (ValidationError): ${desired} is above the group's max size ${max} (dry run)`,
          {
            step,
            providerError: 'ValidationError',
          },
        );
      }
      if (min !== undefined && desired < min) {
        throw new FirebreakError(
          'CLOUD_REJECTED',
          `AWS would refuse SetDesiredCapacity (ValidationError): ${desired} is below the group's min size ${min} (dry run)`,
          {
            step,
            providerError: 'ValidationError',
          },
        );
      }
      throw new FirebreakError(
        'CLOUD_DRY_RUN_OK',
        `${autoScalingGroupName} would go from ${group.DesiredCapacity ?? '?'} to ${desired} instances (dry run: Auto Scaling has none, so only the group and its limits were checked; nothing changed)`,
        { step },
      );
    }
    const client = autoScalingFor(region);
    await call('SetDesiredCapacity', step, () =>
      client.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: autoScalingGroupName,
          DesiredCapacity: desired,
          HonorCooldown: false,
        }),
      ),
    );
  }

  async function terminate(target: AwsScaleTarget<LaunchTemplateSpec>, instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    const step = `terminating ${plural(instanceIds.length, 'instance')} of ${target.name}`;
    const client = ec2For(target.spec.region);
    try {
      await client.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds], DryRun: target.dryRun }));
    } catch (error) {
      if (isDryRunOk(error)) {
        throw new FirebreakError(
          'CLOUD_DRY_RUN_OK',
          `AWS says this would terminate ${plural(instanceIds.length, 'instance')} (dry run: nothing terminated)`,
          {
            step,
            providerError: DRY_RUN_OK,
          },
        );
      }
      throw toCloudError(error, 'TerminateInstances', step);
    }
  }

  /** A launch-template target grows by RunInstances and shrinks by terminating the instances Firebreak chose. */
  async function resizeLaunchTemplate(
    target: AwsScaleTarget<LaunchTemplateSpec>,
    request: ResizeRequest,
  ): Promise<ResizeResult> {
    if (request.to > request.from) {
      return launch(target, {
        count: request.to - request.from,
        clientToken: ec2ClientToken(request.key),
        tags: request.tags,
      });
    }
    if (request.remove.length === 0) {
      // Nothing Firebreak launched is left to stop, and it never stops anyone else's instances.
      throw new FirebreakError(
        'CLOUD_REJECTED',
        `none of ${target.name}'s running instances were launched by Firebreak, and it terminates only its own; nothing was terminated`,
        { step: `choosing instances of ${target.name} to terminate`, providerError: 'NothingToTerminate' },
      );
    }
    await terminate(target, request.remove);
    return { instanceIds: [...request.remove] };
  }

  return {
    describe(target: ScaleTarget): string {
      return describeAwsSpec(awsTarget(target).spec);
    },

    async capacity(target: ScaleTarget): Promise<Capacity> {
      const aws = awsTarget(target);
      return aws.spec.kind === 'ec2-launch-template'
        ? ec2Capacity({ ...aws, spec: aws.spec })
        : groupCapacityOf({ ...aws, spec: aws.spec });
    },

    async resize(target: ScaleTarget, request: ResizeRequest): Promise<ResizeResult> {
      const aws = awsTarget(target);
      if (aws.spec.kind === 'ec2-launch-template') return resizeLaunchTemplate({ ...aws, spec: aws.spec }, request);
      // SetDesiredCapacity is absolute, so a retry sets the same size: no token needed. The group picks what to stop.
      await setDesiredCapacity({ ...aws, spec: aws.spec }, request.to);
      return { instanceIds: [] };
    },

    launch,
    setDesiredCapacity,
    terminate,

    close(): void {
      for (const client of owned.splice(0)) client.destroy();
      ec2Clients.clear();
      autoScalingClients.clear();
      given.clear();
    },
  };
}
