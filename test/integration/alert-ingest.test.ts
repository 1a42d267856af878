// Alert webhooks through the real HTTP server: stored before 202, duplicates change nothing, bad input refused.
import { alertmanagerPayload, genericAlert } from '../support/payloads';
import { adjustableClock, eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

async function storedCounts(): Promise<{ incidents: number; alerts: number; events: number }> {
  const incidents = await h.firebreak.store.incidents.listRecent(100);
  let alerts = 0;
  let events = 0;
  for (const i of incidents) {
    alerts += (await h.firebreak.store.alerts.listByIncident(i.id)).length;
    events += await h.firebreak.store.timeline.count(i.id);
  }
  return { incidents: incidents.length, alerts, events };
}

function incidentChannels() {
  return h.slack.listChannels().filter((c) => c.name.startsWith('inc-'));
}

describe('POST /alerts/alertmanager', () => {
  it('answers 202 with the incident once stored, then opens one channel with a pinned card and an announcement', async () => {
    const response = await h.postAlert(
      'alertmanager',
      alertmanagerPayload({ alerts: [{}, { fingerprint: 'second' }] }),
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ accepted: 2, incidents: [expect.any(Number)] });
    const incident = await h.firebreak.store.incidents.findById(response.body.incidents[0]);
    expect(incident).toMatchObject({
      title: 'Request rate on web is 8x normal',
      severity: 'sev1',
      service: 'web',
      status: 'investigating',
    });

    const channel = await eventually(() => incidentChannels()[0], 'the incident channel');
    expect(channel.name).toMatch(/^inc-\d{8}-request-rate-on-web-is-8x-normal$/);
    const card = await eventually(() => h.slack.messages(channel.id).find((m) => m.pinned), 'the pinned card');
    expect(JSON.stringify(card.blocks)).toContain('Firing alerts (2)');
    const announcement = await eventually(
      () => h.slack.messages(h.slack.channelByName('incidents')!.id)[0],
      'the announcement',
    );
    expect(announcement.text).toContain(`<#${channel.id}>`);
  });

  it('the same delivery twice gives one incident, one channel, and the same answer', async () => {
    const body = alertmanagerPayload();
    const first = await h.postAlert('alertmanager', body);
    const second = await h.postAlert('alertmanager', body);
    expect(second.status).toBe(202);
    expect(second.body.incidents).toEqual(first.body.incidents);
    await eventually(
      () => incidentChannels().length === 1 && h.slack.messages(incidentChannels()[0]!.id).some((m) => m.pinned),
      'card pinned',
    );
    await h.drained();
    expect(incidentChannels()).toHaveLength(1);
    expect(await storedCounts()).toMatchObject({ incidents: 1, alerts: 1 });
    const alerts = await h.firebreak.store.alerts.listByIncident(first.body.incidents[0]);
    expect(alerts[0]?.count).toBe(1);
  });

  it('a repeat in a new delivery is counted on the alert and shown on the card, not stored as a new row', async () => {
    const first = await h.postAlert('alertmanager', alertmanagerPayload());
    // Same alert, new delivery (another field differs, as when Alertmanager re-sends after group_interval).
    await h.postAlert('alertmanager', {
      ...alertmanagerPayload(),
      truncatedAlerts: 0,
      commonAnnotations: { resent: 'yes' },
    });
    const alerts = await h.firebreak.store.alerts.listByIncident(first.body.incidents[0]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.count).toBe(2);
    const channel = await eventually(() => incidentChannels()[0], 'channel');
    await eventually(
      () => JSON.stringify(h.slack.messages(channel.id).find((m) => m.pinned)?.blocks ?? '').includes('×2'),
      'the card to show ×2',
    );
  });

  it('when every alert has resolved, the card says so and offers to resolve, and the incident stays open', async () => {
    const opened = await h.postAlert('alertmanager', alertmanagerPayload());
    const channel = await eventually(() => incidentChannels()[0], 'channel');
    await eventually(() => h.slack.messages(channel.id).find((m) => m.pinned), 'card');
    await h.postAlert('alertmanager', alertmanagerPayload({ status: 'resolved' }));
    const card = await eventually(
      () =>
        h.slack
          .messages(channel.id)
          .find(
            (m) =>
              (m.pinned && JSON.stringify(m.blocks).includes('have resolved')) ||
              (m.pinned && JSON.stringify(m.blocks).includes('has resolved')),
          ),
      'card saying all resolved',
    );
    expect(JSON.stringify(card.blocks)).toContain('incident_resolve');
    const incident = await h.firebreak.store.incidents.findById(opened.body.incidents[0]);
    expect(incident?.status).toBe('investigating');
    const types = (await h.firebreak.store.timeline.list(opened.body.incidents[0])).map((e) => e.type);
    expect(types).toEqual(['incident.declared', 'alert.fired', 'alert.resolved']);
  });
});

