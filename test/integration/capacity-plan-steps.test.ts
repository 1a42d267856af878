// A planned event larger than its target's maxStep, end to end through the signed Slack path against the local
// Slack and the local cloud's EC2, on an advanceable clock: the seed's flash sale (web 4 → 24, max step 10)
// pre-scales in two steps, the second after the first's instances run and its cooldown passes, each
// exactly once across a restart between them; the announcement shows each step; the scale-back goes back in steps.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import pino from 'pino';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FakeCloud } from '../../src/sandbox/fake-cloud';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { adjustableClock, eventually, startHarness, type Harness } from '../support/harness';
import { closeScalingWorld, openScalingWorld, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const MINUTE = 60_000;
// `web` as in the sandbox: max 30, maxStep 10, a cooldown of 600 s, no approval rules (its proposal confirms it).
const POLICY = `${scalingPolicy({ webCooldownSeconds: 600, webOnly: true }).replace(
  'max: 12\n    maxStep: 6',
  'max: 30\n    maxStep: 10',
)}capacityPlans:\n  leadMinutes: 30\n`;
const COOLDOWN_MS = 600_000;

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let slack: FakeSlack;
let dir: string;
let h: Harness;
let clock: ReturnType<typeof adjustableClock>;
/** What Firebreak logged (each plan step is logged as it is stored). */
const logged: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });

beforeAll(async () => {
  ({ cloud, ec2, autoScaling, slack, dir } = await openScalingWorld('capacity-steps', 0.2));
  clock = adjustableClock();
  h = await start();
});
afterAll(async () => {
  await h.stop();
  await closeScalingWorld({ cloud, ec2, autoScaling, slack, dir });
});

function start(policy = POLICY): Promise<Harness> {
  return startHarness({ policy, aws: { ec2, autoScaling }, slack, dir, clock, logger });
}

async function restart(policy = POLICY): Promise<void> {
  await h.stop();
  h = await start(policy);
}

/** Moves Firebreak's clock to `at` and lets it do whatever is due by then. */
async function advanceTo(at: Date): Promise<void> {
  clock.advance(at.getTime() - clock.now().getTime());
  h.firebreak.outbox.wake();
  await h.drained();
}

const capacity = (text: string, userId = 'U0CAROL') =>
  slack.commandAnswer({ command: '/capacity', text, userId, channelId: 'C0GENERAL' }) as Promise<{ text: string }>;

/** The changes the local cloud made, in order: +n launched, -n terminated. */
const changes = () =>
  cloud
    .calls()
    .filter((c) => c.status === 200 && (c.action === 'RunInstances' || c.action === 'TerminateInstances'))
    .map((c) =>
      c.action === 'RunInstances'
        ? Number(c.params.MinCount)
        : -Object.keys(c.params).filter((k) => k.startsWith('InstanceId.')).length,
    );

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

async function completed(operationId: number): Promise<Date> {
  const op = await eventually(async () => {
    const found = await h.firebreak.store.scaleOperations.findById(operationId);
    return found?.status === 'completed' ? found : undefined;
  }, `operation #${operationId} to complete`);
  return op.finishedAt ?? clock.now();
}

