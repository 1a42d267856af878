// A scale-out whose cloud call keeps failing (RunInstances answering 503) through the real Bolt receiver and AWS
// SDK against the local cloud, on an advanceable clock: the card says the cloud is failing (one edit, not one per
// try), the operation is given up once after SCALE_CLOUD_GIVE_UP_MS, and a new `/scale` afterwards starts afresh;
// a cloud that recovers in time scales once (one ClientToken across the tries) and the card shows the capacity.
import { SCALE_CLOUD_GIVE_UP_MS } from '../../src/domain/scaling';
import { adjustableClock, eventually, startHarness, type Harness } from '../support/harness';
import {
  closeScalingWorld,
  incidentWithCard,
  openScalingWorld,
  scalingPolicy,
  type ScalingWorld,
} from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

let world: ScalingWorld;
let h: Harness;
const clock = adjustableClock();

beforeAll(async () => {
  world = await openScalingWorld('scale-failing', 0.2);
  h = await startHarness({
    policy: scalingPolicy({ webOnly: true }),
    aws: { ec2: world.ec2, autoScaling: world.autoScaling },
    slack: world.slack,
    dir: world.dir,
    clock,
  });
});
afterAll(async () => {
  await h.stop();
  await closeScalingWorld(world);
});

const runInstances = (status?: number) =>
  world.cloud.calls('RunInstances').filter((c) => status === undefined || c.status === status);
const cardText = (channelId: string) => JSON.stringify(h.slack.messages(channelId).find((m) => m.pinned)?.blocks ?? []);
const card = (channelId: string, includes: string) =>
  eventually(() => cardText(channelId).includes(includes), `the card to show ${includes}`, 15_000);
const cardEdits = (channelId: string) =>
  h.slack.messageWrites(channelId).filter((w) => w.method === 'chat.update').length;

/** Moves the clock past the outbox's longest backoff and waits for one more try of RunInstances. */
async function nextTry(): Promise<void> {
  const before = runInstances().length;
  clock.advance(11_000);
  h.firebreak.outbox.wake();
  await eventually(() => runInstances().length > before, 'the next RunInstances try');
}

let channelId: string;

it('RunInstances answering 503 again and again: the card says the cloud is failing, once; after the bound the operation is given up once and nothing more is called; a new /scale starts afresh', async () => {
  const { channel, card: pinned } = await incidentWithCard(h, '*web*: 0 running');
  channelId = channel.id;
  world.cloud.fail('RunInstances', { code: 'ServiceUnavailable', times: 1000 });
  await h.slack.clickButton({ userId: 'U0ALICE', channelId, messageTs: pinned.ts, actionId: 'scale_out:web:4' });

  await card(channelId, 'the cloud is failing since');
  expect(cardText(channelId)).toMatch(
    /web: 0 → 4 \(the cloud is failing since \d\d:\d\d UTC \(.*ServiceUnavailable.*\); retrying until \d\d:\d\d UTC\)/,
  );
  await eventually(
    async () => (await h.firebreak.store.scaleOperations.findById(1))?.error?.since,
    'the failing state stored',
  );
  const edits = cardEdits(channelId);
  await nextTry();
  await nextTry();
  await nextTry();
  expect(cardEdits(channelId)).toBe(edits); // one edit for the change, none per try
  expect(await h.firebreak.store.scaleOperations.findById(1)).toMatchObject({ status: 'requested' });

  clock.advance(SCALE_CLOUD_GIVE_UP_MS);
  h.firebreak.outbox.wake();
  await card(channelId, 'gave up after');
  await h.drained();
  const op = await h.firebreak.store.scaleOperations.findById(1);
  expect(op).toMatchObject({ status: 'failed', error: { code: 'CloudFailing' } });
  expect(cardText(channelId)).toContain('/scale web 4` tries again');
  const failed = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'scale.failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]?.data).toMatchObject({ target: 'web', code: 'CloudFailing' });
  // The channel says so, once, with what to do next.
  const said = h.slack.messages(channelId).filter((m) => m.text.includes('Gave up scaling web 0 → 4'));
  expect(said).toHaveLength(1);
  expect(said[0]?.text).toContain('the cloud failing (');
  expect(said[0]?.text).toContain('`/scale web 4` tries again');
  const tries = runInstances().length;
  expect(runInstances(200)).toHaveLength(0);
  // Nothing more is tried, however long it waits.
  clock.advance(60 * 60_000);
  h.firebreak.outbox.wake();
  await h.drained();
  expect(runInstances()).toHaveLength(tries);
  expect(h.slack.messages(channelId).filter((m) => m.text.includes('Gave up scaling'))).toHaveLength(1);

  // The cloud is back and someone asks again: a fresh operation, which launches once.
  world.cloud.clearFailures();
  await h.slack.slashCommand({ command: '/scale', text: 'web 4', userId: 'U0ALICE', channelId });
  await card(channelId, 'web is at 4 instances');
  expect(runInstances(200)).toHaveLength(1);
  expect((await h.firebreak.store.scaleOperations.listByIncident(1)).map((o) => o.status)).toEqual([
    'failed',
    'completed',
  ]);
});

it('a cloud that recovers before the bound: the card says it is failing, then it scales once and the card shows the capacity', async () => {
  world.cloud.fail('RunInstances', { code: 'ServiceUnavailable', times: 3 });
  const pinned = h.slack.messages(channelId).find((m) => m.pinned);
  const before = runInstances().length;
  await h.slack.clickButton({ userId: 'U0ALICE', channelId, messageTs: pinned?.ts ?? '', actionId: 'scale_out:web:4' });
  await card(channelId, 'the cloud is failing since');
  // The outbox tries again within seconds (its backoff runs on the clock, which follows real time here).
  await card(channelId, 'web is at 8 instances');
  await eventually(
    () => !cardText(channelId).includes('the cloud is failing'),
    'the card to stop saying the cloud is failing',
  );
  const calls = runInstances().slice(before);
  expect(calls).toHaveLength(4);
  expect(calls.filter((c) => c.status === 200)).toHaveLength(1);
  // Every try carried the same ClientToken: a lost answer's retry could never launch twice.
  expect(new Set(calls.map((c) => c.params.ClientToken)).size).toBe(1);
  const ops = await h.firebreak.store.scaleOperations.listByIncident(1);
  expect(ops.at(-1)).toMatchObject({ status: 'completed', from: 4, to: 8, error: null });
});
