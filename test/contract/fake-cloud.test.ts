// The fake cloud must look like AWS to the real SDK v3 clients: the same requests, answers, error names,
// statuses and retries as EC2 and Auto Scaling, so what passes against it passes against AWS.
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  ScalingActivityInProgressFault,
  SetDesiredCapacityCommand,
  type AutoScalingClientConfig,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2ClientConfig,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { FakeCloud, PRESET_GROUP, PRESET_TEMPLATE } from '../../src/sandbox/fake-cloud';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const START = Date.parse('2024-05-01T10:00:00.000Z');
const CREDENTIALS = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' };

type AwsError = Error & { $metadata: { httpStatusCode?: number; attempts?: number }; $fault?: string };

async function failure(call: Promise<unknown>): Promise<AwsError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && '$metadata' in error) return error as AwsError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

let now: number;
let cloud: FakeCloud;
const clients: Array<{ destroy(): void }> = [];

function ec2(config: EC2ClientConfig = {}): EC2Client {
  const client = new EC2Client({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    endpoint: cloud.ec2Url,
    maxAttempts: 1,
    ...config,
  });
  clients.push(client);
  return client;
}

function autoScaling(config: AutoScalingClientConfig = {}): AutoScalingClient {
  const client = new AutoScalingClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    endpoint: cloud.autoScalingUrl,
    maxAttempts: 1,
    ...config,
  });
  clients.push(client);
  return client;
}

function advance(seconds: number): void {
  now += seconds * 1000;
}

const launchWeb = (overrides: Partial<RunInstancesCommandInput> = {}): RunInstancesCommandInput => ({
  MinCount: 2,
  MaxCount: 2,
  LaunchTemplate: { LaunchTemplateId: PRESET_TEMPLATE.id, Version: '$Latest' },
  SubnetId: 'subnet-0a1b2c3d4e5f60b02',
  TagSpecifications: [
    {
      ResourceType: 'instance',
      Tags: [
        { Key: 'firebreak:incident', Value: 'inc-20240501-checkout' },
        { Key: 'firebreak:requested-by', Value: 'U123 <ana & co>' },
      ],
    },
  ],
  ...overrides,
});

beforeEach(async () => {
  now = START;
  cloud = await FakeCloud.start({ clock: () => now, launchSeconds: 30 });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await cloud.stop();
});