it('pre-scales web 4 → 24 in two steps of at most 10, each once across a restart, and scales back in steps', async () => {
  // Before the sale, web runs 4 instances.
  await slack.slashCommand({ command: '/scale', text: 'web 4', userId: 'U0ALICE', channelId: 'C0GENERAL' });
  await completed(1);
  const at = new Date(Math.ceil((clock.now().getTime() + 3 * 60 * MINUTE) / MINUTE) * MINUTE);
  const typed = (d: Date) => `${d.toISOString().slice(0, 16)}Z`;
  // A lead of 10 minutes is too short for two steps (3 minutes each to launch, 600 s cooldown between): said to
  // the proposer and on the announcement, and the plan is still taken.
  const answer = await capacity(`plan web 24 at ${typed(at)} for 2h lead 10m Spring flash sale`);
  expect(answer.text).toContain('Planned *CAP-1*');
  expect(answer.text).toContain('from 4 now, web grows in 2 steps of at most 10 (its max step), about 16 minutes');
  expect(answer.text).toContain('its 2 steps take about 16 minutes, so the last may land after the event starts');
  await incidentsMessage('capacity_plan', 'plan it with `lead 16m` or more');
  // Fewer than it has now: nothing to pre-scale, said at once.
  const small = await capacity(`plan web 3 at ${typed(new Date(at.getTime() + 24 * 60 * MINUTE))} for 1h`);
  expect(small.text).toContain('web already has 4 instances, so as things stand there is nothing to pre-scale');

  // Step 1 at the pre-scale minute: 4 → 14.
  await advanceTo(new Date(at.getTime() - 10 * MINUTE + 1000));
  await eventually(() => changes().length === 2, 'the first step');
  expect(changes()).toEqual([4, 10]);
  const firstDone = await completed(2);
  await incidentsMessage('capacity_plan', 'Pre-scaling web 4 → 24: step 1 of 2, 14 running');

  // Stopped during the cooldown; a new Firebreak on the same store asks for step 2 once the cooldown has passed.
  await restart();
  await advanceTo(new Date(firstDone.getTime() + COOLDOWN_MS - MINUTE));
  expect(changes()).toEqual([4, 10]);
  await advanceTo(new Date(firstDone.getTime() + COOLDOWN_MS + 1000));
  await eventually(() => changes().length === 3, 'the second step');
  await completed(3);
  await incidentsMessage('capacity_plan', 'Pre-scaled web 4 → 24 in 2 steps (operations #2, #3); 24 running');

  // Another restart after both ran changes nothing.
  await restart();
  h.firebreak.outbox.wake();
  await h.drained();
  expect(changes()).toEqual([4, 10, 10]);
  expect(await h.firebreak.store.scaleOperations.findById(3)).toMatchObject({ from: 14, to: 24 });

  // After the end: Scale back to 4, in steps the same way.
  await advanceTo(new Date(at.getTime() + 2 * 60 * MINUTE + 1000));
  const offer = await incidentsMessage('capacity_scale_back', 'was pre-scaled from 4 to 24');
  expect(offer.text).toContain('in steps of at most the max step');
  const reply = await slack.clickButton({
    userId: 'U0ALICE',
    channelId: 'C0INCIDENTS',
    messageTs: offer.ts,
    actionId: 'capacity_scale_back',
    value: '1',
  });
  expect(reply.status).toBe(200);
  await eventually(() => changes().length === 4, 'the first step back');
  const backDone = await completed(4);
  await incidentsMessage('capacity_scale_back', 'Scaling back web 24 → 4: step 1 of 2, 14 running');
  await advanceTo(new Date(backDone.getTime() + COOLDOWN_MS + 1000));
  await eventually(() => changes().length === 5, 'the second step back');
  await completed(5);
  await incidentsMessage('capacity_scale_back', 'Scaled back web 24 → 4 in 2 steps (operations #4, #5); 4 running');
  await h.drained();
  expect(changes()).toEqual([4, 10, 10, -10, -10]);

  const plan = await h.firebreak.store.capacityPlans.findById(1);
  expect(plan?.steps.map((s) => s.what)).toEqual([
    'proposed web at 24',
    'confirmed by the proposal: web has no approval rules',
    'pre-scale step 1 of 2: web 4 → 14 (operation #2)',
    'pre-scale step 1 of 2 done: 14 running',
    'pre-scale step 2 of 2: web 14 → 24 (operation #3)',
    'pre-scale step 2 of 2 done: 24 running',
    'ended',
    'scale-back offered',
    'scale-back step 1 of 2: web 24 → 14 (operation #4)',
    'scale-back step 1 of 2 done: 14 running',
    'scale-back step 2 of 2: web 14 → 4 (operation #5)',
    'scale-back step 2 of 2 done: 4 running',
  ]);
});

