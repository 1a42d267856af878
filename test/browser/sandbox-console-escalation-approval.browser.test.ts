// Issue 16's escalation and approval in the sandbox console, clicked in a real Chromium against a real Firebreak
// in sandbox mode: the card's "Escalate…" form pages the network team (its page shows in the PagerDuty panel);
// web-oncall, named by escalation policy, is asked by responder request, which the panel declines as Alice (the
// card says so) and accepts as Bob, asked next; a scale-out over the approval threshold waits for @oncall-web:
// Bob's Deny leaves the group as it is, the requester's own Approve is refused (only she sees why), Bob's Approve
// scales. Every action goes through Firebreak's real endpoints (signed /slack/events, signed PagerDuty webhooks,
// the AWS SDK against the simulated cloud).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const OUTPUT_DIR = join(__dirname, '../../test-output');

let dir: string;
let firebreak: Firebreak;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/**
 * The sandbox's web target with a low approval threshold, so one "Scale…" shows it (the sandbox's own asks above
 * 24 instances). Its teams (network, web-oncall) are the sandbox's.
 */
function writePolicy(into: string): void {
  writeFileSync(
    join(into, 'firebreak.yaml'),
    `scaleTargets:
  - name: web
    kind: autoscaling-group
    autoScalingGroupName: web-sandbox-asg
    min: 2
    max: 60
    maxStep: 10
    cooldownSeconds: 10
    buttons: [4, 10]
    services: [web]
    approval: { above: 10, approvers: oncall-web }
`,
  );
}

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'firebreak-console-escalation-'));
  writePolicy(dir);
  firebreak = await startSandboxFirebreak(dir);
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.setDefaultTimeout(LIVE.timeout);
  collectProblems(page, problems);
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  // Slack's confirm before Approve is the browser's confirm() in the console: say yes.
  page.on('dialog', (dialog) => void dialog.accept());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await firebreak?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pinnedCard = (): Locator => page.locator('#messages article.msg.pinned').first();
const teamsLine = (): Locator => pinnedCard().locator('.bk-section[data-block-id="teams"]');
const pagerDutyPage = (dedupKey: string): Locator => page.locator(`#pagerduty li.page[data-dedup-key="${dedupKey}"]`);
const pendingRequest = (): Locator =>
  page.locator('#messages article.msg').filter({ hasText: 'Waiting for @oncall-web' }).last();
const group = (): Locator => page.locator('#cloud li.group[data-group="web-sandbox-asg"]');

/** Opens the card's "Scale…" form and asks for `change` instances of web. */
async function askToScale(change: string, reason: string): Promise<void> {
  await pinnedCard().getByRole('button', { name: 'Scale…' }).click();
  const modal = page.getByRole('dialog', { name: 'Scale capacity' });
  await modal.waitFor(LIVE);
  await modal.getByLabel('Change').fill(change);
  await modal.getByLabel('Reason').fill(reason);
  await modal.getByRole('button', { name: 'Scale' }).click();
  await modal.waitFor({ state: 'detached', ...LIVE });
}

describe('escalation and approval in the sandbox console', () => {
  it('Escalate… pages the network team: the card names it, its page shows in PagerDuty', async () => {
    await page.goto(`${firebreak.url}/sandbox`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Fire flash-sale alert' }).click();
    await page.locator('#channels a.chan.incident').first().waitFor(LIVE);
    await page.locator('#channels a.chan.incident').first().click();
    await pinnedCard().getByRole('button', { name: 'Escalate…' }).waitFor(LIVE);
    await pinnedCard().getByRole('button', { name: 'Escalate…' }).click();
    const modal = page.getByRole('dialog', { name: 'Escalate to a team' });
    await modal.waitFor(LIVE);
    await modal.getByLabel('Team', { exact: true }).selectOption('network');
    await modal.getByLabel('Message for the team').fill('routers in eu-west');
    await modal.getByRole('button', { name: 'Escalate' }).click();
    await modal.waitFor({ state: 'detached', ...LIVE });
    await teamsLine().filter({ hasText: 'network' }).waitFor(LIVE);
    const networkPage = pagerDutyPage('firebreak-inc-1-team-network');
    await networkPage.waitFor(LIVE);
    expect(await networkPage.textContent()).toContain('escalated to network: routers in eu-west');
  });

  it('web-oncall, asked by responder request: Decline as … shows on the card, then the next one’s Accept as …', async () => {
    await pinnedCard().getByRole('button', { name: 'Escalate…' }).click();
    const modal = page.getByRole('dialog', { name: 'Escalate to a team' });
    await modal.waitFor(LIVE);
    await modal.getByLabel('Team', { exact: true }).selectOption('web-oncall');
    await modal.getByRole('button', { name: 'Escalate' }).click();
    await modal.waitFor({ state: 'detached', ...LIVE });
    const incidentPage = pagerDutyPage('firebreak-inc-1');
    await incidentPage.getByRole('button', { name: 'Decline as Alice Archer' }).click();
    await teamsLine().filter({ hasText: 'declined by Alice Archer' }).waitFor(LIVE);
    // The request passes to the policy's next level, Bob, who accepts: his acknowledgement shows instead.
    await incidentPage.getByRole('button', { name: 'Accept as Bob Baker' }).click();
    await teamsLine().filter({ hasText: 'acknowledged by Bob Baker' }).waitFor(LIVE);
    expect(await teamsLine().textContent()).not.toContain('declined');
  });

  it('Scale… over the threshold asks @oncall-web; Bob’s Deny leaves the group as it is and says who denied', async () => {
    await askToScale('12', 'just in case');
    const request = pendingRequest();
    await request.waitFor(LIVE);
    await page.getByLabel('Acting as').selectOption('U0BOB');
    await request.getByRole('button', { name: 'Deny' }).click();
    await page.locator('#messages article.msg').filter({ hasText: 'Denied by @Bob Baker' }).waitFor(LIVE);
    expect(await group().locator('.group-range').textContent()).toContain('desired 4');
  });

  it('the requester’s own Approve is refused, and only they see why', async () => {
    await page.getByLabel('Acting as').selectOption('U0ALICE');
    await askToScale('14', 'flash sale');
    const request = pendingRequest();
    await request.waitFor(LIVE);
    await request.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.locator('#messages article.ephemeral').filter({ hasText: 'cannot approve it yourself' });
    await refusal.waitFor(LIVE);
    expect(await refusal.textContent()).toContain('Only visible to you');
    expect(await group().locator('.group-range').textContent()).toContain('desired 4');
  });

  it('Bob approves: the cloud and the card show 14', async () => {
    await page.getByLabel('Acting as').selectOption('U0BOB');
    await pendingRequest().getByRole('button', { name: 'Approve' }).click();
    await page.locator('#messages article.msg').filter({ hasText: 'Approved by @Bob Baker' }).waitFor(LIVE);
    await group().locator('.group-range').filter({ hasText: 'desired 14' }).waitFor(LIVE);
    await pinnedCard()
      .locator('.bk-section[data-block-id="capacity"]')
      .filter({ hasText: 'web: 14 running' })
      .waitFor(LIVE);
    // Bob does not see the refusal Alice alone was shown.
    expect(await page.locator('#messages').textContent()).not.toContain('cannot approve it yourself');
  });

  it('fits a phone’s width, the PagerDuty panel’s buttons included, and ran without a script error', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#pagerduty').getByRole('button', { name: 'Acknowledge' }).first().waitFor(LIVE);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'console-escalation-390.png'), fullPage: true });
    expect(overflow).toBe(0);
    expect(problems).toEqual([]);
  });
});
