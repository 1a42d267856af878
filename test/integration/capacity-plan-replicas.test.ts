// Planned capacity when things happen at once, end to end through the signed Slack path against one local Slack
// and one local cloud, on one advanceable clock: two Firebreak replicas on one PostgreSQL database (each running
// its outbox worker) pre-scale a confirmed plan at its minute once per step and offer the scale-back once; and
// proposals for one target and overlapping times sent at once, on SQLite and on PostgreSQL, store exactly one,
// every other answered with the refusal a later proposal gets.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ACTIVE_PLAN_STATES, CAPACITY_PLAN_STATES } from '../../src/domain/capacity/planned-event';
import type { FakeCloud } from '../../src/sandbox/fake-cloud';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { adjustableClock, eventually, SIGNING_SECRET, startHarness, type Harness } from '../support/harness';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase, usablePostgres } from '../support/postgres';
import { closeScalingWorld, openScalingWorld, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(90_000);

const MINUTE = 60_000;
// `web-asg` (the local cloud's preset group, 4 instances, max 20, maxStep 10, cooldown 600 s): above 10 needs
// @oncall-web (Alice, Bob). `web` (a launch template, no approval rules) is the target of the racing proposals.
const POLICY = `${scalingPolicy().replace(
  'autoScalingGroupName: web-prod-asg',
  'autoScalingGroupName: web-prod-asg\n    approval: { above: 10, approvers: oncall-web, expiresMinutes: 10 }',
)}capacityPlans:\n  leadMinutes: 30\n`;
const COOLDOWN_MS = 600_000;

let cloud: FakeCloud;
let ec2: EC2Client;
let autoScaling: AutoScalingClient;
let slack: FakeSlack;
let dir: string;
const clock = adjustableClock();

beforeAll(async () => {
  ({ cloud, ec2, autoScaling, slack, dir } = await openScalingWorld('capacity-replicas', 0.2));
});
afterAll(async () => {
  await closeScalingWorld({ cloud, ec2, autoScaling, slack, dir });
});

function start(databaseUrl?: string): Promise<Harness> {
  return startHarness({
    policy: POLICY,
    aws: { ec2, autoScaling },
    slack,
    dir,
    clock,
    ...(databaseUrl ? { env: { DATABASE_URL: databaseUrl } } : {}),
  });
}

/** Slack sends what comes next to this replica (as a load balancer in front of several would). */
function via(replica: Harness): void {
  slack.connectApp({ requestUrl: `${replica.firebreak.url}/slack/events`, signingSecret: SIGNING_SECRET });
}

/** A whole minute `ms` from Firebreak's now, as typed in UTC (`2027-02-15T11:00Z`). */
function minuteFromNow(ms: number): { at: Date; typed: string } {
  const at = new Date(Math.ceil((clock.now().getTime() + ms) / MINUTE) * MINUTE);
  return { at, typed: `${at.toISOString().slice(0, 16)}Z` };
}

/** Until every replica has nothing left to do (twice: one may have handed work to the other meanwhile). */
async function drained(replicas: Harness[]): Promise<void> {
  for (let round = 0; round < 2; round++) await Promise.all(replicas.map((r) => r.drained(20_000)));
}

/** Moves the clock to `at`, wakes every replica's worker and lets them do whatever is due by then. */
async function advanceTo(replicas: Harness[], at: Date): Promise<void> {
  clock.advance(at.getTime() - clock.now().getTime());
  for (const r of replicas) r.firebreak.outbox.wake();
  await drained(replicas);
}

/**
 * Sends the `/capacity` commands at once, spread over the replicas in turn, and returns what each proposer is
 * told (in the order the answers came).
 */
async function allAtOnce(replicas: Harness[], texts: string[]): Promise<string[]> {
  const before = slack.responses.length;
  const replies = texts.map((text, i) => {
    via(replicas[i % replicas.length] as Harness);
    return slack.slashCommand({ command: '/capacity', text, userId: 'U0CAROL', channelId: 'C0GENERAL' });
  });
  for (const reply of await Promise.all(replies)) expect(reply.status).toBe(200);
  await eventually(() => slack.responses.length >= before + texts.length, 'every proposer answered', 20_000);
  return slack.responses.slice(before).map((r) => (r.body as { text: string }).text);
}

/** What one person is told for one `/capacity` command. */
async function answer(replica: Harness, text: string, userId = 'U0CAROL'): Promise<string> {
  via(replica);
  return (
    (await slack.commandAnswer({ command: '/capacity', text, userId, channelId: 'C0GENERAL' })) as { text: string }
  ).text;
}

const incidentsMessages = (blockId: string) =>
  slack.messages('C0INCIDENTS').filter((m) => JSON.stringify(m.blocks ?? []).includes(`"${blockId}"`));

/**
 * Eight proposals for `web` at the same start (lasting 1 to 8 hours, so every window overlaps every other), at
 * once: exactly one is planned, and each other proposer is told what a proposal after it hears, word for word.
 */
async function raceProposals(replicas: Harness[]): Promise<void> {
  const event = minuteFromNow(5 * 60 * MINUTE);
  const texts = Array.from({ length: 8 }, (_, i) => `plan web 6 at ${event.typed} for ${i + 1}h Launch ${i + 1}`);
  const announced = incidentsMessages('capacity_plan').length;
  const answers = await allAtOnce(replicas, texts);
  const planned = answers.filter((a) => a.includes('Planned *CAP-'));
  expect(planned).toHaveLength(1);
  const store = (replicas[0] as Harness).firebreak.store;
  const stored = await store.capacityPlans.listInStates(ACTIVE_PLAN_STATES, 'web');
  expect(stored).toHaveLength(1);
  const winner = stored[0];
  expect(planned[0]).toContain(`Planned *CAP-${winner?.id}*`);
  const later = await answer(replicas.at(-1) as Harness, `plan web 6 at ${event.typed} for 2h Launch again`);
  expect(later).toContain(`CAP-${winner?.id} "${winner?.name}" already plans web from`);
  expect(answers.filter((a) => !a.includes('Planned *CAP-'))).toEqual(Array(7).fill(later));
  await drained(replicas);
  // One announcement, the winner's.
  expect(
    incidentsMessages('capacity_plan')
      .slice(announced)
      .map((m) => m.text.split('\n')[0]),
  ).toEqual([`:calendar: *Planned capacity CAP-${winner?.id}: ${winner?.name}*`]);
  // In no state at all was a second one kept.
  expect(await store.capacityPlans.listInStates(CAPACITY_PLAN_STATES, 'web')).toHaveLength(1);
}

describe('on SQLite', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('of eight overlapping proposals for one target sent at once, exactly one is stored; the others are told what a later one is', async () => {
    await raceProposals([h]);
  });
});

