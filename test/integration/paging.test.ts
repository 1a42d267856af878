// Paging through PagerDuty, through the real HTTP server and Bolt receiver, against the local fake
// PagerDuty (Events v2, REST on-call, signed v3 webhooks) and the fake Slack.
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { signPagerDutyWebhook } from '../../src/sandbox/pagerduty-signature';
import { alertmanagerPayload } from '../support/payloads';
import { adjustableClock, commandAnswer, eventually, postJson, startHarness, type Harness } from '../support/harness';
import { startLossyProxy } from '../support/lossy-proxy';

jest.setTimeout(30_000);

const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
const API_TOKEN = 'test-pagerduty-api-token';
const WEBHOOK_SECRET = 'test-pagerduty-webhook-secret';

let pd: FakePagerDuty;
let h: Harness;
const clock = adjustableClock();

function pagingEnv(fake: FakePagerDuty): Record<string, string> {
  return {
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: fake.eventsUrl,
    PAGERDUTY_API_URL: fake.apiUrl,
    PAGERDUTY_API_TOKEN: API_TOKEN,
    PAGERDUTY_ESCALATION_POLICY_ID: 'PESC0WEB',
    PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
}

beforeEach(async () => {
  pd = await FakePagerDuty.start({ apiToken: API_TOKEN, routingKey: ROUTING_KEY });
  h = await startHarness({ env: pagingEnv(pd), clock });
  pd.connectWebhook({ url: `${h.firebreak.url}/webhooks/pagerduty`, secret: WEBHOOK_SECRET });
});
afterEach(async () => {
  await h.stop();
  await pd.stop();
});

const triggers = () => pd.events().filter((e) => (e.body as { event_action?: string }).event_action === 'trigger');
const accepted = (action: string) =>
  pd.events().filter((e) => e.status === 202 && (e.body as { event_action?: string }).event_action === action);

async function incidentChannel() {
  return eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the incident channel');
}

async function card(channelId: string, includes: string) {
  return eventually(
    () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
  );
}

async function timelineTypes(incidentId = 1): Promise<string[]> {
  return (await h.firebreak.store.timeline.list(incidentId)).map((e) => e.type);
}

it('one incident pages once, with a stable dedup key, however often its alerts repeat', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{}, { fingerprint: 'second' }] }));
  await h.postAlert('alertmanager', { ...alertmanagerPayload(), commonAnnotations: { repeat: '1' } });
  await h.postAlert('alertmanager', { ...alertmanagerPayload(), commonAnnotations: { repeat: '2' } });
  const channel = await incidentChannel();
  await eventually(() => triggers().length === 1, 'the trigger');
  await card(channel.id, 'waiting for acknowledgement');
  await h.drained();

  expect(triggers()).toHaveLength(1);
  const body = triggers()[0]!.body as {
    routing_key: string;
    dedup_key: string;
    payload: {
      summary: string;
      severity: string;
      source: string;
      custom_details: { firing_alerts: string[]; service: string };
    };
    links: Array<{ href: string }>;
  };
  expect(body.dedup_key).toBe('firebreak-inc-1');
  expect(body.payload).toMatchObject({
    summary: '[SEV1] INC-1: Request rate on web is 8x normal',
    severity: 'critical',
    source: 'firebreak',
  });
  expect(body.payload.custom_details.service).toBe('web');
  expect(body.payload.custom_details.firing_alerts).toHaveLength(2);
  expect(body.links[0]?.href).toContain(channel.id);
  expect(pd.incidents()).toHaveLength(1);
  expect((await timelineTypes()).filter((t) => t === 'page.sent')).toHaveLength(1);
});

it('does not page for a severity the policy does not page', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{ severity: 'warning' }] }));
  const channel = await incidentChannel();
  await card(channel.id, 'Page on-call');
  expect(triggers()).toHaveLength(0);
});

it('the Acknowledge button acknowledges in PagerDuty and the card shows who', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  const pinned = await card(channel.id, 'incident_ack');
  const click = await h.slack.clickButton({
    userId: 'U0BOB',
    channelId: channel.id,
    messageTs: pinned.ts,
    actionId: 'incident_ack',
  });
  expect(click.status).toBe(200);
  await eventually(() => accepted('acknowledge').length === 1, 'the acknowledge event');
  expect((accepted('acknowledge')[0]!.body as { dedup_key: string }).dedup_key).toBe('firebreak-inc-1');
  await card(channel.id, 'Page acknowledged by <@U0BOB>');
  expect(pd.incident('firebreak-inc-1')?.status).toBe('acknowledged');
});

