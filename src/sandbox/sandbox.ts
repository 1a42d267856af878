// Sandbox mode: the local Slack that `npm start` talks to when there is no Slack token, in this process.
// Its state is also written to data/sandbox-slack.json so a newcomer can see what the bot did.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { ScaleTarget } from '../domain/scale-target';
import { FakeCloud } from './fake-cloud';
import { FakePagerDuty } from './fake-pagerduty';
import { FakeSlack } from './fake-slack';

export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox';
const SANDBOX_PAGERDUTY = {
  routingKey: 'sandbox-routing-key-0000000000000',
  apiToken: 'sandbox-pagerduty-api-token',
  escalationPolicyId: 'PESC0WEB',
  webhookSecret: 'sandbox-pagerduty-webhook-secret',
};

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
}

export interface Sandbox {
  slack: FakeSlack;
  slackApiUrl: string;
  botToken: string;
  botUserId: string;
  pagerDuty: SandboxPagerDuty;
  cloud: SandboxCloud;
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

export async function startSandbox(options: { logger: Logger; signingSecret: string; dataDir?: string }): Promise<Sandbox> {
  const slack = await FakeSlack.start({ botToken: SANDBOX_BOT_TOKEN });
  const pagerDuty = await FakePagerDuty.start({ apiToken: SANDBOX_PAGERDUTY.apiToken, routingKey: SANDBOX_PAGERDUTY.routingKey });
  const cloud = await FakeCloud.start();
  // The flash sale's web tier: four servers, room to grow to sixty.
  cloud.addGroup({ name: SANDBOX_WEB_GROUP, min: 2, max: 60, desired: 4 });
  const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: cloud.ec2Url, credentials, maxAttempts: 3 });
  const autoScaling = new AutoScalingClient({ region: 'us-east-1', endpoint: cloud.autoScalingUrl, credentials, maxAttempts: 3 });
  const defaultTargets: ScaleTarget[] = [{
    name: 'web', kind: 'autoscaling-group', autoScalingGroupName: SANDBOX_WEB_GROUP, description: 'the sandbox web tier',
    min: 2, max: 60, maxStep: 10, cooldownSeconds: 10, allowedUserGroups: [], dryRun: false, buttons: [4, 10], services: ['web'],
  }];
  const dataDir = options.dataDir ?? 'data';
  const recordPath = join(dataDir, 'sandbox-slack.json');
  mkdirSync(dataDir, { recursive: true });
  let timer: NodeJS.Timeout | null = null;
  // Debounced: a storm of card edits writes the record once, a moment later.
  const record = (): void => {
    timer ??= setTimeout(() => {
      timer = null;
      writeFileSync(recordPath, JSON.stringify(snapshot(slack, pagerDuty, cloud), null, 2));
    }, 200);
  };
  const unsubscribe = [slack.onChange(record), pagerDuty.onChange(record), cloud.onChange(record)];
  options.logger.info({ slackApiUrl: slack.apiUrl, pagerDutyUrl: pagerDuty.url, record: recordPath }, 'sandbox: local Slack and PagerDuty started');
  const auth = slack.auth();
  return {
    slack,
    slackApiUrl: slack.apiUrl,
    botToken: SANDBOX_BOT_TOKEN,
    botUserId: auth.botUserId,
    pagerDuty: { fake: pagerDuty, eventsUrl: pagerDuty.eventsUrl, apiUrl: pagerDuty.apiUrl, ...SANDBOX_PAGERDUTY },
    cloud: { fake: cloud, ec2, autoScaling, defaultTargets },
    async connect(baseUrl) {
      slack.connectApp({ requestUrl: `${baseUrl}/slack/events`, signingSecret: options.signingSecret });
      pagerDuty.connectWebhook({ url: `${baseUrl}/webhooks/pagerduty`, secret: SANDBOX_PAGERDUTY.webhookSecret });
    },
    async stop() {
      for (const off of unsubscribe) off();
      if (timer) clearTimeout(timer);
      await slack.stop();
      await pagerDuty.stop();
      ec2.destroy();
      autoScaling.destroy();
      await cloud.stop();
    },
  };
}
