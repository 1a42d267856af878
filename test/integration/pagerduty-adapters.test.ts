// The PagerDuty adapters against the local FakePagerDuty: Events API paging, on-call lookups through pdjs, and
// v3 webhook signatures and bodies as the fake sends them. A few odd answers come from a tiny scripted server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPagerDutyEvents, pagerDutySeverity } from '../../src/adapters/pagerduty/events-client';
import { createPagerDutyIncidents } from '../../src/adapters/pagerduty/incident-client';
import { createPagerDutyOnCall } from '../../src/adapters/pagerduty/oncall-client';
import {
  pageUpdateFromPagerDuty,
  parsePagerDutyWebhook,
  verifyPagerDutySignature,
} from '../../src/adapters/pagerduty/webhook';
import { FirebreakError } from '../../src/errors';
import type { PageRequest } from '../../src/ports/pager';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import { signPagerDutyWebhook } from '../../src/sandbox/pagerduty-signature';

const TOKEN = 'test-pagerduty-token-0123456789';
const ROUTING_KEY = 'R0TESTROUTINGKEY0123456789abcdef';
const SECRET = 'test-webhook-secret-0123456789abcdef';
const NOW = Date.parse('2026-03-04T10:00:00.000Z');

const TRIGGER: PageRequest = {
  action: 'trigger',
  key: 'checkout-5xx',
  summary: 'checkout 5xx above 5%',
  source: 'alertmanager',
  severity: 'sev1',
  service: 'checkout',
  details: { incident: 'INC-7' },
  links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
};

