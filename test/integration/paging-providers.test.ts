// The Pager port holds for more than PagerDuty: the same paging flows, through the real HTTP server and Bolt
// receiver, against PagerDuty (the real Events API client and signed v3 webhooks, on the local fake PagerDuty)
// and against a second, test-only pager (five priorities, its own alias, its own acknowledge call and callbacks:
// test/support/priority-pager.ts). Paging once, a re-page, an acknowledgement from the pager and resolving
// behave the same on both; only what each pager was asked, and its name, differ.
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import type { PageUpdateOutcome } from '../../src/ports/pager';
import { alertmanagerPayload } from '../support/payloads';
import { commandAnswer, eventually, startHarness, type Harness } from '../support/harness';
import {
  createPriorityPager,
  PRIORITY_PAGER_NAME,
  PriorityAlertService,
  priorityAlias,
} from '../support/priority-pager';

jest.setTimeout(30_000);

const PAGE_KEY = 'firebreak-inc-1';
const ALICE = 'Alice Archer';

/** What a pager was asked to trigger, in its own terms. */
interface Trigger {
  key: string | undefined;
  severity: string | undefined;
  summary: string | undefined;
}

/** One pager under test: how to start Firebreak on it, what it was asked, and its responders' actions. */
interface Provider {
  name: string;
  start(): Promise<Harness>;
  stop(): Promise<void>;
  triggers(): Trigger[];
  /** Our paging severities on the pager's scale. */
  severity: { sev1: string; sev2: string };
  /** The pager's key for a page Firebreak keys `key`. */
  keyFor(key: string): string;
  /** Alice acknowledges in the pager; what Firebreak answered. */
  acknowledgeAsAlice(): Promise<PageUpdateOutcome>;
  /** The pager delivers its last update again. */
  repeatLastUpdate(): Promise<PageUpdateOutcome>;
  /** The pager hands the page to Bob. */
  handToBob(): Promise<PageUpdateOutcome>;
  /** Acknowledgements Firebreak sent to the pager. */
  acknowledgementsSent(): number;
  pageResolved(): boolean;
}

function pagerDuty(): Provider {
  const ROUTING_KEY = 'test-routing-key-0123456789abcdef';
  const API_TOKEN = 'test-pagerduty-api-token';
  const WEBHOOK_SECRET = 'test-pagerduty-webhook-secret';
  let pd: FakePagerDuty;
  type Body = {
    event_action?: string;
    dedup_key?: string;
    payload?: { severity?: string; summary?: string };
  };
  const accepted = (action: string) =>
    pd.events().filter((e) => e.status === 202 && (e.body as Body).event_action === action);
  return {
    name: 'PagerDuty',
    async start() {
      pd = await FakePagerDuty.start({ apiToken: API_TOKEN, routingKey: ROUTING_KEY });
      const h = await startHarness({
        env: {
          PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
          PAGERDUTY_EVENTS_URL: pd.eventsUrl,
          PAGERDUTY_API_URL: pd.apiUrl,
          PAGERDUTY_API_TOKEN: API_TOKEN,
          PAGERDUTY_ESCALATION_POLICY_ID: 'PESC0WEB',
          PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        },
      });
      pd.connectWebhook({ url: `${h.firebreak.url}/webhooks/pagerduty`, secret: WEBHOOK_SECRET });
      return h;
    },
    stop: () => pd.stop(),
    triggers: () =>
      accepted('trigger').map((e) => {
        const body = e.body as Body;
        return { key: body.dedup_key, severity: body.payload?.severity, summary: body.payload?.summary };
      }),
    severity: { sev1: 'critical', sev2: 'error' },
    keyFor: (key) => key,
    acknowledgeAsAlice: async () => (await pd.acknowledge(PAGE_KEY, { userId: 'PUSR0ALICE' })).body,
    async repeatLastUpdate() {
      const delivery = pd.deliveries().at(-1);
      if (!delivery) throw new Error('no webhook was sent');
      const signature = delivery.headers['x-pagerduty-signature'] ?? '';
      return (await pd.sendRawWebhook(delivery.body, { 'x-pagerduty-signature': signature })).body;
    },
    handToBob: async () => (await pd.escalate(PAGE_KEY, { toLevel: 2 })).body,
    acknowledgementsSent: () => accepted('acknowledge').length,
    pageResolved: () => pd.incident(PAGE_KEY)?.status === 'resolved',
  };
}

function priorityPager(): Provider {
  let service: PriorityAlertService;
  const alias = priorityAlias(PAGE_KEY);
  const only = (outcomes: PageUpdateOutcome[]): PageUpdateOutcome => {
    if (outcomes.length !== 1) throw new Error(`expected one subscriber, got ${outcomes.length}`);
    return outcomes[0] as PageUpdateOutcome;
  };
  return {
    name: `${PRIORITY_PAGER_NAME} (test-only provider)`,
    async start() {
      service = new PriorityAlertService();
      return startHarness({ pager: (updates) => createPriorityPager(service, updates) });
    },
    async stop() {},
    triggers: () => service.creates().map((c) => ({ key: c.alias, severity: c.priority, summary: c.message })),
    severity: { sev1: 'P1', sev2: 'P2' },
    keyFor: priorityAlias,
    acknowledgeAsAlice: async () => only(await service.acknowledgeAs(alias, { username: 'alice', fullName: ALICE })),
    async repeatLastUpdate() {
      const last = service.sent.at(-1);
      if (!last) throw new Error('no callback was sent');
      return only(await service.redeliver(last));
    },
    handToBob: async () => only(await service.assignAs(alias, { username: 'bob', fullName: 'Bob Baker' })),
    acknowledgementsSent: () => service.calls.filter((c) => c.method === 'acknowledge' && c.outcome === 'ok').length,
    pageResolved: () => service.alert(alias)?.status === 'closed',
  };
}