describe('EC2 RunInstances', () => {
  it('launches from a launch template with tags: pending, then running once the launch time has passed', async () => {
    const client = ec2();
    const out = await client.send(new RunInstancesCommand(launchWeb()));

    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(out.OwnerId).toBe('123456789012');
    expect(out.Instances).toHaveLength(2);
    const first = out.Instances?.[0] as Instance;
    expect(first.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(first).toMatchObject({
      ImageId: PRESET_TEMPLATE.imageId,
      InstanceType: 'm5.large',
      State: { Code: 0, Name: 'pending' },
      SubnetId: 'subnet-0a1b2c3d4e5f60b02',
      Placement: { AvailabilityZone: 'us-east-1b' },
      LaunchTime: new Date(START),
      AmiLaunchIndex: 0,
    });
    expect(first.PrivateIpAddress).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(first.ClientToken).toEqual(expect.any(String)); // the SDK sends one when we do not
    expect(first.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'firebreak:incident', Value: 'inc-20240501-checkout' },
        { Key: 'firebreak:requested-by', Value: 'U123 <ana & co>' },
        { Key: 'aws:ec2launchtemplate:id', Value: PRESET_TEMPLATE.id },
      ]),
    );

    const ids = (out.Instances ?? []).map((i) => i.InstanceId as string);
    const describe = async () =>
      (await client.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations?.flatMap(
        (r) => r.Instances ?? [],
      ).map((i) => i.State?.Name);
    advance(29);
    expect(await describe()).toEqual(['pending', 'pending']);
    advance(1);
    expect(await describe()).toEqual(['running', 'running']);
    expect(cloud.instances({ ids }).map((i) => i.state)).toEqual(['running', 'running']);
  });

  it('launches by template name and uses the template version asked for', async () => {
    cloud.addLaunchTemplate({
      name: 'api-prod',
      versions: [
        { imageId: 'ami-0aaaaaaaaaaaaaaa1', instanceType: 'c6i.large' },
        { imageId: 'ami-0aaaaaaaaaaaaaaa2', instanceType: 'c6i.xlarge' },
      ],
    });
    const client = ec2();
    const byDefault = await client.send(
      new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'api-prod' } }),
    );
    const latest = await client.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: 'api-prod', Version: '$Latest' },
      }),
    );
    expect(byDefault.Instances?.[0]).toMatchObject({ ImageId: 'ami-0aaaaaaaaaaaaaaa1', InstanceType: 'c6i.large' });
    expect(latest.Instances?.[0]).toMatchObject({ ImageId: 'ami-0aaaaaaaaaaaaaaa2', InstanceType: 'c6i.xlarge' });

    const missing = await failure(
      client.send(
        new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'nope' } }),
      ),
    );
    expect(missing.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    const badVersion = await failure(
      client.send(
        new RunInstancesCommand({
          MinCount: 1,
          MaxCount: 1,
          LaunchTemplate: { LaunchTemplateName: 'api-prod', Version: '7' },
        }),
      ),
    );
    expect(badVersion.name).toBe('InvalidLaunchTemplateId.VersionNotFound');
  });

  it('launches once for a repeated ClientToken and answers with the same reservation', async () => {
    const client = ec2();
    const input = launchWeb({ ClientToken: 'scale-inc-1-web-+2' });
    const first = await client.send(new RunInstancesCommand(input));
    advance(60);
    const second = await client.send(new RunInstancesCommand(input));

    const ids = (r: typeof first) => (r.Instances ?? []).map((i) => i.InstanceId);
    expect(second.ReservationId).toBe(first.ReservationId);
    expect(ids(second)).toEqual(ids(first));
    expect(second.Instances?.map((i) => i.State?.Name)).toEqual(['running', 'running']);
    expect(cloud.instances({ clientToken: 'scale-inc-1-web-+2' })).toHaveLength(2);
    expect(
      cloud.instances({ launchTemplateId: PRESET_TEMPLATE.id }).filter((i) => i.autoScalingGroupName === undefined),
    ).toHaveLength(2);
  });

  it('refuses a repeated ClientToken with different parameters', async () => {
    const client = ec2();
    await client.send(new RunInstancesCommand(launchWeb({ ClientToken: 'tok-1' })));
    const error = await failure(
      client.send(new RunInstancesCommand(launchWeb({ ClientToken: 'tok-1', MinCount: 3, MaxCount: 3 }))),
    );
    expect(error.name).toBe('IdempotentParameterMismatch');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(cloud.instances({ clientToken: 'tok-1' })).toHaveLength(2);
  });

  it('answers DryRun with DryRunOperation (HTTP 412) and launches nothing', async () => {
    const before = cloud.instances().length;
    const error = await failure(ec2().send(new RunInstancesCommand(launchWeb({ DryRun: true }))));
    expect(error.name).toBe('DryRunOperation');
    expect(error.message).toBe('Request would have succeeded, but DryRun flag is set.');
    expect(error.$metadata.httpStatusCode).toBe(412);
    expect(cloud.instances()).toHaveLength(before);
    expect(cloud.calls('RunInstances')).toEqual([
      expect.objectContaining({
        service: 'ec2',
        status: 412,
        error: { code: 'DryRunOperation', message: error.message },
      }),
    ]);
  });

  it('answers DryRun with UnauthorizedOperation when the caller may not launch', async () => {
    cloud.fail('RunInstances', { code: 'UnauthorizedOperation' });
    const error = await failure(ec2().send(new RunInstancesCommand(launchWeb({ DryRun: true }))));
    expect(error.name).toBe('UnauthorizedOperation');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('surfaces injected InsufficientInstanceCapacity with its message and status, once', async () => {
    const client = ec2();
    const before = cloud.instances().length;
    cloud.fail('RunInstances', {
      code: 'InsufficientInstanceCapacity',
      message:
        'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1b).',
    });
    const error = await failure(client.send(new RunInstancesCommand(launchWeb())));
    expect(error.name).toBe('InsufficientInstanceCapacity');
    expect(error.message).toBe(
      'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1b).',
    );
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(cloud.instances()).toHaveLength(before);

    await client.send(new RunInstancesCommand(launchWeb()));
    expect(cloud.instances()).toHaveLength(before + 2);
    expect(cloud.calls('RunInstances').map((c) => [c.status, c.error?.code])).toEqual([
      [500, 'InsufficientInstanceCapacity'],
      [200, undefined],
    ]);
    expect(cloud.calls('RunInstances')[1]?.params).toMatchObject({
      MinCount: '2',
      'LaunchTemplate.LaunchTemplateId': PRESET_TEMPLATE.id,
      'TagSpecification.1.Tag.1.Key': 'firebreak:incident',
    });
  });

  it('answers EC2 throttling as AWS does: RequestLimitExceeded, HTTP 503', async () => {
    cloud.fail('RunInstances', { code: 'RequestLimitExceeded' });
    const error = await failure(ec2().send(new RunInstancesCommand(launchWeb())));
    expect(error.name).toBe('RequestLimitExceeded');
    expect(error.message).toBe('Request limit exceeded.');
    expect(error.$metadata.httpStatusCode).toBe(503);
  });
});

