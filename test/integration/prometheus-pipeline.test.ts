// The whole pipeline with real servers: a gauge the test serves crosses a rule's threshold, Debian's
// Prometheus fires, Debian's Alertmanager delivers to Firebreak, and the incident opens with its card; the
// gauge falls back, the resolution travels the same way and the card says so.
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { ALERT_TOKEN, eventually, startHarness, type Harness } from '../support/harness';
import { serveGauge, startPrometheus, type RunningPrometheus, type ServedGauge } from '../support/prometheus';

// Scrapes and evaluations every second, Alertmanager's group_wait 0 s and group_interval 1 s: each way
// takes a few seconds; the rest is start-up.
jest.setTimeout(60_000);

const SUMMARY = 'Request rate on web is above 100 per second';

let h: Harness;
let am: RunningAlertmanager;
let gauge: ServedGauge;
let prometheus: RunningPrometheus;
beforeEach(async () => {
  h = await startHarness();
  am = await startAlertmanager({ webhookUrl: `${h.firebreak.url}/alerts/alertmanager`, bearerToken: ALERT_TOKEN });
  gauge = await serveGauge('web_requests_per_second', 20);
  prometheus = await startPrometheus({
    scrapeTarget: gauge.target,
    alertmanagerUrl: am.url,
    rules: [
      {
        alert: 'HighRequestRate',
        expr: 'web_requests_per_second > 100',
        for: '0s',
        labels: { severity: 'critical', service: 'web' },
        annotations: { summary: SUMMARY, description: 'Flash-sale traffic on the web tier' },
      },
    ],
  });
});
afterEach(async () => {
  await prometheus?.stop();
  await gauge?.stop();
  await am?.stop();
  await h?.stop();
});

const incidentChannels = () => h.slack.listChannels().filter((c) => c.name.startsWith('inc-'));
const cardText = (channelId: string) => JSON.stringify(h.slack.messages(channelId).find((m) => m.pinned)?.blocks ?? '');

it('a metric over its threshold opens an incident with its card, and its fall back resolves the card', async () => {
  gauge.set(250);
  const channel = await eventually(() => incidentChannels()[0], 'the incident channel', 30_000);
  expect(channel.name).toMatch(/^inc-\d{8}-request-rate-on-web-is-above-100/);
  await eventually(() => cardText(channel.id).includes('Firing alerts (1)'), 'the pinned card with the alert', 20_000);
  expect(cardText(channel.id)).toContain(SUMMARY);

  gauge.set(20);
  await eventually(
    () => cardText(channel.id).includes('All 1 alert has resolved'),
    'the card to say the alert has resolved',
    30_000,
  );
  await eventually(
    () => h.slack.messages(channel.id).some((m) => m.text.includes('All alerts of INC-1 have resolved')),
    'the notice that every alert has resolved',
    20_000,
  );

  await h.drained();
  expect(incidentChannels()).toHaveLength(1);
  expect(h.slack.messages(channel.id).filter((m) => m.pinned)).toHaveLength(1);
  expect(await h.firebreak.store.incidents.listRecent(10)).toHaveLength(1);
});
