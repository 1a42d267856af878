// From the postmortem to policy, through the real path: an alert opens the incident, Alice scales the web Auto
// Scaling group out by hand with /scale (the real AWS SDK against the local cloud), resolves it, and Firebreak
// reads the web watch's load once from a Prometheus (the local one, over HTTP through the real adapter), records
// it on the timeline and posts a postmortem proposing the target-tracking policy: 4 servers overwhelmed at 250
// req/s each, 24 at the end, 3,100 req/s at the peak.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { CAPACITY_OBSERVE_JOB } from '../../src/flows/capacity-observation';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FakePrometheus } from '../../src/sandbox/fake-prometheus';
import { adjustableClock, commandAnswer, eventually, type Harness, startHarness } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { localAwsClients } from '../support/scaling';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const MINUTE = 60_000;
/**
 * The resolution's reads of the load: the capacity watch reads the same query too, a week at a time, each
 * interval; the observation reads only the incident's window (well under a day).
 */
const observationReads = () =>
  prometheus.queries.filter((q) => q.query === QUERY && q.end - q.start < 24 * 60 * MINUTE);
const QUERY = 'sum(rate(http_requests_total{job="web"}[1m]))';
const POLICY = `
scaleTargets:
  - name: web
    kind: autoscaling-group
    autoScalingGroupName: web-sale-asg
    min: 2
    max: 60
    maxStep: 10
    cooldownSeconds: 0
    buttons: [10]
    services: [web]
    watch:
      source: prometheus
      query: '${QUERY}'
      perInstance: 250
      targetUtilization: 0.7
`;

let cloud: FakeCloud;
let aws: { ec2: EC2Client; autoScaling: AutoScalingClient };
let prometheus: FakePrometheus;
let h: Harness;
const clock = adjustableClock();

beforeEach(async () => {
  cloud = await FakeCloud.start({ launchSeconds: 0.2 });
  cloud.addGroup({ name: 'web-sale-asg', min: 2, max: 60, desired: 4 });
  aws = localAwsClients(cloud);
  prometheus = await FakePrometheus.start({ clock: () => clock.now().getTime() });
});
afterEach(async () => {
  await h?.stop();
  aws.ec2.destroy();
  aws.autoScaling.destroy();
  await cloud.stop();
  await prometheus.stop();
});

/** Alice, in the incident channel. */
async function as(channelId: string, command: string, text: string) {
  return commandAnswer(h.slack, { command, text, userId: 'U0ALICE', channelId });
}

/** The incident: the alert at t0, web 4 → 14 at t0, 14 → 24 ten minutes later, resolved at t0 + 40 min. */
async function incidentScaledByHand(): Promise<{ channelId: string; t0: number }> {
  const t0 = clock.now().getTime();
  await h.postAlert('alertmanager', alertmanagerPayload());
  const channel = await eventually(() => h.slack.listChannels().find((c) => c.name.startsWith('inc-')), 'the channel');
  const scaledTo = async (to: number) => {
    await as(channel.id, '/scale', 'web +10');
    await eventually(
      async () =>
        (await h.firebreak.store.scaleOperations.listByIncident(1)).some(
          (op) => op.to === to && op.status === 'completed',
        ),
      `web at ${to}`,
      20_000,
    );
  };
  await scaledTo(14);
  clock.advance(10 * MINUTE);
  await scaledTo(24);
  clock.advance(30 * MINUTE);
  const reply = await as(channel.id, '/incident', 'resolve the sale traffic passed');
  expect(reply.text).toContain('Resolved *INC-1*');
  return { channelId: channel.id, t0 };
}

