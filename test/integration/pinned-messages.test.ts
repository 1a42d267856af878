// A timeline faithful to Slack (issue 16, part 6), through the real signed Slack path against the local Slack:
// a pinned message keeps its own time, author and permalink; an edit updates its entry; repeats are ignored;
// times carry their date once the incident spans midnight.
import { adjustableClock, commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

let clock: ReturnType<typeof adjustableClock>;
let h: Harness;
beforeEach(async () => {
  clock = adjustableClock();
  h = await startHarness({ clock });
});
afterEach(async () => {
  await h.stop();
});

async function declared() {
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'declare Checkout returns 500s sev3 checkout',
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  await card(channel.id, 'Investigating');
  return channel;
}

async function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
  );
}

const ofType = async (type: string) => (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === type);

it('a :pushpin: entry keeps the message’s own time, its author and a permalink, once however often it is pinned', async () => {
  const channel = await declared();
  const ts = h.slack.postUserMessage(channel.id, 'U0BOB', 'Marketing launched the flash sale at 11:25');
  const postedAt = Number(ts) * 1000;
  // Pinned twenty minutes after it was said: the timeline says when it was said.
  clock.advance(20 * 60_000);
  expect(await h.slack.addReaction(channel.id, ts, 'U0ALICE', 'pushpin')).toBe(200);
  await eventually(async () => (await ofType('message.pinned')).length === 1, 'the pinned entry');
  // Slack's retry of that event, and another person's pin: ignored.
  expect((await h.slack.redeliverLastEvent()).status).toBe(200);
  expect(await h.slack.addReaction(channel.id, ts, 'U0CAROL', 'pushpin')).toBe(200);
  await h.drained();

  const pinned = await ofType('message.pinned');
  expect(pinned).toHaveLength(1);
  expect(Math.abs(pinned[0]!.at.getTime() - postedAt)).toBeLessThan(1000);
  expect(pinned[0]).toMatchObject({
    actor: { kind: 'user', id: 'U0ALICE' },
    data: {
      text: 'Marketing launched the flash sale at 11:25',
      author: 'U0BOB',
      permalink: expect.stringContaining(`/archives/${channel.id}/p${ts.replace('.', '')}`),
    },
  });
  // The repeats asked Slack nothing: one read of the message, one permalink.
  expect(h.slack.calls('chat.getPermalink')).toHaveLength(1);
  const shown = await card(channel.id, 'Marketing launched the flash sale');
  const line = JSON.stringify(shown.blocks);
  expect(line).toContain('Pinned from <@U0BOB>');
  expect(line).toContain(`/archives/${channel.id}/p`);
});

it('an edit of a pinned message updates its entry, once per edit; edits of other messages change nothing', async () => {
  const channel = await declared();
  const ts = h.slack.postUserMessage(channel.id, 'U0BOB', 'Flash sale started at 11:25');
  const other = h.slack.postUserMessage(channel.id, 'U0CAROL', 'Looking at the load balancer');
  await h.slack.addReaction(channel.id, ts, 'U0ALICE', 'pushpin');
  await card(channel.id, 'Flash sale started at 11:25');

  expect(await h.slack.editUserMessage(channel.id, ts, 'U0BOB', 'Flash sale started at 11:20, not 11:25')).toBe(200);
  expect((await h.slack.redeliverLastEvent()).status).toBe(200);
  expect(await h.slack.editUserMessage(channel.id, other, 'U0CAROL', 'Looking at the load balancer logs')).toBe(200);
  await h.drained();

  const edits = await ofType('message.edited');
  expect(edits).toHaveLength(1);
  expect(edits[0]).toMatchObject({
    actor: { kind: 'user', id: 'U0BOB' },
    data: { channelId: channel.id, messageId: ts, text: 'Flash sale started at 11:20, not 11:25' },
  });
  // The card's entry reads as the message does now.
  const shown = await card(channel.id, 'Flash sale started at 11:20, not 11:25');
  expect(JSON.stringify(shown.blocks)).not.toContain('Flash sale started at 11:25”');

  const timeline = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'timeline',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  const text = JSON.stringify(timeline.blocks);
  expect(text).toContain('Pinned from <@U0BOB>: “Flash sale started at 11:20, not 11:25”');
  expect(text).not.toContain('Pinned message edited');
  expect(text).not.toContain('load balancer logs');
});

it('once the incident spans midnight, every time on its card carries its date', async () => {
  const channel = await declared();
  await commandAnswer(h.slack, { command: '/incident', text: 'note before', userId: 'U0ALICE', channelId: channel.id });
  await card(channel.id, 'Note: before');
  // A day later, the incident is still open: "00:10" beside "23:50" would mislead.
  clock.advance(24 * 60 * 60_000);
  await commandAnswer(h.slack, { command: '/incident', text: 'note after', userId: 'U0ALICE', channelId: channel.id });
  const shown = await card(channel.id, 'Note: after');
  const timeline = (shown.blocks as Array<{ block_id?: string; text?: { text: string } }>).find(
    (b) => b.block_id === 'timeline',
  );
  const lines = (timeline?.text?.text ?? '').split('\n').slice(1);
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(line).toMatch(/^`\d{1,2} [A-Z][a-z]{2}( \d{4})? \d{2}:\d{2}`/);
});
