// Alert accepted (202) → card posted in the incident's new channel, one new incident after another, against
// a floor that stores the alert and then opens a channel and posts one message. Firebreak's run also gives
// the figures with no floor: → page accepted by PagerDuty, and "Scale out +4" click → RunInstances → running.
import { SLACK_TIER_DEFAULTS } from '../../src/config/policy';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FakePagerDuty } from '../../src/sandbox/fake-pagerduty';
import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { incidentDelivery, postAlerts } from '../alerts';
import { checkFirebreakRun, checkFloorRun } from '../checks';
import { secrets, sizes } from '../config';
import { startFirebreak, startFloor } from '../processes';
import { latency } from '../stats';
import { interleaved, reportLogProblems, when, withFakeSlack, type PhaseContext } from './common';

/** How long the simulated cloud takes to bring an instance from pending to running. */
const LAUNCH_SECONDS = 1;
/**
 * Slack's per-method budgets raised far above the tiers: with the defaults (Tier 2: 20 conversations.create
 * a minute) only the first three back-to-back incidents get their channel at once and each later one waits
 * ~3.5 s, so the figure would measure the budget, not Firebreak's path. Every budgeted method is named, so
 * none is left at its tier.
 */
const UNBUDGETED = [
  'slack:',
  '  rateLimits:',
  ...Object.keys(SLACK_TIER_DEFAULTS).map((method) => `    ${method}: 100000`),
];
const POLICY = [
  ...UNBUDGETED,
  'scaleTargets:',
  '  - name: web',
  '    kind: ec2-launch-template',
  '    launchTemplate: { id: lt-0web00000000000 }',
  '    subnets: [subnet-0aa11bb22cc33dd44]',
  '    max: 1000',
  '    maxStep: 10',
  '    cooldownSeconds: 0',
  '    buttons: [4]',
  '    services: [web]',
].join('\n');

const WARM_UP = 3;
const slugOf = (i: number): string => (i < 0 ? `warm-up-${-i}` : `latency-sample-${i}`);

/** The bot has posted in the channel whose name ends with the sample's slug (Firebreak's inc-DATE-…, the floor's floor-…). */
function cardPosted(slack: FakeSlack, slug: string): boolean {
  const bot = slack.auth().botUserId;
  const channel = slack.listChannels().find((c) => c.name.endsWith(`-${slug}`));
  return Boolean(channel && slack.messages(channel.id).some((m) => m.user === bot));
}

/**
 * One new incident at a time: post its alert, and from the 202 wait for its card. `alsoWait` adds what
 * else to wait for before the next sample (Firebreak's page), given the 202's body and when it arrived.
 * The first WARM_UP incidents are not counted, for floor and Firebreak alike: they pay for V8 compiling
 * each code path once, and the figure is the steady state's.
 */
async function alertToCard(
  url: string,
  slack: FakeSlack,
  alsoWait?: (replyText: string, acceptedAt: number) => Promise<number>,
): Promise<{ card: number[]; also: number[]; accepted: number }> {
  const card: number[] = [];
  const also: number[] = [];
  for (let i = -WARM_UP; i < sizes.latencySamples; i += 1) {
    const slug = slugOf(i);
    const reply = await postAlerts(url, incidentDelivery(slug).body);
    const acceptedAt = performance.now();
    if (reply.status !== 202) throw new Error(`latency sample ${i} refused: HTTP ${reply.status} ${reply.text}`);
    const posted = when(slack, () => cardPosted(slack, slug), `the card of ${slug}`).then(
      () => performance.now() - acceptedAt,
    );
    const [cardMs, alsoMs] = await Promise.all([posted, alsoWait?.(reply.text, acceptedAt)]);
    if (i < 0) continue;
    card.push(cardMs);
    if (alsoMs !== undefined) also.push(alsoMs);
  }
  return { card, also, accepted: WARM_UP + sizes.latencySamples };
}

async function floorRun(ctx: PhaseContext): Promise<number[]> {
  return withFakeSlack(async (slack) => {
    const floor = await startFloor(ctx.built, 'store-then-post', slack);
    const { card, accepted } = await alertToCard(floor.url, slack);
    await floor.stop();
    checkFloorRun(ctx.checks, 'alert → card floor', floor.dbPath, accepted);
    floor.remove();
    return card;
  });
}

