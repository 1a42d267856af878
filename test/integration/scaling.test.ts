// Scaling through the real HTTP server, the real Bolt receiver and the real AWS SDK clients against the
// simulated cloud (EC2 and Auto Scaling Query APIs): guardrails before any call, one launch per click.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { SCALE_FORMS } from '../../src/slack/listeners/commands/usage';
import { eventually, startHarness, type Harness } from '../support/harness';
import { incidentWithCard as cardAfterAlert, localAwsClients, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(30_000);

const POLICY = scalingPolicy({ asgGroups: ['oncall-web'] });

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let h: Harness;

beforeEach(async () => {
  // Instances start in 0.3 s; the double-click test needs the first launch still running when the second
  // click lands, however slow the machine, so its instances take a minute.
  const slowLaunch = expect.getState().currentTestName?.includes('while the first is running') ?? false;
  cloud = await FakeCloud.start({ launchSeconds: slowLaunch ? 60 : 0.3 });
  ({ ec2, autoScaling } = localAwsClients(cloud));
  h = await startHarness({ policy: POLICY, aws: { ec2, autoScaling } });
});
afterEach(async () => {
  await h.stop();
  ec2.destroy();
  autoScaling.destroy();
  await cloud.stop();
});

// The card is posted first and edited once web's capacity is read (the read no longer holds up the card).
const incidentWithCard = () => cardAfterAlert(h, '*web*: 0 running');

const runInstances = () => cloud.calls('RunInstances').filter((c) => c.status === 200);
const card = (channelId: string, includes: string) =>
  eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
    15_000,
  );

it('a signed "Scale out +4" click launches 4 instances from the launch template, once, and the card follows capacity', async () => {
  const { channel, card: pinned } = await incidentWithCard();
  expect(JSON.stringify(pinned.blocks)).toContain('Scale out +4');
  const click = await h.slack.clickButton({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'scale_out:web:4',
  });
  expect(click.status).toBe(200);
  await eventually(() => runInstances().length === 1, 'RunInstances');
  const call = runInstances()[0]!;
  expect(call.params).toMatchObject({
    'LaunchTemplate.LaunchTemplateId': 'lt-0web00000000000',
    MinCount: '4',
    MaxCount: '4',
  });
  expect(call.params.ClientToken).toMatch(/^fb-scale-inc-1-web/);

  await card(channel.id, 'web is at 4 instances');
  const types = (await h.firebreak.store.timeline.list(1)).map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['scale.requested', 'scale.started', 'scale.completed']));
  const requested = (await h.firebreak.store.timeline.list(1)).find((e) => e.type === 'scale.requested');
  expect(requested).toMatchObject({ actor: { kind: 'user', id: 'U0ALICE' }, data: { target: 'web', from: 0, to: 4 } });
});

it('the same click delivered twice (a Slack retry) launches once', async () => {
  const { channel, card: pinned } = await incidentWithCard();
  const body = {
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'scale_out:web:4',
    actionTs: '1700000000.000100',
  };
  await h.slack.clickButton(body);
  await h.slack.clickButton(body);
  await eventually(() => runInstances().length === 1, 'RunInstances');
  await h.drained();
  expect(runInstances()).toHaveLength(1);
  expect((await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'scale.requested')).toHaveLength(1);
});

it('a double click while the first is running is refused as in progress, with no second launch', async () => {
  const { channel, card: pinned } = await incidentWithCard();
  await Promise.all([
    h.slack.clickButton({
      userId: 'U0ALICE',
      channelId: channel.id,
      messageTs: pinned.ts,
      actionId: 'scale_out:web:4',
    }),
    h.slack.clickButton({
      userId: 'U0ALICE',
      channelId: channel.id,
      messageTs: pinned.ts,
      actionId: 'scale_out:web:4',
    }),
  ]);
  await eventually(() => runInstances().length === 1, 'RunInstances');
  const refusedNow = () => h.slack.responses.filter((r) => JSON.stringify(r.body).includes('being scaled right now'));
  const refusals = await eventually(refusedNow, 'the refusal');
  expect(refusals).toHaveLength(1);
  await h.drained();
  expect(runInstances()).toHaveLength(1);
});

it('guardrails refuse before any AWS call, naming the rule and the numbers', async () => {
  const { channel } = await incidentWithCard();
  const callsBefore = cloud.calls('RunInstances').length + cloud.calls('SetDesiredCapacity').length;
  const reply = async (text: string, userId = 'U0CAROL') => {
    const before = h.slack.responses.length;
    await h.slack.slashCommand({ command: '/scale', text, userId, channelId: channel.id });
    return eventually(
      () => h.slack.responses[before]?.body as { text: string } | undefined,
      `the answer to /scale ${text}`,
    );
  };
  expect((await reply('web +8')).text).toContain('at most 6 instances to web (max step)');
  expect((await reply('web 13')).text).toContain('at most 12 instances');
  expect((await reply('web-asg +2')).text).toContain('limited to members of @oncall-web');
  expect((await reply('web-asg -3', 'U0ALICE')).text).toContain('may not go below 2 instances (min)');
  expect((await reply('db +1')).text).toContain('db');
  expect(cloud.calls('RunInstances').length + cloud.calls('SetDesiredCapacity').length).toBe(callsBefore);
  const refused = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'scale.refused');
  expect(refused.map((e) => (e.data as { rule: string }).rule)).toEqual(['max_step', 'max', 'not_allowed', 'min']);
});

