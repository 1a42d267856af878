// Slack pushing back: 429 with Retry-After and 5xx are retried from the durable outbox; nothing is lost,
// nothing is sent twice, and a storm of alerts never edits a card faster than Slack allows.
import { alertmanagerPayload } from '../support/payloads';
import { eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

let h: Harness;
afterEach(async () => {
  await h.stop();
});

function incidentChannels() {
  return h.slack.listChannels().filter((c) => c.name.startsWith('inc-'));
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${h.firebreak.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

it('Slack answering 429 three times: the card still arrives once, after Retry-After each time', async () => {
  h = await startHarness();
  h.slack.fail('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 3 });
  const response = await h.postAlert('alertmanager', alertmanagerPayload());
  expect(response.status).toBe(202);

  const channel = await eventually(() => incidentChannels()[0], 'the incident channel');
  await eventually(() => h.slack.messages(channel.id).some((m) => m.pinned), 'the pinned card', 20_000);
  await eventually(
    () => h.slack.messages(h.slack.channelByName('incidents')!.id).length === 1,
    'the announcement',
    20_000,
  );
  await h.drained();

  const botMessages = h.slack.messages(channel.id).filter((m) => m.user === h.slack.auth().botUserId);
  expect(botMessages).toHaveLength(1);
  expect(h.slack.messages(h.slack.channelByName('incidents')!.id)).toHaveLength(1);
  const posts = h.slack.calls('chat.postMessage');
  expect(posts.filter((c) => c.error === 'ratelimited')).toHaveLength(3);
  // Each retry to that channel waited at least the second Slack asked for.
  posts.forEach((post, i) => {
    if (post.error !== 'ratelimited') return;
    const retry = posts.slice(i + 1).find((later) => later.args.channel === post.args.channel);
    expect(retry).toBeDefined();
    expect(retry!.at - post.at).toBeGreaterThanOrEqual(950);
  });
  expect(await metric('firebreak_slack_rate_limited_total')).toBe(3);
});

it('Slack failing with 500 while creating the channel: one channel once Slack is back', async () => {
  h = await startHarness();
  h.slack.fail('conversations.create', { status: 500, times: 2 });
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => incidentChannels()[0], 'the incident channel', 20_000);
  await eventually(() => h.slack.messages(channel.id).some((m) => m.pinned), 'the pinned card', 20_000);
  expect(incidentChannels()).toHaveLength(1);
  expect(h.slack.calls('conversations.create').filter((c) => c.ok)).toHaveLength(1);
});

it('a storm of repeats is coalesced: the card never changes faster than one edit per second', async () => {
  // The production pacing (policy card.minEditIntervalMs), not the fast test lane.
  h = await startHarness({ laneIntervalMs: 1100 });
  const first = await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => incidentChannels()[0], 'the incident channel');
  await eventually(() => h.slack.messages(channel.id).some((m) => m.pinned), 'the pinned card');
  for (let i = 0; i < 60; i += 1) {
    await h.postAlert('alertmanager', { ...alertmanagerPayload(), commonAnnotations: { repeat: String(i) } });
  }
  await eventually(
    () => JSON.stringify(h.slack.messages(channel.id).find((m) => m.pinned)?.blocks ?? '').includes('×61'),
    'the card to count all 61',
    20_000,
  );
  expect(h.slack.maxCallsPerChannelPerSecond(['chat.postMessage', 'chat.update'])).toBeLessThanOrEqual(1);
  expect(h.slack.calls('chat.update').length).toBeLessThan(20);
  expect(first.body.incidents).toEqual([1]);
});