/** Signed "Scale out +4" clicks on the first incident's card, one after another (one operation per target at a time). */
async function scaleClicks(slack: FakeSlack, cloud: FakeCloud): Promise<{ accepted: number[]; running: number[] }> {
  const channel = slack.listChannels().find((c) => c.name.endsWith(`-${slugOf(0)}`));
  if (!channel) throw new Error('no incident channel to scale from');
  const accepted: number[] = [];
  const running: number[] = [];
  const launches = (): number => cloud.calls('RunInstances').filter((c) => c.status === 200).length;
  for (let i = 0; i < sizes.scaleClicks; i += 1) {
    // Pinning follows the card's post: the first click may come before it.
    await when(slack, () => slack.messages(channel.id).some((m) => m.pinned), 'the pinned card');
    const card = slack.messages(channel.id).find((m) => m.pinned);
    if (!card) throw new Error('the incident has no pinned card');
    const launchesBefore = launches();
    const target = (i + 1) * 4;
    const started = performance.now();
    await slack.clickButton({
      userId: 'U0ALICE',
      channelId: channel.id,
      messageTs: card.ts,
      actionId: 'scale_out:web:4',
    });
    // Polled: the simulated cloud reports state changes, not the calls that cause them.
    while (launches() <= launchesBefore) {
      if (performance.now() - started > 60_000) throw new Error(`click ${i}: no RunInstances within 60 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    accepted.push(performance.now() - started);
    await when(
      slack,
      () =>
        slack
          .messages(channel.id)
          .some((m) => m.pinned && JSON.stringify(m.blocks).includes(`web is at ${target} instances`)),
      `the card to say web is at ${target} instances`,
    );
    running.push(performance.now() - started - LAUNCH_SECONDS * 1000);
  }
  return { accepted, running };
}

async function firebreakRun(
  ctx: PhaseContext,
): Promise<{ card: number[]; page: number[]; clicks: { accepted: number[]; running: number[] } }> {
  const pagerDuty = await FakePagerDuty.start({ routingKey: secrets.pagerDutyRoutingKey });
  const cloud = await FakeCloud.start({ launchSeconds: LAUNCH_SECONDS });
  try {
    return await withFakeSlack(async (slack) => {
      const firebreak = await startFirebreak(ctx.built, { slack, pagerDuty, cloud }, { policy: POLICY });
      const {
        card,
        also: page,
        accepted,
      } = await alertToCard(firebreak.url, slack, async (replyText, acceptedAt) => {
        const dedupKey = `firebreak-inc-${(JSON.parse(replyText) as { incidents: number[] }).incidents[0]}`;
        await when(
          pagerDuty,
          () => pagerDuty.events().some((e) => e.status === 202 && e.dedupKey === dedupKey),
          `the page ${dedupKey}`,
        );
        return performance.now() - acceptedAt;
      });
      const clicks = await scaleClicks(slack, cloud);
      await firebreak.stop();
      checkFirebreakRun(ctx.checks, {
        label: 'alert → card, Firebreak',
        dbPath: firebreak.dbPath,
        alertsAccepted: accepted,
        groups: accepted,
        slack,
      });
      reportLogProblems('alert → card', firebreak);
      firebreak.remove();
      return { card, page, clicks };
    });
  } finally {
    await pagerDuty.stop();
    await cloud.stop();
  }
}

export async function alertToCardLatency(ctx: PhaseContext): Promise<void> {
  console.log(
    `\nAlert accepted → card posted, ${sizes.latencySamples} new incidents one after another (floor, Firebreak, floor)`,
  );
  const { floors, firebreak } = await interleaved(
    () => floorRun(ctx),
    () => firebreakRun(ctx),
  );
  const floor = latency([...floors[0], ...floors[1]]);
  const card = latency(firebreak.card);
  ctx.report.record('alert → card (ms)', { floor, firebreak: card, floorRuns: floors.map(latency) });
  ctx.report.add({ figure: 'alert accepted → card posted, p50', unit: 'ms', firebreak: card.p50, floor: floor.p50 });
  ctx.report.add({
    figure: 'alert accepted → card posted, p99',
    unit: 'ms',
    firebreak: card.p99,
    floor: floor.p99,
    goal: { text: '≤ 3× floor', met: (f, fl) => fl !== undefined && f <= 3 * fl },
  });
  const page = latency(firebreak.page);
  const accepted = latency(firebreak.clicks.accepted);
  const running = latency(firebreak.clicks.running);
  ctx.report.record('extra figures (ms)', { page, scaleClickToRunInstances: accepted, scaleClickToRunning: running });
  ctx.report.add({ figure: 'alert accepted → page accepted by PagerDuty, p50', unit: 'ms', firebreak: page.p50 });
  ctx.report.add({ figure: 'alert accepted → page accepted by PagerDuty, p99', unit: 'ms', firebreak: page.p99 });
  ctx.report.add({ figure: '"Scale out +4" click → RunInstances accepted, p50', unit: 'ms', firebreak: accepted.p50 });
  ctx.report.add({ figure: '"Scale out +4" click → RunInstances accepted, p99', unit: 'ms', firebreak: accepted.p99 });
  ctx.report.add({
    figure: `click → instances running on the card (minus the ${LAUNCH_SECONDS} s launch), p50`,
    unit: 'ms',
    firebreak: running.p50,
  });
  ctx.report.add({
    figure: `click → instances running on the card (minus the ${LAUNCH_SECONDS} s launch), p99`,
    unit: 'ms',
    firebreak: running.p99,
  });
}
