// Resolving drafts the postmortem: through a signed slash command, PagerDuty is resolved, the Markdown
// is uploaded to the channel with a link, and the link opens the page (and only with its signature).
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { alertmanagerPayload } from '../support/payloads';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const ROUTING_KEY = 'postmortem-routing-key-0123456789';
let pd: FakePagerDuty;
let h: Harness;

beforeEach(async () => {
  pd = await FakePagerDuty.start({ routingKey: ROUTING_KEY });
  h = await startHarness({
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      PUBLIC_URL: 'http://firebreak.test',
    },
  });
});
afterEach(async () => {
  await h.stop();
  await pd.stop();
});

it('/incident resolve resolves PagerDuty, posts the postmortem file with its link, and the link opens the page', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  await eventually(() => pd.incidents().length === 1, 'the page');
  // Each answer comes once its change is stored: the note is on the timeline before the resolution.
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'note added 20 web servers',
    userId: 'U0BOB',
    channelId: channel.id,
  });

  const reply = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve traffic back to normal after scaling out',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  expect(reply.text).toContain('Resolved *INC-1*');
  await eventually(() => pd.incident('firebreak-inc-1')?.status === 'resolved', 'PagerDuty resolved');

  const file = await eventually(() => h.slack.files(channel.id)[0], 'the postmortem file');
  expect(file.name).toBe('INC-1-postmortem.md');
  expect(file.content).toContain('## Issue Summary');
  expect(file.content).toContain('traffic back to normal after scaling out');
  expect(file.content).toContain('_To be filled in: impact_');
  const message = await eventually(
    () => h.slack.messages(channel.id).find((m) => m.text.includes('Postmortem draft for INC-1')),
    'the message with the link',
  );
  const link = /<(http:\/\/firebreak\.test[^|>]+)\|/.exec(message.text)?.[1];
  expect(link).toBeDefined();
  const drafted = await eventually(
    async () => (await h.firebreak.store.timeline.list(1)).find((e) => e.type === 'postmortem.drafted'),
    'the postmortem.drafted event',
  );
  expect(drafted.data).toEqual({ url: link });
  await eventually(
    () =>
      h.slack
        .messages(channel.id)
        .some((m) => m.pinned && JSON.stringify(m.blocks).includes('open the page for managers')),
    'the card linking the draft',
  );

  const path = link!.replace('http://firebreak.test', '');
  const page = await fetch(`${h.firebreak.url}${path}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  expect(html).toContain('timeline-chart');
  expect(html).toContain('Request rate on web is 8x normal');
  const markdown = await fetch(`${h.firebreak.url}${path}&format=md`);
  expect(await markdown.text()).toContain('## Root Cause and Resolution');

  const unsigned = await fetch(`${h.firebreak.url}/incidents/1/postmortem`);
  expect(unsigned.status).toBe(403);
  const tampered = await fetch(`${h.firebreak.url}${path.replace('/incidents/1/', '/incidents/2/')}`);
  expect(tampered.status).toBe(403);
});

it('/incident postmortem drafts it again at any time, each a postmortem.drafted event', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  await eventually(() => h.slack.messages(channel.id).some((m) => m.pinned), 'the card');
  await h.slack.slashCommand({ command: '/incident', text: 'postmortem', userId: 'U0ALICE', channelId: channel.id });
  await eventually(() => h.slack.files(channel.id).length === 1, 'the first draft');
  expect(h.slack.files(channel.id)[0]!.content).toContain('## Timeline');
  await h.slack.slashCommand({ command: '/incident', text: 'postmortem', userId: 'U0ALICE', channelId: channel.id });
  await eventually(() => h.slack.files(channel.id).length === 2, 'the second draft');
  // The event is recorded just after the upload: wait for it rather than race it.
  await eventually(
    async () => (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'postmortem.drafted').length === 2,
    'two postmortem.drafted events',
  );
});

it('names each person by their name in Slack, asked once per person', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'lead <@U0ALICE|alice>',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'note cache is cold',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve back to normal',
    userId: 'U0ALICE',
    channelId: channel.id,
  });

  // The slash commands carry Slack usernames ("alice"); the postmortem says who the people are.
  const file = await eventually(() => h.slack.files(channel.id)[0], 'the postmortem file');
  expect(file.content).toContain('Alice Archer became the incident lead — Alice Archer');
  expect(file.content).toContain('Note: cache is cold — Bob Baker');
  expect(file.content).not.toMatch(/\balice\b|\bbob\b/);
  expect(
    h.slack
      .calls('users.info')
      .map((c) => c.args.user)
      .sort(),
  ).toEqual(['U0ALICE', 'U0BOB']);

  // Drafted again: the names are remembered, not asked again.
  await commandAnswer(h.slack, { command: '/incident', text: 'postmortem', userId: 'U0ALICE', channelId: channel.id });
  await eventually(() => h.slack.files(channel.id).length === 2, 'the second draft');
  expect(h.slack.calls('users.info')).toHaveLength(2);
});

it('drafts the postmortem with the recorded names when Slack will not say who people are', async () => {
  h.slack.fail('users.info', { status: 500, times: 100 });
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve back to normal',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  const file = await eventually(() => h.slack.files(channel.id)[0], 'the postmortem file');
  expect(file.content).toContain('Incident resolved: back to normal — alice');
  expect(h.slack.calls('users.info').length).toBeGreaterThan(0);
});
