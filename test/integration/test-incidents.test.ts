// Test incidents (issue 16, part 7), through the real signed Slack path against the local Slack and PagerDuty:
// a `test-` channel, nobody paged, no announcement, kept out of metrics, marked on the card and the postmortem.
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
const API_TOKEN = 'test-pagerduty-api-token';

let pd: FakePagerDuty;
let h: Harness;
beforeEach(async () => {
  pd = await FakePagerDuty.start({ apiToken: API_TOKEN, routingKey: ROUTING_KEY });
  h = await startHarness({
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      PAGERDUTY_API_URL: pd.apiUrl,
      PAGERDUTY_API_TOKEN: API_TOKEN,
      PAGERDUTY_ESCALATION_POLICY_ID: 'PESC0WEB',
    },
  });
});
afterEach(async () => {
  await h.stop();
  await pd.stop();
});

const triggers = () => pd.events().filter((e) => (e.body as { event_action?: string }).event_action === 'trigger');
const announcements = () => h.slack.messages('C0INCIDENTS').filter((m) => m.user !== 'U0ALICE');

async function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
  );
}

async function openedCount(): Promise<string> {
  const body = await (await fetch(`${h.firebreak.url}/metrics`)).text();
  return /firebreak_incidents_opened_total\{origin="firebreak"\} (\d+)/.exec(body)?.[1] ?? '0';
}

async function incident(
  text: string,
  userId = 'U0ALICE',
): Promise<{ answer: { text: string; response_type: string }; channel: { id: string; name: string } }> {
  const before = new Set(h.slack.listChannels().map((c) => c.id));
  const answer = await commandAnswer(h.slack, { command: '/incident', text, userId, channelId: 'C0GENERAL' });
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => !before.has(c.id) && c.name !== 'incidents'),
    'the new channel',
  );
  return { answer, channel };
}

it('declare --test opens a marked test-… channel; nobody is paged, nothing is announced, no metric moves', async () => {
  const { answer, channel } = await incident('declare --test Checkout drill sev1 checkout');
  expect(answer.response_type).toBe('ephemeral');
  expect(answer.text).toContain('test incident');
  expect(channel.name).toMatch(/^test-\d{8}-checkout-drill$/);
  const shown = await card(channel.id, 'TEST INCIDENT');
  expect(JSON.stringify(shown.blocks)).toContain('nobody is paged');
  await h.drained();

  expect(await h.firebreak.store.incidents.findById(1)).toMatchObject({ test: true, severity: 'sev1' });
  expect(triggers()).toEqual([]);
  expect(announcements()).toEqual([]);
  expect(await openedCount()).toBe('0');

  // Paging by hand is refused, saying why; raising the severity pages nobody either.
  const page = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'page',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  expect(page.text).toContain('INC-1 is a test incident: it never pages anyone.');
  await commandAnswer(h.slack, { command: '/incident', text: 'sev 3', userId: 'U0ALICE', channelId: channel.id });
  await commandAnswer(h.slack, { command: '/incident', text: 'sev 1', userId: 'U0ALICE', channelId: channel.id });
  await h.drained();
  expect(triggers()).toEqual([]);

  // Its postmortem says what it was.
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve drill done',
    userId: 'U0ALICE',
    channelId: channel.id,
  });
  const file = await eventually(() => h.slack.files(channel.id)[0], 'the postmortem file');
  expect(file.content).toContain('TEST INCIDENT — Postmortem: Checkout drill (INC-1)');

  // A real incident beside it is paged, announced and counted as before.
  const real = await incident('declare Checkout is down sev1 checkout');
  expect(real.channel.name).toMatch(/^inc-/);
  await eventually(() => triggers().length === 1, 'the real page');
  await eventually(() => announcements().length === 1, 'the real announcement');
  expect(await openedCount()).toBe('1');
});

it('the declare form offers a test checkbox, ticked by `declare --test`; a wrong flag names the right form', async () => {
  // The form is the whole answer: nothing comes through the response URL.
  const asked = await h.slack.slashCommand({
    command: '/incident',
    text: 'declare --test',
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  expect(asked.status).toBe(200);
  const view = await eventually(() => h.slack.views('U0ALICE')[0], 'the declare form');
  expect(JSON.stringify(view)).toContain('Test incident');
  expect(JSON.stringify(view)).toContain('initial_options');
  const submitted = await h.slack.submitView({
    userId: 'U0ALICE',
    callbackId: 'incident_declare',
    values: {
      title: { title_input: { type: 'plain_text_input', value: 'Failover drill' } },
      severity: { severity_select: { type: 'static_select', selected_option: { value: 'sev2' } } },
      test: { test_checkbox: { type: 'checkboxes', selected_options: [{ value: 'test' }] } },
    },
  });
  expect(submitted.status).toBe(200);
  const opened = await eventually(async () => (await h.firebreak.store.incidents.listOpen())[0], 'the incident');
  expect(opened).toMatchObject({ title: 'Failover drill', test: true });
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('test-')),
    'the test channel',
  );
  await card(channel.id, 'TEST INCIDENT');

  const wrong = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'declare --tset Oops',
    userId: 'U0ALICE',
    channelId: 'C0GENERAL',
  });
  expect(wrong.text).toContain('"--tset" is not an option of declare');
  expect(wrong.text).toContain('/incident declare [--test] <title> [sev1-4] [service]');
});
