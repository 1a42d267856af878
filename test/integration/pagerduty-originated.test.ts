// Monitors that page through PagerDuty first: an incident opened in PagerDuty, on a service Firebreak follows,
// opens a Firebreak incident linked to it (its channel and card), pages nobody again, and its acknowledgement
// and resolution keep flowing both ways. Against the local fake PagerDuty (Events v2, signed v3 webhooks).
import { loadPostmortem } from '../../src/flows/postmortem-document';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
const WEBHOOK_SECRET = 'test-pagerduty-webhook-secret';
/** The fake's one service (Web); a monitor's integration on it opens incidents with its own dedup keys. */
const WEB_SERVICE = 'PSVC0WEB';
const MONITOR_KEY = 'datadog-monitor-4711';

let pd: FakePagerDuty;
let h: Harness;

const API_TOKEN = 'test-pagerduty-api-token';

/** `actAs`: the PagerDuty user Firebreak acts as through the REST API (PAGERDUTY_FROM_EMAIL), if any. */
async function start(followed: string, actAs?: string): Promise<void> {
  pd = await FakePagerDuty.start({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
  h = await startHarness({
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PAGERDUTY_INCIDENT_SERVICE_IDS: followed,
      ...(actAs ? { PAGERDUTY_API_URL: pd.apiUrl, PAGERDUTY_API_TOKEN: API_TOKEN, PAGERDUTY_FROM_EMAIL: actAs } : {}),
    },
  });
  pd.connectWebhook({ url: `${h.firebreak.url}/webhooks/pagerduty`, secret: WEBHOOK_SECRET });
}
afterEach(async () => {
  await h?.stop();
  await pd?.stop();
});

/** What Firebreak sent to the Events API (the monitor's own trigger reached PagerDuty another way). */
const firebreakTriggers = () =>
  pd.events().filter((e) => (e.body as { event_action?: string }).event_action === 'trigger');
const accepted = (action: string) =>
  pd.events().filter((e) => e.status === 202 && (e.body as { event_action?: string }).event_action === action);

async function card(includes: string) {
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  const pinned = await eventually(
    () => h.slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
    `the card to show ${includes}`,
  );
  return { channel, pinned };
}

it('an incident opened in PagerDuty opens one linked Firebreak incident, and pages nobody again', async () => {
  await start(WEB_SERVICE);
  const reply = await pd.monitorTriggers({ dedupKey: MONITOR_KEY, summary: 'Checkout error rate above 5%' });
  expect(reply).toMatchObject({ status: 200, body: { applied: true, incidentId: 1 } });
  const { channel } = await card('Checkout error rate above 5%');
  expect(channel.name).toContain('checkout-error-rate-above-5');
  const [incident] = await h.firebreak.store.incidents.listRecent(5);
  // PagerDuty's high urgency (no priority) is sev2; the incident is PagerDuty's Web service's.
  expect(incident).toMatchObject({ severity: 'sev2', service: 'Web', page: { status: 'triggered', key: MONITOR_KEY } });
  const events = await h.firebreak.store.timeline.list(1);
  expect(events.map((e) => e.type)).toEqual(['incident.declared', 'page.sent']);
  expect(events[1]?.data).toMatchObject({
    via: 'PagerDuty',
    message: expect.stringMatching(/^PagerDuty incident #\d+, opened there$/),
  });
  await h.drained();
  // A sev2 incident pages; this one is already a page, so Firebreak sends PagerDuty no trigger.
  expect(firebreakTriggers()).toEqual([]);
  expect(pd.incidents()).toHaveLength(1);
});

it('acknowledging in PagerDuty reaches the card; resolving in Firebreak resolves it in PagerDuty', async () => {
  await start(WEB_SERVICE);
  await pd.monitorTriggers({ dedupKey: MONITOR_KEY, summary: 'Checkout error rate above 5%' });
  const { channel } = await card('Checkout error rate above 5%');
  expect((await pd.acknowledge(MONITOR_KEY, { userId: 'PUSR0ALICE' })).body).toMatchObject({
    applied: true,
    incidentId: 1,
  });
  await card('Page acknowledged by Alice Archer');
  const resolved = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve payments provider recovered',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  expect(resolved.text).toContain('Resolved *INC-1*');
  await eventually(() => accepted('resolve').length === 1, 'the resolve event');
  expect(accepted('resolve')[0]?.body).toMatchObject({ dedup_key: MONITOR_KEY });
  expect(pd.incidents().find((i) => i.dedupKey === MONITOR_KEY)?.status).toBe('resolved');
  // What the manager reads: where the incident came from, and that on-call was paged there.
  const postmortem = await loadPostmortem({ store: h.firebreak.store, clock: h.clock, timeZone: 'UTC' }, 1);
  const lines = postmortem?.timeline.map((e) => e.text) ?? [];
  expect(lines[0]).toBe('Incident opened from PagerDuty: Checkout error rate above 5% (sev2, Web)');
  expect(lines[1]).toMatch(/^On-call engineer paged through PagerDuty: PagerDuty incident #\d+, opened there$/);
});

it('with a REST token and a From user, Firebreak acknowledges and resolves it by its id, whatever its service', async () => {
  await start(WEB_SERVICE, 'bob@example.com');
  await pd.monitorTriggers({ dedupKey: MONITOR_KEY, summary: 'Checkout error rate above 5%' });
  const { channel, pinned } = await card('incident_ack');
  const pdIncident = pd.incidents().find((i) => i.dedupKey === MONITOR_KEY);
  await h.slack.clickButton({ userId: 'U0BOB', channelId: channel.id, messageTs: pinned.ts, actionId: 'incident_ack' });
  const updates = () => pd.requests().filter((r) => r.method === 'PUT' && r.path === `/incidents/${pdIncident?.id}`);
  await eventually(() => updates().length === 1, 'the REST acknowledgement');
  expect(updates()[0]?.status).toBe(200);
  expect(pd.incidents().find((i) => i.dedupKey === MONITOR_KEY)?.status).toBe('acknowledged');
  await commandAnswer(h.slack, {
    command: '/incident',
    text: 'resolve recovered',
    userId: 'U0BOB',
    channelId: channel.id,
  });
  await eventually(() => updates().length === 2, 'the REST resolution');
  expect(pd.incidents().find((i) => i.dedupKey === MONITOR_KEY)?.status).toBe('resolved');
  await h.drained();
  // Nothing went through the Events API: by key, it could only reach an incident on its routing key's service.
  expect(accepted('acknowledge')).toEqual([]);
  expect(accepted('resolve')).toEqual([]);
});

it('the same incident.triggered twice opens one incident; a service not followed opens none', async () => {
  await start(WEB_SERVICE);
  await pd.monitorTriggers({ dedupKey: MONITOR_KEY, summary: 'Checkout error rate above 5%' });
  const [delivery] = pd.deliveries();
  const again = await pd.sendRawWebhook(delivery!.body, delivery!.headers);
  expect(again.body).toMatchObject({ applied: false });
  await h.drained();
  expect(await h.firebreak.store.incidents.listRecent(5)).toHaveLength(1);

  await h.stop();
  await pd.stop();
  await start('POTHER1');
  const ignored = await pd.monitorTriggers({ dedupKey: MONITOR_KEY, summary: 'Checkout error rate above 5%' });
  expect(ignored.body).toEqual({
    applied: false,
    reason: `service ${WEB_SERVICE} is not followed (PAGERDUTY_INCIDENT_SERVICE_IDS)`,
  });
  await h.drained();
  expect(await h.firebreak.store.incidents.listRecent(5)).toEqual([]);
});

it("PagerDuty's incident.triggered for Firebreak's own page opens nothing more", async () => {
  await start(WEB_SERVICE);
  const declared = await commandAnswer(h.slack, {
    command: '/incident',
    text: 'declare Checkout is down sev1 checkout',
    userId: 'U0BOB',
    channelId: h.slack.channelByName('general')!.id,
  });
  expect(declared.text).toContain('INC-1');
  await eventually(() => accepted('trigger').length === 1, "Firebreak's page");
  // PagerDuty tells every subscriber of every new incident, Firebreak's own page included.
  const reply = await pd.monitorTriggers({ dedupKey: 'firebreak-inc-1', summary: 'ignored' });
  expect(reply.body).toMatchObject({ applied: false });
  await h.drained();
  expect(await h.firebreak.store.incidents.listRecent(5)).toHaveLength(1);
});
