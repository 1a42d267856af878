// The sandbox's web tier traffic, as `npm start` runs it: its local Prometheus answers the web target's watch query
// (read through the real Prometheus adapter), the console's Traffic panel shows the rate against the tier's
// capacity, "Start a flash sale" moves the seed's surge to a few minutes from now, and a restart keeps it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics';
import type { Firebreak } from '../../src/firebreak';
import { SALE_LEAD_MINUTES } from '../../src/sandbox/web-traffic';
import { startSandboxFirebreak } from '../support/sandbox-firebreak';

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'sandbox-traffic-'));
let firebreak: Firebreak;

beforeAll(async () => {
  firebreak = await startSandboxFirebreak(dir);
});
afterAll(async () => {
  await firebreak?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sandbox() {
  if (!firebreak.sandbox) throw new Error('not in sandbox mode');
  return firebreak.sandbox;
}

it('watches the web target through the local Prometheus, which serves its request rate up to now', async () => {
  const web = sandbox().cloud.defaultTargets.find((t) => t.name === 'web');
  expect(web?.watch).toEqual({
    query: { source: 'prometheus', query: 'sum(rate(http_requests_total{job="web"}[1m]))' },
    perInstance: 250,
    targetUtilization: 0.7,
    lookaheadMinutes: 20,
    intervalSeconds: 60,
  });
  expect(firebreak.prometheusUrl).toBe(sandbox().prometheus.url);
  const now = new Date();
  const read = await createPrometheusMetrics({ url: firebreak.prometheusUrl ?? '' }).read(
    web?.watch?.query ?? { source: 'prometheus', query: '' },
    { start: new Date(now.getTime() - 10 * 60_000), end: new Date(now.getTime() + 10 * 60_000), stepSeconds: 60 },
  );
  if (!read.ok) throw new Error(read.reason);
  expect(read.points.length).toBeGreaterThanOrEqual(10);
  expect(read.points.length).toBeLessThanOrEqual(11);
  for (const p of read.points) {
    expect(p.at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(p.value).toBe(sandbox().traffic.rateAt(p.at));
  }
});

it('shows the rate against 4 × 250 req/s in the console, and starts a flash sale from its button', async () => {
  const page = await (await fetch(`${firebreak.url}/sandbox`)).text();
  expect(page).toContain('Traffic');
  expect(page).toContain('capacity <span class="traffic-capacity">1,000</span> req/s (4 × 250)');
  expect(page).toContain('No flash sale running');

  const clicked = Date.now();
  const response = await fetch(`${firebreak.url}/sandbox/traffic/flash-sale`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ as: 'U0ALICE' }),
  });
  expect(response.status).toBe(200);
  const live = sandbox().traffic.saleStart.getTime();
  expect(live).toBeGreaterThanOrEqual(clicked + SALE_LEAD_MINUTES * 60_000);
  expect(live).toBeLessThanOrEqual(Date.now() + SALE_LEAD_MINUTES * 60_000);
  const hhmm = new Date(live).toISOString().slice(11, 16);
  expect(await response.json()).toEqual({
    ok: true,
    message: `Flash sale announced: it goes live at ${hhmm} UTC and web traffic climbs to about 6× its usual peak`,
  });
  const after = await (await fetch(`${firebreak.url}/sandbox`)).text();
  expect(after).toMatch(new RegExp(`Flash sale goes live at ${hhmm} UTC \\(in [1-5] min\\)`));
});

it('keeps the sale across a restart of the sandbox', async () => {
  const live = sandbox().traffic.saleStart;
  await firebreak.stop();
  firebreak = await startSandboxFirebreak(dir);
  expect(sandbox().restored).toBe(true);
  expect(sandbox().traffic.saleStart).toEqual(live);
});
