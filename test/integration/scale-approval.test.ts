// Approval for risky scaling, through the real signed Slack path against the local Slack and the local cloud:
// a scale-out over the target's threshold is posted for approval and reaches the cloud only once a member of the
// approvers' group (not the requester) approves — once, across double clicks and a restart.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FakeCloud } from '../../src/sandbox/fake-cloud';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { adjustableClock, eventually, startHarness, type Harness } from '../support/harness';
import { startLossyProxy } from '../support/lossy-proxy';
import { closeScalingWorld, incidentWithCard, openScalingWorld, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(40_000);

// `web` (0 instances, max 12): anything that would leave it above 2 instances needs @oncall-web (Alice, Bob).
const POLICY = scalingPolicy({ webOnly: true }).replace(
  'services: [web]',
  'services: [web]\n    approval: { above: 2, approvers: oncall-web, expiresMinutes: 10 }',
);

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let slack: FakeSlack;
let dir: string;
let h: Harness;
const clock = adjustableClock();

beforeEach(async () => {
  ({ cloud, ec2, autoScaling, slack, dir } = await openScalingWorld('approval', 0.3));
  h = await start();
});
afterEach(async () => {
  await h.stop();
  await closeScalingWorld({ cloud, ec2, autoScaling, slack, dir });
});

function start(): Promise<Harness> {
  return startHarness({ policy: POLICY, aws: { ec2, autoScaling }, slack, dir, clock });
}

const runInstances = () => cloud.calls('RunInstances').filter((c) => c.status === 200);

/** The approval request as posted in the channel, once it shows `includes`. */
function approvalMessage(channelId: string, includes: string) {
  return eventually(
    () =>
      slack
        .messages(channelId)
        .find((m) => JSON.stringify(m.blocks ?? []).includes('scale_approval') && m.text.includes(includes)),
    `the approval request to show "${includes}"`,
    15_000,
  );
}

/** Clicks a button and returns what that person alone is told (the ephemeral answer). */
async function clickAnswer(input: { userId: string; channelId: string; messageTs: string; actionId: string }) {
  const before = slack.responses.length;
  const reply = await slack.clickButton(input);
  expect(reply.status).toBe(200);
  const body = await eventually(() => slack.responses[before]?.body as { text: string } | undefined, 'the answer');
  return body.text;
}

/** Two clicks delivered at once (a double click, or two people): both answers, in either order. */
async function clickBoth(
  a: { userId: string; channelId: string; messageTs: string; actionId: string },
  b: { userId: string; channelId: string; messageTs: string; actionId: string },
): Promise<string[]> {
  const before = slack.responses.length;
  const replies = await Promise.all([slack.clickButton(a), slack.clickButton(b)]);
  expect(replies.map((r) => r.status)).toEqual([200, 200]);
  await eventually(() => slack.responses.length >= before + 2, 'both answers');
  return slack.responses.slice(before, before + 2).map((r) => (r.body as { text: string }).text);
}

async function askForEight() {
  const { channel, card } = await incidentWithCard(h, 'Scale out +4');
  // Alice asks for +4 twice over: 0 → 4 is above the threshold of 2.
  const asked = await clickAnswer({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: card.ts,
    actionId: 'scale_out:web:4',
  });
  expect(asked).toContain('needs approval by @oncall-web');
  const message = await approvalMessage(channel.id, 'Waiting for @oncall-web');
  return { channel, message };
}

it('a request over the threshold waits for approval: nothing reaches the cloud, then one launch after Bob approves', async () => {
  const { channel, message } = await askForEight();
  expect(message.text).toContain('<@U0ALICE> asks to scale *web* from 0 to *4* instances');
  await h.drained();
  expect(runInstances()).toHaveLength(0);

  // The requester cannot approve her own request; Carol is not in @oncall-web.
  const own = await clickAnswer({
    userId: 'U0ALICE',
    channelId: channel.id,
    messageTs: message.ts,
    actionId: 'scale_approve',
  });
  expect(own).toContain('you asked for this scale-out, so you cannot approve it yourself');
  const outsider = await clickAnswer({
    userId: 'U0CAROL',
    channelId: channel.id,
    messageTs: message.ts,
    actionId: 'scale_approve',
  });
  expect(outsider).toContain('only members of @oncall-web may approve this request');
  await h.drained();
  expect(runInstances()).toHaveLength(0);

  // Bob approves twice at once (a double click): one launch.
  const bobApproves = { userId: 'U0BOB', channelId: channel.id, messageTs: message.ts, actionId: 'scale_approve' };
  const [first = '', second = ''] = await clickBoth(bobApproves, bobApproves);
  expect([first, second].filter((t) => t.includes('Approved: scaling *web* from 0 to 4'))).toHaveLength(1);
  expect([first, second].filter((t) => t.includes('already approved by <@U0BOB>'))).toHaveLength(1);
  await eventually(() => runInstances().length === 1, 'RunInstances');
  await approvalMessage(channel.id, 'Approved by <@U0BOB>');
  await h.drained();
  expect(runInstances()).toHaveLength(1);
  expect(runInstances()[0]?.params).toMatchObject({ MinCount: '4', MaxCount: '4' });
  // The approved message has no buttons left.
  const decided = await approvalMessage(channel.id, 'Approved by');
  expect(JSON.stringify(decided.blocks)).not.toContain('scale_approve');

  const events = await h.firebreak.store.timeline.list(1);
  const types = events.map((e) => e.type);
  expect(types).toEqual(
    expect.arrayContaining(['scale.approval_requested', 'scale.approved', 'scale.requested', 'scale.started']),
  );
  expect(types.indexOf('scale.approved')).toBeLessThan(types.indexOf('scale.requested'));
  expect(events.find((e) => e.type === 'scale.approved')).toMatchObject({ actor: { kind: 'user', id: 'U0BOB' } });
  // The operation is still Alice's: she asked, Bob allowed it.
  expect(events.find((e) => e.type === 'scale.requested')).toMatchObject({ actor: { id: 'U0ALICE' } });
});

it('Deny and Approve at once: exactly one decides; a denied request never reaches the cloud', async () => {
  const { channel, message } = await askForEight();
  const click = (actionId: string) => ({ userId: 'U0BOB', channelId: channel.id, messageTs: message.ts, actionId });
  // Whichever the store takes first decides; the other is told it came too late.
  const answers = await clickBoth(click('scale_deny'), click('scale_approve'));
  const deniedFirst = answers.some((t) => t.includes('Denied: web stays as it is'));
  expect(answers.filter((t) => /^:(white_check_mark|no_entry): (Approved|Denied):/.test(t))).toHaveLength(1);
  expect(answers.filter((t) => /already (denied|approved) by <@U0BOB>/.test(t))).toHaveLength(1);
  const decided = await approvalMessage(channel.id, deniedFirst ? 'Denied by <@U0BOB>' : 'Approved by <@U0BOB>');
  expect(JSON.stringify(decided.blocks)).not.toContain('scale_approve');
  if (!deniedFirst) await eventually(() => runInstances().length === 1, 'RunInstances');
  await h.drained();
  expect(runInstances()).toHaveLength(deniedFirst ? 0 : 1);
  const types = (await h.firebreak.store.timeline.list(1)).map((e) => e.type);
  expect(types.filter((t) => t === 'scale.denied' || t === 'scale.approved')).toEqual([
    deniedFirst ? 'scale.denied' : 'scale.approved',
  ]);
  if (deniedFirst) expect(types).not.toContain('scale.requested');
});

it('an unanswered request expires by its stored due time: the message says so and loses its buttons', async () => {
  const { channel } = await askForEight();
  clock.advance(11 * 60_000);
  const expired = await approvalMessage(channel.id, 'Expired at');
  expect(expired.text).toContain('Ask again with `/scale web +4`');
  expect(JSON.stringify(expired.blocks)).not.toContain('scale_approve');
  await h.drained();
  expect(runInstances()).toHaveLength(0);
  expect((await h.firebreak.store.timeline.list(1)).map((e) => e.type)).toContain('scale.approval_expired');
});

it('a restart with a request pending keeps it: approved after the restart (a double click), it scales once', async () => {
  const { channel, message } = await askForEight();
  await h.drained();
  await h.stop();
  h = await start();
  expect(runInstances()).toHaveLength(0);
  const bobApproves = { userId: 'U0BOB', channelId: channel.id, messageTs: message.ts, actionId: 'scale_approve' };
  const answers = await clickBoth(bobApproves, bobApproves);
  expect(answers.filter((t) => t.includes('Approved: scaling *web*'))).toHaveLength(1);
  expect(answers.filter((t) => t.includes('already approved by <@U0BOB>'))).toHaveLength(1);
  await eventually(() => runInstances().length === 1, 'RunInstances');
  await approvalMessage(channel.id, 'Approved by <@U0BOB>');
  await h.drained();
  expect(runInstances()).toHaveLength(1);
});

it('when Slack posted the approval request but its answer was lost, the retry finds it instead of asking twice', async () => {
  await h.stop();
  const proxy = await startLossyProxy(slack.apiUrl);
  try {
    let lost = 0;
    proxy.setFault((method, body) => {
      if (method !== 'chat.postMessage' || !decodeURIComponent(body).includes('firebreak_scale_approval')) return null;
      lost += 1;
      return lost === 1 ? 'lose-answer' : null;
    });
    h = await startHarness({
      policy: POLICY,
      aws: { ec2, autoScaling },
      slack,
      dir,
      // On time with Slack: the retry looks for the request posted since its job was made, by Slack's clock
      // (the module's clock was moved on by the expiry test).
      clock: adjustableClock(),
      env: { SLACK_API_URL: proxy.apiUrl },
    });
    const { channel } = await askForEight();
    await eventually(() => lost === 1, 'the lost answer');
    await h.drained();
    const requests = slack.messages(channel.id).filter((m) => m.metadata?.event_type === 'firebreak_scale_approval');
    expect(requests).toHaveLength(1);
    expect(runInstances()).toHaveLength(0);
  } finally {
    await h.stop();
    await proxy.stop();
    h = await start();
  }
});

it('/scale outside an incident channel asks for approval where it was used (the bot joins the public channel)', async () => {
  const answer = await slack.commandAnswer({
    command: '/scale',
    text: 'web +4 warming up for the sale',
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  expect(answer.text).toContain('needs approval by @oncall-web');
  const message = await approvalMessage('C0GENERAL', 'Waiting for @oncall-web');
  expect(message.text).toContain('warming up for the sale');
  expect(message.text).not.toContain('for INC-');
  const approved = await clickAnswer({
    userId: 'U0BOB',
    channelId: 'C0GENERAL',
    messageTs: message.ts,
    actionId: 'scale_approve',
  });
  expect(approved).toContain('Approved: scaling *web* from 0 to 4');
  await eventually(() => runInstances().length === 1, 'RunInstances');
  await h.drained();
  expect(runInstances()).toHaveLength(1);
});