it('cooldown: a second change within the cooldown is refused', async () => {
  const { channel } = await incidentWithCard();
  await h.slack.slashCommand({
    command: '/scale',
    text: 'web-asg +2 flash sale',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  await eventually(() => cloud.calls('SetDesiredCapacity').length === 1, 'SetDesiredCapacity');
  expect(cloud.calls('SetDesiredCapacity')[0]!.params).toMatchObject({
    AutoScalingGroupName: 'web-prod-asg',
    DesiredCapacity: '6',
  });
  await eventually(
    async () => (await h.firebreak.store.timeline.list(1)).some((e) => e.type === 'scale.completed'),
    'the group at 6',
    15_000,
  );
  await h.slack.slashCommand({ command: '/scale', text: 'web-asg +2', userId: 'U0ALICE', channelId: channel.id });
  const answer = await eventually(
    () => h.slack.responses.find((r) => JSON.stringify(r.body).includes('cooldown')),
    'the cooldown refusal',
  );
  expect(JSON.stringify(answer.body)).toMatch(/wait \d+ s more \(cooldown 600 s\)/);
  expect(cloud.calls('SetDesiredCapacity')).toHaveLength(1);
});

it('AWS refusing the launch (InsufficientInstanceCapacity) is scale.failed on the card, with AWS’s reason', async () => {
  const { channel, card: pinned } = await incidentWithCard();
  cloud.fail('RunInstances', {
    code: 'InsufficientInstanceCapacity',
    status: 400,
    message: 'We currently do not have sufficient m5.large capacity in the Availability Zone you requested.',
    times: 5,
  });
  await h.slack.clickButton({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'scale_out:web:4',
  });
  await card(channel.id, 'InsufficientInstanceCapacity');
  const failed = (await h.firebreak.store.timeline.list(1)).find((e) => e.type === 'scale.failed');
  expect(JSON.stringify(failed?.data)).toContain('sufficient m5.large capacity');
  expect(cloud.instances({ state: 'running' }).length + cloud.instances({ state: 'pending' }).length).toBe(
    4 /* the preset group's */,
  );
});

it('dry run asks AWS and launches nothing', async () => {
  const { channel } = await incidentWithCard();
  await h.slack.slashCommand({ command: '/scale', text: 'canary +2', userId: 'U0ALICE', channelId: channel.id });
  await eventually(
    async () =>
      (await h.firebreak.store.timeline.list(1)).some(
        (e) => e.type === 'scale.completed' && (e.data as { dryRun?: boolean }).dryRun,
      ),
    'the dry run',
  );
  expect(cloud.calls('RunInstances')[0]?.params.DryRun).toBe('true');
  expect(cloud.instances({ state: 'pending' })).toHaveLength(0);
});

it('scale-in terminates only the instances Firebreak launched', async () => {
  const { channel, card: pinned } = await incidentWithCard();
  await h.slack.clickButton({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'scale_out:web:4',
  });
  await card(channel.id, 'web is at 4 instances');
  const ours = runInstances().length;
  expect(ours).toBe(1);
  await h.slack.slashCommand({ command: '/scale', text: 'web -2', userId: 'U0ALICE', channelId: channel.id });
  await eventually(() => cloud.calls('TerminateInstances').length === 1, 'TerminateInstances');
  const terminated = Object.entries(cloud.calls('TerminateInstances')[0]!.params)
    .filter(([k]) => k.startsWith('InstanceId.'))
    .map(([, v]) => v);
  expect(terminated).toHaveLength(2);
  const group = cloud.group('web-prod-asg');
  const groupIds = new Set(
    (group?.instances ?? []).map((i: { id?: string; instanceId?: string }) => i.id ?? i.instanceId),
  );
  for (const id of terminated) expect(groupIds.has(id)).toBe(false);
  await card(channel.id, 'web is at 2 instances');
});

it('/scale with bad input answers with the usage, only to the user', async () => {
  const { channel } = await incidentWithCard();
  // What the person sees, whether it came in the acknowledgement or through the response URL.
  const answer = await h.slack.commandAnswer({
    command: '/scale',
    text: 'web lots',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  expect(answer.response_type).toBe('ephemeral');
  expect(answer.text).toContain('"lots" is not a number of instances');
  expect(answer.text).toContain('/scale <target> <+N|-N|N> [reason]');
  const targets = await h.slack.slashCommand({
    command: '/scale',
    text: 'targets',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  expect(targets.body.text).toContain('*web-asg* — Auto Scaling group web-prod-asg; 2–20 instances');
  // `/scale help` is help, not a complaint: every form, answered in the acknowledgement.
  const help = await h.slack.slashCommand({
    command: '/scale',
    text: 'help',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  expect(help.body).toMatchObject({ response_type: 'ephemeral' });
  expect(help.body.text).not.toContain(':warning:');
  for (const { form } of SCALE_FORMS) expect(help.body.text).toContain(form);
});
