// The AWS Cloud adapter with the real SDK clients against FakeCloud: launches, idempotency, capacity, dry runs,
// Auto Scaling, termination, AWS's failures as coded errors, and `resize` (the Cloud port) over all of them,
// with EC2's ClientToken derived from the scale request's key.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CLIENT_TOKEN_MAX_LENGTH,
  createAwsCloud,
  ec2ClientToken,
  launchPlan,
  validClientToken,
  type AwsCloud,
  type AwsCloudOptions,
} from '../../src/adapters/aws/aws-cloud';
import type { AutoScalingGroupSpec, AwsScaleTarget, LaunchTemplateSpec } from '../../src/adapters/aws/aws-target';
import { scaleRequestKey } from '../../src/domain/scaling';
import { FirebreakError } from '../../src/errors';
import { FakeCloud, PRESET_GROUP, PRESET_TEMPLATE } from '../../src/sandbox/fake-cloud';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const START = Date.parse('2024-05-01T10:00:00.000Z');
const CREDENTIALS = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' };
const SUBNET_A = 'subnet-0a1b2c3d4e5f60a01';
const SUBNET_B = 'subnet-0a1b2c3d4e5f60b02';
const SUBNET_C = 'subnet-0a1b2c3d4e5f60c03';

const COMMON = {
  min: 0,
  max: 40,
  maxStep: 10,
  cooldownSeconds: 120,
  allowedUserGroups: [],
  dryRun: false,
  buttons: [2, 4],
  services: [],
};

/** A target's own fields, and its spec's, as one set of overrides. */
type Overrides<Spec> = Partial<Omit<AwsScaleTarget, 'spec' | 'provider'>> & Partial<Omit<Spec, 'kind'>>;

function webTarget(overrides: Overrides<LaunchTemplateSpec> = {}): AwsScaleTarget<LaunchTemplateSpec> {
  const { launchTemplate, subnets, region, ...common } = overrides;
  return {
    name: 'web',
    ...COMMON,
    ...common,
    provider: 'aws',
    spec: {
      kind: 'ec2-launch-template',
      launchTemplate: launchTemplate ?? { id: PRESET_TEMPLATE.id, version: '$Latest' },
      subnets: subnets ?? [SUBNET_B],
      ...(region !== undefined ? { region } : {}),
    },
  };
}

function asgTarget(overrides: Overrides<AutoScalingGroupSpec> = {}): AwsScaleTarget<AutoScalingGroupSpec> {
  const { autoScalingGroupName, region, ...common } = overrides;
  return {
    name: 'web-asg',
    ...COMMON,
    ...common,
    provider: 'aws',
    spec: {
      kind: 'autoscaling-group',
      autoScalingGroupName: autoScalingGroupName ?? PRESET_GROUP.name,
      ...(region !== undefined ? { region } : {}),
    },
  };
}

const TAGS = { 'firebreak:incident': 'inc-20240501-checkout', 'firebreak:operation': 'op-1' };

let now: number;
let cloud: FakeCloud;
const destroyAfter: Array<{ destroy(): void } | AwsCloud> = [];

function clientsAt(fake: FakeCloud, maxAttempts = 1): { ec2: EC2Client; autoScaling: AutoScalingClient } {
  const ec2 = new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS, endpoint: fake.ec2Url, maxAttempts });
  const autoScaling = new AutoScalingClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    endpoint: fake.autoScalingUrl,
    maxAttempts,
  });
  destroyAfter.push(ec2, autoScaling);
  return { ec2, autoScaling };
}

function aws(options: { maxAttempts?: number } & Omit<AwsCloudOptions, 'maxAttempts'> = {}): AwsCloud {
  const adapter = createAwsCloud({ ...clientsAt(cloud, options.maxAttempts ?? 1), ...options });
  destroyAfter.push(adapter);
  return adapter;
}

function advance(seconds: number): void {
  now += seconds * 1000;
}

async function refusal(call: Promise<unknown>): Promise<FirebreakError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof FirebreakError) return error;
    throw error;
  }
  throw new Error('expected a FirebreakError');
}

function webInstances(fake = cloud) {
  return fake.instances({ tags: { 'firebreak:target': 'web' } });
}

beforeEach(async () => {
  now = START;
  cloud = await FakeCloud.start({ clock: () => now, launchSeconds: 30 });
});