describe.each([pagerDuty(), priorityPager()])('paging through $name', (provider) => {
  let h: Harness;
  /** The pager's display name, as Firebreak words it ("through PagerDuty"). */
  const via = provider.name.replace(/ \(test-only provider\)$/, '');

  beforeEach(async () => {
    h = await provider.start();
  });
  afterEach(async () => {
    await h.stop();
    await provider.stop();
  });

  const incidentChannel = () =>
    eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the incident channel');

  const card = (channelId: string, includes: string) =>
    eventually(
      () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
      `the card to show ${includes}`,
    );

  const pageEvents = async () => (await h.firebreak.store.timeline.list(1)).filter((e) => e.type.startsWith('page.'));

  const command = (channelId: string, text: string) =>
    commandAnswer(h.slack, { command: '/incident', text, userId: 'U0BOB', channelId });

  it('an alert of a paging severity pages once, its severity on the pager’s scale, however often it repeats', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{}, { fingerprint: 'second' }] }));
    await h.postAlert('alertmanager', { ...alertmanagerPayload(), commonAnnotations: { repeat: '1' } });
    const channel = await incidentChannel();
    await eventually(() => provider.triggers().length === 1, 'the page');
    await card(channel.id, 'waiting for acknowledgement');
    await card(channel.id, `On-call paged through ${via}`);
    await h.drained();

    expect(provider.triggers()).toEqual([
      {
        key: provider.keyFor(PAGE_KEY),
        severity: provider.severity.sev1,
        summary: '[SEV1] INC-1: Request rate on web is 8x normal',
      },
    ]);
    expect((await pageEvents()).filter((e) => e.type === 'page.sent')).toEqual([
      expect.objectContaining({ data: { key: PAGE_KEY, via, count: 1 } }),
    ]);
  });

  it('raising an incident to sev2 pages once, with sev2’s severity on the pager’s scale', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{ severity: 'warning' }] }));
    const channel = await incidentChannel();
    await card(channel.id, 'Page on-call');
    expect((await command(channel.id, 'sev 2')).text).toContain('Severity is now *sev2*');
    await eventually(() => provider.triggers().length === 1, 'the page');
    await h.drained();
    expect(provider.triggers()).toEqual([
      {
        key: provider.keyFor(PAGE_KEY),
        severity: provider.severity.sev2,
        summary: expect.stringContaining('severity raised to sev2'),
      },
    ]);
  });

  it('a re-page by hand reuses the page’s key', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await eventually(() => provider.triggers().length === 1, 'the first page');
    const reply = await command(channel.id, 'page need a DBA too');
    expect(reply.text).toBe(`Paging on-call for *INC-1* through ${via} with "need a DBA too".`);
    await eventually(() => provider.triggers().length === 2, 'the second page');
    const [first, second] = provider.triggers();
    expect(second?.key).toBe(first?.key);
    expect(second?.key).toBe(provider.keyFor(PAGE_KEY));
    expect(second?.summary).toContain('need a DBA too');
    const again = await eventually(
      async () => (await pageEvents()).filter((e) => e.type === 'page.sent')[1],
      'the second page on the timeline',
    );
    expect(again).toMatchObject({ actor: { kind: 'user', id: 'U0BOB' }, data: { key: PAGE_KEY, via, count: 2 } });
  });

  it('an acknowledgement in the pager reaches the timeline and the card, once however often it is told', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await eventually(() => provider.triggers().length === 1, 'the page');
    await card(channel.id, 'waiting for acknowledgement');

    expect(await provider.acknowledgeAsAlice()).toEqual({ applied: true, incidentId: 1 });
    expect((await pageEvents()).find((e) => e.type === 'page.acknowledged')).toMatchObject({
      actor: { kind: 'pager', via, name: ALICE },
      data: { by: ALICE },
    });
    await card(channel.id, `Page acknowledged by ${ALICE}`);
    await card(channel.id, `Page acknowledged by ${ALICE} — ${ALICE} (${via})`);

    const before = await pageEvents();
    expect(await provider.repeatLastUpdate()).toEqual({
      applied: false,
      reason: expect.stringContaining('already received'),
    });
    expect(await pageEvents()).toEqual(before);
  });

  it('the pager handing the page to someone else shows on the card', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await eventually(() => provider.triggers().length === 1, 'the page');
    expect(await provider.handToBob()).toEqual({ applied: true, incidentId: 1 });
    await card(channel.id, 'now with Bob');
  });

  it('the Acknowledge button tells the pager, and the card names who', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    const pinned = await card(channel.id, 'incident_ack');
    await eventually(() => provider.triggers().length === 1, 'the page');
    await h.slack.clickButton({
      userId: 'U0BOB',
      channelId: channel.id,
      messageTs: pinned.ts,
      actionId: 'incident_ack',
    });
    await eventually(() => provider.acknowledgementsSent() === 1, 'the acknowledgement sent to the pager');
    await card(channel.id, 'Page acknowledged by <@U0BOB>');
  });

  it('resolving the incident resolves the page', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await incidentChannel();
    await eventually(() => provider.triggers().length === 1, 'the page');
    expect((await command(channel.id, 'resolve traffic back to normal')).text).toContain('Resolved *INC-1*');
    await eventually(() => provider.pageResolved(), 'the page resolved in the pager');
    await h.drained();
    expect(provider.pageResolved()).toBe(true);
  });
});