it('a signed "acknowledged" webhook lands on the timeline and the card, naming who', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await eventually(() => triggers().length === 1, 'the trigger');
  const reply = await pd.acknowledge('firebreak-inc-1', { userId: 'PUSR0ALICE' });
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({ applied: true, incidentId: 1 });
  const events = await h.firebreak.store.timeline.list(1);
  expect(events.find((e) => e.type === 'page.acknowledged')).toMatchObject({
    actor: { kind: 'pager', via: 'PagerDuty', name: 'Alice Archer' },
    data: { by: 'Alice Archer' },
  });
  await card(channel.id, 'Page acknowledged by Alice Archer');
});

it('escalation and resolution in PagerDuty are recorded; resolving the incident resolves the page', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await eventually(() => triggers().length === 1, 'the trigger');
  await pd.escalate('firebreak-inc-1', { toLevel: 2 });
  await card(channel.id, 'now with Bob');
  const reply = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve traffic back to normal',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  expect(reply.text).toContain('Resolved *INC-1*');
  await eventually(() => accepted('resolve').length === 1, 'the resolve event');
  expect(await timelineTypes()).toEqual(expect.arrayContaining(['page.sent', 'page.escalated', 'incident.resolved']));
});

it('a badly signed or replayed webhook is refused and changes nothing', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  await eventually(() => triggers().length === 1, 'the trigger');
  expect((await pd.acknowledge('firebreak-inc-1')).body).toMatchObject({ applied: true, incidentId: 1 });
  // The page's story; other work (the on-call invite) may still be landing meanwhile.
  const pageEvents = async () => (await h.firebreak.store.timeline.list(1)).filter((e) => e.type.startsWith('page.'));
  const before = await pageEvents();
  const delivery = pd.deliveries()[0]!;

  const forged = await postJson(`${h.firebreak.url}/webhooks/pagerduty`, delivery.body, {
    'x-pagerduty-signature': signPagerDutyWebhook('not-the-secret', delivery.body),
  });
  expect(forged.status).toBe(401);
  const unsigned = await postJson(`${h.firebreak.url}/webhooks/pagerduty`, delivery.body);
  expect(unsigned.status).toBe(401);
  // A repeated delivery (same webhook event id) is still answered 2xx, so PagerDuty stops retrying, but says it applied nothing.
  for (let i = 0; i < 3; i++) {
    const replay = await pd.sendRawWebhook(delivery.body, {
      'x-pagerduty-signature': delivery.headers['x-pagerduty-signature']!,
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ applied: false, reason: expect.stringContaining('already received') });
  }
  expect(await pageEvents()).toEqual(before);
});

it('PagerDuty answering 429 once: exactly one trigger is recorded, after a retry', async () => {
  pd.fail('/v2/enqueue', { status: 429, times: 1 });
  await h.postAlert('alertmanager', alertmanagerPayload());
  await eventually(() => accepted('trigger').length === 1, 'the accepted trigger', 15_000);
  await h.drained();
  expect(triggers().map((e) => e.status)).toEqual([429, 202]);
  expect(pd.incidents()).toHaveLength(1);
  expect((await timelineTypes()).filter((t) => t === 'page.sent')).toHaveLength(1);
});

it('PagerDuty refusing the page (400) is a page.failed event with its reason on the card', async () => {
  pd.fail('/v2/enqueue', { status: 400, message: 'Invalid routing key' });
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await card(channel.id, 'Paging failed');
  const failed = (await h.firebreak.store.timeline.list(1)).find((e) => e.type === 'page.failed');
  expect(JSON.stringify(failed?.data)).toContain('Invalid routing key');
  expect(JSON.stringify(failed?.data)).not.toContain(ROUTING_KEY);
});

it('the on-call engineers are found by email, invited to the channel and shown on the card', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await eventually(
    () => h.slack.members(channel.id).includes('U0ALICE') && h.slack.members(channel.id).includes('U0BOB'),
    'Alice and Bob invited',
  );
  await card(channel.id, '<@U0ALICE> (Web on-call, L1)');
  expect(await timelineTypes()).toEqual(expect.arrayContaining(['responder.joined']));
  expect(h.slack.calls('users.lookupByEmail').map((c) => c.args.email)).toEqual(
    expect.arrayContaining(['alice@example.com', 'bob@example.com']),
  );
});

it('a storm of incidents looks each on-call engineer up in Slack once, not once per incident', async () => {
  for (let n = 1; n <= 5; n++)
    await h.postAlert(
      'alertmanager',
      alertmanagerPayload({
        groupKey: `{}:{alertname="HighRequestRate",shard="${n}"}`,
        alerts: [{ fingerprint: `fp-${n}` }],
      }),
    );
  await eventually(() => {
    const channels = h.slack.listChannels().filter((c) => c.name.startsWith('inc-'));
    return (
      channels.length === 5 &&
      channels.every((c) => h.slack.members(c.id).includes('U0ALICE') && h.slack.members(c.id).includes('U0BOB'))
    );
  }, 'Alice and Bob in all five channels');
  const lookups = h.slack.calls('users.lookupByEmail').map((c) => c.args.email);
  expect(lookups.filter((e) => e === 'alice@example.com')).toHaveLength(1);
  expect(lookups.filter((e) => e === 'bob@example.com')).toHaveLength(1);
});