afterEach(async () => {
  for (const item of destroyAfter.splice(0)) {
    if ('close' in item) item.close();
    else item.destroy();
  }
  await cloud.stop();
});

describe('launch', () => {
  it('launches from the launch template with our tags, and answers the instance ids', async () => {
    const { instanceIds } = await aws().launch(webTarget(), { count: 2, clientToken: 'scale-inc-1-web-2', tags: TAGS });

    expect(instanceIds).toHaveLength(2);
    for (const id of instanceIds) expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    const launched = cloud.instances({ ids: instanceIds });
    expect(launched.map((i) => i.instanceId)).toEqual(instanceIds);
    for (const instance of launched) {
      expect(instance).toMatchObject({
        state: 'pending',
        subnetId: SUBNET_B,
        clientToken: 'scale-inc-1-web-2',
        launchTemplate: { id: PRESET_TEMPLATE.id },
      });
      expect(instance.tags).toMatchObject({ ...TAGS, 'firebreak:target': 'web' });
    }
    expect(cloud.calls('RunInstances')[0]?.params).toMatchObject({
      'LaunchTemplate.LaunchTemplateId': PRESET_TEMPLATE.id,
      'LaunchTemplate.Version': '$Latest',
      MinCount: '2',
      MaxCount: '2',
      SubnetId: SUBNET_B,
      ClientToken: 'scale-inc-1-web-2',
      DryRun: 'false',
    });
  });

  it('the same client token twice launches once and answers the same ids', async () => {
    const cloudApi = aws();
    const request = { count: 2, clientToken: 'scale-inc-1-web-2', tags: TAGS };
    const first = await cloudApi.launch(webTarget(), request);
    advance(5);
    const second = await cloudApi.launch(webTarget(), request);

    expect(second.instanceIds).toEqual(first.instanceIds);
    expect(webInstances()).toHaveLength(2);
    expect(cloud.calls('RunInstances').map((c) => c.status)).toEqual([200, 200]);
  });

  it('spreads instances over several subnets, one call each with a derived token, and stays idempotent', async () => {
    const target = webTarget({ subnets: [SUBNET_A, SUBNET_B, SUBNET_C] });
    const cloudApi = aws();
    const request = { count: 4, clientToken: 'scale-inc-2-web-4', tags: TAGS };
    const { instanceIds } = await cloudApi.launch(target, request);

    expect(instanceIds).toHaveLength(4);
    const perSubnet = (subnet: string) => webInstances().filter((i) => i.subnetId === subnet).length;
    expect([perSubnet(SUBNET_A), perSubnet(SUBNET_B), perSubnet(SUBNET_C)].sort()).toEqual([1, 1, 2]);
    const tokens = cloud.calls('RunInstances').map((c) => c.params.ClientToken);
    expect(tokens.sort()).toEqual(['scale-inc-2-web-4-0', 'scale-inc-2-web-4-1', 'scale-inc-2-web-4-2']);

    const again = await cloudApi.launch(target, request);
    expect(again.instanceIds.sort()).toEqual([...instanceIds].sort());
    expect(webInstances()).toHaveLength(4);

    // One instance needs one call, which keeps the token as given.
    await cloudApi.launch(target, { count: 1, clientToken: 'scale-inc-3-web-1', tags: TAGS });
    expect(cloud.calls('RunInstances').at(-1)?.params.ClientToken).toBe('scale-inc-3-web-1');
  });

  it('plans the same calls for the same request, and round robin from a subnet chosen by the token', () => {
    const subnets = [SUBNET_A, SUBNET_B, SUBNET_C];
    expect(launchPlan(subnets, 5, 'tok')).toEqual(launchPlan(subnets, 5, 'tok'));
    expect(
      launchPlan(subnets, 5, 'tok')
        .map((c) => c.count)
        .sort(),
    ).toEqual([1, 2, 2]);
    const firstSubnets = new Set(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((token) => launchPlan(subnets, 1, token)[0]?.subnetId),
    );
    expect(firstSubnets.size).toBeGreaterThan(1);
  });

  it('hashes a client token EC2 would refuse (over 64 characters, or not ASCII), the same way every time', async () => {
    const long = `scale-${'x'.repeat(80)}`;
    expect(validClientToken(long)).toMatch(/^[0-9a-f]{64}$/);
    expect(validClientToken('scale-café')).toMatch(/^[0-9a-f]{64}$/);
    expect(validClientToken('a'.repeat(64))).toBe('a'.repeat(64));

    const cloudApi = aws();
    const first = await cloudApi.launch(webTarget(), { count: 1, clientToken: long, tags: TAGS });
    const second = await cloudApi.launch(webTarget(), { count: 1, clientToken: long, tags: TAGS });
    expect(second.instanceIds).toEqual(first.instanceIds);
    expect(cloud.calls('RunInstances')[0]?.params.ClientToken).toBe(validClientToken(long));
  });

  it('a dry run asks AWS and launches nothing', async () => {
    const before = cloud.instances().length;
    const error = await refusal(
      aws().launch(webTarget({ dryRun: true, subnets: [SUBNET_A, SUBNET_B] }), {
        count: 3,
        clientToken: 'dry-1',
        tags: TAGS,
      }),
    );

    expect(error.code).toBe('CLOUD_DRY_RUN_OK');
    expect(error.message).toBe('AWS says this would launch 3 instances (dry run: nothing launched)');
    expect(error.details.step).toBe('launching 3 instances for web');
    expect(cloud.instances()).toHaveLength(before);
    expect(cloud.calls('RunInstances').map((c) => [c.status, c.params.DryRun])).toEqual([
      [412, 'true'],
      [412, 'true'],
    ]);
  });

  it('a dry run the caller may not make is refused, not "would succeed"', async () => {
    cloud.fail('RunInstances', { code: 'UnauthorizedOperation' });
    const error = await refusal(
      aws().launch(webTarget({ dryRun: true }), { count: 1, clientToken: 'dry-2', tags: TAGS }),
    );
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.details.providerError).toBe('UnauthorizedOperation');
    expect(error.message).toBe(
      'AWS refused RunInstances (UnauthorizedOperation): You are not authorized to perform this operation.',
    );
  });

  it('InsufficientInstanceCapacity that persists is a refusal with AWS code, message and the step', async () => {
    // The SDK retries it like any HTTP 500 first (safe: the client token stays the same); here it persists.
    const message =
      'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1b).';
    cloud.fail('RunInstances', { code: 'InsufficientInstanceCapacity', message, times: 2 });
    const error = await refusal(
      aws({ maxAttempts: 2 }).launch(webTarget(), { count: 2, clientToken: 'cap-1', tags: TAGS }),
    );

    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      providerError: 'InsufficientInstanceCapacity',
      step: 'launching 2 instances for web',
    });
    expect(error.message).toBe(`AWS refused RunInstances (InsufficientInstanceCapacity): ${message}`);
    expect(cloud.calls('RunInstances').map((c) => [c.status, c.params.ClientToken])).toEqual([
      [500, 'cap-1'],
      [500, 'cap-1'],
    ]);
    expect(webInstances()).toHaveLength(0);
  });

  it('an unknown launch template is refused with its code', async () => {
    const error = await refusal(
      aws().launch(webTarget({ launchTemplate: { id: 'lt-0ffffffffffffffff', version: '$Latest' } }), {
        count: 1,
        clientToken: 't',
        tags: {},
      }),
    );
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.details.providerError).toMatch(/^InvalidLaunchTemplateId\./);
  });

  it('when one subnet fails, says how many did launch; the same token then launches only the rest', async () => {
    const target = webTarget({ subnets: [SUBNET_A, SUBNET_B] });
    const cloudApi = aws();
    cloud.fail('RunInstances', { code: 'InsufficientInstanceCapacity' });
    const error = await refusal(cloudApi.launch(target, { count: 2, clientToken: 'partial-1', tags: TAGS }));

    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.message).toMatch(
      /^AWS refused RunInstances \(InsufficientInstanceCapacity\): .+ \(1 of 2 did launch: i-[0-9a-f]{17}; the same client token launches only the rest\)$/,
    );
    expect(webInstances()).toHaveLength(1);

    const retried = await cloudApi.launch(target, { count: 2, clientToken: 'partial-1', tags: TAGS });
    expect(retried.instanceIds).toHaveLength(2);
    expect(webInstances()).toHaveLength(2);
  });

  it('throttling that outlasts the attempts is CLOUD_THROTTLED, retryable', async () => {
    cloud.fail('RunInstances', { code: 'RequestLimitExceeded', times: 3 });
    const error = await refusal(
      aws({ maxAttempts: 3 }).launch(webTarget(), { count: 1, clientToken: 'thr-1', tags: TAGS }),
    );

    expect(error.code).toBe('CLOUD_THROTTLED');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('AWS throttled RunInstances (RequestLimitExceeded) after 3 attempts');
    expect(error.details).toMatchObject({
      providerError: 'RequestLimitExceeded',
      step: 'launching 1 instance for web',
    });
    expect(cloud.calls('RunInstances').map((c) => c.status)).toEqual([503, 503, 503]);
    expect(webInstances()).toHaveLength(0);
  });

  it("the SDK's retry rides out brief throttling, and the launch happens once", async () => {
    cloud.fail('RunInstances', { code: 'RequestLimitExceeded', times: 2 });
    const { instanceIds } = await aws({ maxAttempts: 3 }).launch(webTarget(), {
      count: 2,
      clientToken: 'thr-2',
      tags: TAGS,
    });
    expect(instanceIds).toHaveLength(2);
    expect(cloud.calls('RunInstances').map((c) => c.status)).toEqual([503, 503, 200]);
    expect(webInstances()).toHaveLength(2);
  });

  it('an AWS internal error and an unreachable AWS are CLOUD_UNAVAILABLE', async () => {
    cloud.fail('RunInstances', { code: 'InternalError' });
    const internal = await refusal(aws().launch(webTarget(), { count: 1, clientToken: 'int-1', tags: TAGS }));
    expect(internal.code).toBe('CLOUD_UNAVAILABLE');
    expect(internal.details.providerError).toBe('InternalError');
    expect(internal.message).toBe('AWS failed RunInstances (InternalError, HTTP 500): An internal error has occurred');

    const cloudApi = aws();
    await cloud.stop();
    const down = await refusal(cloudApi.launch(webTarget(), { count: 1, clientToken: 'int-2', tags: TAGS }));
    expect(down.code).toBe('CLOUD_UNAVAILABLE');
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/^could not reach AWS for RunInstances: .*ECONNREFUSED/);
    cloud = await FakeCloud.start(); // for afterEach
  });

  it('refuses a count that is not a positive whole number without calling AWS', async () => {
    const error = await refusal(aws().launch(webTarget(), { count: 0, clientToken: 'zero', tags: {} }));
    expect(error.code).toBe('INPUT_INVALID');
    expect(cloud.calls()).toEqual([]);
  });
});

