// A late joiner's catch-up survives a restart: the join is stored with its catch-up queued, and shown once after
// Firebreak comes back, however often Slack repeats the join (issue 16, part 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { BOT_TOKEN, commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(40_000);

let slack: FakeSlack;
let dir: string;
const running: Harness[] = [];

beforeEach(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'firebreak-catchup-restart-'));
});
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Harness> {
  const h = await startHarness({ slack, dir, baseBackoffMs: 5_000 });
  running.push(h);
  return h;
}

const catchUps = () => slack.ephemerals.filter((e) => e.user === 'U0BOB' && e.text.includes('Catching up on INC-1'));

it('a join stored while Slack refused the catch-up is caught up once after a restart', async () => {
  const first = await start();
  await commandAnswer(slack, {
    command: '/incident',
    text: 'declare Checkout returns 500s sev3',
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  const channel = await eventually(() => slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  await eventually(() => slack.messages(channel.id).some((m) => m.pinned), 'the card');
  await first.drained();

  // Slack is failing the ephemeral post: the join is stored and its catch-up waits in the outbox.
  slack.fail('chat.postEphemeral', { status: 503, times: 1000 });
  expect(await slack.joinChannel(channel.id, 'U0BOB')).toBe(200);
  await eventually(() => slack.calls('chat.postEphemeral').length > 0, 'a first attempt');
  await first.stop();
  running.splice(running.indexOf(first), 1);
  slack.clearFailures();
  expect(catchUps()).toEqual([]);

  const second = await start();
  await eventually(() => catchUps().length === 1, 'the catch-up after the restart');
  // Slack repeats the join to the new process: nothing changes.
  expect((await slack.redeliverLastEvent()).status).toBe(200);
  await second.drained();
  expect(catchUps()).toHaveLength(1);
  const joined = (await second.firebreak.store.timeline.list(1)).filter((e) => e.type === 'responder.joined');
  expect(joined).toHaveLength(1);
});