it('a PagerDuty outage during the on-call lookup shows on the card and loses nothing', async () => {
  pd.fail('/oncalls', { status: 503, times: 1000 });
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await card(channel.id, 'could not reach PagerDuty');
  pd.clearFailures();
  await eventually(
    () => h.slack.members(channel.id).includes('U0ALICE'),
    'Alice invited once PagerDuty answers',
    20_000,
  );
  await card(channel.id, '<@U0ALICE> (Web on-call, L1)');
});

it('an unacknowledged page is called out after the policy time, with a button to page again', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await card(channel.id, 'waiting for acknowledgement');
  clock.advance(6 * 60_000);
  h.firebreak.outbox.wake();
  const notice = await eventually(
    () => h.slack.messages(channel.id).find((m) => m.text.includes('Nobody has acknowledged the page')),
    'the reminder',
    15_000,
  );
  expect(JSON.stringify(notice.blocks)).toContain('page_oncall');
  expect(await timelineTypes()).toContain('page.unacknowledged');
  await card(channel.id, 'not acknowledged');

  await h.slack.clickButton({
    userId: 'U0CAROL',
    channelId: channel.id,
    messageTs: notice.ts,
    actionId: 'page_oncall',
  });
  await eventually(() => accepted('trigger').length === 2, 'the second page');
  // Recorded once PagerDuty's answer is back, a moment after the fake counted the trigger.
  const second = await eventually(
    async () => (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'page.sent')[1],
    'the second page on the timeline',
  );
  expect(second).toMatchObject({ actor: { kind: 'user', id: 'U0CAROL' }, data: { count: 2 } });
});

it('/incident page pages again with a message; /oncall says who is on call', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await incidentChannel();
  await eventually(() => triggers().length === 1, 'the trigger');
  const reply = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'page need a DBA too',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  expect(reply.text).toContain('Paging on-call for *INC-1*');
  await eventually(() => accepted('trigger').length === 2, 'the second trigger');
  expect((accepted('trigger')[1]!.body as { payload: { summary: string } }).payload.summary).toContain(
    'need a DBA too',
  );

  const oncall = await h.slack.slashCommand({ command: '/oncall', text: '', userId: 'U0BOB', channelId: channel.id });
  expect(oncall.status).toBe(200);
  const answer = await eventually(
    () => h.slack.responses.find((r) => JSON.stringify(r.body).includes('On call now')),
    'the /oncall answer',
  );
  expect(JSON.stringify(answer.body)).toContain('L1 <@U0ALICE>');
  expect(JSON.stringify(answer.body)).toContain('L2 <@U0BOB>');
});

it('raising an incident to a paging severity pages once', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{ severity: 'warning' }] }));
  const channel = await incidentChannel();
  await card(channel.id, 'Page on-call');
  expect(triggers()).toHaveLength(0);
  await h.slack.slashCommand({ command: '/incident', text: 'sev 1', userId: 'U0BOB', channelId: channel.id });
  await eventually(() => accepted('trigger').length === 1, 'the page');
  expect((accepted('trigger')[0]!.body as { payload: { summary: string; severity: string } }).payload).toMatchObject({
    severity: 'critical',
    summary: expect.stringContaining('severity raised to sev1'),
  });
  // Its answer comes once the change is stored and any page it causes is queued.
  expect(
    (await commandAnswer(h.slack, { command: '/incident', text: 'sev 2', userId: 'U0BOB', channelId: channel.id }))
      .text,
  ).toContain('Severity is now *sev2*');
  await h.drained();
  expect(triggers()).toHaveLength(1);
});

it('pages once when PagerDuty took the trigger but its answer was lost: it asks PagerDuty before sending again', async () => {
  const proxy = await startLossyProxy(`${pd.eventsUrl}/v2/`);
  let lost = 0;
  proxy.setFault((method, body) =>
    method === 'enqueue' && body.includes('"trigger"') && lost++ === 0 ? 'lose-answer' : null,
  );
  await h.stop();
  h = await startHarness({ env: { ...pagingEnv(pd), PAGERDUTY_EVENTS_URL: proxy.base }, clock });
  try {
    await h.postAlert('alertmanager', alertmanagerPayload());
    await eventually(async () => (await timelineTypes()).includes('page.sent'), 'the page to be recorded as sent');
    expect(lost).toBe(1);
    expect(accepted('trigger')).toHaveLength(1);
    expect(pd.incidents()).toHaveLength(1);
    const [job] = (await h.firebreak.store.outbox.list()).filter((j) => j.kind === 'page.trigger');
    expect(job?.attempts).toBe(2);
  } finally {
    await proxy.stop();
  }
});