describe('capacity', () => {
  it("of a launch-template target: its tagged instances, pending then running; others' are not counted", async () => {
    const cloudApi = aws();
    await cloudApi.launch(webTarget(), { count: 3, clientToken: 'cap-a', tags: TAGS });
    await cloudApi.launch(webTarget({ name: 'api' }), { count: 1, clientToken: 'cap-b', tags: TAGS });

    const pending = await cloudApi.capacity(webTarget());
    expect(pending).toMatchObject({ running: 0, pending: 3, desired: 3 });
    expect(pending.instances).toHaveLength(3);
    expect(pending.instances[0]).toEqual({
      id: expect.stringMatching(/^i-/),
      state: 'pending',
      launchedAt: new Date(START),
      tags: expect.objectContaining({
        ...TAGS,
        'firebreak:target': 'web',
        'aws:ec2launchtemplate:id': PRESET_TEMPLATE.id,
      }),
    });

    advance(30);
    expect(await cloudApi.capacity(webTarget())).toMatchObject({ running: 3, pending: 0, desired: 3 });
    expect(cloud.calls('DescribeInstances').at(-1)?.params).toMatchObject({
      'Filter.1.Name': 'tag:firebreak:target',
      'Filter.1.Value.1': 'web',
      'Filter.2.Name': 'instance-state-name',
      'Filter.2.Value.1': 'pending',
      'Filter.2.Value.2': 'running',
    });
  });

  it('of an Auto Scaling group: InService as running, Pending as pending, its desired capacity', async () => {
    const cloudApi = aws();
    const before = await cloudApi.capacity(asgTarget());
    expect(before).toMatchObject({ running: 4, pending: 0, desired: 4 });
    expect(before.instances.map((i) => i.state)).toEqual(['running', 'running', 'running', 'running']);

    await cloudApi.setDesiredCapacity(asgTarget(), 7);
    expect(await cloudApi.capacity(asgTarget())).toMatchObject({ running: 4, pending: 3, desired: 7 });
    advance(30);
    expect(await cloudApi.capacity(asgTarget())).toMatchObject({ running: 7, pending: 0, desired: 7 });
  });

  it('an unknown Auto Scaling group is a refusal', async () => {
    const error = await refusal(aws().capacity(asgTarget({ autoScalingGroupName: 'nope' })));
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.message).toBe('AWS has no Auto Scaling group named "nope"');
    expect(error.details.step).toBe('reading the capacity of web-asg');
  });

  it('Auto Scaling throttling is CLOUD_THROTTLED', async () => {
    cloud.fail('DescribeAutoScalingGroups', { code: 'Throttling' });
    const error = await refusal(aws().capacity(asgTarget()));
    expect(error.code).toBe('CLOUD_THROTTLED');
    expect(error.message).toBe('AWS throttled DescribeAutoScalingGroups (Throttling)');
  });
});