/** The rejection of `promise`, which must be a FirebreakError. */
async function failure(promise: Promise<unknown>): Promise<FirebreakError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FirebreakError) return error;
    throw error;
  }
  throw new Error('expected a FirebreakError, but the call succeeded');
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A server answering whatever `handler` says, for answers the fake does not give; also a sink for webhooks. */
async function startScripted(handler: Handler): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function unreachableUrl(): Promise<string> {
  const scripted = await startScripted((_req, res) => res.end());
  await scripted.stop();
  return scripted.url;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

let fake: FakePagerDuty;
let now: number;

beforeEach(async () => {
  now = NOW;
  fake = await FakePagerDuty.start({ apiToken: TOKEN, routingKey: ROUTING_KEY, clock: () => now });
});

afterEach(async () => {
  await fake.stop();
});

describe('createPagerDutyEvents', () => {
  it('maps our severities onto PagerDuty’s four', () => {
    expect((['sev1', 'sev2', 'sev3', 'sev4'] as const).map(pagerDutySeverity)).toEqual([
      'critical',
      'error',
      'warning',
      'info',
    ]);
  });

  it('triggers, acknowledges and resolves one page by its key as dedup_key, in PagerDuty Events v2 shape', async () => {
    const calls: Array<[string, string]> = [];
    const pager = createPagerDutyEvents({
      eventsUrl: `${fake.eventsUrl}/`,
      routingKey: ROUTING_KEY,
      observer: {
        called: (action, seconds, outcome) => void calls.push([action, seconds >= 0 ? outcome : 'negative time']),
      },
    });

    expect(pager.name).toBe('PagerDuty');
    expect(await pager.send(TRIGGER)).toEqual({ key: 'checkout-5xx' });
    expect(fake.incident('checkout-5xx')).toMatchObject({
      status: 'triggered',
      summary: 'checkout 5xx above 5%',
      severity: 'critical',
    });
    expect(fake.events()[0]?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'checkout-5xx',
      payload: {
        summary: 'checkout 5xx above 5%',
        source: 'alertmanager',
        severity: 'critical',
        component: 'checkout',
        custom_details: { incident: 'INC-7' },
      },
      links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
      client: 'Firebreak',
    });

    expect(await pager.send({ action: 'acknowledge', key: 'checkout-5xx' })).toEqual({ key: 'checkout-5xx' });
    expect(fake.incident('checkout-5xx')?.status).toBe('acknowledged');
    expect(await pager.send({ action: 'resolve', key: 'checkout-5xx' })).toEqual({ key: 'checkout-5xx' });
    expect(fake.incident('checkout-5xx')?.status).toBe('resolved');

    // No payload on acknowledge and resolve.
    expect(fake.events()[1]?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: 'checkout-5xx',
      client: 'Firebreak',
    });
    expect(calls).toEqual([
      ['trigger', 'ok'],
      ['acknowledge', 'ok'],
      ['resolve', 'ok'],
    ]);
  });

  it('fills in source and severity, which PagerDuty requires but the port leaves optional', async () => {
    const pager = createPagerDutyEvents({ eventsUrl: fake.eventsUrl, routingKey: ROUTING_KEY });
    await pager.send({ action: 'trigger', key: 'bare', summary: 'disk full' });
    expect(fake.events()[0]?.body).toMatchObject({
      payload: { summary: 'disk full', source: 'Firebreak', severity: 'critical' },
    });
  });

  it('reports a 429 as PAGE_RATE_LIMITED (retryable), without retryAfterSeconds when PagerDuty gives no Retry-After', async () => {
    const outcomes: string[] = [];
    const pager = createPagerDutyEvents({
      eventsUrl: fake.eventsUrl,
      routingKey: ROUTING_KEY,
      observer: { called: (_a, _s, outcome) => void outcomes.push(outcome) },
    });
    fake.fail('/v2/enqueue', { status: 429 });

    const error = await failure(pager.send(TRIGGER));
    expect(error.code).toBe('PAGE_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ step: 'triggering the page' });
    expect(outcomes).toEqual(['rate_limited']);
  });

  it('reads Retry-After (seconds) on a 429', async () => {
    const scripted = await startScripted((_req, res) =>
      json(res, 429, { status: 'throttle event', message: 'slow down' }, { 'retry-after': '7' }),
    );
    try {
      const error = await failure(
        createPagerDutyEvents({ eventsUrl: scripted.url, routingKey: ROUTING_KEY }).send(TRIGGER),
      );
      expect(error.code).toBe('PAGE_RATE_LIMITED');
      expect(error.details.retryAfterSeconds).toBe(7);
      expect(error.message).toMatch(/retry after 7 s/);
    } finally {
      await scripted.stop();
    }
  });

  it.each([500, 503])('reports a %i as PAGE_UNAVAILABLE (retryable)', async (status) => {
    const outcomes: string[] = [];
    const pager = createPagerDutyEvents({
      eventsUrl: fake.eventsUrl,
      routingKey: ROUTING_KEY,
      observer: { called: (_a, _s, outcome) => void outcomes.push(outcome) },
    });
    fake.fail('/v2/enqueue', { status });

    const error = await failure(pager.send({ action: 'resolve', key: 'k' }));
    expect(error.code).toBe('PAGE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.details.step).toBe('resolving the page');
    expect(outcomes).toEqual(['error']);
  });

  it("reports a 400 as PAGE_REJECTED with PagerDuty's reason, and never the routing key", async () => {
    const pager = createPagerDutyEvents({ eventsUrl: fake.eventsUrl, routingKey: ROUTING_KEY });

    const error = await failure(pager.send({ action: 'trigger', key: 'k', source: 'alertmanager', severity: 'sev2' }));
    expect(error.code).toBe('PAGE_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "PagerDuty refused the trigger: Event object is invalid ('payload.summary' is missing or blank)",
    );
    expect(error.details.providerError).toBe("Event object is invalid ('payload.summary' is missing or blank)");
    expect(error.message).not.toContain(ROUTING_KEY);
    expect(JSON.stringify(error)).not.toContain(ROUTING_KEY);
    expect(JSON.stringify(error.details)).not.toContain(ROUTING_KEY);
    expect(fake.incidents()).toEqual([]);
  });

  it('scrubs the routing key should PagerDuty echo it in a refusal', async () => {
    const pager = createPagerDutyEvents({ eventsUrl: fake.eventsUrl, routingKey: 'R0SOMEONEELSESKEY' });
    fake.fail('/v2/enqueue', { status: 400, message: 'Invalid routing key R0SOMEONEELSESKEY' });

    const error = await failure(pager.send(TRIGGER));
    expect(error.code).toBe('PAGE_REJECTED');
    expect(error.message).toBe(
      'PagerDuty refused the trigger: Event object is invalid (Invalid routing key [routing key])',
    );
    expect(JSON.stringify(error)).not.toContain('R0SOMEONEELSESKEY');
  });

  it('reports an unreachable PagerDuty as PAGE_UNAVAILABLE', async () => {
    const pager = createPagerDutyEvents({ eventsUrl: await unreachableUrl(), routingKey: ROUTING_KEY });
    const error = await failure(pager.send(TRIGGER));
    expect(error.code).toBe('PAGE_UNAVAILABLE');
    expect(error.message).toMatch(/^could not reach PagerDuty while triggering the page: .*ECONNREFUSED/);
    expect(JSON.stringify(error)).not.toContain(ROUTING_KEY);
  });

  it('gives up after timeoutMs on a PagerDuty that never answers', async () => {
    const scripted = await startScripted(() => undefined);
    try {
      const started = Date.now();
      const error = await failure(
        createPagerDutyEvents({ eventsUrl: scripted.url, routingKey: ROUTING_KEY, timeoutMs: 200 }).send(TRIGGER),
      );
      expect(error.code).toBe('PAGE_UNAVAILABLE');
      expect(error.message).toBe('PagerDuty did not answer within 200 ms while triggering the page');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await scripted.stop();
    }
  });

  it('reports a 202 without a dedup_key, or another status, as PAGE_UNAVAILABLE', async () => {
    let answer: [number, unknown] = [202, { status: 'success' }];
    const scripted = await startScripted((_req, res) => json(res, answer[0], answer[1]));
    try {
      const pager = createPagerDutyEvents({ eventsUrl: scripted.url, routingKey: ROUTING_KEY });
      const shapeless = await failure(pager.send(TRIGGER));
      expect(shapeless.code).toBe('PAGE_UNAVAILABLE');
      expect(shapeless.message).toMatch(/no dedup_key/);

      answer = [404, { message: 'Not found' }];
      const missing = await failure(pager.send(TRIGGER));
      expect(missing.code).toBe('PAGE_UNAVAILABLE');
      expect(missing.message).toContain('HTTP 404');
    } finally {
      await scripted.stop();
    }
  });
});

describe('createPagerDutyOnCall', () => {
  it('says who is on call for PESC0WEB, lowest level first, with emails', async () => {
    const directory = createPagerDutyOnCall({ apiUrl: `${fake.apiUrl}/`, token: TOKEN });

    expect(await directory.whoIsOnCall('PESC0WEB')).toEqual([
      {
        id: 'PUSR0ALICE',
        name: 'Alice Archer',
        email: 'alice@example.com',
        level: 1,
        policyId: 'PESC0WEB',
        policyName: 'Web on-call',
      },
      {
        id: 'PUSR0BOB',
        name: 'Bob Baker',
        email: 'bob@example.com',
        level: 2,
        policyId: 'PESC0WEB',
        policyName: 'Web on-call',
      },
    ]);
    expect(fake.requests('/oncalls')).toEqual([
      expect.objectContaining({
        method: 'GET',
        status: 200,
        accept: 'application/vnd.pagerduty+json;version=2',
        query: expect.objectContaining({
          'escalation_policy_ids[]': ['PESC0WEB'],
          'include[]': ['users'],
          earliest: 'true',
        }),
      }),
    ]);
  });

  it('tells whether PagerDuty has an open incident for a dedup key (GET /incidents?incident_key=)', async () => {
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN });
    expect(await directory.isPageOpen('checkout-5xx')).toBe(false);
    const pager = createPagerDutyEvents({ eventsUrl: fake.eventsUrl, routingKey: ROUTING_KEY });
    await pager.send(TRIGGER);
    expect(await directory.isPageOpen('checkout-5xx')).toBe(true);
    expect(await directory.isPageOpen('another-key')).toBe(false);
    await pager.send({ action: 'resolve', key: 'checkout-5xx' });
    expect(await directory.isPageOpen('checkout-5xx')).toBe(false);
    const wrong = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: 'wrong-token' });
    await expect(wrong.isPageOpen('checkout-5xx')).rejects.toMatchObject({ code: 'ONCALL_UNAVAILABLE' });
  });

  it('answers from its cache for cacheMs, then asks again; failures are not cached', async () => {
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN, cacheMs: 60_000, now: () => now });

    const first = await directory.whoIsOnCall('PESC0WEB');
    fake.setOnCall('PESC0WEB', 1, 'PUSR0CAROL');
    now += 59_000;
    expect(await directory.whoIsOnCall('PESC0WEB')).toEqual(first);
    expect(fake.requests('/oncalls')).toHaveLength(1);

    now += 1_000;
    expect((await directory.whoIsOnCall('PESC0WEB')).map((p) => [p.level, p.id])).toEqual([
      [1, 'PUSR0CAROL'],
      [2, 'PUSR0BOB'],
    ]);
    expect(fake.requests('/oncalls')).toHaveLength(2);

    now += 60_000;
    fake.fail('/oncalls', { status: 500 });
    expect((await failure(directory.whoIsOnCall('PESC0WEB'))).code).toBe('ONCALL_UNAVAILABLE');
    expect((await directory.whoIsOnCall('PESC0WEB'))[0]?.id).toBe('PUSR0CAROL');
    expect(fake.requests('/oncalls').map((r) => r.status)).toEqual([200, 200, 500, 200]);
  });

  it('shares one request between lookups of the same policy made at once', async () => {
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN });
    const [a, b] = await Promise.all([directory.whoIsOnCall('PESC0WEB'), directory.whoIsOnCall('PESC0WEB')]);
    expect(a).toEqual(b);
    expect(fake.requests('/oncalls')).toHaveLength(1);
  });

  it('reports a bad token as ONCALL_UNAVAILABLE, never showing the token', async () => {
    const wrong = 'wrong-token-do-not-print-9876543210';
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: wrong });

    const error = await failure(directory.whoIsOnCall('PESC0WEB'));
    expect(error.code).toBe('ONCALL_UNAVAILABLE');
    expect(error.message).toBe('PagerDuty refused the API token (401) while looking up who is on call for PESC0WEB');
    expect(error.message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
  });

  it('reports an unknown policy as ONCALL_UNAVAILABLE naming it (an empty list is checked against the policy)', async () => {
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN });

    const error = await failure(directory.whoIsOnCall('PNOPOLICY'));
    expect(error.code).toBe('ONCALL_UNAVAILABLE');
    expect(error.message).toContain('PNOPOLICY');
    expect(error.message).toMatch(/no escalation policy PNOPOLICY \(404\)/);
    expect(fake.requests().map((r) => [r.path, r.status])).toEqual([
      ['/oncalls', 200],
      ['/escalation_policies/PNOPOLICY', 404],
    ]);
  });

  it('reports a 404 from /oncalls itself naming the policy', async () => {
    fake.fail('/oncalls', { status: 404 });
    const error = await failure(createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN }).whoIsOnCall('PESC0WEB'));
    expect(error.code).toBe('ONCALL_UNAVAILABLE');
    expect(error.message).toContain('PESC0WEB');
  });

  it("reports a lasting 429 within a second instead of waiting out pdjs's 20 s retries", async () => {
    fake.fail('/oncalls', { status: 429, times: 10 });
    const directory = createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN });

    const started = Date.now();
    const error = await failure(directory.whoIsOnCall('PESC0WEB'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('ONCALL_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/rate-limited/);
    expect(error.details.retryAfterSeconds).toBe(1);
  });

  it('reports a 500 and an unreachable PagerDuty as ONCALL_UNAVAILABLE', async () => {
    fake.fail('/oncalls', { status: 500 });
    const broken = await failure(createPagerDutyOnCall({ apiUrl: fake.apiUrl, token: TOKEN }).whoIsOnCall('PESC0WEB'));
    expect(broken.code).toBe('ONCALL_UNAVAILABLE');
    expect(broken.message).toContain('HTTP 500');

    const gone = await failure(
      createPagerDutyOnCall({ apiUrl: await unreachableUrl(), token: TOKEN }).whoIsOnCall('PESC0WEB'),
    );
    expect(gone.code).toBe('ONCALL_UNAVAILABLE');
    expect(gone.message).toMatch(/^could not reach PagerDuty while looking up who is on call for PESC0WEB/);
    expect(JSON.stringify(gone)).not.toContain(TOKEN);
  });

  it('gives up after timeoutMs', async () => {
    const scripted = await startScripted(() => undefined);
    try {
      const started = Date.now();
      const error = await failure(
        createPagerDutyOnCall({ apiUrl: scripted.url, token: TOKEN, timeoutMs: 200 }).whoIsOnCall('PESC0WEB'),
      );
      expect(error.code).toBe('ONCALL_UNAVAILABLE');
      expect(error.message).toBe('PagerDuty did not answer within 200 ms while looking up who is on call for PESC0WEB');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await scripted.stop();
    }
  });

  it('drops a person listed twice at one level, keeps references without email, and refuses an unexpected shape', async () => {
    const policy = { id: 'PESC0WEB', type: 'escalation_policy_reference', summary: 'Web on-call' };
    let body: unknown = {
      oncalls: [
        {
          escalation_policy: policy,
          escalation_level: 2,
          user: { id: 'PUSR0BOB', type: 'user_reference', summary: 'Bob Baker' },
        },
        {
          escalation_policy: policy,
          escalation_level: 1,
          user: {
            id: 'PUSR0ALICE',
            type: 'user',
            summary: 'Alice Archer',
            name: 'Alice Archer',
            email: 'alice@example.com',
          },
        },
        {
          escalation_policy: policy,
          escalation_level: 1,
          user: {
            id: 'PUSR0ALICE',
            type: 'user',
            summary: 'Alice Archer',
            name: 'Alice Archer',
            email: 'alice@example.com',
          },
        },
        {
          escalation_policy: policy,
          escalation_level: 2,
          user: {
            id: 'PUSR0ALICE',
            type: 'user',
            summary: 'Alice Archer',
            name: 'Alice Archer',
            email: 'alice@example.com',
          },
        },
      ],
      limit: 100,
      offset: 0,
      more: false,
    };
    const scripted = await startScripted((_req, res) => json(res, 200, body));
    try {
      const directory = createPagerDutyOnCall({ apiUrl: scripted.url, token: TOKEN, cacheMs: 0 });
      expect((await directory.whoIsOnCall('PESC0WEB')).map((p) => [p.level, p.id, p.email])).toEqual([
        [1, 'PUSR0ALICE', 'alice@example.com'],
        [2, 'PUSR0BOB', null],
        [2, 'PUSR0ALICE', 'alice@example.com'],
      ]);

      body = { oncalls: [{ escalation_level: 'one' }] };
      const error = await failure(directory.whoIsOnCall('PESC0WEB'));
      expect(error.code).toBe('ONCALL_UNAVAILABLE');
      expect(error.message).toMatch(/unexpected shape at oncalls\.0\./);
    } finally {
      await scripted.stop();
    }
  });
});

