// The fake PagerDuty, driven through the clients the app uses: plain fetch for the Events API v2 (pdjs's event()
// always calls events.pagerduty.com), pdjs's api() for the REST API, and a tiny HTTP server as the app's webhook endpoint.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api } from '@pagerduty/pdjs';
import { createPagerDutyResponders } from '../../src/adapters/pagerduty/responder-client';
import { responderReplyFromPagerDuty } from '../../src/adapters/pagerduty/webhook';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { signPagerDutyWebhook } from '../../src/sandbox/pagerduty-signature';

const TOKEN = 'test-pagerduty-token';
const ROUTING_KEY = 'R0TESTROUTINGKEY0123456789abcdef';
const SECRET = 'test-webhook-secret-0123456789abcdef';
/** A Wednesday: the weekly shift runs from Monday 2026-03-02 to Monday 2026-03-09. */
const NOW = Date.parse('2026-03-04T10:00:00.000Z');

type Json = Record<string, any>; // test bodies: read field by field, asserted with toEqual/toMatchObject

async function enqueue(fake: FakePagerDuty, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${fake.eventsUrl}/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

function trigger(dedupKey: string | undefined, payload: Json = {}): Json {
  return {
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    ...(dedupKey !== undefined ? { dedup_key: dedupKey } : {}),
    payload: { summary: 'checkout 5xx above 5%', source: 'alertmanager', severity: 'critical', ...payload },
    links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
    client: 'Firebreak',
  };
}

function follow(action: 'acknowledge' | 'resolve', dedupKey: string): Json {
  return { routing_key: ROUTING_KEY, event_action: action, dedup_key: dedupKey };
}

/** The REST API through pdjs, as the app calls it: a full `url`, the status checked by the caller. */
async function rest(
  fake: FakePagerDuty,
  path: string,
  queryParameters: Record<string, string | string[]> = {},
  token = TOKEN,
): Promise<{ status: number; data: Json }> {
  const response = await api({
    token,
    url: `${fake.apiUrl}${path}`,
    queryParameters,
    // pdjs's requestTimeout only keeps a timer alive (it never aborts); 0 disables it. The real deadline is the signal.
    requestTimeout: 0,
    signal: AbortSignal.timeout(5000),
    // pdjs retries a 429 three times, 20 s apart by default.
    retryTimeout: 10,
  });
  return { status: response.status, data: response.data as Json };
}

/** PagerDuty's documented check: split on ',', keep the v1= entries, compare with hex HMAC-SHA256 of the raw body. */
function verifiesAsDocumented(secret: string, rawBody: string, header: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex'));
  return header
    .split(',')
    .filter((s) => s.startsWith('v1='))
    .map((s) => Buffer.from(s.slice(3)))
    .some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected));
}

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** Stands in for the app's webhook endpoint: verifies the signature with SECRET, answers 202 or 401. */
async function startReceiver(): Promise<{ url: string; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, headers: req.headers });
      const header = req.headers['x-pagerduty-signature'];
      const ok = typeof header === 'string' && header.split(',').includes(signPagerDutyWebhook(SECRET, body));
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { accepted: true } : { error: 'bad signature' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/pagerduty`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('FakePagerDuty', () => {
  let fake: FakePagerDuty;
  let now: number;

  beforeEach(async () => {
    now = NOW;
    fake = await FakePagerDuty.start({ apiToken: TOKEN, routingKey: ROUTING_KEY, clock: () => now });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('serves both APIs from one base URL without a trailing slash', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.eventsUrl).toBe(fake.url);
    expect(fake.apiUrl).toBe(fake.url);
  });

  describe('Events API v2', () => {
    it('answers a trigger with 202 and its dedup_key, and opens an incident assigned to level 1', async () => {
      const answer = await enqueue(fake, trigger('checkout-5xx'));

      expect(answer).toEqual({
        status: 202,
        body: { status: 'success', message: 'Event processed', dedup_key: 'checkout-5xx' },
      });
      expect(fake.incidents()).toEqual([
        expect.objectContaining({
          id: 'PINC0001',
          number: 1,
          dedupKey: 'checkout-5xx',
          status: 'triggered',
          summary: 'checkout 5xx above 5%',
          severity: 'critical',
          urgency: 'high',
          alerts: 1,
          triggers: 1,
          assigneeIds: ['PUSR0ALICE'],
          escalationLevel: 1,
          createdAt: NOW,
          links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
        }),
      ]);
      expect(fake.events()).toEqual([
        { at: NOW, body: trigger('checkout-5xx'), status: 202, outcome: 'opened', dedupKey: 'checkout-5xx' },
      ]);
    });

    it('generates a dedup_key for a trigger without one', async () => {
      const answer = await enqueue(fake, trigger(undefined, { severity: 'warning' }));

      expect(answer.status).toBe(202);
      expect(answer.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
      expect(fake.incident(answer.body.dedup_key)).toMatchObject({ status: 'triggered', urgency: 'low' });
    });

    it('keeps one incident per open dedup_key: a repeated trigger lands on it', async () => {
      await enqueue(fake, trigger('checkout-5xx'));
      const again = await enqueue(fake, trigger('checkout-5xx', { summary: 'checkout 5xx above 9%' }));

      expect(again.status).toBe(202);
      expect(fake.incidents()).toHaveLength(1);
      expect(fake.incident('checkout-5xx')).toMatchObject({ summary: 'checkout 5xx above 5%', alerts: 1, triggers: 2 });
      expect(fake.events().map((e) => e.outcome)).toEqual(['opened', 'appended']);
    });

    it('acknowledges and resolves by dedup_key; a trigger after the resolve opens a new incident', async () => {
      await enqueue(fake, trigger('checkout-5xx'));

      expect(await enqueue(fake, follow('acknowledge', 'checkout-5xx'))).toEqual({
        status: 202,
        body: { status: 'success', message: 'Event processed', dedup_key: 'checkout-5xx' },
      });
      expect(fake.incident('checkout-5xx')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'events_api' });

      expect((await enqueue(fake, follow('resolve', 'checkout-5xx'))).status).toBe(202);
      expect(fake.incident('checkout-5xx')).toMatchObject({ status: 'resolved', resolvedBy: 'events_api' });
      expect(fake.incident('checkout-5xx')?.log.map((e) => e.type)).toEqual([
        'trigger_log_entry',
        'acknowledge_log_entry',
        'resolve_log_entry',
      ]);

      await enqueue(fake, trigger('checkout-5xx'));
      expect(fake.incidents().map((i) => [i.id, i.status])).toEqual([
        ['PINC0001', 'resolved'],
        ['PINC0002', 'triggered'],
      ]);
    });

    it('accepts and drops an acknowledge or resolve for a dedup_key with no open incident', async () => {
      const answer = await enqueue(fake, follow('resolve', 'never-triggered'));

      expect(answer).toEqual({
        status: 202,
        body: { status: 'success', message: 'Event processed', dedup_key: 'never-triggered' },
      });
      expect(fake.incidents()).toEqual([]);
      expect(fake.events()[0]?.outcome).toBe('dropped');
    });

    it.each<[string, unknown, string]>([
      ['a trigger without summary', trigger('k', { summary: undefined }), "'payload.summary' is missing or blank"],
      ['a trigger without source', trigger('k', { source: '' }), "'payload.source' is missing or blank"],
      ['a trigger without severity', trigger('k', { severity: undefined }), "'payload.severity' is missing or blank"],
      ['a bad severity', trigger('k', { severity: 'sev1' }), "'payload.severity' is invalid"],
      [
        'a trigger without payload',
        { routing_key: ROUTING_KEY, event_action: 'trigger' },
        "'payload' is missing or blank",
      ],
      ['a bad event_action', { ...trigger('k'), event_action: 'page' }, "'event_action' is invalid"],
      [
        'an acknowledge without dedup_key',
        { routing_key: ROUTING_KEY, event_action: 'acknowledge' },
        "'dedup_key' is missing or blank",
      ],
      [
        'a resolve without dedup_key',
        { routing_key: ROUTING_KEY, event_action: 'resolve' },
        "'dedup_key' is missing or blank",
      ],
      ['an unknown routing key', { ...trigger('k'), routing_key: 'R0SOMEONEELSESKEY' }, 'Invalid routing key'],
      ['no routing key', { ...trigger('k'), routing_key: undefined }, "'routing_key' is missing or blank"],
      ['a dedup_key over 255 characters', trigger('k'.repeat(256)), "'dedup_key' is too long"],
      ['a timestamp that is not ISO 8601', trigger('k', { timestamp: 'yesterday' }), "'payload.timestamp' is invalid"],
      ['a body that is not JSON', '{"routing_key":', 'Event is not valid JSON'],
    ])('refuses %s with 400 and says why', async (_name, body, error) => {
      const answer = await enqueue(fake, body);

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: expect.arrayContaining([expect.stringContaining(error)]),
      });
      expect(fake.incidents()).toEqual([]);
      expect(fake.events()).toEqual([expect.objectContaining({ status: 400, outcome: 'invalid' })]);
    });

    it('accepts any routing key when none was configured', async () => {
      const open = await FakePagerDuty.start();
      try {
        expect((await enqueue(open, { ...trigger('k'), routing_key: 'anything' })).status).toBe(202);
        expect(open.routingKey).toBeUndefined();
      } finally {
        await open.stop();
      }
    });

    it('answers injected 429s and 500s without changing anything, then recovers', async () => {
      fake.fail('/v2/enqueue', { status: 429, times: 2 });
      fake.fail('/v2/enqueue', { status: 500 });

      const throttled = await enqueue(fake, trigger('k'));
      expect(throttled).toEqual({
        status: 429,
        body: {
          status: 'throttle event',
          message: 'Requests for this service are arriving too quickly. Please retry later.',
        },
      });
      expect((await enqueue(fake, trigger('k'))).status).toBe(429);
      expect((await enqueue(fake, trigger('k'))).status).toBe(500);
      expect(fake.incidents()).toEqual([]);

      expect((await enqueue(fake, trigger('k'))).status).toBe(202);
      expect(fake.events().map((e) => [e.status, e.outcome])).toEqual([
        [429, 'throttled'],
        [429, 'throttled'],
        [500, 'failed'],
        [202, 'opened'],
      ]);
    });

    it('answers an injected 400 in the invalid-event shape, and clearFailures drops queued faults', async () => {
      fake.fail('/v2/enqueue', { status: 400, message: 'Payload rejected by event rules' });
      fake.fail('/v2/enqueue', { status: 503, times: 5 });

      expect(await enqueue(fake, trigger('k'))).toEqual({
        status: 400,
        body: {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['Payload rejected by event rules'],
        },
      });
      fake.clearFailures();
      expect((await enqueue(fake, trigger('k'))).status).toBe(202);
    });
  });

  describe('REST API through pdjs', () => {
    it('says who is on call for PESC0WEB: references by default, full users (with email) on include[]=users', async () => {
      const plain = await rest(fake, '/oncalls', { 'escalation_policy_ids[]': ['PESC0WEB'], earliest: 'true' });

      expect(plain.status).toBe(200);
      expect(plain.data).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
      expect(plain.data.oncalls).toEqual([
        {
          escalation_policy: expect.objectContaining({
            id: 'PESC0WEB',
            summary: 'Web on-call',
            type: 'escalation_policy_reference',
          }),
          escalation_level: 1,
          schedule: expect.objectContaining({ id: 'PSCH0WEB', type: 'schedule_reference' }),
          user: expect.objectContaining({ id: 'PUSR0ALICE', summary: 'Alice Archer', type: 'user_reference' }),
          start: '2026-03-02T00:00:00.000Z',
          end: '2026-03-09T00:00:00.000Z',
        },
        {
          escalation_policy: expect.objectContaining({ id: 'PESC0WEB' }),
          escalation_level: 2,
          schedule: null,
          user: expect.objectContaining({ id: 'PUSR0BOB', type: 'user_reference' }),
          start: null,
          end: null,
        },
      ]);
      expect(plain.data.oncalls[0].user.email).toBeUndefined();

      const withUsers = await rest(fake, '/oncalls', {
        'escalation_policy_ids[]': ['PESC0WEB'],
        earliest: 'true',
        'include[]': ['users'],
      });
      expect(withUsers.data.oncalls[0].user).toMatchObject({
        id: 'PUSR0ALICE',
        type: 'user',
        name: 'Alice Archer',
        email: 'alice@example.com',
      });
      expect(withUsers.data.oncalls[1].user).toMatchObject({ id: 'PUSR0BOB', email: 'bob@example.com' });

      expect(fake.requests('/oncalls')).toEqual([
        expect.objectContaining({
          method: 'GET',
          status: 200,
          accept: 'application/vnd.pagerduty+json;version=2',
          query: { 'escalation_policy_ids[]': ['PESC0WEB'], earliest: 'true' },
        }),
        expect.objectContaining({
          query: { 'escalation_policy_ids[]': ['PESC0WEB'], earliest: 'true', 'include[]': ['users'] },
        }),
      ]);
    });

    it('follows setOnCall, and filters by policy', async () => {
      fake.setOnCall('PESC0WEB', 1, 'PUSR0CAROL');

      const answer = await rest(fake, '/oncalls', { 'escalation_policy_ids[]': ['PESC0WEB'], 'include[]': ['users'] });
      expect(answer.data.oncalls.map((o: Json) => [o.escalation_level, o.user.email])).toEqual([
        [1, 'carol@example.com'],
        [2, 'bob@example.com'],
      ]);
      expect((await rest(fake, '/oncalls', { 'escalation_policy_ids[]': ['PNOPOLICY'] })).data.oncalls).toEqual([]);
      expect(() => fake.setOnCall('PESC0WEB', 1, 'PNOBODY')).toThrow(/no user/);
    });

    it('answers 401 in PagerDuty error shape for a bad or missing token', async () => {
      const bad = await rest(fake, '/oncalls', {}, 'not-the-token');
      expect(bad).toEqual({ status: 401, data: { error: { message: 'Unauthorized', code: 2006 } } });

      const missing = await fetch(`${fake.apiUrl}/users/PUSR0ALICE`);
      expect(missing.status).toBe(401);
      expect(fake.requests().map((r) => r.status)).toEqual([401, 401]);
    });

    it('serves users, escalation policies and incidents, and 404s what does not exist', async () => {
      expect(await rest(fake, '/users/PUSR0ALICE')).toEqual({
        status: 200,
        data: {
          user: expect.objectContaining({
            id: 'PUSR0ALICE',
            type: 'user',
            name: 'Alice Archer',
            email: 'alice@example.com',
            summary: 'Alice Archer',
            html_url: `${fake.url}/users/PUSR0ALICE`,
          }),
        },
      });
      expect((await rest(fake, '/users', { query: 'bob@example.com' })).data.users.map((u: Json) => u.id)).toEqual([
        'PUSR0BOB',
      ]);

      const policy = (await rest(fake, '/escalation_policies/PESC0WEB')).data.escalation_policy;
      expect(policy).toMatchObject({
        id: 'PESC0WEB',
        type: 'escalation_policy',
        name: 'Web on-call',
        services: [expect.objectContaining({ id: 'PSVC0WEB' })],
      });
      expect(policy.escalation_rules.map((r: Json) => r.targets.map((t: Json) => [t.type, t.id]))).toEqual([
        [['schedule_reference', 'PSCH0WEB']],
        [['user_reference', 'PUSR0BOB']],
      ]);

      await enqueue(fake, trigger('checkout-5xx'));
      expect((await rest(fake, '/incidents/PINC0001')).data.incident).toMatchObject({
        id: 'PINC0001',
        type: 'incident',
        incident_number: 1,
        status: 'triggered',
        incident_key: 'checkout-5xx',
        title: 'checkout 5xx above 5%',
        urgency: 'high',
        created_at: '2026-03-04T10:00:00.000Z',
        assignments: [{ at: '2026-03-04T10:00:00.000Z', assignee: expect.objectContaining({ id: 'PUSR0ALICE' }) }],
      });

      expect(await rest(fake, '/users/PNOBODY')).toEqual({
        status: 404,
        data: { error: { message: 'Not Found', code: 2100 } },
      });
      expect((await rest(fake, '/escalation_policies/PNOPOLICY')).status).toBe(404);
      expect((await rest(fake, '/teams')).status).toBe(404);
    });

    it('answers injected 429s (which pdjs retries) and 500s', async () => {
      fake.fail('/oncalls', { status: 429 });
      const retried = await rest(fake, '/oncalls');
      expect(retried.status).toBe(200);
      expect(fake.requests('/oncalls').map((r) => r.status)).toEqual([429, 200]);

      // pdjs gives up after three retries and hands the 429 to the caller.
      fake.fail('/oncalls', { status: 429, times: 4 });
      const limited = await rest(fake, '/oncalls');
      expect(limited).toEqual({ status: 429, data: { error: { message: 'Rate Limit Exceeded', code: 2020 } } });

      fake.fail('/oncalls', { status: 500 });
      const broken = await rest(fake, '/oncalls');
      expect(broken.status).toBe(500);
      expect(broken.data.error.code).toBe(2000);

      fake.fail('/users/*', { status: 503, message: 'Service Unavailable' });
      expect(await rest(fake, '/users/PUSR0ALICE')).toEqual({
        status: 503,
        data: { error: { message: 'Service Unavailable', code: 2000 } },
      });
    });

    it('sends rate-limit headers with an injected 429', async () => {
      fake.fail('/oncalls', { status: 429 });
      const response = await fetch(`${fake.apiUrl}/oncalls`, { headers: { authorization: `Token token=${TOKEN}` } });
      expect(response.status).toBe(429);
      expect(response.headers.get('ratelimit-limit')).toBe('960');
      expect(response.headers.get('ratelimit-remaining')).toBe('0');
      expect(response.headers.get('ratelimit-reset')).toBe('1');
    });
  });

  describe('v3 webhooks toward the app', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    beforeEach(async () => {
      receiver = await startReceiver();
      fake.connectWebhook({ url: receiver.url, secret: SECRET });
      await enqueue(fake, trigger('checkout-5xx'));
    });

    afterEach(async () => {
      await receiver.stop();
    });

    it('acknowledge sends a signed incident.acknowledged that verifies with the secret and not with another', async () => {
      now += 60_000;
      const reply = await fake.acknowledge('checkout-5xx');

      expect(reply).toEqual({ status: 202, body: { accepted: true } });
      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received as [Received];
      const signature = got.headers['x-pagerduty-signature'] as string;
      expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(signature).toBe(signPagerDutyWebhook(SECRET, got.body));
      expect(verifiesAsDocumented(SECRET, got.body, signature)).toBe(true);
      expect(verifiesAsDocumented('another-secret', got.body, signature)).toBe(false);
      expect(signPagerDutyWebhook('another-secret', got.body)).not.toBe(signature);

      expect(got.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': 'PagerDuty-Webhook/V3.0',
        'x-webhook-subscription': 'PWHS0FIREBRK',
        'x-webhook-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(JSON.parse(got.body)).toEqual({
        event: {
          id: expect.any(String),
          event_type: 'incident.acknowledged',
          resource_type: 'incident',
          occurred_at: '2026-03-04T10:01:00.000Z',
          agent: {
            id: 'PUSR0ALICE',
            summary: 'Alice Archer',
            type: 'user_reference',
            self: `${fake.url}/users/PUSR0ALICE`,
            html_url: `${fake.url}/users/PUSR0ALICE`,
          },
          client: null,
          data: expect.objectContaining({
            id: 'PINC0001',
            type: 'incident',
            self: `${fake.url}/incidents/PINC0001`,
            html_url: `${fake.url}/incidents/PINC0001`,
            number: 1,
            status: 'acknowledged',
            incident_key: 'checkout-5xx',
            title: 'checkout 5xx above 5%',
            urgency: 'high',
            created_at: '2026-03-04T10:00:00.000Z',
            service: expect.objectContaining({ id: 'PSVC0WEB', type: 'service_reference' }),
            assignees: [expect.objectContaining({ id: 'PUSR0ALICE', type: 'user_reference' })],
            escalation_policy: expect.objectContaining({ id: 'PESC0WEB', type: 'escalation_policy_reference' }),
          }),
        },
      });
      expect(fake.incident('checkout-5xx')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'PUSR0ALICE' });
      expect(fake.deliveries()).toEqual([
        {
          at: NOW + 60_000,
          body: got.body,
          headers: expect.objectContaining({ 'x-pagerduty-signature': signature }),
          status: 202,
        },
      ]);
    });

    it('escalate, reassign and resolve change the incident and send their event types', async () => {
      await fake.acknowledge('checkout-5xx', { userId: 'PUSR0ALICE' });
      await fake.escalate('checkout-5xx', { toLevel: 2 });
      expect(fake.incident('checkout-5xx')).toMatchObject({
        status: 'triggered',
        escalationLevel: 2,
        assigneeIds: ['PUSR0BOB'],
      });
      expect(fake.incident('checkout-5xx')?.acknowledgedBy).toBeUndefined();

      await fake.reassign('checkout-5xx', { userId: 'PUSR0CAROL', byUserId: 'PUSR0BOB' });
      expect(fake.incident('checkout-5xx')).toMatchObject({ status: 'triggered', assigneeIds: ['PUSR0CAROL'] });

      const resolved = await fake.resolve('checkout-5xx', { userId: 'PUSR0CAROL' });
      expect(resolved.status).toBe(202);
      expect(fake.incident('checkout-5xx')).toMatchObject({ status: 'resolved', resolvedBy: 'PUSR0CAROL' });

      const events = receiver.received.map((r) => JSON.parse(r.body).event as Json);
      expect(
        events.map((e) => [e.event_type, e.agent.id, e.data.status, e.data.assignees.map((a: Json) => a.id)]),
      ).toEqual([
        ['incident.acknowledged', 'PUSR0ALICE', 'acknowledged', ['PUSR0ALICE']],
        ['incident.escalated', 'PUSR0ALICE', 'triggered', ['PUSR0BOB']],
        ['incident.reassigned', 'PUSR0BOB', 'triggered', ['PUSR0CAROL']],
        ['incident.resolved', 'PUSR0CAROL', 'resolved', ['PUSR0CAROL']],
      ]);
      expect(new Set(events.map((e) => e.id)).size).toBe(4);
      expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id'])).size).toBe(4);
    });

    it('sendRawWebhook sends exactly what it is given: bad signatures and replays', async () => {
      const body = JSON.stringify({
        event: {
          id: 'forged',
          event_type: 'incident.resolved',
          resource_type: 'incident',
          data: { incident_key: 'checkout-5xx' },
        },
      });
      const forged = await fake.sendRawWebhook(body, {
        'X-PagerDuty-Signature': signPagerDutyWebhook('another-secret', body),
      });
      expect(forged).toEqual({ status: 401, body: { error: 'bad signature' } });
      expect(receiver.received[0]?.body).toBe(body);

      const unsigned = await fake.sendRawWebhook({ event: { id: 'unsigned' } });
      expect(unsigned.status).toBe(401);
      expect(receiver.received[1]?.headers['x-pagerduty-signature']).toBeUndefined();

      await fake.acknowledge('checkout-5xx');
      const original = fake.deliveries()[2];
      if (!original) throw new Error('no delivery recorded');
      const replay = await fake.sendRawWebhook(original.body, original.headers);
      expect(replay.status).toBe(202);
      const [first, second] = receiver.received.slice(2);
      expect(second?.body).toBe(first?.body);
      expect(second?.headers['x-webhook-id']).toBe(first?.headers['x-webhook-id']);
      expect(second?.headers['x-pagerduty-signature']).toBe(first?.headers['x-pagerduty-signature']);
      // Faking the incident state is not sendRawWebhook's business.
      expect(fake.incident('checkout-5xx')?.status).toBe('acknowledged');
    });

    it('signs with every secret during a rotation', async () => {
      fake.connectWebhook({ url: receiver.url, secret: ['new-secret', SECRET] });
      expect((await fake.acknowledge('checkout-5xx')).status).toBe(202);
      const [got] = receiver.received as [Received];
      const header = got.headers['x-pagerduty-signature'] as string;
      expect(header.split(',')).toHaveLength(2);
      expect(verifiesAsDocumented('new-secret', got.body, header)).toBe(true);
      expect(verifiesAsDocumented(SECRET, got.body, header)).toBe(true);
    });

    it('refuses to act without a connection, on an incident that is not open, or at a level that does not exist', async () => {
      await expect(fake.acknowledge('never-triggered')).rejects.toThrow(/no open incident/);
      await expect(fake.escalate('checkout-5xx', { toLevel: 9 })).rejects.toThrow(/no level 9/);
      await expect(fake.reassign('checkout-5xx', { userId: 'PNOBODY' })).rejects.toThrow(/no user PNOBODY/);
      expect(fake.incident('checkout-5xx')).toMatchObject({
        status: 'triggered',
        escalationLevel: 1,
        assigneeIds: ['PUSR0ALICE'],
      });
      expect(receiver.received).toEqual([]);

      const unconnected = await FakePagerDuty.start();
      try {
        await expect(unconnected.acknowledge('x')).rejects.toThrow(/connectWebhook/);
      } finally {
        await unconnected.stop();
      }
    });

    it('says so when the app gives no answer, after changing the incident as PagerDuty would', async () => {
      await receiver.stop();
      await expect(fake.acknowledge('checkout-5xx')).rejects.toThrow(/got no answer/);
      expect(fake.incident('checkout-5xx')?.status).toBe('acknowledged');
      expect(fake.deliveries().map((d) => d.status)).toEqual([0]);
    });
  });

  describe('responder requests (escalating to another team)', () => {
    const target = (id: string, type = 'escalation_policy_reference') => ({
      responder_request_target: { id, type },
    });
    async function request(
      incidentId: string,
      body: Json,
      options: { from?: string | null; token?: string } = {},
    ): Promise<{ status: number; data: Json }> {
      const from = options.from === undefined ? 'carol@example.com' : options.from;
      const response = await api({
        token: options.token ?? TOKEN,
        url: `${fake.apiUrl}/incidents/${incidentId}/responder_requests`,
        method: 'POST',
        headers: from === null ? {} : { From: from },
        data: body,
        requestTimeout: 0,
        signal: AbortSignal.timeout(5000),
        retryTimeout: 10,
      });
      return { status: response.status, data: response.data as Json };
    }
    const body = (policyId = 'PESC0WEB'): Json => ({
      requester_id: 'PUSR0CAROL',
      message: 'please join: checkout is down',
      responder_request_targets: [target(policyId)],
    });
    let incidentId: string;

    beforeEach(async () => {
      await enqueue(fake, trigger('checkout-5xx'));
      incidentId = fake.incident('checkout-5xx')?.id ?? '';
    });

    it('GET /users?query= finds the requester by email', async () => {
      const { status, data } = await rest(fake, '/users', { query: 'carol@example.com' });
      expect(status).toBe(200);
      expect(data.users.map((u: Json) => [u.id, u.email])).toEqual([['PUSR0CAROL', 'carol@example.com']]);
    });

    it("asks the policy's level-1 on-call, answers {responder_request} and lists it on the incident", async () => {
      const { status, data } = await request(incidentId, body());
      expect(status).toBe(200);
      expect(data.responder_request).toMatchObject({
        incident: { id: incidentId, type: 'incident_reference' },
        requester: { id: 'PUSR0CAROL', type: 'user_reference' },
        requested_at: '2026-03-04T10:00:00.000Z',
        message: 'please join: checkout is down',
        responder_request_targets: [
          {
            responder_request_target: {
              id: 'PESC0WEB',
              type: 'escalation_policy',
              incident_responders: [{ state: 'pending', user: { id: 'PUSR0ALICE' } }],
            },
          },
        ],
      });
      const incident = await rest(fake, `/incidents/${incidentId}`);
      expect(incident.data.incident.responder_requests).toEqual([data.responder_request]);
      expect(incident.data.incident.incidents_responders).toEqual([
        expect.objectContaining({ state: 'pending', user: expect.objectContaining({ id: 'PUSR0ALICE' }) }),
      ]);
      expect(fake.requests(`/incidents/${incidentId}/responder_requests`)).toEqual([
        expect.objectContaining({ method: 'POST', status: 200 }),
      ]);
    });

    it('refuses as PagerDuty does: 401 without the token, 400 without From or with a bad target, 404 for an unknown incident', async () => {
      expect((await request(incidentId, body(), { token: 'wrong' })).status).toBe(401);
      const noFrom = await request(incidentId, body(), { from: null });
      expect(noFrom).toEqual({
        status: 400,
        data: { error: expect.objectContaining({ code: 2001, errors: [expect.stringContaining('From')] }) },
      });
      expect((await request(incidentId, body('PNOSUCH'))).status).toBe(400);
      expect(
        (await request(incidentId, { ...body(), responder_request_targets: [target('PESC0WEB', 'user')] })).status,
      ).toBe(400);
      expect((await request(incidentId, { ...body(), requester_id: 'PNOBODY' })).status).toBe(400);
      expect((await request('PNOSUCHINCIDENT', body())).status).toBe(404);
      expect(fake.incident('checkout-5xx')?.responderRequests).toBeUndefined();
    });

    it('the adapter asks once: a request to the policy already on the incident is not made again', async () => {
      const responders = createPagerDutyResponders({ apiUrl: fake.apiUrl, token: TOKEN, from: 'carol@example.com' });
      const input = { pageKey: 'checkout-5xx', pagerIncidentId: null, policyId: 'PESC0WEB', message: 'join' };
      expect(await responders.request(input)).toEqual({ pagerIncidentId: incidentId, alreadyRequested: false });
      expect(await responders.request(input)).toEqual({ pagerIncidentId: incidentId, alreadyRequested: true });
      expect(fake.incident('checkout-5xx')?.responderRequests).toHaveLength(1);
      expect(await responders.request({ ...input, pageKey: 'no-such-page' })).toBeNull();
    });

    it('the adapter says what to fix when no PagerDuty user has the From email, and never shows the token', async () => {
      const responders = createPagerDutyResponders({ apiUrl: fake.apiUrl, token: TOKEN, from: 'nobody@example.com' });
      const input = { pageKey: 'checkout-5xx', pagerIncidentId: null, policyId: 'PESC0WEB', message: 'join' };
      await expect(responders.request(input)).rejects.toMatchObject({
        code: 'PAGE_REJECTED',
        message: expect.stringContaining('PAGERDUTY_FROM_EMAIL'),
      });
      const wrongToken = createPagerDutyResponders({
        apiUrl: fake.apiUrl,
        token: 'secret-wrong-token',
        from: 'carol@example.com',
      });
      const refused = await wrongToken.request(input).catch((e: Error) => e);
      expect(refused).toMatchObject({ code: 'PAGE_REJECTED' });
      expect(String((refused as Error).message)).not.toContain('secret-wrong-token');
    });

    it('a lost answer: the request is made, the app hears the error', async () => {
      fake.fail(`/incidents/${incidentId}/responder_requests`, { status: 502, applied: true });
      expect((await request(incidentId, body())).status).toBe(502);
      expect(fake.incident('checkout-5xx')?.responderRequests).toHaveLength(1);
    });

    it("the responder accepts: a signed incident.responder.replied with PagerDuty's incident_responder data", async () => {
      const receiver = await startReceiver();
      try {
        fake.connectWebhook({ url: receiver.url, secret: SECRET });
        await request(incidentId, body());
        now += 60_000;
        const reply = await fake.answerResponderRequest('checkout-5xx', { policyId: 'PESC0WEB' });
        expect(reply.status).toBe(202);
        const [got] = receiver.received as [Received];
        expect(got.headers['x-pagerduty-signature']).toBe(signPagerDutyWebhook(SECRET, got.body));
        const parsed = JSON.parse(got.body) as Json;
        expect(parsed.event).toMatchObject({
          event_type: 'incident.responder.replied',
          resource_type: 'incident',
          occurred_at: '2026-03-04T10:01:00.000Z',
          data: {
            type: 'incident_responder',
            state: 'joined',
            message: 'please join: checkout is down',
            incident: { id: incidentId, type: 'incident_reference' },
            user: { id: 'PUSR0ALICE', summary: 'Alice Archer', type: 'user_reference' },
            escalation_policy: { id: 'PESC0WEB', type: 'escalation_policy_reference' },
          },
        });
        // The app's parser reads it as an accepted reply to that policy's request.
        const read = responderReplyFromPagerDuty(parsed);
        expect(read).toEqual({
          ok: true,
          reply: expect.objectContaining({
            pagerIncidentId: incidentId,
            policyId: 'PESC0WEB',
            accepted: true,
            responder: { id: 'PUSR0ALICE', name: 'Alice Archer' },
          }),
        });
        const incident = await rest(fake, `/incidents/${incidentId}`);
        expect(incident.data.incident.incidents_responders[0].state).toBe('joined');
      } finally {
        await receiver.stop();
      }
    });

    it("the responder declines: state declined, read as not accepted, and the policy's next level is asked", async () => {
      const receiver = await startReceiver();
      try {
        fake.connectWebhook({ url: receiver.url, secret: SECRET });
        await request(incidentId, body());
        const reply = await fake.answerResponderRequest('checkout-5xx', { policyId: 'PESC0WEB', state: 'declined' });
        expect(reply.status).toBe(202);
        const [got] = receiver.received as [Received];
        const parsed = JSON.parse(got.body) as Json;
        expect(parsed.event.data).toMatchObject({ state: 'declined', user: { id: 'PUSR0ALICE' } });
        expect(responderReplyFromPagerDuty(parsed)).toEqual({
          ok: true,
          reply: expect.objectContaining({ accepted: false, state: 'declined', policyId: 'PESC0WEB' }),
        });
        const incident = await rest(fake, `/incidents/${incidentId}`);
        expect(incident.data.incident.incidents_responders.map((r: Json) => [r.user.id, r.state])).toEqual([
          ['PUSR0ALICE', 'declined'],
          ['PUSR0BOB', 'pending'],
        ]);
      } finally {
        await receiver.stop();
      }
    });
  });

  describe('signPagerDutyWebhook', () => {
    it("is PagerDuty's v1 scheme: 'v1=' + hex HMAC-SHA256 of the raw body (checked against RFC 4231 test case 2)", () => {
      expect(signPagerDutyWebhook('Jefe', 'what do ya want for nothing?')).toBe(
        'v1=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      );
    });

    it('signs the UTF-8 bytes of the body, and one comma-separated signature per secret', () => {
      const body = '{"event":{"data":{"title":"Überlast – 東京 🔥"}}}';
      const single = signPagerDutyWebhook('s1', body);
      expect(single).toBe(`v1=${createHmac('sha256', 's1').update(Buffer.from(body, 'utf8')).digest('hex')}`);
      expect(signPagerDutyWebhook('s1', Buffer.from(body, 'utf8'))).toBe(single);

      const rotated = signPagerDutyWebhook(['s1', 's2'], body);
      expect(rotated).toBe(`${single},${signPagerDutyWebhook('s2', body)}`);
      expect(verifiesAsDocumented('s2', body, rotated)).toBe(true);
      expect(verifiesAsDocumented('s3', body, rotated)).toBe(false);
      expect(() => signPagerDutyWebhook([], body)).toThrow();
    });
  });

  describe('recording and reset', () => {
    it('notifies changes until unsubscribed, and reset returns to the preset account', async () => {
      let changes = 0;
      const unsubscribe = fake.onChange(() => {
        changes += 1;
      });

      await enqueue(fake, trigger('checkout-5xx'));
      fake.setOnCall('PESC0WEB', 1, 'PUSR0BOB');
      await rest(fake, '/oncalls');
      expect(changes).toBe(2);

      fake.fail('/v2/enqueue', { status: 500 });
      fake.reset();
      expect(changes).toBe(3);
      expect(fake.incidents()).toEqual([]);
      expect(fake.events()).toEqual([]);
      expect(fake.requests()).toEqual([]);
      expect(fake.onCalls().map((o) => [o.level, o.userId])).toEqual([
        [1, 'PUSR0ALICE'],
        [2, 'PUSR0BOB'],
      ]);

      // Queued faults are gone; incident numbers keep counting.
      expect((await enqueue(fake, trigger('checkout-5xx'))).status).toBe(202);
      expect(fake.incidents().map((i) => i.id)).toEqual(['PINC0002']);

      unsubscribe();
      await enqueue(fake, trigger('other'));
      expect(changes).toBe(4);
    });
  });
});