describe('setDesiredCapacity', () => {
  it('sets it without honouring the cooldown (our own guardrails decide)', async () => {
    const cloudApi = aws();
    await cloudApi.setDesiredCapacity(asgTarget(), 6);
    await cloudApi.setDesiredCapacity(asgTarget(), 8);
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(8);
    expect(cloud.calls('SetDesiredCapacity')[0]?.params).toEqual({
      AutoScalingGroupName: PRESET_GROUP.name,
      DesiredCapacity: '6',
      HonorCooldown: 'false',
    });
  });

  it("above the group's max is AWS's ValidationError, a refusal", async () => {
    const error = await refusal(aws().setDesiredCapacity(asgTarget(), 25));
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.details).toMatchObject({
      providerError: 'ValidationError',
      step: 'setting the desired capacity of web-asg to 25',
    });
    expect(error.message).toBe(
      'AWS refused SetDesiredCapacity (ValidationError): New SetDesiredCapacity value 25 is above max value 20 for the AutoScalingGroup.',
    );
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(4);
  });

  it('a dry run checks the group and its limits and changes nothing', async () => {
    const cloudApi = aws();
    const ok = await refusal(cloudApi.setDesiredCapacity(asgTarget({ dryRun: true }), 7));
    expect(ok.code).toBe('CLOUD_DRY_RUN_OK');
    expect(ok.message).toBe(
      'web-prod-asg would go from 4 to 7 instances (dry run: Auto Scaling has none, so only the group and its limits were checked; nothing changed)',
    );
    const above = await refusal(cloudApi.setDesiredCapacity(asgTarget({ dryRun: true }), 25));
    expect(above.code).toBe('CLOUD_REJECTED');
    expect(above.details.providerError).toBe('ValidationError');
    expect(above.message).toBe(
      "AWS would refuse SetDesiredCapacity (ValidationError): 25 is above the group's max size 20 (dry run)",
    );
    expect(cloud.calls('SetDesiredCapacity')).toEqual([]);
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(4);
  });

  it('Auto Scaling throttling outlasting the attempts is CLOUD_THROTTLED', async () => {
    cloud.fail('SetDesiredCapacity', { code: 'Throttling', times: 2 });
    const error = await refusal(aws({ maxAttempts: 2 }).setDesiredCapacity(asgTarget(), 6));
    expect(error.code).toBe('CLOUD_THROTTLED');
    expect(error.message).toBe('AWS throttled SetDesiredCapacity (Throttling) after 2 attempts');
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(4);
  });
});

