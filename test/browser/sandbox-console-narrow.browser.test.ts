// The sandbox console on narrower screens, in a real Chromium: half a laptop (800 px) and a phone (390 px). The
// channels, the incident channel with its card, and the PagerDuty and cloud panels must all be reachable and
// usable there: fire the alert, open the incident channel, acknowledge the page, see the cloud, with nothing
// cut off at the right edge.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { collectProblems, launchChromium } from '../support/chromium';
import type { Firebreak } from '../../src/firebreak';
import { startSandboxFirebreak } from '../support/sandbox-firebreak';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const OUTPUT_DIR = join(__dirname, '../../test-output');
const LIVE = { timeout: 20_000 };

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Whether the element lies wholly inside the viewport as it is scrolled now. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
}

/** The page's width beyond the viewport: a layout that fits scrolls only down. */
async function overflowX(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

describe.each([
  { screen: 'half a laptop screen', width: 800, height: 900, file: 'console-800.png' },
  { screen: 'a phone', width: 390, height: 844, file: 'console-390.png' },
])('the sandbox console on $screen ($width px)', ({ width, height, file }) => {
  let dir: string;
  let firebreak: Firebreak;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-console-narrow-'));
    firebreak = await startSandboxFirebreak(dir);
    page = await browser.newPage({ viewport: { width, height } });
    collectProblems(page, problems);
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await firebreak?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the channels, PagerDuty and the cloud, and opens the incident channel with its card', async () => {
    await page.goto(`${firebreak.url}/sandbox`, { waitUntil: 'load' });
    for (const panel of ['#pagerduty', '#cloud']) {
      const locator = page.locator(panel);
      expect(await locator.isVisible()).toBe(true);
      await locator.scrollIntoViewIfNeeded();
      expect(await inViewport(page, locator.locator('.panel-title'))).toBe(true);
    }
    await page.getByRole('button', { name: 'Fire flash-sale alert' }).click();
    const incidentLink = page.locator('#channels a.chan.incident').first();
    await incidentLink.waitFor(LIVE);
    await incidentLink.click();
    await page.waitForURL(/channel=C/);
    const card = page.locator('#messages article.msg.pinned');
    await card.waitFor(LIVE);
    const scaleOut = card.getByRole('button', { name: 'Scale out +4' });
    await scaleOut.waitFor(LIVE);
    await scaleOut.scrollIntoViewIfNeeded();
    expect(await inViewport(page, scaleOut)).toBe(true);
    await card.locator('.bk-header').scrollIntoViewIfNeeded();
    expect(await inViewport(page, card.locator('.bk-header'))).toBe(true);
    expect(await overflowX(page)).toBe(0);
  });

  it('acknowledges the page from the PagerDuty panel, and the card says so', async () => {
    const panel = page.locator('#pagerduty');
    if (width < 700) {
      // On a phone the panels are below the channel: the bar under the channel strip jumps there.
      await page.getByRole('navigation', { name: 'Panels' }).getByRole('link', { name: 'PagerDuty' }).click();
      expect(await inViewport(page, panel.locator('.panel-title'))).toBe(true);
    }
    const acknowledge = panel.locator('li.page-triggered').getByRole('button', { name: 'Acknowledge' });
    await acknowledge.waitFor(LIVE);
    // Playwright clicks only what is visible, enabled and not covered by anything else.
    await acknowledge.click();
    await panel.locator('li.page-acknowledged').waitFor(LIVE);
    await page
      .locator('#messages article.msg.pinned .bk-section[data-block-id="paging"]')
      .filter({ hasText: 'Page acknowledged by' })
      .waitFor(LIVE);
  });

  it('shows the web group in the cloud panel, within the screen', async () => {
    const group = page.locator('#cloud li.group[data-group="web-sandbox-asg"]');
    await group.scrollIntoViewIfNeeded();
    expect(await group.locator('.count-running').textContent()).toBe('4');
    expect(await inViewport(page, group)).toBe(true);
    expect(await overflowX(page)).toBe(0);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(OUTPUT_DIR, file), fullPage: true });
  });

  it('ran without a script error or a blocked resource', () => {
    expect(problems).toEqual([]);
  });
});
