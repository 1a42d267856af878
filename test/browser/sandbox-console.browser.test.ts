// The sandbox console in a real Chromium, against a real Firebreak in sandbox mode: fire the flash-sale alert,
// watch the incident channel and its pinned card appear, scale out from the card (through Slack's confirm),
// acknowledge the page in the simulated PagerDuty, resolve through the modal, open the postmortem page, fire
// the Grafana sample, open an incident in the simulated PagerDuty, and fire and resolve a CloudWatch alarm.
// Every action goes through Firebreak's real endpoints (alert ingest, signed /slack/events, signed PagerDuty webhook).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { charactersDrawnAsBoxes, collectProblems, launchChromium } from '../support/chromium';
import type { Firebreak } from '../../src/firebreak';
import { GLYPH_SHORTCODES } from '../../src/sandbox/console/emoji';
import { startSandboxFirebreak } from '../support/sandbox-firebreak';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const OUTPUT_DIR = join(__dirname, '../../test-output');
const SANDBOX_GROUP = 'web-sandbox-asg';
// Card edits are paced (one per channel per interval) and the console polls once a second.
const LIVE = { timeout: 20_000 };

let dir: string;
let firebreak: Firebreak;
let consoleUrl: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'firebreak-console-'));
  firebreak = await startSandboxFirebreak(dir);
  // The console Firebreak itself serves in sandbox mode, as `npm start` does.
  consoleUrl = firebreak.url;

  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  // The console must work under its own policy.
  collectProblems(page, problems);
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await firebreak?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pinnedCard = (): Locator => page.locator('#messages article.msg.pinned');
const group = (name: string): Locator => page.locator(`#cloud li.group[data-group="${name}"]`);