describe('terminate', () => {
  it('terminates the instances; capacity no longer counts them', async () => {
    const cloudApi = aws();
    const { instanceIds } = await cloudApi.launch(webTarget(), { count: 3, clientToken: 'term-1', tags: TAGS });
    advance(30);
    const [gone, ...kept] = instanceIds;

    await cloudApi.terminate(webTarget(), [gone as string]);
    expect(cloud.instances({ ids: [gone as string] })[0]?.state).toBe('shutting-down');
    const after = await cloudApi.capacity(webTarget());
    expect(after).toMatchObject({ running: 2, pending: 0, desired: 2 });
    expect(after.instances.map((i) => i.id).sort()).toEqual([...kept].sort());

    await cloudApi.terminate(webTarget(), []);
    expect(cloud.calls('TerminateInstances')).toHaveLength(1);
  });

  it('a dry run terminates nothing', async () => {
    const cloudApi = aws();
    const { instanceIds } = await cloudApi.launch(webTarget(), { count: 1, clientToken: 'term-2', tags: TAGS });
    const error = await refusal(cloudApi.terminate(webTarget({ dryRun: true }), instanceIds));
    expect(error.code).toBe('CLOUD_DRY_RUN_OK');
    expect(error.message).toBe('AWS says this would terminate 1 instance (dry run: nothing terminated)');
    expect(cloud.instances({ ids: instanceIds })[0]?.state).toBe('pending');
  });

  it('an unknown instance is a refusal with its code', async () => {
    const error = await refusal(aws().terminate(webTarget(), ['i-0123456789abcdef0']));
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.details).toMatchObject({
      providerError: 'InvalidInstanceID.NotFound',
      step: 'terminating 1 instance of web',
    });
  });
});

