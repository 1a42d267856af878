// The sandbox console in a real Chromium where a newcomer meets it second: after `npm run demo` (the outage's
// times in the incident's channel, though the demo's clock ends a month later with the planned sale; no form left
// open over the resolved incident) and after Firebreak restarts on the same data (the incident channel, its card
// and the page still there, and the next alert reaching them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { collectProblems, launchChromium } from '../support/chromium';
import type { Firebreak } from '../../src/firebreak';
import { runFlashSaleDemo } from '../../src/sandbox/demo';
import { startSandboxFirebreak } from '../support/sandbox-firebreak';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(90_000);

const LIVE = { timeout: 20_000 };

let browser: Browser;
const dirs: string[] = [];
const running: Firebreak[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const f of running) await f.stop().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-console-continuity-'));
  dirs.push(dir);
  return dir;
}

async function openConsole(url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  collectProblems(page, problems);
  const response = await page.goto(`${url}/sandbox`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return page;
}

it("after the demo: the resolved incident without a leftover form, and its channel's times from the outage", async () => {
  const dir = tempDir();
  const result = await runFlashSaleDemo({ dir, say: () => undefined });
  running.push(result.firebreak);
  const problems: string[] = [];
  const page = await openConsole(result.firebreak.url, problems);
  const card = page.locator('#messages article.msg.pinned');
  await card.locator('.bk-fields').filter({ hasText: 'Resolved' }).waitFor(LIVE);
  // Give the console a poll or two: the form must not come back.
  await page.waitForTimeout(1500);
  expect(await page.getByRole('dialog').count()).toBe(0);
  // Nothing left to do on the resolved incident: no Resolve… on its card, its page resolved in PagerDuty.
  expect(await card.getByRole('button', { name: 'Resolve…' }).count()).toBe(0);
  expect(await page.locator('#pagerduty li.page .status').allTextContents()).toEqual(['Resolved']);
  expect(await page.locator('#pagerduty').textContent()).toContain('11:30:00 UTC');
  const times = await page
    .locator('#messages time')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThan(0);
  expect(times.filter((t) => !t.startsWith('2023-02-15T'))).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

/** What a person sees of an incident in the console: the channel list, the card, the page and the cloud. */
async function whatTheConsoleShows(page: Page) {
  const card = page.locator('#messages article.msg.pinned');
  await card.waitFor(LIVE);
  const texts = (locator: Locator) => locator.evaluateAll((nodes) => nodes.map((n) => n.textContent?.trim() ?? ''));
  return {
    channel: (await page.locator('#channel-head h1').textContent())?.replace(/^#/, ''),
    incidentChannels: await texts(page.locator('#channels a.chan.incident .chan-name')),
    cardHeader: await card.locator('.bk-header').textContent(),
    cardButtons: await texts(card.getByRole('button')),
    pinned: await card.locator('.pin-label').textContent(),
    pages: await texts(page.locator('#pagerduty li.page .page-title')),
    pageStatuses: await texts(page.locator('#pagerduty li.page .status')),
    pageButtons: await texts(page.locator('#pagerduty li.page').getByRole('button')),
    groups: await texts(page.locator('#cloud li.group .group-name')),
    running: await texts(page.locator('#cloud li.group .count-running')),
  };
}

it('after a restart: the incident channel, its card and the page are still there, and the next alert reaches them', async () => {
  const dir = tempDir();
  const problems: string[] = [];

  const first = await startSandboxFirebreak(dir);
  running.push(first);
  let page = await openConsole(first.url, problems);
  await page.getByRole('button', { name: 'Fire flash-sale alert' }).click();
  await page.locator('#channels a.chan.incident').first().waitFor(LIVE);
  await page.locator('#channels a.chan.incident').first().click();
  await page.waitForURL(/channel=C/);
  await page.locator('#messages article.msg.pinned').waitFor(LIVE);
  await page.locator('#pagerduty .page-line').first().waitFor(LIVE);
  // Settled: the on-call engineers invited and the card pinned, as the first process left it.
  await page
    .locator('#messages article.msg.pinned .bk-section[data-block-id="paging"]')
    .filter({ hasText: 'On call' })
    .waitFor(LIVE);
  const before = await whatTheConsoleShows(page);
  const channelUrl = page.url().replace(first.url, '');
  await page.close();
  await first.stop();
  running.splice(running.indexOf(first), 1);

  const second = await startSandboxFirebreak(dir);
  running.push(second);
  // The console as it opens at /sandbox, and as the tab that was open on the incident channel reloads it.
  page = await openConsole(second.url, problems);
  const card = page.locator('#messages article.msg.pinned');
  await card.waitFor(LIVE);
  expect(await card.locator('.bk-header').textContent()).toBe('INC-1 · Request rate on web is 8x normal');
  expect(await page.locator('#pagerduty').textContent()).not.toContain('No pages yet');
  await page.goto(`${second.url}${channelUrl}`, { waitUntil: 'load' });
  expect(await whatTheConsoleShows(page)).toEqual(before);
  expect(before.pageStatuses).toEqual(['Triggered']);
  expect(before.pageButtons).toEqual(['Acknowledge', 'Resolve']);
  expect(before.incidentChannels).toEqual([before.channel]);
  expect(before.cardButtons).toContain('Scale out +4');
  expect(before.groups).toContain('web-sandbox-asg');
  // Fired again after the restart: counted on INC-1's card, in the channel the first process made.
  await page.getByRole('button', { name: 'Fire flash-sale alert' }).click();
  await page.locator('#toast.ok').filter({ hasText: '202' }).waitFor(LIVE);
  await card.filter({ hasText: '×2' }).waitFor(LIVE);
  expect(await page.locator('#channels a.chan.incident').count()).toBe(1);
  expect(problems).toEqual([]);
  await page.close();
});
