// The Cloud port holds for more than AWS: the same scaling flows, through the real HTTP server and Bolt receiver,
// against AWS (real SDK clients, the local EC2 and Auto Scaling) and against a second, test-only provider (pools
// resized to a number, with their own idempotency token: test/support/pool-cloud.ts). A scale-out click, `/scale`,
// the cooldown, a dry run and scale-in behave the same on both; only what each cloud was asked differs.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2ClientToken } from '../../src/adapters/aws/aws-cloud';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { eventually, startHarness, type Harness } from '../support/harness';
import { createPoolCloud, onPools, POOL_PROVIDER, PoolService, poolRequestId } from '../support/pool-cloud';
import { incidentWithCard as cardAfterAlert, localAwsClients, scalingPolicy } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(30_000);

const POLICY = scalingPolicy();

/** One cloud under test: how to start Firebreak on it, and what it was asked. */
interface Provider {
  name: string;
  /** Instances the web target counts before Firebreak scales it. */
  webBase: number;
  start(): Promise<Harness>;
  stop(): Promise<void>;
  /** Calls that changed the capacity of `target` (a replay of the same token included: it is still a call). */
  changes(target: 'web' | 'web-asg'): number;
  /** The size web-asg was last asked for. */
  lastGroupSize(): number | undefined;
  /** The idempotency token the cloud was given for web's first change, and the one the key should give. */
  webToken(): { sent: string | undefined; expected: (key: string) => string };
  /** Whether the dry-run target's cloud was asked, and how many instances it has now. */
  dryRun(): { asked: boolean; instances: number };
  /** The instances scale-in removed from web, and those of web's that Firebreak had launched. */
  removedFromWeb(): string[];
  launchedByFirebreak(): string[];
  /** `/scale targets`'s words for web-asg. */
  groupWords: string;
}

function aws(): Provider {
  let cloud: FakeCloud;
  let ec2: EC2Client;
  let autoScaling: AutoScalingClient;
  const ok = (action: string) => cloud.calls(action).filter((c) => c.status === 200);
  return {
    name: 'AWS',
    webBase: 0,
    async start() {
      cloud = await FakeCloud.start({ launchSeconds: 0.3 });
      ({ ec2, autoScaling } = localAwsClients(cloud));
      return startHarness({ policy: POLICY, aws: { ec2, autoScaling } });
    },
    async stop() {
      ec2.destroy();
      autoScaling.destroy();
      await cloud.stop();
    },
    changes: (target) => (target === 'web' ? ok('RunInstances').length : ok('SetDesiredCapacity').length),
    lastGroupSize: () => {
      const size = ok('SetDesiredCapacity').at(-1)?.params.DesiredCapacity;
      return size === undefined ? undefined : Number(size);
    },
    webToken: () => ({ sent: ok('RunInstances')[0]?.params.ClientToken, expected: ec2ClientToken }),
    dryRun: () => ({
      asked: cloud.calls('RunInstances').some((c) => c.params.DryRun === 'true'),
      instances: cloud.instances({ tags: { 'firebreak:target': 'canary' } }).length,
    }),
    removedFromWeb: () =>
      ok('TerminateInstances').flatMap((c) =>
        Object.entries(c.params)
          .filter(([k]) => k.startsWith('InstanceId.'))
          .map(([, v]) => v),
      ),
    launchedByFirebreak: () =>
      cloud
        .instances({ tags: { 'firebreak:target': 'web' }, state: ['pending', 'running'] })
        .filter((i) => i.tags['firebreak:operation'] !== undefined)
        .map((i) => i.instanceId),
    groupWords: 'Auto Scaling group web-prod-asg',
  };
}

function pools(): Provider {
  let service: PoolService;
  const resizes = (pool: string) => service.changes().filter((c) => c.pool === pool);
  return {
    name: 'pools (test-only provider)',
    webBase: 2,
    async start() {
      service = new PoolService({ bootMs: 300 });
      service.addPool('web', { size: 2, maxSize: 50 });
      service.addPool('web-asg', { size: 4, maxSize: 20 });
      service.addPool('canary', { size: 0, maxSize: 4 });
      return startHarness({
        policy: POLICY,
        clouds: { [POOL_PROVIDER]: () => createPoolCloud(service) },
        targets: onPools,
      });
    },
    async stop() {},
    changes: (target) => resizes(target).length,
    lastGroupSize: () => resizes('web-asg').at(-1)?.size,
    webToken: () => ({ sent: resizes('web')[0]?.requestId, expected: poolRequestId }),
    dryRun: () => ({
      asked: service.calls.some((c) => c.pool === 'canary' && c.outcome === 'validated'),
      instances: service.instances('canary').length,
    }),
    removedFromWeb: () => resizes('web').flatMap((c) => c.remove ?? []),
    launchedByFirebreak: () =>
      service
        .instances('web')
        .filter((i) => i.labels['firebreak:operation'] !== undefined)
        .map((i) => i.id),
    groupWords: 'pool web-asg',
  };
}