describe('PagerDuty v3 webhooks', () => {
  const body = Buffer.from('{"event":{"id":"01","event_type":"incident.acknowledged"}}', 'utf8');

  it('verifies a signature made with the secret, and refuses another secret, a tampered body or a bad header', () => {
    const header = signPagerDutyWebhook(SECRET, body);
    expect(verifyPagerDutySignature(SECRET, body, header)).toBe(true);
    expect(verifyPagerDutySignature('another-secret', body, header)).toBe(false);
    expect(verifyPagerDutySignature(SECRET, Buffer.from(body.toString('utf8').replace('01', '02')), header)).toBe(
      false,
    );

    expect(verifyPagerDutySignature(SECRET, body, undefined)).toBe(false);
    expect(verifyPagerDutySignature(SECRET, body, '')).toBe(false);
    expect(verifyPagerDutySignature(SECRET, body, header.slice(0, -2))).toBe(false);
    expect(verifyPagerDutySignature(SECRET, body, header.replace('v1=', 'v0='))).toBe(false);
    expect(verifyPagerDutySignature(SECRET, body, header.slice(3))).toBe(false);
    expect(verifyPagerDutySignature(SECRET, body, 'v1=zz')).toBe(false);
    // An unset secret is a misconfiguration, not a key anyone may sign with.
    expect(verifyPagerDutySignature('', body, signPagerDutyWebhook('', body))).toBe(false);
  });

  it('accepts a header with two signatures (a rotation) when one of them is valid', () => {
    const rotated = signPagerDutyWebhook(['new-secret-not-yet-ours', SECRET], body);
    expect(rotated.split(',')).toHaveLength(2);
    expect(verifyPagerDutySignature(SECRET, body, rotated)).toBe(true);
    expect(verifyPagerDutySignature(SECRET, body, rotated.replace(',', ', '))).toBe(true);
    expect(verifyPagerDutySignature('third-secret', body, rotated)).toBe(false);
  });

  it('verifies and reads a webhook exactly as the fake sends it', async () => {
    const received: Array<{ body: Buffer; signature: string | undefined }> = [];
    const sink = await startScripted((req, res, text) => {
      const signature = req.headers['x-pagerduty-signature'];
      received.push({
        body: Buffer.from(text, 'utf8'),
        signature: typeof signature === 'string' ? signature : undefined,
      });
      json(res, 202, { accepted: true });
    });
    try {
      fake.connectWebhook({ url: `${sink.url}/webhooks/pagerduty`, secret: SECRET });
      const pager = createPagerDutyEvents({ eventsUrl: fake.eventsUrl, routingKey: ROUTING_KEY });
      await pager.send(TRIGGER);
      now += 60_000;
      await fake.acknowledge('checkout-5xx');

      const [delivery] = received;
      if (!delivery) throw new Error('no webhook arrived');
      expect(verifyPagerDutySignature(SECRET, delivery.body, delivery.signature)).toBe(true);
      expect(verifyPagerDutySignature('another-secret', delivery.body, delivery.signature)).toBe(false);

      const parsed = parsePagerDutyWebhook(JSON.parse(delivery.body.toString('utf8')));
      expect(parsed).toEqual({
        ok: true,
        event: {
          id: expect.any(String),
          type: 'incident.acknowledged',
          occurredAt: new Date('2026-03-04T10:01:00.000Z'),
          incidentKey: 'checkout-5xx',
          pagerDutyIncidentId: 'PINC0001',
          htmlUrl: `${fake.url}/incidents/PINC0001`,
          agent: { id: 'PUSR0ALICE', name: 'Alice Archer' },
          assignees: [{ id: 'PUSR0ALICE', name: 'Alice Archer' }],
          escalationPolicy: { id: 'PESC0WEB', name: 'Web on-call' },
          title: 'checkout 5xx above 5%',
          number: 1,
          service: { id: 'PSVC0WEB', name: 'Web' },
          urgency: 'high',
          priority: null,
        },
      });
      if (!parsed.ok) throw new Error('not parsed');
      // What the paging flow hears: Firebreak's words, no PagerDuty field names.
      expect(pageUpdateFromPagerDuty(parsed.event)).toEqual({
        via: 'PagerDuty',
        source: 'pagerduty',
        deliveryId: parsed.event.id,
        pageKey: 'checkout-5xx',
        pagerIncidentId: 'PINC0001',
        status: 'acknowledged',
        event: 'incident.acknowledged',
        agent: { id: 'PUSR0ALICE', name: 'Alice Archer' },
        assignedTo: [{ id: 'PUSR0ALICE', name: 'Alice Archer' }],
        at: new Date('2026-03-04T10:01:00.000Z'),
      });
    } finally {
      await sink.stop();
    }
  });

  it('tells each followed webhook type as a page status, and any other as untracked', () => {
    const update = (eventType: string) => {
      const parsed = parsePagerDutyWebhook({
        event: {
          id: 'E1',
          event_type: eventType,
          resource_type: 'incident',
          occurred_at: '2026-03-04T10:00:00Z',
          data: { id: 'PINC9', type: 'incident', incident_key: 'firebreak-inc-9' },
        },
      });
      if (!parsed.ok) throw new Error(parsed.issues.join('; '));
      return pageUpdateFromPagerDuty(parsed.event);
    };
    expect(
      ['incident.acknowledged', 'incident.escalated', 'incident.reassigned', 'incident.resolved'].map(
        (t) => update(t).status,
      ),
    ).toEqual(['acknowledged', 'escalated', 'reassigned', 'resolved']);
    expect(update('incident.annotated')).toMatchObject({ status: 'untracked', event: 'incident.annotated' });
    expect(update('toString').status).toBe('untracked');
    expect(update('incident.resolved')).toMatchObject({ agent: null, assignedTo: [], pageKey: 'firebreak-inc-9' });
  });

  it('maps a webhook without agent, key or policy to nulls', () => {
    const parsed = parsePagerDutyWebhook({
      event: {
        id: 'E1',
        event_type: 'incident.escalated',
        resource_type: 'incident',
        occurred_at: '2026-03-04T10:00:00.000+01:00',
        agent: null,
        something_new: { added: 'by PagerDuty later' },
        data: { id: 'PINC9', type: 'incident' },
      },
    });
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'E1',
        type: 'incident.escalated',
        occurredAt: new Date('2026-03-04T09:00:00.000Z'),
        incidentKey: null,
        pagerDutyIncidentId: 'PINC9',
        htmlUrl: null,
        agent: null,
        assignees: [],
        escalationPolicy: null,
        title: null,
        number: null,
        service: null,
        urgency: null,
        priority: null,
      },
    });
  });

  it('says what is wrong with a bad body, field by field', () => {
    expect(
      parsePagerDutyWebhook({
        event: {
          id: 'E1',
          event_type: 'incident.resolved',
          occurred_at: 'yesterday',
          data: { type: 'incident', assignees: [{ id: 'P1' }] },
        },
      }),
    ).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        'event.resource_type: required',
        expect.stringMatching(/^event\.occurred_at: /),
        'event.data.id: required',
        'event.data.assignees.0.summary: required',
      ]),
    });
    expect(parsePagerDutyWebhook('not json')).toEqual({ ok: false, issues: ['expected an object (got "not json")'] });
    expect(parsePagerDutyWebhook({})).toEqual({ ok: false, issues: ['event: required'] });
  });
});

