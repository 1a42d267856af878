// Catch-up for late joiners (issue 16, part 1), through the real signed Slack path against the local Slack:
// joining an incident channel shows the newcomer alone what is going on; `/incident catchup` shows it on demand.
import { alertmanagerPayload } from '../support/payloads';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function incidentChannel() {
  return eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the incident channel');
}

async function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
  );
}

const catchUpsFor = (userId: string) =>
  h.slack.ephemerals.filter((e) => e.user === userId && e.text.includes('Catching up on'));
/** What the person sees: the message's text and its blocks' text. */
const seen = (e: { text: string; blocks?: unknown[] }) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`;
const joins = async (userId: string) =>
  (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'responder.joined' && e.data.userId === userId);

async function declared(text = 'Checkout returns 500s sev2 checkout') {
  await commandAnswer(h.slack, {
    command: '/incident',
    text: `declare ${text}`,
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  const channel = await incidentChannel();
  await card(channel.id, 'Investigating');
  await h.drained();
  return channel;
}

it('someone joining the incident channel gets a catch-up only they see, and the timeline notes the join once', async () => {
  const channel = await declared();
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'note Rolled back deploy 42; errors still at 30%',
    userId: 'U0ALICE',
    channelId: channel.id,
  });

  expect(await h.slack.joinChannel(channel.id, 'U0BOB', 'U0ALICE')).toBe(200);
  const [catchUp] = await eventually(
    () => (catchUpsFor('U0BOB').length > 0 ? catchUpsFor('U0BOB') : undefined),
    'the catch-up',
  );
  const text = seen(catchUp!);
  expect(catchUp!.channel).toBe(channel.id);
  expect(text).toContain('Catching up on INC-1');
  expect(text).toContain('Checkout returns 500s');
  expect(text).toContain('SEV2');
  expect(text).toContain('investigating');
  expect(text).toContain('<@U0ALICE>'); // the lead
  expect(text).toContain('Rolled back deploy 42');

  // Slack retries the same event (a lost answer): nothing changes the second time.
  expect((await h.slack.redeliverLastEvent()).status).toBe(200);
  await h.drained();
  expect(catchUpsFor('U0BOB')).toHaveLength(1);
  expect(await joins('U0BOB')).toHaveLength(1);
  // Nobody else was shown it.
  expect(h.slack.ephemerals.filter((e) => e.user !== 'U0BOB' && e.text.includes('Catching up on'))).toEqual([]);
  // The card's latest entries say who joined.
  await card(channel.id, '<@U0BOB> joined');

  // Leaving and joining again is a new join: caught up again, and noted again.
  h.slack.leaveChannel(channel.id, 'U0BOB');
  expect(await h.slack.joinChannel(channel.id, 'U0BOB')).toBe(200);
  await eventually(() => catchUpsFor('U0BOB').length === 2, 'the second catch-up');
  await h.drained();
  expect(await joins('U0BOB')).toHaveLength(2);
});

it('an incident opened by an alert tells the newcomer what it waits for: a lead, and the alert still firing', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await card(channel.id, 'Firing alerts');
  await h.drained();

  expect(await h.slack.joinChannel(channel.id, 'U0CAROL')).toBe(200);
  const [catchUp] = await eventually(
    () => (catchUpsFor('U0CAROL').length > 0 ? catchUpsFor('U0CAROL') : undefined),
    'the catch-up',
  );
  const text = seen(catchUp!);
  expect(text).toContain('Waiting for');
  expect(text).toContain('nobody leads yet');
  expect(text).toContain('1 alert still firing');
  expect(text).toContain('Alert fired');
});

it('joins elsewhere, and the bot’s own, change nothing', async () => {
  await declared();
  // The bot joined #incidents to announce the incident: a person joining it is no incident's business.
  expect(h.slack.leaveChannel('C0INCIDENTS', 'U0CAROL')).toBe(true);
  expect(await h.slack.joinChannel('C0INCIDENTS', 'U0CAROL')).toBe(200);
  await h.drained();
  expect(catchUpsFor('U0CAROL')).toEqual([]);
  expect((await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'responder.joined')).toEqual([]);
});

it('/incident catchup answers in an incident channel, and elsewhere names the problem', async () => {
  const channel = await declared();
  const answer = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'catchup',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  expect(answer.response_type).toBe('ephemeral');
  expect(seen(answer)).toContain('Catching up on INC-1');
  expect(seen(answer)).toContain('Checkout returns 500s');

  const elsewhere = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'catchup',
    userId: 'U0BOB',
    channelId: 'C0GENERAL',
  });
  expect(elsewhere.text).toContain('`/incident catchup` works inside an incident channel');

  const wrong = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'catchup now',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  expect(wrong.text).toContain('catchup takes no arguments');
  expect(wrong.text).toContain('/incident catchup');
});