describe.each([aws(), pools()])('scaling on $name', (provider) => {
  let h: Harness;

  beforeEach(async () => {
    h = await provider.start();
  });
  afterEach(async () => {
    await h.stop();
    await provider.stop();
  });

  const incidentWithCard = () => cardAfterAlert(h, `*web*: ${provider.webBase} running`);

  const cardShows = (channelId: string, includes: string) =>
    eventually(
      () => h.slack.messages(channelId).find((m) => m.pinned && JSON.stringify(m.blocks).includes(includes)),
      `the card to show ${includes}`,
      15_000,
    );

  const timeline = () => h.firebreak.store.timeline.list(1);

  /** What Alice sees in answer to `/scale <text>`, from the acknowledgement or the response URL. */
  async function commandReply(channelId: string, text: string): Promise<string> {
    const answer = await h.slack.commandAnswer({ command: '/scale', text, userId: 'U0ALICE', channelId });
    return String(answer.text);
  }

  async function scaleOutWeb(channelId: string, messageTs: string): Promise<void> {
    await h.slack.clickButton({ userId: 'U0ALICE', channelId, messageTs, actionId: 'scale_out:web:4' });
    await cardShows(channelId, `web is at ${provider.webBase + 4} instances`);
  }

  it('a "Scale out +4" click delivered twice changes the cloud once, with a token derived from the request key', async () => {
    const { channel, card } = await incidentWithCard();
    const click = {
      userId: 'U0ALICE',
      channelId: channel.id,
      messageTs: card.ts,
      actionId: 'scale_out:web:4',
      actionTs: '1700000000.000100',
    };
    await h.slack.clickButton(click);
    await h.slack.clickButton(click);
    await cardShows(channel.id, `web is at ${provider.webBase + 4} instances`);

    expect(provider.changes('web')).toBe(1);
    const events = await timeline();
    expect(events.filter((e) => e.type === 'scale.requested')).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['scale.requested', 'scale.started', 'scale.completed']),
    );
    const [operation] = await h.firebreak.store.scaleOperations.listByIncident(1);
    const token = provider.webToken();
    expect(token.sent).toBe(token.expected(operation?.requestKey ?? ''));
  });

  it('/scale changes the group, /scale targets says where it lives, and the cooldown refuses a second change', async () => {
    const { channel } = await incidentWithCard();
    expect(await commandReply(channel.id, 'targets')).toContain(`*web-asg* — ${provider.groupWords}; 2–20 instances`);

    expect(await commandReply(channel.id, 'web-asg +2 flash sale')).toContain('from 4 to 6');
    await eventually(
      async () =>
        (await timeline()).some(
          (e) => e.type === 'scale.completed' && (e.data as { target?: string }).target === 'web-asg',
        ),
      'web-asg at 6',
      15_000,
    );
    expect(provider.changes('web-asg')).toBe(1);
    expect(provider.lastGroupSize()).toBe(6);

    expect(await commandReply(channel.id, 'web-asg +2')).toMatch(/wait \d+ s more \(cooldown 600 s\)/);
    expect(provider.changes('web-asg')).toBe(1);
  });

  it('a dry run asks the cloud, changes nothing, and is recorded as a dry run', async () => {
    const { channel } = await incidentWithCard();
    await commandReply(channel.id, 'canary +2');
    await eventually(
      async () =>
        (await timeline()).some((e) => e.type === 'scale.completed' && (e.data as { dryRun?: boolean }).dryRun),
      'the dry run',
    );
    expect(provider.dryRun()).toEqual({ asked: true, instances: 0 });
    const operations = await h.firebreak.store.scaleOperations.listByIncident(1);
    expect(operations.filter((o) => o.target === 'canary').map((o) => o.status)).toEqual(['dry_run']);
  });

  it('scale-in removes only instances Firebreak launched', async () => {
    const { channel, card } = await incidentWithCard();
    await scaleOutWeb(channel.id, card.ts);
    const ours = provider.launchedByFirebreak();
    expect(ours).toHaveLength(4);

    expect(await commandReply(channel.id, 'web -2')).toContain(
      `from ${provider.webBase + 4} to ${provider.webBase + 2}`,
    );
    await cardShows(channel.id, `web is at ${provider.webBase + 2} instances`);
    const removed = provider.removedFromWeb();
    expect(removed).toHaveLength(2);
    for (const id of removed) expect(ours).toContain(id);
    expect(provider.launchedByFirebreak()).toHaveLength(2);
  });
});