describeOnPostgres('two replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  let replicas: Harness[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase(await usablePostgres(), 'capacity_replicas');
    // One at a time: the first migrates the empty database.
    replicas = [await start(database.url)];
    replicas.push(await start(database.url));
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await database?.drop();
  });

  it('pre-scale a confirmed plan at its minute once per step, and offer the scale-back once', async () => {
    const [a, b] = replicas as [Harness, Harness];
    const setDesired = () =>
      cloud
        .calls('SetDesiredCapacity')
        .filter((c) => c.status === 200)
        .map((c) => Number(c.params.DesiredCapacity));
    const before = setDesired().length;
    const completed = (operationId: number) =>
      eventually(async () => {
        const op = await a.firebreak.store.scaleOperations.findById(operationId);
        return op?.status === 'completed' ? op : undefined;
      }, `operation #${operationId} to complete`);

    // Carol proposes through one replica, Bob confirms through the other.
    const event = minuteFromNow(3 * 60 * MINUTE);
    expect(await answer(a, `plan web-asg 20 at ${event.typed} for 2h Black Friday`)).toContain('Planned *CAP-1*');
    const announced = await eventually(
      () => incidentsMessages('capacity_plan').find((m) => m.text.includes('Waiting for @oncall-web')),
      'the announcement',
    );
    via(b);
    const before_ = slack.responses.length;
    const click = await slack.clickButton({
      userId: 'U0BOB',
      channelId: 'C0INCIDENTS',
      messageTs: announced.ts,
      actionId: 'capacity_confirm',
      value: '1',
    });
    expect(click.status).toBe(200);
    await eventually(() => slack.responses[before_], 'the confirmation');
    await drained(replicas);

    // A minute early, nothing; at the minute, step 1 (4 → 14), once, though both replicas look.
    const prescale = new Date(event.at.getTime() - 30 * MINUTE);
    await advanceTo(replicas, new Date(prescale.getTime() - MINUTE));
    expect(setDesired()).toHaveLength(before);
    await advanceTo(replicas, new Date(prescale.getTime() + 1000));
    const first = await completed(1);
    await drained(replicas);
    expect(setDesired().slice(before)).toEqual([14]);

    // After the cooldown, step 2 (14 → 20), once.
    await advanceTo(replicas, new Date((first.finishedAt ?? clock.now()).getTime() + COOLDOWN_MS + 1000));
    await completed(2);
    await drained(replicas);
    expect(setDesired().slice(before)).toEqual([14, 20]);
    await eventually(
      () => incidentsMessages('capacity_plan').find((m) => m.text.includes('Pre-scaled web-asg 4 → 20 in 2 steps')),
      'the announcement to show both steps',
    );

    // After the end, the scale-back offer, once.
    await advanceTo(replicas, new Date(event.at.getTime() + 2 * 60 * MINUTE + 1000));
    await eventually(() => incidentsMessages('capacity_scale_back').length > 0, 'the scale-back offer');
    await drained(replicas);
    expect(setDesired().slice(before)).toEqual([14, 20]);
    expect(await a.firebreak.store.scaleOperations.findById(3)).toBeNull();

    // One announcement (edited in place as it went) and one offer; each step recorded once.
    const plans = incidentsMessages('capacity_plan').filter((m) => m.text.includes('Black Friday'));
    expect(plans).toHaveLength(1);
    const offers = incidentsMessages('capacity_scale_back');
    expect(offers).toHaveLength(1);
    expect(offers[0]?.text).toContain('was pre-scaled from 4 to 20');
    const plan = await b.firebreak.store.capacityPlans.findById(1);
    expect(plan?.steps.map((s) => s.what)).toEqual([
      'proposed web-asg at 20',
      'confirmed',
      'pre-scale step 1 of 2: web-asg 4 → 14 (operation #1)',
      'pre-scale step 1 of 2 done: 14 running',
      'pre-scale step 2 of 2: web-asg 14 → 20 (operation #2)',
      'pre-scale step 2 of 2 done: 20 running',
      'ended',
      'scale-back offered',
    ]);
  });

  it('of eight overlapping proposals for one target sent at once to both, exactly one is stored; the others are told what a later one is', async () => {
    await raceProposals(replicas);
  });
});