describe('createPagerDutyIncidents (REST, for incidents that started in PagerDuty)', () => {
  const TOKEN = 'rest-token-0123456789';
  let fake: FakePagerDuty;
  beforeEach(async () => {
    fake = await FakePagerDuty.start({ apiToken: TOKEN, routingKey: 'monitor-routing-key' });
    await fake.monitorTriggers({ dedupKey: 'm-1', summary: 'Checkout down' }).catch(() => undefined);
  });
  afterEach(async () => {
    await fake.stop();
  });
  const incidentId = () => fake.incidents()[0]?.id ?? '';
  const update = (from: string, token = TOKEN) => createPagerDutyIncidents({ apiUrl: fake.apiUrl, token, from });

  it('acknowledges and resolves by id, as the From user', async () => {
    await update('alice@example.com')(incidentId(), 'acknowledged');
    expect(fake.incidents()[0]?.status).toBe('acknowledged');
    await update('alice@example.com')(incidentId(), 'resolved');
    expect(fake.incidents()[0]?.status).toBe('resolved');
  });

  it('is refused for good without a PagerDuty user in From, or for an incident that does not exist', async () => {
    const noUser = await update('nobody@example.com')(incidentId(), 'acknowledged').catch((e: unknown) => e);
    expect(noUser).toBeInstanceOf(FirebreakError);
    expect(noUser).toMatchObject({ code: 'PAGE_REJECTED' });
    expect((noUser as Error).message).toContain('HTTP 400: Invalid Input Provided');
    const missing = await update('alice@example.com')('PNOPE', 'resolved').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'PAGE_REJECTED', details: { providerError: '404' } });
    expect(fake.incidents()[0]?.status).toBe('triggered');
  });

  it('a wrong token is refused and the token never appears in the error', async () => {
    const error = await update('alice@example.com', 'wrong-token-secret')(incidentId(), 'resolved').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'PAGE_REJECTED' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('wrong-token-secret');
  });
});