describe('EC2 DescribeInstances, TerminateInstances, DescribeLaunchTemplates, CreateTags', () => {
  it('filters by tag and by state, with wildcards', async () => {
    const client = ec2();
    const launched = await client.send(new RunInstancesCommand(launchWeb()));
    const ids = (launched.Instances ?? []).map((i) => i.InstanceId);

    const byTag = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:firebreak:incident', Values: ['inc-20240501-*'] }] }),
    );
    expect(byTag.Reservations).toHaveLength(1);
    expect(byTag.Reservations?.[0]?.ReservationId).toBe(launched.ReservationId);
    expect(byTag.Reservations?.[0]?.Instances?.map((i) => i.InstanceId)).toEqual(ids);

    const pending = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['pending'] }] }),
    );
    expect(pending.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual(ids);

    const none = await client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:firebreak:incident', Values: ['inc-other'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    expect(none.Reservations).toEqual([]);

    // The preset Auto Scaling group's instances are EC2 instances too.
    const group = await client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [PRESET_GROUP.name] }],
      }),
    );
    expect(group.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(PRESET_GROUP.desired);

    const unknownFilter = await failure(
      client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    );
    expect(unknownFilter.name).toBe('InvalidParameterValue');
    const unknownId = await failure(
      client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(unknownId.name).toBe('InvalidInstanceID.NotFound');
    expect(unknownId.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
  });

  it('terminates: previous and current state, then terminated after the shutdown time', async () => {
    const client = ec2();
    const launched = await client.send(new RunInstancesCommand(launchWeb({ MinCount: 1, MaxCount: 1 })));
    const id = launched.Instances?.[0]?.InstanceId as string;
    advance(30);

    const dry = await failure(client.send(new TerminateInstancesCommand({ InstanceIds: [id], DryRun: true })));
    expect(dry.name).toBe('DryRunOperation');
    expect(cloud.instances({ ids: [id] })[0]?.state).toBe('running');

    const out = await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(out.TerminatingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 16, Name: 'running' },
        CurrentState: { Code: 32, Name: 'shutting-down' },
      },
    ]);
    advance(30);
    const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(described.Reservations?.[0]?.Instances?.[0]).toMatchObject({
      State: { Code: 48, Name: 'terminated' },
      StateReason: { Code: 'Client.UserInitiatedShutdown' },
    });

    const again = await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'terminated' },
      CurrentState: { Name: 'terminated' },
    });
  });

  it('describes launch templates and refuses an unknown one', async () => {
    const client = ec2();
    const out = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [PRESET_TEMPLATE.id] }));
    expect(out.LaunchTemplates).toEqual([
      expect.objectContaining({
        LaunchTemplateId: 'lt-0web00000000000',
        LaunchTemplateName: 'web-prod',
        DefaultVersionNumber: 1,
        LatestVersionNumber: 1,
      }),
    ]);
    const byName = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['web-prod'] }));
    expect(byName.LaunchTemplates?.map((t) => t.LaunchTemplateId)).toEqual([PRESET_TEMPLATE.id]);

    const error = await failure(
      client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0ffffffffffffffff'] })),
    );
    expect(error.name).toBe('InvalidLaunchTemplateId.NotFound');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('tags instances, and refuses tag keys reserved for AWS', async () => {
    const client = ec2();
    const [instance] = cloud.instances({ autoScalingGroupName: PRESET_GROUP.name });
    const id = instance?.instanceId as string;
    await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'firebreak:note', Value: 'seen' }] }));
    expect(cloud.instances({ ids: [id] })[0]?.tags).toMatchObject({
      'firebreak:note': 'seen',
      'aws:autoscaling:groupName': PRESET_GROUP.name,
    });
    const reserved = await failure(
      client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'aws:mine', Value: 'x' }] })),
    );
    expect(reserved.name).toBe('InvalidParameterValue');
  });
});