describe('regions and clients', () => {
  it("a target's region gets its own clients, asked for once and reused", async () => {
    const europe = await FakeCloud.start({ clock: () => now, launchSeconds: 30, region: 'eu-west-1' });
    try {
      const asked: Array<string | undefined> = [];
      const cloudApi = aws({
        clientsFor: (region) => {
          asked.push(region);
          return clientsAt(europe);
        },
      });
      const target = webTarget({ region: 'eu-west-1', subnets: [SUBNET_A] });
      await cloudApi.launch(target, { count: 1, clientToken: 'eu-1', tags: TAGS });
      expect((await cloudApi.capacity(target)).pending).toBe(1);
      await cloudApi.launch(webTarget(), { count: 1, clientToken: 'us-1', tags: TAGS });

      expect(asked).toEqual(['eu-west-1']);
      expect(webInstances(europe).map((i) => i.availabilityZone)).toEqual(['eu-west-1a']);
      expect(webInstances()).toHaveLength(1);
    } finally {
      await europe.stop();
    }
  });

  it("builds its own clients from the SDK's chain: region, credentials and endpoints from the environment", async () => {
    const names = [
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_ENDPOINT_URL_EC2',
      'AWS_ENDPOINT_URL_AUTO_SCALING',
    ] as const;
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_EC2: cloud.ec2Url,
      AWS_ENDPOINT_URL_AUTO_SCALING: cloud.autoScalingUrl,
    });
    const cloudApi = createAwsCloud({ maxAttempts: 1 });
    try {
      await cloudApi.launch(webTarget(), { count: 1, clientToken: 'env-1', tags: TAGS });
      expect(await cloudApi.capacity(asgTarget())).toMatchObject({ desired: 4 });
      expect(cloud.calls().map((c) => `${c.service}:${c.action}`)).toEqual([
        'ec2:RunInstances',
        'autoscaling:DescribeAutoScalingGroups',
      ]);
    } finally {
      cloudApi.close();
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

describe('ec2ClientToken: the ClientToken of a scale request key', () => {
  const request = { incidentId: 12, target: 'web', change: '+4', clickId: '1700000000.123456' };

  it('makes a client token of at most 64 ASCII characters AWS accepts, for any key', () => {
    const keys = [
      scaleRequestKey(request),
      scaleRequestKey({ ...request, clickId: 'x'.repeat(500) }),
      scaleRequestKey({ ...request, target: 'ウェブ', clickId: '🔥 click' }),
      '',
    ];
    for (const key of keys) {
      const token = ec2ClientToken(key);
      expect(token.length).toBeLessThanOrEqual(CLIENT_TOKEN_MAX_LENGTH);
      expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    }
  });

  it('is the same token for the same key and different tokens for different keys, even past the cut', () => {
    const key = scaleRequestKey(request);
    expect(ec2ClientToken(key)).toBe(ec2ClientToken(key));
    expect(ec2ClientToken(key)).toMatch(/^fb-scale-inc-12-web-2B4-1700000000\.123456-[0-9a-f]{16}$/);
    const long = 'x'.repeat(100);
    expect(ec2ClientToken(`${long}a`)).not.toBe(ec2ClientToken(`${long}b`));
    expect(ec2ClientToken(`${long}a`).slice(0, 40)).toBe(ec2ClientToken(`${long}b`).slice(0, 40));
  });

  it('keeps its hash fixed across releases, so a retry after an upgrade reuses the token', () => {
    // FNV-1a 64 of the empty string is its offset basis.
    expect(ec2ClientToken('')).toBe('fb--cbf29ce484222325');
    expect(ec2ClientToken('a')).toBe('fb-a-af63dc4c8601ec8c');
  });
});

describe('resize (the Cloud port)', () => {
  const key = scaleRequestKey({ incidentId: 1, target: 'web', change: '+2', clickId: '1700000000.000100' });

  it('grows a launch-template target by RunInstances with a ClientToken derived from the key: the same key launches once', async () => {
    const cloudApi = aws();
    const request = { from: 0, to: 2, key, tags: TAGS, remove: [] };
    const first = await cloudApi.resize(webTarget(), request);
    advance(5);
    const second = await cloudApi.resize(webTarget(), request);

    expect(first.instanceIds).toHaveLength(2);
    expect(second.instanceIds).toEqual(first.instanceIds);
    expect(webInstances()).toHaveLength(2);
    expect(cloud.calls('RunInstances').map((c) => c.params.ClientToken)).toEqual([
      ec2ClientToken(key),
      ec2ClientToken(key),
    ]);
    expect(ec2ClientToken(key)).toMatch(/^fb-scale-inc-1-web-2B2-1700000000\.000100-[0-9a-f]{16}$/);
  });

  it('shrinks a launch-template target by terminating exactly the instances it is given, and never guesses', async () => {
    const cloudApi = aws();
    const { instanceIds } = await cloudApi.resize(webTarget(), { from: 0, to: 3, key, tags: TAGS, remove: [] });
    advance(30);
    const [a, b, kept] = instanceIds as [string, string, string];

    const shrunk = await cloudApi.resize(webTarget(), { from: 3, to: 1, key: `${key}-in`, tags: TAGS, remove: [a, b] });
    expect(shrunk.instanceIds).toEqual([a, b]);
    expect((await cloudApi.capacity(webTarget())).instances.map((i) => i.id)).toEqual([kept]);

    // Nothing of Firebreak's to stop: it terminates nothing rather than someone else's instance.
    const error = await refusal(
      cloudApi.resize(webTarget(), { from: 1, to: 0, key: `${key}-none`, tags: TAGS, remove: [] }),
    );
    expect(error.code).toBe('CLOUD_REJECTED');
    expect(error.details.providerError).toBe('NothingToTerminate');
    expect(cloud.calls('TerminateInstances')).toHaveLength(1);
  });

  it('sets an Auto Scaling group to `to`, names no instances, and leaves the choice of which to stop to the group', async () => {
    const cloudApi = aws();
    expect(await cloudApi.resize(asgTarget(), { from: 4, to: 6, key, tags: TAGS, remove: [] })).toEqual({
      instanceIds: [],
    });
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(6);
    await cloudApi.resize(asgTarget(), {
      from: 6,
      to: 5,
      key: `${key}-in`,
      tags: TAGS,
      remove: ['i-0123456789abcdef0'],
    });
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(5);
    expect(cloud.calls('TerminateInstances')).toEqual([]);
  });

  it('a dry run of either kind is CLOUD_DRY_RUN_OK and changes nothing', async () => {
    const cloudApi = aws();
    const request = { from: 0, to: 2, key, tags: TAGS, remove: [] };
    expect((await refusal(cloudApi.resize(webTarget({ dryRun: true }), request))).code).toBe('CLOUD_DRY_RUN_OK');
    const group = await refusal(cloudApi.resize(asgTarget({ dryRun: true }), { ...request, from: 4, to: 6 }));
    expect(group.code).toBe('CLOUD_DRY_RUN_OK');
    expect(webInstances()).toHaveLength(0);
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(4);
  });

  it('says where the capacity lives, and refuses a target that is not an AWS one', async () => {
    const cloudApi = aws();
    expect(cloudApi.describe(webTarget())).toBe(`launch template ${PRESET_TEMPLATE.id}`);
    expect(cloudApi.describe(asgTarget())).toBe(`Auto Scaling group ${PRESET_GROUP.name}`);
    const elsewhere = { ...webTarget(), provider: 'pool', spec: { pool: 'web' } };
    expect(() => cloudApi.describe(elsewhere)).toThrow(FirebreakError);
    expect((await refusal(cloudApi.capacity(elsewhere))).code).toBe('CONFIG_INVALID');
    expect(cloud.calls()).toEqual([]);
  });
});
