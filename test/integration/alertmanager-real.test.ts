// A real Prometheus Alertmanager delivering to Firebreak: an alert added through its API opens one
// incident channel with a pinned card, and Alertmanager's own repeats change nothing.
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { ALERT_TOKEN, eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(60_000);

let h: Harness;
let am: RunningAlertmanager;
beforeEach(async () => {
  h = await startHarness();
  am = await startAlertmanager({ webhookUrl: `${h.firebreak.url}/alerts/alertmanager`, bearerToken: ALERT_TOKEN });
});
afterEach(async () => {
  await am?.stop();
  await h?.stop();
});

const alert = {
  labels: { alertname: 'HighRequestRate', service: 'web', severity: 'critical', instance: 'web-1:9100' },
  annotations: { summary: 'Request rate on web is 8x normal', description: 'Flash-sale traffic' },
};

it('an alert posted to Alertmanager opens one incident channel with its card pinned', async () => {
  await am.postAlerts([alert]);
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
    20_000,
  );
  expect(channel.name).toMatch(/^inc-\d{8}-request-rate-on-web-is-8x-normal$/);
  const card = await eventually(() => h.slack.messages(channel.id).find((m) => m.pinned), 'the pinned card', 20_000);
  expect(JSON.stringify(card.blocks)).toContain('Firing alerts (1)');

  // Prometheus re-sends firing alerts; a second instance joins the same Alertmanager group.
  await am.postAlerts([alert, { ...alert, labels: { ...alert.labels, instance: 'web-2:9100' } }]);
  await eventually(
    () => h.slack.messages(channel.id).some((m) => m.pinned && JSON.stringify(m.blocks).includes('Firing alerts (2)')),
    'the card to show both instances',
    20_000,
  );
  expect(h.slack.listChannels().filter((c) => c.name.startsWith('inc-'))).toHaveLength(1);
  expect(await h.firebreak.store.incidents.listRecent(10)).toHaveLength(1);
});
