// Grafana alerting's webhook contact point, as Grafana sends it (test/fixtures/grafana, the documented payload):
// it opens an incident whose card links the alert's dashboard and panel, its resolution reaches the card, a
// repeat changes nothing, and with an HMAC secret configured only requests Grafana signed get in.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_TOKEN, eventually, postJson, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/grafana', name), 'utf8');
const FIRING = fixture('firing.json');
const RESOLVED = fixture('resolved.json');
const HMAC_SECRET = 'grafana-contact-point-hmac-secret';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const sign = (body: string, timestamp?: string): string =>
  createHmac('sha256', HMAC_SECRET)
    .update(timestamp ? `${timestamp}:${body}` : body)
    .digest('hex');

function post(body: string, headers: Record<string, string> = {}) {
  if (!h) throw new Error('no harness');
  return postJson(`${h.firebreak.url}/alerts/grafana`, body, { authorization: `Bearer ${ALERT_TOKEN}`, ...headers });
}

async function metric(name: string): Promise<string[]> {
  if (!h) throw new Error('no harness');
  const text = await (await fetch(`${h.firebreak.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

async function pinnedCard(shows: string) {
  const harness = h as Harness;
  const channel = await eventually(
    () => harness.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  const card = await eventually(
    () => harness.slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes(shows)),
    `the card showing ${shows}`,
  );
  return { channel, blocks: JSON.stringify(card.blocks) };
}

describe('POST /alerts/grafana with a bearer token', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it("opens an incident whose card names the alert and links Grafana's rule, dashboard and panel", async () => {
    const answer = await post(FIRING);
    expect(answer).toEqual({ status: 202, body: { accepted: 1, incidents: [1] } });
    const { blocks } = await pinnedCard('Request rate on web is 8x normal');
    expect(blocks).toContain('<https://grafana.example.com/alerting/grafana/b1c2d3e4/view?orgId=1|Request rate on web');
    expect(blocks).toContain('<https://grafana.example.com/d/web-overview?orgId=1|dashboard>');
    expect(blocks).toContain('<https://grafana.example.com/d/web-overview?orgId=1&viewPanel=4|panel>');
    const [incident] = await (h as Harness).firebreak.store.incidents.listRecent(1);
    expect(incident).toMatchObject({ service: 'web', severity: 'sev1', title: 'Request rate on web is 8x normal' });
    const [alert] = await (h as Harness).firebreak.store.alerts.listFiring(1, 10);
    expect(alert?.summary).toBe('Flash-sale traffic is overwhelming the web tier\nValues: B=812.5, C=1');
    expect(await metric('firebreak_alerts_received_total{source="grafana"}')).toEqual([
      'firebreak_alerts_received_total{source="grafana"} 1',
    ]);
  });

  it('a repeat changes nothing; the resolution reaches the card', async () => {
    expect((await post(FIRING)).status).toBe(202);
    expect(await post(FIRING)).toEqual({ status: 202, body: { accepted: 1, incidents: [1], duplicate: true } });
    await pinnedCard('Request rate on web is 8x normal');
    expect((await post(RESOLVED)).status).toBe(202);
    await pinnedCard('All 1 alert has resolved');
    await (h as Harness).drained();
    expect((await (h as Harness).firebreak.store.incidents.listRecent(5)).length).toBe(1);
  });

  it('refuses a request without the token, a malformed body naming the field, and one over 1 MiB, and counts each', async () => {
    const harness = h as Harness;
    const unauthorized = await postJson(`${harness.firebreak.url}/alerts/grafana`, FIRING);
    expect(unauthorized).toEqual({
      status: 401,
      body: { error: 'an Authorization: Bearer <token> header is required' },
    });
    const broken = JSON.parse(FIRING) as { alerts: Array<Record<string, unknown>> };
    (broken.alerts[0] as Record<string, unknown>).startsAt = 'yesterday';
    const malformed = await post(JSON.stringify(broken));
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues).toEqual([
      'alerts.0.startsAt: expected an RFC 3339 timestamp such as 2023-02-15T11:30:00Z (got "yesterday")',
    ]);
    const oversized = await post(JSON.stringify({ ...JSON.parse(FIRING), padding: 'x'.repeat(1024 * 1024) }));
    expect(oversized.status).toBe(413);
    expect(await metric('firebreak_alerts_refused_total{source="grafana"')).toEqual([
      'firebreak_alerts_refused_total{source="grafana",reason="unauthorized"} 1',
      'firebreak_alerts_refused_total{source="grafana",reason="malformed"} 1',
      'firebreak_alerts_refused_total{source="grafana",reason="too_large"} 1',
    ]);
    expect(await harness.firebreak.store.incidents.listRecent(5)).toEqual([]);
  });
});

describe('POST /alerts/grafana with an HMAC secret configured', () => {
  it('takes only what Grafana signed: no signature, a wrong one, or another body are refused', async () => {
    h = await startHarness({ env: { GRAFANA_WEBHOOK_HMAC_SECRET: HMAC_SECRET } });
    const missing = await post(FIRING);
    expect(missing).toEqual({
      status: 401,
      body: { error: 'the X-Grafana-Alerting-Signature header is required: this contact point must sign its requests' },
    });
    const wrong = await post(FIRING, { 'x-grafana-alerting-signature': sign(RESOLVED) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe(
      "the X-Grafana-Alerting-Signature does not match the body: check the contact point's HMAC secret",
    );
    expect(await h.firebreak.store.incidents.listRecent(5)).toEqual([]);
    const signed = await post(FIRING, { 'x-grafana-alerting-signature': sign(FIRING) });
    expect(signed).toEqual({ status: 202, body: { accepted: 1, incidents: [1] } });
    expect(await metric('firebreak_alerts_refused_total{source="grafana"')).toEqual([
      'firebreak_alerts_refused_total{source="grafana",reason="bad_signature"} 2',
    ]);
  });

  it('with a timestamp header, signs "<timestamp>:<body>" and refuses a replay older than 5 minutes', async () => {
    h = await startHarness({
      env: {
        GRAFANA_WEBHOOK_HMAC_SECRET: HMAC_SECRET,
        GRAFANA_WEBHOOK_SIGNATURE_HEADER: 'X-Signature',
        GRAFANA_WEBHOOK_TIMESTAMP_HEADER: 'X-Signature-Timestamp',
      },
    });
    const now = Math.floor(Date.now() / 1000);
    const old = String(now - 6 * 60);
    const replay = await post(FIRING, { 'x-signature': sign(FIRING, old), 'x-signature-timestamp': old });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('the X-Signature-Timestamp is more than 5 minutes from now: refused as a replay');
    const bodyOnly = await post(FIRING, { 'x-signature': sign(FIRING), 'x-signature-timestamp': String(now) });
    expect(bodyOnly.status).toBe(401);
    const fresh = String(now);
    const signed = await post(FIRING, { 'x-signature': sign(FIRING, fresh), 'x-signature-timestamp': fresh });
    expect(signed.status).toBe(202);
  });
});
