// Who may scale, before anything else: a request that a guardrail can refuse without knowing the target's
// capacity is refused before any AWS call — from /scale, the card's button and the Scale… form alike.
// Real HTTP server, real Bolt receiver, real AWS SDK clients against the local cloud, which logs every call.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { SCALE_FIELDS, VIEWS } from '../../src/slack/ids';
import { BOT_TOKEN, eventually, startHarness, type Harness } from '../support/harness';
import { incidentWithCard as cardAfterAlert, localAwsClients, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(30_000);

const POLICY = scalingPolicy({ webCooldownSeconds: 600, webGroups: ['oncall-web'], webOnly: true });

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let h: Harness;

beforeEach(async () => {
  cloud = await FakeCloud.start({ launchSeconds: 0.3 });
  ({ ec2, autoScaling } = localAwsClients(cloud));
  h = await startHarness({ policy: POLICY, aws: { ec2, autoScaling } });
});
afterEach(async () => {
  await h.stop();
  ec2.destroy();
  autoScaling.destroy();
  await cloud.stop();
});

/** An incident whose card shows web's capacity: the card's own capacity read is over before we count. */
const incidentWithCard = () => cardAfterAlert(h, '*web*: 0 running');

async function commandReply(channelId: string, text: string, userId: string): Promise<string> {
  const before = h.slack.responses.length;
  await h.slack.slashCommand({ command: '/scale', text, userId, channelId });
  const body = await eventually(
    () => h.slack.responses[before]?.body as { text: string } | undefined,
    `the answer to /scale ${text}`,
  );
  return body.text;
}

/** Someone joins the channel (Slack's side; the fake has no button for it, so through its Web API). */
async function joinChannel(channelId: string, userId: string): Promise<void> {
  const response = await fetch(`${h.slack.apiUrl}conversations.invite`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: channelId, users: userId }),
  });
  expect(await response.json()).toMatchObject({ ok: true });
}

async function refusedRules(): Promise<string[]> {
  return (await h.firebreak.store.timeline.list(1))
    .filter((e) => e.type === 'scale.refused')
    .map((e) => (e.data as { rule: string }).rule);
}

it('someone outside allowedUserGroups is refused before any AWS call: /scale, the card button and the Scale… form', async () => {
  const { channel, card } = await incidentWithCard();
  await joinChannel(channel.id, 'U0CAROL'); // she reads the channel, so the form's answer can reach her there
  const awsCalls = cloud.calls().length;

  expect(await commandReply(channel.id, 'web +2', 'U0CAROL')).toContain(
    'scaling web is limited to members of @oncall-web',
  );

  const responses = h.slack.responses.length;
  await h.slack.clickButton({
    userId: 'U0CAROL',
    channelId: channel.id,
    messageTs: card.ts,
    actionId: 'scale_out:web:4',
  });
  const clicked = await eventually(
    () => h.slack.responses[responses]?.body as { text: string } | undefined,
    'the answer to the click',
  );
  expect(clicked.text).toContain('scaling web is limited to members of @oncall-web');

  await h.slack.clickButton({ userId: 'U0CAROL', channelId: channel.id, messageTs: card.ts, actionId: 'scale_custom' });
  await eventually(() => h.slack.views('U0CAROL').length > 0, 'the Scale… form');
  const ephemerals = h.slack.ephemerals.length;
  await h.slack.submitView({
    userId: 'U0CAROL',
    callbackId: VIEWS.scaleCustom,
    values: {
      [SCALE_FIELDS.target.block]: {
        [SCALE_FIELDS.target.action]: { type: 'static_select', selected_option: { value: 'web' } },
      },
      [SCALE_FIELDS.amount.block]: { [SCALE_FIELDS.amount.action]: { type: 'plain_text_input', value: '+3' } },
      [SCALE_FIELDS.reason.block]: { [SCALE_FIELDS.reason.action]: { type: 'plain_text_input', value: 'flash sale' } },
    },
  });
  const answered = await eventually(
    () =>
      h.slack.ephemerals
        .slice(ephemerals)
        .find((e) => e.user === 'U0CAROL' && e.text.includes('limited to members of @oncall-web')),
    'the answer to the form',
  );
  expect(answered.channel).toBe(channel.id);

  expect(cloud.calls().slice(awsCalls)).toEqual([]);
  expect(await refusedRules()).toEqual(['not_allowed', 'not_allowed', 'not_allowed']);
});

it('max step (on a relative change), one active operation and cooldown refuse before any AWS call', async () => {
  const { channel } = await incidentWithCard();
  let awsCalls = cloud.calls().length;
  expect(await commandReply(channel.id, 'web +7', 'U0ALICE')).toContain(
    'one request may add at most 6 instances to web (max step); asked for +7',
  );
  expect(cloud.calls().slice(awsCalls)).toEqual([]);

  expect(await commandReply(channel.id, 'web +2', 'U0ALICE')).toContain('web');
  await eventually(
    async () => (await h.firebreak.store.scaleOperations.latestForTarget('web'))?.status === 'completed',
    'web at 2',
    15_000,
  );
  await eventually(async () => (await h.firebreak.store.outbox.depth()) === 0, 'the outbox to drain');

  awsCalls = cloud.calls().length;
  expect(await commandReply(channel.id, 'web +2', 'U0BOB')).toMatch(
    /web was scaled \d+ s ago; wait \d+ s more \(cooldown 600 s\)/,
  );
  expect(cloud.calls().slice(awsCalls)).toEqual([]);
  expect(await refusedRules()).toEqual(['max_step', 'cooldown']);
});

it('someone allowed is still told about rules that need the capacity, after reading it', async () => {
  const { channel } = await incidentWithCard();
  const awsCalls = cloud.calls().length;
  expect(await commandReply(channel.id, 'web 13', 'U0ALICE')).toContain('web can grow to at most 12 instances');
  expect(
    cloud
      .calls()
      .slice(awsCalls)
      .map((c) => c.action),
  ).toEqual(['DescribeInstances']);
});