describe('the sandbox console in Chromium', () => {
  it('opens on the workspace: channels, the acting person, the simulated PagerDuty and cloud', async () => {
    const response = await page.goto(`${consoleUrl}/sandbox`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await expect(page.locator('#channels').getByRole('link', { name: 'incidents' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#channels').getByRole('link', { name: 'general' }).isVisible()).resolves.toBe(true);
    expect(await page.getByLabel('Acting as').inputValue()).toBe('U0ALICE');
    expect(await page.locator('#pagerduty').textContent()).toContain('No pages yet');
    expect(await group(SANDBOX_GROUP).locator('.count-running').textContent()).toBe('4');
  });

  it('fires the flash-sale alert and shows the incident channel with its pinned card', async () => {
    await page.getByRole('button', { name: 'Fire flash-sale alert' }).click();
    await page.locator('#toast.ok').filter({ hasText: '202' }).waitFor(LIVE);
    const incidentLink = page.locator('#channels a.chan.incident').first();
    await incidentLink.waitFor(LIVE);
    expect(await incidentLink.textContent()).toContain('request-rate-on-web');
    await incidentLink.click();
    await page.waitForURL(/channel=C/);
    const card = pinnedCard();
    await card.waitFor(LIVE);
    expect(await card.locator('.bk-header').textContent()).toBe('INC-1 · Request rate on web is 8x normal');
    expect(await card.locator('.pin-label').textContent()).toContain('Pinned');
    const facts = await card.locator('.bk-fields').textContent();
    expect(facts).toContain('Status');
    expect(facts).toContain('Investigating');
    expect(facts).toContain('SEV1');
    await card.getByRole('button', { name: 'Scale out +4' }).waitFor(LIVE);
    // The page went to the simulated PagerDuty, which shows it with an Acknowledge button.
    await page.locator('#pagerduty li.page-triggered').getByRole('button', { name: 'Acknowledge' }).waitFor(LIVE);
  });

  it('answers a slash command to the person who typed it', async () => {
    await page
      .getByLabel('Message or slash command')
      .fill('/incident status identified Flash-sale traffic is beyond capacity');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.locator('#messages article.msg.ephemeral').filter({ hasText: 'Status is now' });
    await reply.waitFor(LIVE);
    expect(await reply.textContent()).toContain('Only visible to you');
    expect(await reply.locator('strong').first().textContent()).toBe('identified');
    await page.locator('#messages article.msg.pinned .bk-fields').filter({ hasText: 'Identified' }).waitFor(LIVE);
  });

  it("scales out from the card, through Slack's confirm, and the card and the cloud show 8 running", async () => {
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await pinnedCard().getByRole('button', { name: 'Scale out +4' }).click();
    await group(SANDBOX_GROUP).locator('.count-running').filter({ hasText: /^8$/ }).waitFor(LIVE);
    expect(dialogs).toEqual(['Add capacity?\n\nAdd 4 instances to web.']);
    await pinnedCard()
      .locator('.bk-section[data-block-id="capacity"]')
      .filter({ hasText: 'web: 8 running' })
      .waitFor(LIVE);
  });

  it('acknowledges the page in PagerDuty, which tells Firebreak through its signed webhook', async () => {
    await page.locator('#pagerduty').getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('#pagerduty li.page-acknowledged').waitFor(LIVE);
    await pinnedCard()
      .locator('.bk-section[data-block-id="paging"]')
      .filter({ hasText: 'Page acknowledged by' })
      .waitFor(LIVE);
    // The card from its top for the screenshot (the test's TypeScript has no DOM types, hence the cast).
    await pinnedCard().evaluate((el) =>
      (el as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: 'start' }),
    );
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'console-incident.png') });
  });

  it("subscribes from the announcement, posts an update from the card's form, and shows the subscriber's direct message", async () => {
    const channelNamed = (name: RegExp): Locator =>
      page.locator('#channels a.chan', { has: page.locator('.chan-name', { hasText: name }) }).first();
    await channelNamed(/^incidents$/).click();
    const announcement = page.locator('#messages article.msg').filter({ hasText: 'INC-1' }).first();
    await announcement.getByRole('button', { name: 'Subscribe to updates' }).click();
    await page
      .locator('#messages article.msg.ephemeral')
      .filter({ hasText: "you will get INC-1's updates by direct message" })
      .waitFor(LIVE);

    await page.locator('#channels a.chan.incident').first().click();
    await pinnedCard().getByRole('button', { name: 'Post update' }).click();
    const modal = page.getByRole('dialog', { name: 'Update INC-1' });
    await modal.waitFor(LIVE);
    await modal.getByLabel('Update').fill('Capacity added; checkout is recovering. Next update in 30 minutes.');
    await modal.getByRole('button', { name: 'Post update' }).click();
    await modal.waitFor({ state: 'detached', ...LIVE });
    await page
      .locator('#messages article.msg')
      .filter({ hasText: 'Capacity added; checkout is recovering' })
      .waitFor(LIVE);
    await pinnedCard().locator('.bk-context').filter({ hasText: 'Last update' }).waitFor(LIVE);

    const direct = channelNamed(/^@/);
    await direct.waitFor(LIVE);
    await direct.click();
    await page.locator('#messages article.msg').filter({ hasText: 'Update on INC-1' }).waitFor(LIVE);
    await page.locator('#channels a.chan.incident').first().click();
    await pinnedCard().waitFor(LIVE);
  });

  it('resolves through the modal and posts the postmortem with its link', async () => {
    await pinnedCard().getByRole('button', { name: 'Resolve…' }).click();
    const modal = page.getByRole('dialog', { name: 'Resolve INC-1' });
    await modal.waitFor(LIVE);
    await modal.getByLabel('Impact').fill('About 30% of shoppers could not load the store for 40 minutes.');
    await modal.getByLabel('Root cause').fill('Flash-sale traffic at 8x normal; the web tier does not scale itself.');
    await modal.getByRole('button', { name: 'Resolve' }).click();
    await modal.waitFor({ state: 'detached', ...LIVE });
    const postmortem = page.locator('#messages article.msg').filter({ hasText: 'Postmortem draft for INC-1' });
    await postmortem.waitFor(LIVE);
    await postmortem.getByRole('link', { name: 'Open the page for managers' }).waitFor(LIVE);
    await pinnedCard().locator('.bk-fields').filter({ hasText: 'Resolved' }).waitFor(LIVE);
    await pinnedCard()
      .locator('.bk-section[data-block-id="postmortem"]')
      .getByRole('link', { name: 'open the page for managers' })
      .waitFor(LIVE);
    await postmortem.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, 'console-resolved.png') });
  });

  it('opens the postmortem page from the link', async () => {
    const link = page
      .locator('#messages article.msg')
      .filter({ hasText: 'Postmortem draft for INC-1' })
      .getByRole('link', { name: 'Open the page for managers' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/\/incidents\/1\/postmortem\?/);
    const tab = await browser.newPage();
    const response = await tab.goto(href!, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await tab.getByRole('heading', { level: 1 }).textContent()).toContain('INC-1');
    expect(await tab.locator('body').textContent()).toContain('About 30% of shoppers could not load the store');
    await tab.close();
  });

  it("fires the Grafana sample as Grafana's contact point sends it: a second incident, its card linking the dashboard and panel", async () => {
    await page.getByRole('button', { name: 'Fire Grafana alert' }).click();
    await page.locator('#toast.ok').filter({ hasText: '202' }).waitFor(LIVE);
    const incidentLink = page.locator('#channels a.chan.incident').filter({ hasText: 'checkout' });
    await incidentLink.waitFor(LIVE);
    await incidentLink.click();
    await page.waitForURL(/channel=C/);
    const card = pinnedCard();
    await card.locator('.bk-header').filter({ hasText: 'INC-2 · Checkout p99 latency above 2s' }).waitFor(LIVE);
    const alerts = card.locator('.bk-section[data-block-id="alerts"]');
    expect(await alerts.getByRole('link', { name: 'dashboard' }).getAttribute('href')).toBe(
      'http://grafana.example.com:3000/d/checkout?orgId=1',
    );
    expect(await alerts.getByRole('link', { name: 'panel' }).getAttribute('href')).toBe(
      'http://grafana.example.com:3000/d/checkout?orgId=1&viewPanel=2',
    );
  });

  it('opens an incident in the local PagerDuty, as a monitor paging through it would: Firebreak opens INC-3 linked to it', async () => {
    await page.getByRole('button', { name: 'Open PagerDuty incident' }).click();
    await page.locator('#toast.ok').filter({ hasText: 'Firebreak opened INC-3 linked to it' }).waitFor(LIVE);
    const incidentLink = page.locator('#channels a.chan.incident').filter({ hasText: 'payment-provider-timeouts' });
    await incidentLink.waitFor(LIVE);
    await incidentLink.click();
    await page.waitForURL(/channel=C/);
    const card = pinnedCard();
    await card.locator('.bk-header').filter({ hasText: 'INC-3 · Payment provider timeouts above 2%' }).waitFor(LIVE);
    // Its page is the PagerDuty incident, shown with its Acknowledge button; Firebreak sent no second page.
    expect(await page.locator('#pagerduty li').filter({ hasText: 'Payment provider timeouts' }).count()).toBe(1);
  });

  it("fires a CloudWatch alarm as SNS posts it, signed by the sandbox's SNS: INC-4, then back to OK resolves it", async () => {
    await page.getByRole('button', { name: 'Fire CloudWatch alarm' }).click();
    await page.locator('#toast.ok').filter({ hasText: '202, 1 accepted (INC-4)' }).waitFor(LIVE);
    const incidentLink = page.locator('#channels a.chan.incident').filter({ hasText: 'web-5xx-high' });
    await incidentLink.waitFor(LIVE);
    await incidentLink.click();
    await page.waitForURL(/channel=C/);
    const card = pinnedCard();
    await card.locator('.bk-header').filter({ hasText: 'INC-4 · web-5xx-high' }).waitFor(LIVE);
    const alarmLink = card.locator('.bk-section[data-block-id="alerts"]').getByRole('link', { name: 'web-5xx-high' });
    expect(await alarmLink.getAttribute('href')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/web-5xx-high',
    );
    await page.getByRole('button', { name: 'Resolve CloudWatch alarm' }).click();
    await card.filter({ hasText: 'All 1 alert has resolved' }).waitFor(LIVE);
  });

  it('shows the web traffic against its capacity, and starts a flash sale from the Traffic panel', async () => {
    const panel = page.locator('#traffic');
    expect(await panel.locator('.traffic-capacity').textContent()).toMatch(/^\d{1,3}(,\d{3})*$/);
    await panel.getByRole('button', { name: 'Start a flash sale' }).click();
    await page.locator('#toast.ok').filter({ hasText: 'Flash sale announced' }).waitFor(LIVE);
    const live = firebreak.sandbox?.traffic.saleStart.toISOString().slice(11, 16);
    await panel.getByText(`Flash sale goes live at ${live} UTC`).waitFor(LIVE);
  });

  it('draws every emoji and symbol it shows with an installed font, never as an empty box', async () => {
    // Every shortcode the console turns into a glyph, in one message, beside the card, the pages and the cloud.
    const text = GLYPH_SHORTCODES.map((name) => `:${name}:`).join(' ');
    await page.getByLabel('Message or slash command').fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    const message = page.locator('#messages article.msg').filter({ has: page.locator('.emoji[title=":hourglass:"]') });
    await message.waitFor(LIVE);
    expect(await message.locator('.msg-text .emoji').count()).toBe(GLYPH_SHORTCODES.length);
    expect(await charactersDrawnAsBoxes(page)).toEqual([]);
  });

  it('ran without a script error or a blocked resource', () => {
    expect(problems).toEqual([]);
  });
});
