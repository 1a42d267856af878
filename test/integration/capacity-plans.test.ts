// Planned capacity for a known event, end to end through the signed Slack path against the local Slack and the
// local cloud, on an advanceable clock: proposed by anyone, announced in #incidents, confirmed by one of the
// target's approvers (not the proposer), pre-scaled leadMinutes before it starts — not a minute earlier, and once
// across a restart — and offered to scale back when it ends, which scales back once however many click.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FakeCloud } from '../../src/sandbox/fake-cloud';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { adjustableClock, eventually, startHarness, type Harness } from '../support/harness';
import { closeScalingWorld, openScalingWorld, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const MINUTE = 60_000;
// `web` (0 instances, max 12, maxStep 6): anything above 2 instances needs @oncall-web (Alice, Bob); Carol is not in it.
// `web-asg` (the local cloud's preset group, 4 instances) and `canary` have no approval rules.
const POLICY = `${scalingPolicy().replace(
  'services: [web]',
  'services: [web]\n    approval: { above: 2, approvers: oncall-web, expiresMinutes: 10 }',
)}capacityPlans:\n  leadMinutes: 30\n`;

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let slack: FakeSlack;
let dir: string;
let h: Harness;
let clock: ReturnType<typeof adjustableClock>;

beforeEach(async () => {
  ({ cloud, ec2, autoScaling, slack, dir } = await openScalingWorld('capacity', 0.2));
  clock = adjustableClock();
  h = await start();
});
afterEach(async () => {
  await h.stop();
  await closeScalingWorld({ cloud, ec2, autoScaling, slack, dir });
});

function start(): Promise<Harness> {
  return startHarness({ policy: POLICY, aws: { ec2, autoScaling }, slack, dir, clock });
}

/** A whole minute `ms` from Firebreak's now, as typed in UTC (`2027-02-15T11:00Z`). */
function minuteFromNow(ms: number): { at: Date; typed: string } {
  const at = new Date(Math.ceil((clock.now().getTime() + ms) / MINUTE) * MINUTE);
  return { at, typed: `${at.toISOString().slice(0, 16)}Z` };
}

/** Moves Firebreak's clock to `at` and lets it do whatever is due by then. */
async function advanceTo(at: Date): Promise<void> {
  clock.advance(at.getTime() - clock.now().getTime());
  h.firebreak.outbox.wake();
  await h.drained();
}

const capacity = (text: string, userId = 'U0ALICE') =>
  slack.commandAnswer({ command: '/capacity', text, userId, channelId: 'C0GENERAL' }) as Promise<{ text: string }>;

const runInstances = () => cloud.calls('RunInstances').filter((c) => c.status === 200);
const terminations = () => cloud.calls('TerminateInstances').filter((c) => c.status === 200);

/** A message in #incidents whose blocks carry `blockId` and whose text shows `includes`. */
function incidentsMessage(blockId: string, includes: string) {
  return eventually(
    () =>
      slack
        .messages('C0INCIDENTS')
        .find((m) => JSON.stringify(m.blocks ?? []).includes(`"${blockId}"`) && m.text.includes(includes)),
    `the ${blockId} message to show "${includes}"`,
    15_000,
  );
}

/** Clicks a button and returns what that person alone is told. */
async function clickAnswer(userId: string, messageTs: string, actionId: string, value: string): Promise<string> {
  const before = slack.responses.length;
  const reply = await slack.clickButton({ userId, channelId: 'C0INCIDENTS', messageTs, actionId, value });
  expect(reply.status).toBe(200);
  const body = await eventually(() => slack.responses[before]?.body as { text: string } | undefined, 'the answer');
  return body.text;
}

it('plan → announce → confirmed by an approver → pre-scaled at its minute, once across a restart → scale-back offered and done once', async () => {
  const event = minuteFromNow(3 * 60 * MINUTE);
  const answer = await capacity(`plan web 4 at ${event.typed} for 3h Spring flash sale`);
  expect(answer.text).toContain('Planned *CAP-1*: web at 4');
  expect(answer.text).toContain('a member of @oncall-web (not you) must confirm it');

  const announced = await incidentsMessage('capacity_plan', 'Waiting for @oncall-web to confirm');
  expect(announced.text).toContain('Planned capacity CAP-1: Spring flash sale');
  expect(announced.text).toContain('*web* at *4* instances');
  expect(announced.text).toContain('(3 h), proposed by <@U0ALICE>');

  // The proposer cannot confirm her own plan; Carol is not an approver; Bob confirms.
  expect(await clickAnswer('U0ALICE', announced.ts, 'capacity_confirm', '1')).toContain(
    'you proposed CAP-1, so you cannot confirm it yourself',
  );
  expect(await clickAnswer('U0CAROL', announced.ts, 'capacity_confirm', '1')).toContain(
    'only members of @oncall-web may confirm CAP-1',
  );
  expect(await clickAnswer('U0BOB', announced.ts, 'capacity_confirm', '1')).toContain('Confirmed CAP-1');
  const confirmed = await incidentsMessage('capacity_plan', 'Confirmed by <@U0BOB>');
  expect(JSON.stringify(confirmed.blocks)).not.toContain('capacity_confirm');

  // A minute before the pre-scale: nothing has reached the cloud.
  const prescale = new Date(event.at.getTime() - 30 * MINUTE);
  await advanceTo(new Date(prescale.getTime() - MINUTE));
  expect(runInstances()).toHaveLength(0);

  // Stopped with the pre-scale pending; a new Firebreak on the same store runs it at its minute, once.
  await h.stop();
  h = await start();
  await advanceTo(new Date(prescale.getTime() + 1000));
  await eventually(() => runInstances().length === 1, 'the pre-scale');
  expect(runInstances()[0]?.params).toMatchObject({ MinCount: '4', MaxCount: '4' });
  await incidentsMessage('capacity_plan', 'Pre-scaled at');
  await eventually(
    async () => (await h.firebreak.store.scaleOperations.findById(1))?.status === 'completed',
    'the pre-scale to complete',
  );
  // Its check records it done (and would have said so had the cloud refused it).
  await eventually(
    async () =>
      (await h.firebreak.store.capacityPlans.findById(1))?.steps.some((s) => s.what === 'pre-scale done: 4 running'),
    'the pre-scale recorded as done',
  );
  // Another restart after it ran changes nothing.
  await h.stop();
  h = await start();
  h.firebreak.outbox.wake();
  await h.drained();
  expect(runInstances()).toHaveLength(1);
  const operation = await h.firebreak.store.scaleOperations.findById(1);
  expect(operation).toMatchObject({ from: 0, to: 4, requestedBy: { id: 'U0BOB' } });

  // After the end: the offer to scale back to what it had before; two clicks at once scale back once.
  await advanceTo(new Date(event.at.getTime() + 3 * 60 * MINUTE + 1000));
  const offer = await incidentsMessage('capacity_scale_back', 'was pre-scaled from 0 to 4');
  expect(JSON.stringify(offer.blocks)).toContain('Scale back to 0');
  await incidentsMessage('capacity_plan', 'Ended at');
  const before = slack.responses.length;
  await Promise.all(
    ['U0ALICE', 'U0BOB'].map((userId) =>
      slack.clickButton({
        userId,
        channelId: 'C0INCIDENTS',
        messageTs: offer.ts,
        actionId: 'capacity_scale_back',
        value: '1',
      }),
    ),
  );
  await eventually(() => slack.responses.length >= before + 2, 'both answers');
  await eventually(() => terminations().length === 1, 'the scale-back');
  await incidentsMessage('capacity_scale_back', 'Scaling back to 0 (operation #2)');
  await h.drained();
  expect(terminations()).toHaveLength(1);
  expect(runInstances()).toHaveLength(1);

  const plan = await h.firebreak.store.capacityPlans.findById(1);
  expect(plan).toMatchObject({ state: 'ended', prescaleOperationId: 1, scaleBackTo: 0, scaleBackOperationId: 2 });
  expect(plan?.steps.map((s) => s.what)).toEqual([
    'proposed web at 4',
    'confirmed',
    'pre-scaled web 0 → 4 (operation #1)',
    'pre-scale done: 4 running',
    'ended',
    'scale-back offered',
    'scale-back to 0 asked (operation #2)',
  ]);
});

it('wrong input is answered with the problem and the right form; list, cancel, the form, a target confirmed by its proposal, an unconfirmed plan and one pre-scaled in steps', async () => {
  const later = minuteFromNow(5 * 60 * MINUTE);
  const usage = '/capacity plan <target> <count> at <YYYY-MM-DD HH:MM> for <duration> [lead <duration>] [name]';
  const wrong = async (text: string, says: string) => {
    const reply = await capacity(text);
    expect(reply.text).toContain(says);
    expect(reply.text).toContain(usage);
  };
  await wrong(
    `plan nope 4 at ${later.typed} for 3h`,
    'there is no scale target "nope"; the targets are web, web-asg, canary',
  );
  await wrong('plan web 4 at 2020-01-01 10:00 for 3h', 'is in the past');
  await wrong(`plan web 50 at ${later.typed} for 3h`, 'web can grow to at most 12 instances (its max)');
  await wrong('plan web 4 at tomorrow for 3h', '"tomorrow" is not a time');
  await wrong(`plan web 4 at ${later.typed} for soon`, '"soon" is not a duration');
  await wrong(`plan web 4 at ${minuteFromNow(10 * MINUTE).typed} for 1h`, 'less than 30 minutes away');

  expect((await capacity(`plan web 4 at ${later.typed} for 2h Launch`)).text).toContain('Planned *CAP-1*');
  await wrong(`plan web 6 at ${minuteFromNow(6 * 60 * MINUTE).typed} for 1h`, 'CAP-1 "Launch" already plans web');

  // The form: "Plan capacity…" on an announcement opens it, as does `/capacity plan` alone; a wrong time shows
  // under its field; a good one plans.
  const launch = await incidentsMessage('capacity_plan', 'Launch');
  await slack.clickButton({
    userId: 'U0CAROL',
    channelId: 'C0INCIDENTS',
    messageTs: launch.ts,
    actionId: 'capacity_plan_open',
  });
  await eventually(
    () => slack.views('U0CAROL').some((v) => JSON.stringify(v).includes('capacity_plan_form')),
    'the form from Plan capacity…',
  );
  expect(
    (await slack.slashCommand({ command: '/capacity', text: 'plan', userId: 'U0ALICE', channelId: 'C0GENERAL' }))
      .status,
  ).toBe(200);
  await eventually(
    () => slack.views('U0ALICE').some((v) => JSON.stringify(v).includes('capacity_plan_form')),
    'the form',
  );
  const submit = (startText: string, leadText = '') =>
    slack.submitView({
      userId: 'U0ALICE',
      callbackId: 'capacity_plan_form',
      values: {
        plan_target: { plan_target_select: { type: 'static_select', selected_option: { value: 'web' } } },
        plan_count: { plan_count_input: { type: 'plain_text_input', value: '3' } },
        plan_start: { plan_start_input: { type: 'plain_text_input', value: startText } },
        plan_duration: { plan_duration_input: { type: 'plain_text_input', value: '1h' } },
        plan_name: { plan_name_input: { type: 'plain_text_input', value: 'Newsletter' } },
        plan_lead: { plan_lead_input: { type: 'plain_text_input', value: leadText } },
      },
    });
  expect(JSON.stringify((await submit('2020-01-01 10:00')).body)).toContain('is in the past');
  const tomorrow = minuteFromNow(24 * 60 * MINUTE);
  expect(JSON.stringify(slack.views('U0ALICE'))).toContain('Blank: 30 minutes (the policy');
  expect(JSON.stringify((await submit(tomorrow.typed, 'soon')).body)).toContain(
    'Say how long before it starts to pre-scale',
  );
  expect((await submit(tomorrow.typed, '45m')).status).toBe(200);
  expect((await h.firebreak.store.capacityPlans.findById(2))?.leadMinutes).toBe(45);

  // A target without approval rules: the proposal confirms itself (Carol may propose; anyone may).
  const asg = await capacity(`plan web-asg 6 at ${tomorrow.typed} for 1h Newsletter`, 'U0CAROL');
  expect(asg.text).toContain('web-asg has no approval rules, so your proposal confirms it');
  await incidentsMessage('capacity_plan', 'Confirmed by the proposal (web-asg has no approval rules)');

  const list = await capacity('list', 'U0CAROL');
  expect(list.text).toContain('*CAP-1* Launch — web at 4');
  expect(list.text).toContain('*CAP-2* Newsletter — web at 3');
  expect(JSON.stringify(list)).toContain('Plan capacity…');

  // Carol neither proposed nor approves: she may not cancel; Alice proposed it: she may.
  expect((await capacity('cancel 1', 'U0CAROL')).text).toContain(
    'only the proposer (<@U0ALICE>) or a member of @oncall-web may cancel CAP-1',
  );
  expect((await capacity('cancel CAP-1')).text).toContain('Cancelled CAP-1: nothing will be scaled');
  await incidentsMessage('capacity_plan', 'Cancelled by <@U0ALICE>; nothing will be scaled');
  expect((await capacity('list')).text).not.toContain('CAP-1');

  // Nobody confirmed CAP-2: at its pre-scale time (45 minutes before, as the form said) it does not scale, and its announcement says so; CAP-3 (web-asg,
  // confirmed by its proposal) pre-scales as its proposer.
  await advanceTo(new Date(tomorrow.at.getTime() - 29 * MINUTE));
  await incidentsMessage('capacity_plan', 'was *not* pre-scaled');
  expect(runInstances()).toHaveLength(0);
  expect((await h.firebreak.store.capacityPlans.findById(2))?.state).toBe('missed');
  await incidentsMessage('capacity_plan', 'Pre-scaled at');
  expect(cloud.calls('SetDesiredCapacity').filter((c) => c.status === 200)).toHaveLength(1);
  expect(await h.firebreak.store.scaleOperations.findById(1)).toMatchObject({
    target: 'web-asg',
    from: 4,
    to: 6,
    requestedBy: { id: 'U0CAROL' },
  });
  // Cancelled after its pre-scale: the scale-back is offered at once.
  expect((await capacity('cancel 3', 'U0CAROL')).text).toContain(
    'it was pre-scaled, so scaling web-asg back to 4 is offered in the incidents channel',
  );
  const offer = await incidentsMessage('capacity_scale_back', 'Newsletter* was cancelled');
  expect(JSON.stringify(offer.blocks)).toContain('Scale back to 4');

  // Confirmed, and more than web's maxStep of 6 above its capacity: pre-scaled in steps, the first 0 → 6 (the
  // stepping itself is capacity-plan-steps.test.ts's).
  const sale = minuteFromNow(24 * 60 * MINUTE);
  expect((await capacity(`plan web 8 at ${sale.typed} for 1h Big sale`)).text).toContain('Planned *CAP-4*');
  const announced = await incidentsMessage('capacity_plan', 'Big sale');
  expect(await clickAnswer('U0BOB', announced.ts, 'capacity_confirm', '4')).toContain('Confirmed CAP-4');
  await advanceTo(new Date(sale.at.getTime() - 29 * MINUTE));
  await incidentsMessage('capacity_plan', 'Pre-scaling web 0 → 8: step 1 of 2');
  expect(runInstances()[0]?.params).toMatchObject({ MinCount: '6', MaxCount: '6' });
});
