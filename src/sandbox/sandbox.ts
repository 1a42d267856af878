// Sandbox mode: the local Slack that `npm start` talks to when there is no Slack token, in this process.
// Its state is also written to data/sandbox-slack.json so a newcomer can see what the bot did, and in full to
// data/sandbox-state.json, read back at the next start: the local Slack, PagerDuty and cloud survive a restart
// as the database beside them does (`npm run sandbox:reset` forgets both).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AWS_PROVIDER, type AwsScaleTarget } from '../adapters/aws/aws-target';
import type { ScaleTarget } from '../domain/scale-target';
import type { Clock } from '../ports/clock';
import type { IncidentRepository } from '../ports/store';
import { decodeState, encodeState, savedObject } from './saved-state';
import { FakeCloud } from './fake-cloud';
import { FakePagerDuty } from './fake-pagerduty';
import { PRESET_SERVICE } from './fake-pagerduty/preset';
import { FakeSlack } from './fake-slack';
import { FakeSns } from './fake-sns';
import { FakePrometheus } from './fake-prometheus';
import { WEB_PER_INSTANCE_RPS, WEB_REQUEST_RATE_QUERY, WebTraffic } from './web-traffic';
import type { Team } from '../domain/team-escalation';

export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox';
const SANDBOX_PAGERDUTY = {
  routingKey: 'sandbox-routing-key-0000000000000',
  apiToken: 'sandbox-pagerduty-api-token',
  escalationPolicyId: 'PESC0WEB',
  webhookSecret: 'sandbox-pagerduty-webhook-secret',
  /** Who asks a team named by escalation policy to respond (`/incident escalate web-oncall`): Carol, a manager. */
  responderRequesterEmail: 'carol@example.com',
};

/** The network team's own integration key on the local PagerDuty: `/incident escalate network` pages it. */
const SANDBOX_NETWORK_ROUTING_KEY = 'sandbox-network-routing-key-000000';

/** Teams to escalate to when the policy names none (issue 16): one paged team, one named by escalation policy. */
const SANDBOX_TEAMS: Team[] = [
  { name: 'network', pager: { route: SANDBOX_NETWORK_ROUTING_KEY }, userGroup: 'oncall-web' },
  { name: 'web-oncall', pager: { escalationPolicyId: 'PESC0WEB' }, userGroup: null },
];

/** The simulated cloud: SDK clients pointed at it, and a target to scale when the policy names none. */
export interface SandboxCloud {
  fake: FakeCloud;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  defaultTargets: ScaleTarget[];
}

const SANDBOX_WEB_GROUP = 'web-sandbox-asg';

/** The simulated PagerDuty's settings, used in place of the PAGERDUTY_* variables. */
export interface SandboxPagerDuty {
  fake: FakePagerDuty;
  eventsUrl: string;
  apiUrl: string;
  routingKey: string;
  apiToken: string;
  escalationPolicyId: string;
  webhookSecret: string;
  /** The local PagerDuty user responder requests are made as (PAGERDUTY_FROM_EMAIL, for teams only). */
  responderRequesterEmail: string;
  /** The local PagerDuty's service, whose own incidents Firebreak follows in the sandbox. */
  serviceId: string;
  /** Teams `/incident escalate` offers when the policy names none. */
  defaultTeams: Team[];
}

export interface Sandbox {
  /** Firebreak's clock, which the local Slack, PagerDuty and cloud keep too (the demo's is scripted). */
  clock: Clock;
  /** Where the fakes' state is saved, and whether this start found it there (false: they started empty). */
  statePath: string;
  restored: boolean;
  slack: FakeSlack;
  slackApiUrl: string;
  botToken: string;
  botUserId: string;
  pagerDuty: SandboxPagerDuty;
  cloud: SandboxCloud;
  /**
   * The local Prometheus serving the web tier's request rate (PROMETHEUS_URL for the sandbox's Firebreak), and the
   * traffic it follows: the seed's flash sale, or one started from the console.
   */
  prometheus: { fake: FakePrometheus; url: string };
  traffic: WebTraffic;
  /** The simulated web tier the traffic hits: its Auto Scaling group and what one server carries. */
  webTier: { group: string; perInstance: number };
  /** The console's "Start a flash sale": the seed's surge from now, live a few minutes later (saved). */
  startFlashSale(): Date;
  /** The local SNS that signs the console's CloudWatch alarms, and the only SNS the sandbox's Firebreak trusts. */
  sns: FakeSns;
  /** Tells the local Slack and PagerDuty where Firebreak listens, to send it signed requests. */
  connect(baseUrl: string): Promise<void>;
  stop(): Promise<void>;
}

