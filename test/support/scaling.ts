// What the scaling tests share: the scale targets they run against, as a policy file — `web` (a launch
// template, the card's "Scale out +4"), `web-asg` (an Auto Scaling group) and `canary` (a dry run), on the local
// cloud's preset launch template, subnet and group; each test says only what it needs different — and an
// incident opened by an alert, once its pinned card shows what the test needs.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { BOT_TOKEN, eventually, type Harness } from './harness';
import { alertmanagerPayload } from './payloads';
export interface ScalingPolicyOptions {
  /** `web`'s cooldown; none unless a test is about it. */
  webCooldownSeconds?: number;
  /** Who may scale `web` / `web-asg` (Slack user group handles); anyone unless given. */
  webGroups?: string[];
  asgGroups?: string[];
  /** Only `web`, for tests about one target. */
  webOnly?: boolean;
}

function groups(handles: string[] | undefined): string {
  return handles ? `\n    allowedUserGroups: [${handles.join(', ')}]` : '';
}

export function scalingPolicy(options: ScalingPolicyOptions = {}): string {
  const web = `
  - name: web
    kind: ec2-launch-template
    launchTemplate: { id: lt-0web00000000000, version: "$Latest" }
    subnets: [subnet-0aa11bb22cc33dd44]
    max: 12
    maxStep: 6
    cooldownSeconds: ${options.webCooldownSeconds ?? 0}${groups(options.webGroups)}
    buttons: [4]
    services: [web]`;
  const others = `
  - name: web-asg
    kind: autoscaling-group
    autoScalingGroupName: web-prod-asg
    min: 2
    max: 20
    maxStep: 10
    cooldownSeconds: 600${groups(options.asgGroups)}
  - name: canary
    kind: ec2-launch-template
    launchTemplate: { id: lt-0web00000000000 }
    subnets: [subnet-0aa11bb22cc33dd44]
    max: 4
    dryRun: true`;
  return `\nscaleTargets:${web}${options.webOnly ? '' : others}\n`;
}

/** Fires the example alert and waits for the incident channel and its pinned card showing `cardShows`. */
export async function incidentWithCard(h: Harness, cardShows: string) {
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(
    () => h.slack.listChannels().find((c) => c.name.startsWith('inc-')),
    'the incident channel',
  );
  const card = await eventually(
    () => h.slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes(cardShows)),
    `the pinned card showing ${cardShows}`,
  );
  return { channel, card };
}

/** The real AWS SDK clients pointed at a local cloud, as Firebreak builds them (one attempt: tests see each call). */
export function localAwsClients(cloud: FakeCloud): { ec2: EC2Client; autoScaling: AutoScalingClient } {
  const options = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  return {
    ec2: new EC2Client({ ...options, endpoint: cloud.ec2Url }),
    autoScaling: new AutoScalingClient({ ...options, endpoint: cloud.autoScalingUrl }),
  };
}

/** What a scaling test runs Firebreak against: the local cloud with SDK clients for it, the local Slack, a temp dir. */
export interface ScalingWorld {
  cloud: FakeCloud;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  slack: FakeSlack;
  dir: string;
}

/** Starts a scaling world; `name` names its temp dir, `launchSeconds` how long the cloud takes to boot instances. */
export async function openScalingWorld(name: string, launchSeconds: number): Promise<ScalingWorld> {
  const cloud = await FakeCloud.start({ launchSeconds });
  const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  return { cloud, ...localAwsClients(cloud), slack, dir: mkdtempSync(join(tmpdir(), `firebreak-${name}-`)) };
}

/** Stops what openScalingWorld started (Firebreak itself is the test's to stop first). */
export async function closeScalingWorld(world: ScalingWorld): Promise<void> {
  await world.slack.stop();
  rmSync(world.dir, { recursive: true, force: true });
  world.ec2.destroy();
  world.autoScaling.destroy();
  await world.cloud.stop();
}
