// Issue 16's responder features in the sandbox console, in a real Chromium against a real Firebreak in sandbox mode:
// a test incident from its button, a late joiner's catch-up (only they see it), and a pinned message whose edit
// the timeline follows. Every action goes through the local Slack's signed requests to /slack/events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { collectProblems, launchChromium } from '../support/chromium';
import type { Firebreak } from '../../src/firebreak';
import { startSandboxFirebreak } from '../support/sandbox-firebreak';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

// Card edits are paced (one per channel per interval) and the console polls once a second.
const LIVE = { timeout: 20_000 };

let dir: string;
let firebreak: Firebreak;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'firebreak-console-responders-'));
  firebreak = await startSandboxFirebreak(dir);
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
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

const pinnedCard = (): Locator => page.locator('#messages article.msg.pinned').first();

describe('responders in the sandbox console', () => {
  it('declares a test incident from its button: a test-… channel, its card marked, nothing announced', async () => {
    await page.goto(`${firebreak.url}/sandbox`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Declare test incident' }).click();
    const channel = page.locator('#channels a.chan.incident').filter({ hasText: 'test-' }).first();
    await channel.waitFor(LIVE);
    await channel.click();
    await pinnedCard().filter({ hasText: 'TEST INCIDENT' }).waitFor(LIVE);
    await page.locator('#channels').getByRole('link', { name: 'incidents' }).click();
    await page.locator('.channel-title h1').filter({ hasText: 'incidents' }).waitFor(LIVE);
    // Only Alice's own answer to her command is there (ephemeral), no announcement.
    const announced = page
      .locator('#messages article.msg.from-bot:not(.ephemeral)')
      .filter({ hasText: 'Sandbox drill' });
    expect(await announced.count()).toBe(0);
  });

  it('Bob joins the incident channel late and alone sees the catch-up', async () => {
    await page.locator('#channels a.chan.incident').filter({ hasText: 'test-' }).first().click();
    await page.getByLabel('Acting as').selectOption('U0BOB');
    await page.getByRole('button', { name: 'Join channel' }).waitFor(LIVE);
    await page.getByRole('button', { name: 'Join channel' }).click();
    const catchUp = page.locator('#messages article.ephemeral').filter({ hasText: 'Catching up on INC-1' });
    await catchUp.waitFor(LIVE);
    expect(await catchUp.textContent()).toContain('Sandbox drill');
    expect(await catchUp.textContent()).toContain('Only visible to you');
    // Alice does not see Bob's catch-up.
    await page.getByLabel('Acting as').selectOption('U0ALICE');
    await page.getByRole('button', { name: 'Leave channel' }).waitFor(LIVE);
    expect(await page.locator('#messages').textContent()).not.toContain('Catching up on INC-1');
  });

  it('Alice invites Carol, who alone sees her catch-up', async () => {
    await page.getByLabel('Person to invite').selectOption('U0CAROL');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.locator('#toast.ok').filter({ hasText: 'Invited Carol' }).waitFor(LIVE);
    await page.getByLabel('Acting as').selectOption('U0CAROL');
    await page.locator('#messages article.ephemeral').filter({ hasText: 'Catching up on INC-1' }).waitFor(LIVE);
    await page.getByLabel('Acting as').selectOption('U0ALICE');
    await page.getByRole('button', { name: 'Leave channel' }).waitFor(LIVE);
  });

  it('a pinned message’s edit updates its entry on the card', async () => {
    await page.getByLabel('Message or slash command').fill('Checkout errors began at 11:25');
    await page.getByRole('button', { name: 'Send' }).click();
    const message = page.locator('#messages article.msg').filter({ hasText: 'Checkout errors began at 11:25' }).last();
    await message.waitFor(LIVE);
    await message.hover();
    await message.getByRole('button', { name: '⚑ Pin to timeline' }).click();
    await pinnedCard().filter({ hasText: 'Checkout errors began at 11:25' }).waitFor(LIVE);
    await message.hover();
    await message.locator('.msg-edit summary').click();
    await message.getByLabel('Message').fill('Checkout errors began at 11:20');
    await message.getByRole('button', { name: 'Save' }).click();
    await pinnedCard().filter({ hasText: 'Checkout errors began at 11:20' }).waitFor(LIVE);
  });

  it('keeps the join, invite and leave controls within a phone’s width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Leave channel' }).waitFor(LIVE);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
  });

  it('ran without a script error or a blocked resource', () => {
    expect(problems).toEqual([]);
  });
});
