// The sandbox's fakes saved and read back (what a restarted `npm start` does): a second fake carries on where the
// first stopped, through the real SDK clients: the channel, its pinned message, an edit to it, fresh ids, the
// open page, the Auto Scaling group at the size it was left.
import { WebClient } from '@slack/web-api';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { decodeState, encodeState } from '../../src/sandbox/saved-state';

const TOKEN = 'xoxb-state-test';
const through = <T>(value: T): unknown => decodeState(encodeState(value));
const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const fake of started.splice(0)) await fake.stop();
});

it('encodes Maps and Buffers, nested, and gives them back', () => {
  const value = {
    files: new Map([['F1', { content: Buffer.from('postmortem ✓'), tags: new Map([['a', 'b']]) }]]),
    n: 3,
    list: [1, 'x'],
  };
  const back = through(value) as typeof value;
  expect(back.files.get('F1')?.content.toString('utf8')).toBe('postmortem ✓');
  expect(back.files.get('F1')?.tags.get('a')).toBe('b');
  expect(back).toMatchObject({ n: 3, list: [1, 'x'] });
});

it('a Slack read back from its saved state has the channel, the pinned message, takes edits and hands out new ids', async () => {
  const first = await FakeSlack.start({ botToken: TOKEN });
  started.push(first);
  const web1 = new WebClient(TOKEN, { slackApiUrl: first.apiUrl, retryConfig: { retries: 0 } });
  const channel = (await web1.conversations.create({ name: 'inc-state' })).channel?.id ?? '';
  const posted = await web1.chat.postMessage({ channel, text: 'INC-1 card' });
  await web1.pins.add({ channel, timestamp: posted.ts ?? '' });

  const second = await FakeSlack.start({ botToken: TOKEN });
  started.push(second);
  second.loadState(through(first.saveState()));
  const web2 = new WebClient(TOKEN, { slackApiUrl: second.apiUrl, retryConfig: { retries: 0 } });
  expect(second.channelByName('inc-state')?.id).toBe(channel);
  expect(second.messages(channel)).toMatchObject([{ ts: posted.ts, text: 'INC-1 card', pinned: true }]);
  await web2.chat.update({ channel, ts: posted.ts ?? '', text: 'INC-1 card ×2' });
  expect(second.messages(channel)[0]).toMatchObject({ text: 'INC-1 card ×2', edited: true });
  const other = (await web2.conversations.create({ name: 'inc-other' })).channel?.id;
  expect(other).toBeDefined();
  expect(other).not.toBe(channel);
  const next = await web2.chat.postMessage({ channel, text: 'later' });
  expect(Number(next.ts)).toBeGreaterThan(Number(posted.ts));
});

it('a PagerDuty and a cloud read back from their saved state keep the open page and the group as left', async () => {
  const pagerDuty = await FakePagerDuty.start({ routingKey: 'rk' });
  const cloud = await FakeCloud.start();
  started.push(pagerDuty, cloud);
  const trigger = await fetch(`${pagerDuty.eventsUrl}/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routing_key: 'rk',
      event_action: 'trigger',
      dedup_key: 'inc-1',
      payload: { summary: 'INC-1', source: 'firebreak', severity: 'critical' },
    }),
  });
  expect(trigger.status).toBe(202);
  cloud.addGroup({ name: 'web-asg', min: 2, max: 60, desired: 14 });

  const pagerDuty2 = await FakePagerDuty.start({ routingKey: 'rk' });
  const cloud2 = await FakeCloud.start();
  started.push(pagerDuty2, cloud2);
  pagerDuty2.loadState(through(pagerDuty.saveState()));
  cloud2.loadState(through(cloud.saveState()));
  expect(pagerDuty2.incident('inc-1')).toMatchObject({ status: 'triggered', summary: 'INC-1' });
  expect(cloud2.group('web-asg')).toMatchObject({ desired: 14 });
  expect(cloud2.instances({ autoScalingGroupName: 'web-asg' })).toHaveLength(14);
});

it('refuses a saved state that is not one, changing nothing', async () => {
  const slack = await FakeSlack.start({ botToken: TOKEN });
  started.push(slack);
  const before = slack.listChannels();
  expect(() => slack.loadState({ counter: 1 })).toThrow(/lacks/);
  expect(slack.listChannels()).toEqual(before);
});
