// What the platform team probes: liveness, readiness, and the metrics they alert on.
import { alertmanagerPayload } from '../support/payloads';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

it('/healthz and /readyz answer 200 when the store is migrated and reachable', async () => {
  const health = await fetch(`${h.firebreak.url}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${h.firebreak.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok' } });
});

it('/metrics counts alerts received, incidents opened, Slack calls and the outbox depth', async () => {
  await h.postAlert('alertmanager', alertmanagerPayload({ alerts: [{}, { fingerprint: 'b' }] }));
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'channel');
  await eventually(() => h.slack.messages(channel.id).some((m) => m.pinned), 'card');
  const text = await eventually(async () => {
    const body = await (await fetch(`${h.firebreak.url}/metrics`)).text();
    return body.includes('firebreak_outbox_depth 0') ? body : undefined;
  }, 'the outbox to drain');
  expect(text).toContain('firebreak_alerts_received_total{source="alertmanager"} 2');
  expect(text).toContain('firebreak_incidents_opened_total{origin="firebreak"} 1');
  expect(text).toMatch(/firebreak_slack_call_duration_seconds_count\{method="conversations.create",outcome="ok"\} 1/);
});

it('/readyz answers 503 once the store is closed', async () => {
  await h.firebreak.store.close();
  const ready = await fetch(`${h.firebreak.url}/readyz`);
  expect(ready.status).toBe(503);
});
