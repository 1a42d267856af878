// The postmortem page in a real Chromium, as a manager opens it from the signed link: every section's
// heading and the incident chart with its markers are on screen, and a full-page screenshot is kept.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectProblems, launchChromium } from '../support/chromium';
import { startPostmortemServer, type PostmortemServer } from '../support/postmortem-server';

const OUTPUT_DIR = join(__dirname, '../../test-output');
const SCREENSHOT = join(OUTPUT_DIR, 'postmortem-page.png');

let server: PostmortemServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  server = await startPostmortemServer();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The page must render whole under its own policy.
  collectProblems(page, problems);
  const response = await page.goto(server.signedUrl(), { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function expectOnScreen(locator: ReturnType<Page['locator']>, what: string): Promise<void> {
  expect({ what, visible: await locator.isVisible() }).toEqual({ what, visible: true });
  const box = await locator.boundingBox();
  expect({ what, width: (box?.width ?? 0) > 0, height: (box?.height ?? 0) > 0 }).toEqual({
    what,
    width: true,
    height: true,
  });
}

type Box = { x: number; y: number; width: number; height: number };

/** Whether two labels' boxes meet, less the 1.5px white halo each label has (its box includes it). */
function overlaps(a: Box, b: Box): boolean {
  const halo = 1.5;
  return (
    a.x + halo < b.x + b.width - halo &&
    b.x + halo < a.x + a.width - halo &&
    a.y + halo < b.y + b.height - halo &&
    b.y + halo < a.y + a.height - halo
  );
}

describe('the postmortem page in Chromium', () => {
  it('shows the title and the heading of every section', async () => {
    await expectOnScreen(
      page.getByRole('heading', { level: 1, name: `Postmortem: High request rate on web (INC-${server.incident.id})` }),
      'title',
    );
    for (const name of [
      'Issue Summary',
      'Timeline',
      'Root Cause and Resolution',
      'Corrective and Preventative Measures',
      'Tasks',
      'Metrics',
    ]) {
      await expectOnScreen(page.getByRole('heading', { level: 2, name, exact: true }), name);
    }
    for (const name of ['Immediate', 'Preventative'])
      await expectOnScreen(page.getByRole('heading', { level: 3, name, exact: true }), name);
  });

  it('shows the chart with the alert band, the capacity line and a marker for each key moment', async () => {
    const chart = page.locator('#timeline-chart');
    await expectOnScreen(chart, 'chart');
    const chartBox = await chart.boundingBox();
    expect(chartBox?.width).toBeGreaterThan(600);
    await expectOnScreen(chart.locator('.band-alerts rect'), 'alerts band');
    await expectOnScreen(chart.locator('.capacity-line'), 'capacity line');
    const markers = chart.locator('g.marker');
    const labels = await markers.locator('text').allTextContents();
    expect(labels).toEqual([
      'Paged 11:31',
      'Acknowledged 11:38',
      'Scale web +10 11:45',
      'Scale web +10 12:30',
      'Mitigated 13:30',
      'Resolved 14:00',
    ]);
    const boxes = [];
    for (let i = 0; i < labels.length; i++) {
      const marker = markers.nth(i);
      await expectOnScreen(marker.locator('circle'), `${labels[i]} dot`);
      await expectOnScreen(marker.locator('text'), `${labels[i]} label`);
      boxes.push({ label: labels[i], box: await marker.locator('text').boundingBox() });
    }
    // Legible: no label runs into another or out of the chart.
    for (const [i, a] of boxes.entries()) {
      expect(a.box && chartBox && a.box.x >= chartBox.x && a.box.x + a.box.width <= chartBox.x + chartBox.width).toBe(
        true,
      );
      for (const b of boxes.slice(i + 1))
        expect({ pair: [a.label, b.label], overlap: overlaps(a.box!, b.box!) }).toEqual({
          pair: [a.label, b.label],
          overlap: false,
        });
    }
  });

  it('renders under its own security policy: styles applied, nothing blocked or broken', async () => {
    // The inline stylesheet took effect (CSP allows inline styles): the key figures sit in a grid.
    // Runs in the page; the test's own TypeScript has no DOM types, hence the cast.
    const display = await page
      .locator('ul.figures')
      .evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(el).display,
      );
    expect(display).toBe('grid');
    expect(problems).toEqual([]);
  });

  it('saves a full-page screenshot', async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