describe('the connection a monitor keeps open', () => {
  // A server that closes an idle connection before the sender does races the sender's next request on it,
  // which then fails with ECONNRESET. Load balancers keep connections 60 s; clients trust this hint.
  it('is kept for 65 s, said in the Keep-Alive header, above the 60 s of load balancers', async () => {
    const response = await fetch(`${h.firebreak.url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });
});

describe('bad alert deliveries are refused and store nothing', () => {
  it('401 without a token, and with a wrong one', async () => {
    const none = await h.postAlert('alertmanager', alertmanagerPayload(), { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toContain('Authorization: Bearer');
    const wrong = await h.postAlert('alertmanager', alertmanagerPayload(), { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toContain('not valid');
    expect(await storedCounts()).toEqual({ incidents: 0, alerts: 0, events: 0 });
  });

  it('400 naming what is wrong for malformed JSON and for a payload of the wrong shape', async () => {
    const broken = await h.postAlert('alertmanager', '{"version": "4", alerts: [');
    expect(broken.status).toBe(400);
    expect(broken.body.issues[0]).toContain('not valid JSON');
    const wrongShape = await h.postAlert('alertmanager', { ...alertmanagerPayload(), alerts: [{ status: 'burning' }] });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error).toBe('invalid alert payload');
    expect(wrongShape.body.issues.join('\n')).toMatch(/alerts\.0\.status|alerts\[0\]\.status/);
    const generic = await h.postAlert('generic', { severity: 'high' });
    expect(generic.status).toBe(400);
    expect(generic.body.issues.join('\n')).toContain('title');
    expect(await storedCounts()).toEqual({ incidents: 0, alerts: 0, events: 0 });
  });

  it('413 over 1 MiB', async () => {
    const huge = { ...alertmanagerPayload(), padding: 'x'.repeat(1024 * 1024) };
    const response = await h.postAlert('alertmanager', huge);
    expect(response.status).toBe(413);
    expect(response.body.error).toContain('1 MiB');
    expect(await storedCounts()).toEqual({ incidents: 0, alerts: 0, events: 0 });
  });

  it('a bad payload after a good one loses nothing already stored', async () => {
    await h.postAlert('alertmanager', alertmanagerPayload());
    const before = await storedCounts();
    await h.postAlert('alertmanager', { version: '3' });
    expect(await storedCounts()).toEqual(before);
  });
});

describe('POST /alerts/generic', () => {
  it('groups by service and fingerprint: two posts of one alert are one incident with a count of 2', async () => {
    const a = await h.postAlert('generic', genericAlert());
    const b = await h.postAlert('generic', { ...genericAlert(), summary: 'still failing' });
    expect(a.status).toBe(202);
    expect(b.body.incidents).toEqual(a.body.incidents);
    const alerts = await h.firebreak.store.alerts.listByIncident(a.body.incidents[0]);
    expect(alerts.map((x) => x.count)).toEqual([2]);
    const other = await h.postAlert('generic', genericAlert({ service: 'payments' }));
    expect(other.body.incidents).not.toEqual(a.body.incidents);
  });
});

describe('the same bytes much later', () => {
  it('a generic alert that resolved and fires again with an identical body is a new firing, not a retry', async () => {
    await h.stop();
    const clock = adjustableClock();
    h = await startHarness({ clock });
    const firing = genericAlert({ title: 'DB down', service: 'db', severity: 'critical' });
    const first = await h.postAlert('generic', firing);
    await h.postAlert('generic', { ...firing, status: 'resolved' });
    const retry = await h.postAlert('generic', firing);
    expect(retry.body.duplicate).toBe(true);
    clock.advance(11 * 60_000);
    const again = await h.postAlert('generic', firing);
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBeUndefined();
    expect(again.body.incidents).toEqual(first.body.incidents);
    const types = (await h.firebreak.store.timeline.list(first.body.incidents[0])).map((e) => e.type);
    expect(types.filter((t) => t === 'alert.fired')).toHaveLength(2);
  });
});