function snapshot(slack: FakeSlack, pagerDuty: FakePagerDuty, cloud: FakeCloud): object {
  return {
    note: 'What the sandbox Slack and PagerDuty hold: the channels Firebreak created, the messages it posted, the pages it sent.',
    channels: slack.listChannels().map((channel) => ({
      ...channel,
      members: slack.members(channel.id),
      messages: slack.messages(channel.id),
    })),
    pagerDuty: { incidents: pagerDuty.incidents() },
    cloud: { groups: cloud.groups() },
  };
}

const STATE_VERSION = 1;

/** Reads the saved fakes back into them; the reason when there is none or it cannot be used (they stay as started). */
function restore(
  path: string,
  fakes: { slack: FakeSlack; pagerDuty: FakePagerDuty; cloud: FakeCloud; traffic: WebTraffic },
): { restored: true } | { restored: false; reason: string } {
  if (!existsSync(path)) return { restored: false, reason: 'no saved sandbox state' };
  try {
    const saved = savedObject(decodeState(readFileSync(path, 'utf8')), 'sandbox state');
    if (saved.version !== STATE_VERSION)
      return { restored: false, reason: `saved by another version of the sandbox (${String(saved.version)})` };
    // Each loadState checks its part before changing anything; Slack's is the largest, so it goes first (after
    // the traffic's one date, which must not be left half-restored behind a Slack that refused its part).
    fakes.traffic.loadState(saved.traffic);
    fakes.slack.loadState(saved.slack);
    fakes.pagerDuty.loadState(saved.pagerDuty);
    fakes.cloud.loadState(saved.cloud);
    return { restored: true };
  } catch (error) {
    return { restored: false, reason: `could not read it: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function startSandbox(options: {
  logger: Logger;
  signingSecret: string;
  dataDir?: string;
  clock?: Clock;
}): Promise<Sandbox> {
  const clock: Clock = options.clock ?? { now: () => new Date() };
  const ms = (): number => clock.now().getTime();
  const slack = await FakeSlack.start({ botToken: SANDBOX_BOT_TOKEN, clock: ms });
  const pagerDuty = await FakePagerDuty.start({
    apiToken: SANDBOX_PAGERDUTY.apiToken,
    routingKey: SANDBOX_PAGERDUTY.routingKey,
    otherRoutingKeys: [SANDBOX_NETWORK_ROUTING_KEY],
    clock: ms,
  });
  // The clock follows the real one (only jumping ahead in the demo), so launches settle on their own: say when.
  const cloud = await FakeCloud.start({ clock: ms, settleNotifications: true });
  const sns = await FakeSns.start();
  const traffic = new WebTraffic();
  const prometheus = await FakePrometheus.start({ clock: ms });
  prometheus.setSeries(WEB_REQUEST_RATE_QUERY, (at) => traffic.rateAt(at));
  const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: cloud.ec2Url, credentials, maxAttempts: 3 });
  const autoScaling = new AutoScalingClient({
    region: 'us-east-1',
    endpoint: cloud.autoScalingUrl,
    credentials,
    maxAttempts: 3,
  });
  const defaultTargets: AwsScaleTarget[] = [
    {
      name: 'web',
      description: 'the sandbox web tier',
      min: 2,
      max: 60,
      maxStep: 10,
      cooldownSeconds: 10,
      allowedUserGroups: [],
      dryRun: false,
      buttons: [4, 10],
      services: ['web'],
      provider: AWS_PROVIDER,
      spec: { kind: 'autoscaling-group', autoScalingGroupName: SANDBOX_WEB_GROUP },
      // Beyond 24 instances (the demo's flash sale stops there) someone else in @oncall-web must approve (issue 16):
      // as Alice, scale out +10 twice, then +4; approve as Bob.
      approval: { above: 24, approvers: 'oncall-web', expiresMinutes: 15 },
      // Its request rate, from the local Prometheus (issue 17): the seed's 250 req/s per server, 70 % target.
      watch: {
        query: { source: 'prometheus', query: WEB_REQUEST_RATE_QUERY },
        perInstance: WEB_PER_INSTANCE_RPS,
        targetUtilization: 0.7,
        lookaheadMinutes: 20,
        intervalSeconds: 60,
      },
    },
  ];
  const dataDir = options.dataDir ?? 'data';
  const recordPath = join(dataDir, 'sandbox-slack.json');
  const statePath = join(dataDir, 'sandbox-state.json');
  mkdirSync(dataDir, { recursive: true });
  const outcome = restore(statePath, { slack, pagerDuty, cloud, traffic });
  // The flash sale's web tier: four servers, room to grow to sixty (a restored cloud has it already, as it was).
  if (!cloud.group(SANDBOX_WEB_GROUP)) cloud.addGroup({ name: SANDBOX_WEB_GROUP, min: 2, max: 60, desired: 4 });
  const save = (): void => {
    writeFileSync(recordPath, JSON.stringify(snapshot(slack, pagerDuty, cloud), null, 2));
    // Written aside and renamed: a process killed mid-write leaves the previous state, never half of one.
    const saved = encodeState({
      version: STATE_VERSION,
      savedAt: new Date().toISOString(),
      slack: slack.saveState(),
      pagerDuty: pagerDuty.saveState(),
      cloud: cloud.saveState(),
      traffic: traffic.saveState(),
    });
    writeFileSync(`${statePath}.tmp`, saved);
    renameSync(`${statePath}.tmp`, statePath);
  };
  let timer: NodeJS.Timeout | null = null;
  // Debounced: a storm of card edits writes the record once, a moment later.
  const record = (): void => {
    timer ??= setTimeout(() => {
      timer = null;
      save();
    }, 200);
  };
  const unsubscribe = [slack.onChange(record), pagerDuty.onChange(record), cloud.onChange(record)];
  save();
  const started = { slackApiUrl: slack.apiUrl, pagerDutyUrl: pagerDuty.url, record: recordPath, state: statePath };
  if (outcome.restored) {
    options.logger.info(
      { ...started, channels: slack.listChannels().length, pages: pagerDuty.incidents().length },
      `sandbox: local Slack, PagerDuty and cloud restored from ${statePath} (npm run sandbox:reset starts over)`,
    );
  } else {
    options.logger.info(
      { ...started, reason: outcome.reason },
      `sandbox: local Slack, PagerDuty and cloud started empty (${outcome.reason})`,
    );
  }
  const auth = slack.auth();
  return {
    clock,
    statePath,
    restored: outcome.restored,
    slack,
    slackApiUrl: slack.apiUrl,
    botToken: SANDBOX_BOT_TOKEN,
    botUserId: auth.botUserId,
    pagerDuty: {
      fake: pagerDuty,
      eventsUrl: pagerDuty.eventsUrl,
      apiUrl: pagerDuty.apiUrl,
      serviceId: PRESET_SERVICE.id,
      defaultTeams: SANDBOX_TEAMS,
      ...SANDBOX_PAGERDUTY,
    },
    cloud: { fake: cloud, ec2, autoScaling, defaultTargets },
    sns,
    prometheus: { fake: prometheus, url: prometheus.url },
    traffic,
    webTier: { group: SANDBOX_WEB_GROUP, perInstance: WEB_PER_INSTANCE_RPS },
    startFlashSale() {
      const live = traffic.startSale(clock.now());
      record();
      return live;
    },
    async connect(baseUrl) {
      slack.connectApp({ requestUrl: `${baseUrl}/slack/events`, signingSecret: options.signingSecret });
      pagerDuty.connectWebhook({ url: `${baseUrl}/webhooks/pagerduty`, secret: SANDBOX_PAGERDUTY.webhookSecret });
    },
    async stop() {
      for (const off of unsubscribe) off();
      if (timer) {
        clearTimeout(timer);
        timer = null;
        save();
      }
      await slack.stop();
      await pagerDuty.stop();
      ec2.destroy();
      autoScaling.destroy();
      await cloud.stop();
      await sns.stop();
      await prometheus.stop();
    },
  };
}

/**
 * The local Slack, PagerDuty and cloud live beside the database: says so at start when only one of them
 * survived (a deleted state file, a deleted database), since the incidents' card edits would then go to
 * channels that do not exist (channel_not_found) or new incidents into old channels.
 */
export async function warnIfOutOfStep(
  sandbox: Sandbox,
  incidents: Pick<IncidentRepository, 'listOpen' | 'listRecent'>,
  logger: Logger,
): Promise<void> {
  if (!sandbox.restored) {
    const names = (await incidents.listOpen()).map((i) => `INC-${i.id}`);
    if (names.length === 0) return;
    logger.warn(
      { incidents: names, state: sandbox.statePath },
      `sandbox: the database remembers open incidents (${names.join(', ')}) but the local Slack, PagerDuty and cloud started empty, so their channels are gone; run npm run sandbox:reset to start over`,
    );
    return;
  }
  const incidentChannels = sandbox.slack.listChannels().filter((c) => c.creator === sandbox.botUserId);
  if (incidentChannels.length > 0 && (await incidents.listRecent(1)).length === 0) {
    logger.warn(
      { state: sandbox.statePath, channels: incidentChannels.length },
      'sandbox: the local Slack restored incident channels but the database has no incidents (was it deleted?); run npm run sandbox:reset to start over',
    );
  }
}