describe('Auto Scaling', () => {
  it('describes the preset group with its instances in service', async () => {
    const out = await autoScaling().send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [PRESET_GROUP.name] }),
    );
    expect(out.AutoScalingGroups).toHaveLength(1);
    const group = out.AutoScalingGroups?.[0];
    expect(group).toMatchObject({
      AutoScalingGroupName: 'web-prod-asg',
      MinSize: 2,
      MaxSize: 20,
      DesiredCapacity: 4,
      LaunchTemplate: { LaunchTemplateId: PRESET_TEMPLATE.id, LaunchTemplateName: 'web-prod', Version: '$Latest' },
    });
    expect(group?.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:.+:autoScalingGroupName\/web-prod-asg$/,
    );
    expect(group?.Instances).toHaveLength(4);
    for (const instance of group?.Instances ?? []) {
      expect(instance).toMatchObject({
        LifecycleState: 'InService',
        HealthStatus: 'Healthy',
        InstanceType: 'm5.large',
      });
      expect(instance.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    }

    const unknown = await autoScaling().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }));
    expect(unknown.AutoScalingGroups).toEqual([]);
  });

  it('sets the desired capacity: new instances are Pending, then InService', async () => {
    const client = autoScaling();
    await client.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: PRESET_GROUP.name,
        DesiredCapacity: 7,
        HonorCooldown: false,
      }),
    );
    const states = async () =>
      (
        await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [PRESET_GROUP.name] }))
      ).AutoScalingGroups?.[0]?.Instances?.map((i) => i.LifecycleState);
    expect(await states()).toEqual([
      'InService',
      'InService',
      'InService',
      'InService',
      'Pending',
      'Pending',
      'Pending',
    ]);
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(7);
    advance(30);
    expect(await states()).toEqual(Array(7).fill('InService'));

    await client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: PRESET_GROUP.name, DesiredCapacity: 5 }));
    expect(cloud.group(PRESET_GROUP.name)?.instances.filter((i) => i.lifecycleState === 'Terminating')).toHaveLength(2);
    advance(30);
    expect(await states()).toEqual(Array(5).fill('InService'));
  });

  it('refuses a capacity above the maximum, an unknown group, and a change during cooldown', async () => {
    const client = autoScaling();
    const above = await failure(
      client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: PRESET_GROUP.name, DesiredCapacity: 25 })),
    );
    expect(above.name).toBe('ValidationError');
    expect(above.message).toBe('New SetDesiredCapacity value 25 is above max value 20 for the AutoScalingGroup.');
    expect(above.$metadata.httpStatusCode).toBe(400);
    expect(above.$fault).toBe('client');
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(4);

    const unknown = await failure(
      client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 3 })),
    );
    expect(unknown.name).toBe('ValidationError');

    await client.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: PRESET_GROUP.name,
        DesiredCapacity: 6,
        HonorCooldown: true,
      }),
    );
    advance(60);
    const cooling = await failure(
      client.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: PRESET_GROUP.name,
          DesiredCapacity: 8,
          HonorCooldown: true,
        }),
      ),
    );
    // Wire code ScalingActivityInProgress; the SDK models it as ScalingActivityInProgressFault.
    expect(cooling).toBeInstanceOf(ScalingActivityInProgressFault);
    expect(cooling.message).toMatch(/^Scaling activity \S+ is in progress and blocks this action$/);
    advance(300);
    await client.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: PRESET_GROUP.name,
        DesiredCapacity: 8,
        HonorCooldown: true,
      }),
    );
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(8);
  });

  it("lets the SDK's own retry ride out throttling (maxAttempts 3, two failures)", async () => {
    cloud.fail('SetDesiredCapacity', { code: 'Throttling', times: 2 });
    const out = await autoScaling({ maxAttempts: 3 }).send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: PRESET_GROUP.name, DesiredCapacity: 6 }),
    );
    expect(out.$metadata.attempts).toBe(3);
    expect(cloud.calls('SetDesiredCapacity').map((c) => [c.status, c.error?.code])).toEqual([
      [400, 'Throttling'],
      [400, 'Throttling'],
      [200, undefined],
    ]);
    expect(cloud.group(PRESET_GROUP.name)?.desired).toBe(6);
  });

  it('surfaces Throttling at once with a single attempt', async () => {
    cloud.fail('DescribeAutoScalingGroups', { code: 'Throttling' });
    const error = await failure(autoScaling().send(new DescribeAutoScalingGroupsCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe('transport', () => {
  it('requires a signed request, in each service dialect', async () => {
    const post = (url: string, body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const ec2Answer = await post(cloud.ec2Url, 'Action=DescribeInstances&Version=2016-11-15');
    expect(ec2Answer.status).toBe(401);
    expect(await ec2Answer.text()).toMatch(
      /^<\?xml[^>]*>\s*<Response><Errors><Error><Code>AuthFailure<\/Code><Message>.+<\/Message><\/Error><\/Errors><RequestID>.+<\/RequestID><\/Response>$/,
    );
    const asAnswer = await post(cloud.autoScalingUrl, 'Action=DescribeAutoScalingGroups&Version=2011-01-01');
    expect(asAnswer.status).toBe(403);
    const text = await asAnswer.text();
    expect(text).toContain(
      '<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>',
    );
    expect(cloud.calls().map((c) => c.error?.code)).toEqual(['AuthFailure', 'MissingAuthenticationToken']);
  });

  it('serves both services at the root too, told apart by the SigV4 credential scope', async () => {
    const client = ec2({ endpoint: cloud.url });
    const out = await client.send(new DescribeInstancesCommand({}));
    expect(out.Reservations?.length).toBeGreaterThan(0);
    const groups = await autoScaling({ endpoint: cloud.url }).send(new DescribeAutoScalingGroupsCommand({}));
    expect(groups.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([PRESET_GROUP.name]);
  });

  it('is reached through AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL_AUTO_SCALING', async () => {
    const saved = { ec2: process.env.AWS_ENDPOINT_URL_EC2, as: process.env.AWS_ENDPOINT_URL_AUTO_SCALING };
    process.env.AWS_ENDPOINT_URL_EC2 = cloud.ec2Url;
    process.env.AWS_ENDPOINT_URL_AUTO_SCALING = cloud.autoScalingUrl;
    try {
      const ec2Client = new EC2Client({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
      const asClient = new AutoScalingClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
      clients.push(ec2Client, asClient);
      await ec2Client.send(new DescribeLaunchTemplatesCommand({}));
      await asClient.send(new DescribeAutoScalingGroupsCommand({}));
      expect(cloud.calls().map((c) => `${c.service}:${c.action}`)).toEqual([
        'ec2:DescribeLaunchTemplates',
        'autoscaling:DescribeAutoScalingGroups',
      ]);
    } finally {
      if (saved.ec2 === undefined) delete process.env.AWS_ENDPOINT_URL_EC2;
      else process.env.AWS_ENDPOINT_URL_EC2 = saved.ec2;
      if (saved.as === undefined) delete process.env.AWS_ENDPOINT_URL_AUTO_SCALING;
      else process.env.AWS_ENDPOINT_URL_AUTO_SCALING = saved.as;
    }
  });
});

describe('test helpers', () => {
  it('notifies changes, adds groups, and resets to the preset account', async () => {
    let changes = 0;
    const unsubscribe = cloud.onChange(() => changes++);
    await ec2().send(new RunInstancesCommand(launchWeb()));
    expect(changes).toBe(1);
    unsubscribe();
    await ec2().send(new RunInstancesCommand(launchWeb()));
    expect(changes).toBe(1);

    const group = cloud.addGroup({ name: 'api-asg', min: 1, max: 3, desired: 2, tags: { team: 'api' } });
    expect(group.instances.map((i) => i.lifecycleState)).toEqual(['InService', 'InService']);
    const described = await autoScaling().send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['api-asg'] }),
    );
    expect(described.AutoScalingGroups?.[0]?.Tags).toEqual([
      { ResourceId: 'api-asg', ResourceType: 'auto-scaling-group', Key: 'team', Value: 'api', PropagateAtLaunch: true },
    ]);
    cloud.fail('*', { code: 'InternalError' });

    cloud.reset();
    expect(cloud.calls()).toEqual([]);
    expect(cloud.group('api-asg')).toBeUndefined();
    expect(cloud.group(PRESET_GROUP.name)?.instances).toHaveLength(4);
    expect(cloud.instances()).toHaveLength(4);
    await ec2().send(new DescribeInstancesCommand({})); // the queued fault is gone
  });

  it('with the real clock, notifies again once launched instances are running', async () => {
    const realTime = await FakeCloud.start({ launchSeconds: 0.05 });
    try {
      let changes = 0;
      realTime.onChange(() => changes++);
      const client = new EC2Client({
        region: 'us-east-1',
        credentials: CREDENTIALS,
        endpoint: realTime.ec2Url,
        maxAttempts: 1,
      });
      clients.push(client);
      await client.send(new RunInstancesCommand(launchWeb()));
      expect(changes).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(changes).toBe(2);
      expect(
        realTime
          .instances({ clientToken: realTime.calls('RunInstances')[0]?.params.ClientToken as string })
          .map((i) => i.state),
      ).toEqual(['running', 'running']);
    } finally {
      await realTime.stop();
    }
  });

  it('answers a wildcard fault with InternalError, HTTP 500, in either dialect', async () => {
    cloud.fail('*', { code: 'InternalError', times: 2 });
    const ec2Error = await failure(ec2().send(new DescribeInstancesCommand({})));
    const asError = await failure(autoScaling().send(new DescribeAutoScalingGroupsCommand({})));
    expect([ec2Error.name, ec2Error.$metadata.httpStatusCode, ec2Error.$fault]).toEqual([
      'InternalError',
      500,
      'server',
    ]);
    expect([asError.name, asError.$metadata.httpStatusCode, asError.$fault]).toEqual(['InternalError', 500, 'server']);
  });
});