it('a cloud that cannot be read at proposal leaves the notes out; a step it fails is tried again; one refused for good stops the stepping, says where and why, and the scale-back starts from where it got', async () => {
  // web is back at 4 (the test above). Its next sale, planned to 24 with the policy's lead, while the cloud
  // refuses to answer: the plan is taken, without the notes, and the answer says why.
  const at = new Date(Math.ceil((clock.now().getTime() + 3 * 60 * MINUTE) / MINUTE) * MINUTE);
  cloud.fail('*', { code: 'UnauthorizedOperation' });
  const answer = await capacity(`plan web 24 at ${at.toISOString().slice(0, 16)}Z for 1h Summer sale`);
  expect(answer.text).toContain('Planned *CAP-3*');
  expect(answer.text).toContain("could not read web's capacity now");
  expect(answer.text).not.toContain('grows in');
  const before = changes().length;
  await advanceTo(new Date(at.getTime() - 30 * MINUTE + 1000));
  await eventually(() => changes().length === before + 1, 'the first step');
  const firstDone = await completed(6);

  // Step 2's capacity read fails: tried again a minute later.
  cloud.fail('*', { code: 'UnauthorizedOperation' });
  await advanceTo(new Date(firstDone.getTime() + COOLDOWN_MS + 1000));
  const retried = await eventually(
    async () => (await h.firebreak.store.capacityPlans.findById(3))?.steps.at(-1)?.what,
    'the retry',
  );
  expect(retried).toMatch(
    /^pre-scale step 2 of 2 refused \(could not read web's capacity .*\); trying again in 1 minute \(1 of 5\)$/,
  );
  expect(changes()).toHaveLength(before + 1);

  // Meanwhile web's max was lowered to 20: step 2 (14 → 24) is refused for good, not tried again.
  await restart(POLICY.replace('max: 30', 'max: 20'));
  await advanceTo(new Date(clock.now().getTime() + MINUTE + 1000));
  await incidentsMessage(
    'capacity_plan',
    'The pre-scale of web 4 → 24 stopped at step 2 of 2: web can grow to at most 20',
  );
  expect(changes()).toHaveLength(before + 1);
  expect((await h.firebreak.store.capacityPlans.findById(3))?.outcome).toContain('stopped at step 2 of 2');

  // At the end, the scale-back starts from the 14 it reached.
  await advanceTo(new Date(at.getTime() + 60 * MINUTE + 1000));
  await incidentsMessage('capacity_scale_back', 'Summer sale* is over: *web* was pre-scaled from 4 to 14');
});

it('a pre-scale the cloud keeps failing is tried 6 times (once and 5 retries), a minute apart, then stops and says why without a secret; the cloud coming back does not start it again', async () => {
  // web runs 14 (the test above scaled it back no further) and may grow to 20 now. Its next sale, to 20 (one step).
  await h.drained();
  const at = new Date(Math.ceil((clock.now().getTime() + 3 * 60 * MINUTE) / MINUTE) * MINUTE);
  const answer = await capacity(`plan web 20 at ${at.toISOString().slice(0, 16)}Z for 1h Autumn sale`);
  expect(answer.text).toContain('Planned *CAP-4*');
  await incidentsMessage('capacity_plan', 'Autumn sale');
  await h.drained();
  // From now on every call to the cloud fails, its message quoting a credential (as a proxy's error might).
  cloud.fail('*', {
    code: 'InternalError',
    message: 'upstream https://firebreak:hunter2-s3cret@proxy.internal answered 502',
    times: 1000,
  });
  const before = cloud.calls().length;
  const tries = () => cloud.calls().length - before;
  const prescaleAt = at.getTime() - 30 * MINUTE;

  // Not a minute early; then once at the pre-scale minute and once a minute after each failure, five times.
  await advanceTo(new Date(prescaleAt - MINUTE));
  expect(tries()).toBe(0);
  for (let retry = 1; retry <= 5; retry++) {
    await advanceTo(new Date(retry === 1 ? prescaleAt + 1000 : clock.now().getTime() + MINUTE));
    expect(tries()).toBe(retry);
    const last = (await h.firebreak.store.capacityPlans.findById(4))?.steps.at(-1)?.what;
    expect(last).toMatch(
      new RegExp(
        `^pre-scale refused \\(could not read web's capacity .*\\); trying again in 1 minute \\(${retry} of 5\\)$`,
      ),
    );
  }
  await advanceTo(new Date(clock.now().getTime() + MINUTE));
  expect(tries()).toBe(6);
  expect(changes().filter((n) => n > 0)).toHaveLength(4); // the earlier tests' four scale-outs, none since

  // The announcement says it stopped, why and that nothing more will happen; the plan and the log say so too.
  const stopped = await incidentsMessage('capacity_plan', 'The pre-scale did not happen: gave up after 6 tries');
  expect(stopped.text).toContain("could not read web's capacity");
  expect(stopped.text).toContain('web was not scaled, and Firebreak will not try again');
  const plan = await h.firebreak.store.capacityPlans.findById(4);
  expect(plan).toMatchObject({ state: 'refused', outcome: expect.stringContaining('gave up after 6 tries') });
  expect(logged.some((l) => l.includes('capacity plan CAP-4: pre-scale refused: gave up after 6 tries'))).toBe(true);
  for (const text of [JSON.stringify(stopped), JSON.stringify(plan), ...logged])
    expect(text).not.toContain('hunter2-s3cret');

  // The cloud comes back: nothing is tried again, through the event and its end, until someone acts.
  cloud.clearFailures();
  await advanceTo(new Date(at.getTime() + 61 * MINUTE));
  expect(tries()).toBe(6);
  expect(slack.messages('C0INCIDENTS').filter((m) => m.text.includes('Autumn sale'))).toHaveLength(1);
  expect((await h.firebreak.store.capacityPlans.findById(4))?.state).toBe('refused');
  // Acting is planning it again: a plan that did not happen does not hold the time.
  const again = await capacity(
    `plan web 20 at ${new Date(at.getTime() + 5 * 60 * MINUTE).toISOString().slice(0, 16)}Z for 1h Autumn sale`,
  );
  expect(again.text).toContain('Planned *CAP-5*');
});

it('a single-step pre-scale whose operation the cloud refuses says so on the announcement, instead of "pre-scaled"', async () => {
  // CAP-5 (the test above): web 14 → 20 in one step. The cloud reads fine but has no capacity to launch.
  const plan = await h.firebreak.store.capacityPlans.findById(5);
  if (!plan) throw new Error('CAP-5 is missing');
  cloud.fail('RunInstances', { code: 'InsufficientInstanceCapacity' });
  await advanceTo(new Date(plan.startsAt.getTime() - 30 * MINUTE + 1000));
  const op = await eventually(async () => {
    const found = await h.firebreak.store.scaleOperations.findById(
      (await h.firebreak.store.capacityPlans.findById(5))?.prescaleOperationId ?? 0,
    );
    return found?.status === 'failed' ? found : undefined;
  }, 'the pre-scale operation to fail');
  await h.drained();
  const shown = await incidentsMessage(
    'capacity_plan',
    `The pre-scale of web 14 → 20 stopped at step 1 of 1: operation #${op.id} failed`,
  );
  expect(shown.text).toContain('InsufficientInstanceCapacity');
  expect(shown.text).toContain(`web 14 → 20 (operation #${op.id}); it did not complete.`);
  expect(shown.text).not.toContain('Pre-scaled at');
  expect(changes().filter((n) => n > 0)).toHaveLength(4);
});