it('records the load once at resolution and proposes target tracking at 175 req/s per instance, 4 to 24', async () => {
  h = await startHarness({ policy: POLICY, aws, clock, env: { PROMETHEUS_URL: prometheus.url } });
  const start = clock.now().getTime();
  // 1,000 req/s on the 4 servers until the sale's height, 15 minutes in (on 24 by then), then 3,100 for 20 minutes.
  prometheus.setSeries(QUERY, (at) => {
    const minutes = (at.getTime() - start) / MINUTE;
    return minutes < 15 ? 1000 : minutes < 35 ? 3100 : 800;
  });
  const { channelId } = await incidentScaledByHand();

  const file = await eventually(() => h.slack.files(channelId)[0], 'the postmortem', 20_000);
  const events = await h.firebreak.store.timeline.list(1);
  const observed = events.filter((e) => e.type === 'capacity.load_observed');
  expect(observed).toHaveLength(1);
  expect(observed[0]?.data).toMatchObject({
    target: 'web',
    home: { kind: 'autoscaling-group', groupName: 'web-sale-asg' },
    watch: { query: { source: 'prometheus', query: QUERY }, perInstance: 250, targetUtilization: 0.7 },
    peak: { load: 3100, instances: 24, loadPerInstance: 129.17 },
    atFirstAlert: { load: 1000, instances: 4, loadPerInstance: 250 },
  });
  // Read once, over the incident: from half an hour before the alert to the resolution, a minute apart.
  const reads = observationReads();
  expect(reads).toHaveLength(1);
  const resolved = events.find((e) => e.type === 'incident.resolved');
  const alerted = events.find((e) => e.type === 'alert.fired');
  expect(reads[0]).toMatchObject({
    start: (alerted?.at.getTime() ?? 0) - 30 * MINUTE,
    end: resolved?.at.getTime(),
    stepMs: MINUTE,
  });

  const md = file.content;
  expect(md).toContain('## Auto-scaling Policy Proposal');
  expect(md).toContain('### web (Auto Scaling group web-sale-asg)');
  expect(md).toContain("web's 4 instances were carrying a load of 1,000: 250 per instance");
  expect(md).toContain('Holding each instance at 70 % of 250 gives the target value: 175 per instance.');
  expect(md).toMatch(
    /The load peaked at 3,100 \(\d\d:\d\d\) on 24 instances, 129 each; at 175 per instance the peak needs 18 instances\./,
  );
  expect(md).toContain(
    'Suggested size: at least 4 instances (what web had before the incident), at most 24 (the incident went up to 24; the peak needs 18).',
  );
  expect(md).toContain(
    'aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-sale-asg --min-size 4 --max-size 24',
  );
  expect(md).toContain('"TargetValue": 175,');

  // Redrafting reads the timeline, not Prometheus again.
  await as(channelId, '/incident', 'postmortem');
  await eventually(() => h.slack.files(channelId).length === 2, 'the second draft', 20_000);
  expect(h.slack.files(channelId)[1]?.content).toContain('175 per instance');
  expect(observationReads()).toHaveLength(1);

  // The observation job run again (a lost acknowledgement): nothing more is read or recorded.
  await h.firebreak.store.outbox.enqueue(
    { kind: CAPACITY_OBSERVE_JOB, incidentId: 1, coalesceKey: null, payload: { lane: 'incident:1' } },
    clock.now(),
  );
  h.firebreak.outbox.wake();
  await h.drained(20_000);
  expect((await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'capacity.load_observed')).toHaveLength(1);
  expect(observationReads()).toHaveLength(1);
});

it('with Prometheus down at resolution: says why, and proposes average CPU from the instances it needed', async () => {
  const url = prometheus.url;
  await prometheus.stop();
  h = await startHarness({ policy: POLICY, aws, clock, env: { PROMETHEUS_URL: url } });
  const { channelId } = await incidentScaledByHand();
  prometheus = await FakePrometheus.start(); // for afterEach

  const file = await eventually(() => h.slack.files(channelId)[0], 'the postmortem', 20_000);
  const observed = (await h.firebreak.store.timeline.list(1)).filter((e) => e.type === 'capacity.load_observed');
  expect(observed).toHaveLength(1);
  expect(observed[0]?.data).toMatchObject({ target: 'web', unavailable: expect.stringContaining('ECONNREFUSED') });
  expect(file.content).toMatch(
    /No load was measured: its load could not be read at resolution \(Prometheus at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\)\./,
  );
  expect(file.content).toContain('tracks average CPU at 50 %');
  expect(file.content).toContain('people scaled web from 4 to 24 instances');
  expect(file.content).toContain('"PredefinedMetricType": "ASGAverageCPUUtilization"');
});
