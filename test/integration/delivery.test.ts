// Issue 11's findings on the delivery path, each reproduced the way it broke: same-titled storms, a channel
// Slack refuses, rate limits before an outage, Slack's answer lost after it did the work, two replicas on
// PostgreSQL, and a process killed while holding a job.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { FakeSlack } from '../../src/sandbox/fake-slack';
import { ALERT_TOKEN, BOT_TOKEN, eventually, postJson, startHarness, testEnv, type Harness } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { spawnFirebreak, type FirebreakProcess } from '../support/process';
import { startLossyProxy, type LossyProxy } from '../support/lossy-proxy';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase, usablePostgres } from '../support/postgres';

jest.setTimeout(90_000);

/** Generous budgets: these tests are about what Firebreak does, not about waiting for Slack's tiers. */
const FAST_POLICY =
  'slack:\n  rateLimits:\n    conversations.create: 6000\n    pins.add: 6000\n    conversations.history: 6000\n';

const sameTitle = (group: number) =>
  alertmanagerPayload({
    groupKey: `{}:{alertname="HighRequestRate",shard="${group}"}`,
    alerts: [{ fingerprint: `fp-${group}` }],
  });

function incidentChannels(slack: FakeSlack) {
  return slack.listChannels().filter((c) => c.name.startsWith('inc-'));
}

async function settled(
  h: { firebreak: { store: Harness['firebreak']['store'] } },
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    async () => {
      const live = [
        ...(await h.firebreak.store.outbox.list({ status: 'pending' })),
        ...(await h.firebreak.store.outbox.list({ status: 'running' })),
      ];
      // Jobs scheduled for later on purpose (an incident's nudges) are not left waiting; a retry is.
      const now = new Date();
      return live.every((j) => j.status === 'pending' && j.nextAttemptAt > now && j.attempts === 0 && !j.lastError);
    },
    what,
    timeoutMs,
  );
}

describe('one process on SQLite', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('gives every one of 60 same-titled incidents of one day its own channel, card and announcement', async () => {
    h = await startHarness({ policy: FAST_POLICY });
    for (let group = 1; group <= 60; group++)
      expect((await h.postAlert('alertmanager', sameTitle(group))).status).toBe(202);
    await settled(h, 'every incident delivered');
    const incidents = await h.firebreak.store.incidents.listRecent(100);
    expect(incidents).toHaveLength(60);
    expect(incidents.every((i) => i.channelId && i.cardMessageId && i.announcement && i.channelFailure === null)).toBe(
      true,
    );
    const channels = incidentChannels(h.slack);
    expect(channels).toHaveLength(60);
    expect(new Set(channels.map((c) => c.name)).size).toBe(60);
    expect(channels.map((c) => c.name)).toContain(
      incidents.find((i) => i.id === Math.max(...incidents.map((x) => x.id)))?.channelName,
    );
    expect(await h.firebreak.store.outbox.list({ status: 'dead' })).toEqual([]);
  });

  it('posts the card as it opens the channel, so the people invited find it there', async () => {
    h = await startHarness({ policy: `${FAST_POLICY}routing:\n  defaultResponders: [U0ALICE]\n` });
    expect((await h.postAlert('alertmanager', sameTitle(1))).status).toBe(202);
    await eventually(
      () => h.slack.members(incidentChannels(h.slack)[0]?.id ?? '').includes('U0ALICE'),
      'alice invited',
    );
    const channel = incidentChannels(h.slack)[0]!;
    const calls = h.slack
      .calls()
      .filter((c) => c.args.channel === channel.id || c.args.name === channel.name)
      .map((c) => c.method);
    expect(calls.slice(0, 3)).toEqual(['conversations.create', 'chat.postMessage', 'conversations.invite']);
    // One step of the outbox, not two: no separate job was queued to post the card.
    expect((await h.firebreak.store.outbox.list()).map((j) => j.kind)).not.toContain('card.post');
  });

  it('says in #incidents when Slack refuses the channel for good, and leaves nothing retrying', async () => {
    h = await startHarness({ policy: FAST_POLICY, env: { PAGERDUTY_ROUTING_KEY: '' } });
    h.slack.fail('conversations.create', { error: 'restricted_action', times: 10 });
    expect((await h.postAlert('alertmanager', sameTitle(1))).status).toBe(202);
    const announcement = await eventually(
      () =>
        h.slack
          .messages(h.slack.channelByName('incidents')!.id)
          .find((m) => m.text.includes('could not open a channel')),
      'the announcement saying the channel could not be opened',
    );
    expect(announcement.text).toContain('INC-1');
    expect(announcement.text).toContain('restricted_action');
    await settled(h, 'the outbox to have nothing left waiting');
    const [incident] = await h.firebreak.store.incidents.listRecent(1);
    expect(incident).toMatchObject({ channelId: null, channelFailure: expect.stringContaining('restricted_action') });
  });

  it('waits exactly as long as each 429 says, without counting them: after eight 429s and a 503 the channel comes within seconds', async () => {
    const logged: Array<{ level: string; msg: string }> = [];
    const logger = pino(
      { level: 'info', formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void logged.push(JSON.parse(line) as { level: string; msg: string }) },
    );
    h = await startHarness({ policy: FAST_POLICY, logger });
    h.slack.fail('conversations.create', { status: 429, retryAfterSeconds: 1, times: 8 });
    h.slack.fail('conversations.create', { status: 503 });
    expect((await h.postAlert('alertmanager', sameTitle(1))).status).toBe(202);
    await eventually(() => incidentChannels(h.slack).length === 1, 'the channel', 30_000);
    const creates = h.slack.calls('conversations.create');
    expect(creates).toHaveLength(10);
    const gaps = creates.slice(1).map((c, i) => c.at - (creates[i] as { at: number }).at);
    // Each 429 waits its second, and no more than a busy machine adds (counted as failures, the waits
    // would have doubled: 2, 4, 8 s)…
    for (const gap of gaps.slice(0, 8)) expect(gap).toBeGreaterThanOrEqual(1000);
    for (const gap of gaps.slice(0, 8)) expect(gap).toBeLessThan(3000);
    // …and the 503 after them is the first failure: a backoff of about a second, not minutes.
    expect(gaps[8]).toBeLessThan(3000);
    // The record says so: the eight 429s were not attempts; the 503 and the success were.
    await settled(h, 'the channel job recorded as done');
    const [job] = (await h.firebreak.store.outbox.list()).filter((j) => j.kind === 'incident.open_channel');
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    // And the log does not cry failure over waiting as Slack asked: only the 503 is a warning.
    const retries = logged.filter((l) => l.msg.startsWith('outbox: '));
    expect(retries.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'outbox: delivery failed; will retry',
    ]);
    expect(retries.filter((l) => l.level === 'info' && l.msg.includes('rate-limited'))).toHaveLength(8);
  });

  it('opens every channel that waited out a Slack outage within seconds of Slack answering again', async () => {
    // Real backoffs (1 s doubling up to 8 s): without being told Slack is back, channels would wait them out.
    h = await startHarness({ policy: FAST_POLICY, baseBackoffMs: 1000, slackProbeMs: 200 });
    const [window] = h.slack.outage({ status: 503, forMs: 7000 });
    for (let group = 1; group <= 8; group++)
      expect((await h.postAlert('alertmanager', sameTitle(group))).status).toBe(202);
    await eventually(() => incidentChannels(h.slack).length === 8, 'all eight channels', 30_000);
    const latest = Math.max(...incidentChannels(h.slack).map((c) => c.createdMs));
    expect(latest - window!.endsAt).toBeLessThan(3000);
    await settled(h, 'the deliveries after the outage');
    const retried = (await h.firebreak.store.outbox.list()).filter((j) => j.kind === 'incident.open_channel');
    expect(retried.map((j) => j.status)).toEqual(retried.map(() => 'done'));
    expect(Math.max(...retried.map((j) => j.attempts))).toBeGreaterThanOrEqual(3);
  });

  it('after a restart, retries at once what a previous process left waiting out a backoff, once Slack answers', async () => {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-restart-'));
    try {
      // The first process meets a 503 and backs off 8 s (a long backoff, as deep into an outage)…
      const first = await startHarness({ slack, dir, policy: FAST_POLICY, baseBackoffMs: 8000 });
      slack.fail('conversations.create', { status: 503 });
      expect((await first.postAlert('alertmanager', sameTitle(1))).status).toBe(202);
      await eventually(
        async () =>
          (await first.firebreak.store.outbox.list({ status: 'pending' })).some(
            (j) => j.kind === 'incident.open_channel' && j.attempts === 1,
          ),
        'the failed attempt',
      );
      await first.stop();
      // …the next process does not wait it out: Slack answered its first call.
      h = await startHarness({ slack, dir, policy: FAST_POLICY, baseBackoffMs: 8000 });
      const started = Date.now();
      await eventually(() => incidentChannels(slack).length === 1, 'the channel', 15_000);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await h?.stop();
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('when Slack did the work but its answer was lost', () => {
    let proxy: LossyProxy;
    let slack: FakeSlack;
    beforeEach(async () => {
      slack = await FakeSlack.start({ botToken: BOT_TOKEN });
      proxy = await startLossyProxy(slack.apiUrl);
    });
    afterEach(async () => {
      await h?.stop();
      await proxy.stop();
      await slack.stop();
    });

    it('finds the card and the announcement it already posted instead of posting them twice', async () => {
      const lost = new Set<string>();
      proxy.setFault((method, body) => {
        if (method !== 'chat.postMessage') return null;
        const kind = /firebreak_incident_(card|announcement)/.exec(decodeURIComponent(body))?.[1];
        if (!kind || lost.has(kind)) return null;
        lost.add(kind);
        return 'lose-answer';
      });
      h = await startHarness({ slack, policy: FAST_POLICY, env: { SLACK_API_URL: proxy.apiUrl } });
      expect((await h.postAlert('alertmanager', sameTitle(1))).status).toBe(202);
      await settled(h, 'card and announcement delivered');
      expect([...lost].sort()).toEqual(['announcement', 'card']);
      const [incident] = await h.firebreak.store.incidents.listRecent(1);
      const channel = incidentChannels(slack)[0]!;
      const cards = slack.messages(channel.id).filter((m) => m.metadata?.event_type === 'firebreak_incident_card');
      expect(cards).toHaveLength(1);
      expect(cards[0]?.ts).toBe(incident?.cardMessageId);
      expect(cards[0]?.pinned).toBe(true);
      const announcements = slack
        .messages(slack.channelByName('incidents')!.id)
        .filter((m) => m.metadata?.event_type === 'firebreak_incident_announcement');
      expect(announcements).toHaveLength(1);
      expect(announcements[0]?.ts).toBe(incident?.announcement?.messageId);
    });

    it('adopts 20 channels whose creation answers were lost with a couple of shared name scans, not one each behind the rate budget', async () => {
      // Slack makes each channel, but the answer to its first creation is lost.
      const asked = new Set<string>();
      proxy.setFault((method, body) => {
        if (method !== 'conversations.create') return null;
        const name = new URLSearchParams(body).get('name') ?? '';
        if (asked.has(name)) return null;
        asked.add(name);
        return 'lose-answer';
      });
      h = await startHarness({ slack, policy: FAST_POLICY, env: { SLACK_API_URL: proxy.apiUrl } });
      for (let group = 1; group <= 20; group++)
        expect((await h.postAlert('alertmanager', sameTitle(group))).status).toBe(202);
      await eventually(
        async () => (await h.firebreak.store.incidents.listRecent(50)).every((i) => i.cardMessageId),
        'every incident adopted its channel and posted its card',
      );
      const incidents = await h.firebreak.store.incidents.listRecent(50);
      expect(new Set(incidents.map((i) => i.channelId)).size).toBe(20);
      expect(incidentChannels(slack)).toHaveLength(20);
      // conversations.list is Tier 2 (20 a minute): a scan per channel would spend the budget and queue the
      // rest for a minute, each channel empty meanwhile.
      expect(slack.callCounts()['conversations.list']?.calls ?? 0).toBeLessThanOrEqual(4);
    });
  });
});

describeOnPostgres('replicas on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let databaseUrl: string;
  let dirs: string[] = [];
  beforeEach(async () => {
    database = await createPostgresDatabase(await usablePostgres(), 'firebreak_delivery');
    databaseUrl = database.url;
  });
  afterEach(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
    await database?.drop();
    database = undefined;
  });

  it('two replicas opening 40 same-titled incidents at once give each exactly one channel and card', async () => {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    const replicas = [await startHarness({ slack, policy: FAST_POLICY, env: { DATABASE_URL: databaseUrl } })];
    replicas.push(await startHarness({ slack, policy: FAST_POLICY, env: { DATABASE_URL: databaseUrl } }));
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.postAlert('alertmanager', sameTitle(i + 1))),
      );
      expect(answers.every((a) => a.status === 202)).toBe(true);
      await settled(replicas[0]!, 'every incident delivered', 60_000);
      const incidents = await replicas[0]!.firebreak.store.incidents.listRecent(100);
      expect(incidents).toHaveLength(40);
      expect(incidents.filter((i) => i.channelFailure !== null)).toEqual([]);
      expect(new Set(incidents.map((i) => i.channelId)).size).toBe(40);
      expect(incidents.every((i) => i.channelId && i.cardMessageId)).toBe(true);
      expect(incidentChannels(slack)).toHaveLength(40);
      for (const incident of incidents) {
        const cards = slack
          .messages(incident.channelId!)
          .filter((m) => m.metadata?.event_type === 'firebreak_incident_card');
        expect(cards).toHaveLength(1);
      }
      expect(await replicas[0]!.firebreak.store.outbox.list({ status: 'dead' })).toEqual([]);
    } finally {
      for (const r of replicas) await r.stop();
      await slack.stop();
    }
  });

  it('keeps one channel at one write a second, in order, when two replicas both change its incident', async () => {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    const replicas = [
      await startHarness({ slack, policy: FAST_POLICY, laneIntervalMs: 1000, env: { DATABASE_URL: databaseUrl } }),
    ];
    replicas.push(
      await startHarness({ slack, policy: FAST_POLICY, laneIntervalMs: 1000, env: { DATABASE_URL: databaseUrl } }),
    );
    try {
      const group = '{}:{alertname="HighRequestRate"}';
      // Seven alerts of one incident, each delivered to the other replica: each one edits the same card.
      for (let n = 1; n <= 7; n++) {
        const payload = alertmanagerPayload({
          groupKey: group,
          alerts: Array.from({ length: n }, (_, i) => ({ fingerprint: `fp-${i + 1}` })),
        });
        const answer = await replicas[n % 2]!.postAlert('alertmanager', payload);
        expect(answer.status).toBe(202);
        // The next change comes once a replica has this one's write in hand (not merely queued, where the
        // next change would join it): seven writes, each to be paced a second after the one before.
        const incidentId = answer.body.incidents[0] as number;
        await eventually(
          async () =>
            (await replicas[0]!.firebreak.store.outbox.list({ status: 'pending', incidentId })).every(
              (j) => j.kind !== 'card.update' && j.kind !== 'incident.open_channel',
            ),
          `change ${n} in a replica's hands`,
          15_000,
        );
      }
      await settled(replicas[0]!, 'every edit delivered', 60_000);
      const [incident] = await replicas[0]!.firebreak.store.incidents.listRecent(1);
      const writes = slack.messageWrites(incident!.channelId!);
      expect(writes.length).toBeGreaterThanOrEqual(2);
      const gaps = writes.slice(1).map((w, i) => w.at - (writes[i] as { at: number }).at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
      // The last write shows the last change: edits never overtook each other.
      const card = slack
        .messages(incident!.channelId!)
        .find((m) => m.metadata?.event_type === 'firebreak_incident_card');
      expect(JSON.stringify(card?.blocks)).toContain('Firing alerts (7)');
    } finally {
      for (const r of replicas) await r.stop();
      await slack.stop();
    }
  });

  it('takes back the job a killed replica held within seconds, not after a minute', async () => {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    const proxy = await startLossyProxy(slack.apiUrl);
    const running: FirebreakProcess[] = [];
    try {
      const dir = mkdtempSync(join(tmpdir(), 'firebreak-lease-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'firebreak.yaml'), FAST_POLICY);
      const env = {
        ...testEnv(slack, dir, { DATABASE_URL: databaseUrl, SLACK_API_URL: proxy.apiUrl }),
        LOG_LEVEL: 'info',
      };
      // The first replica takes the job and never hears back from Slack: it holds the lane when killed.
      proxy.setFault((method) => (method === 'conversations.create' ? 'hang' : null));
      const first = await spawnFirebreak(env, { cwd: dir });
      running.push(first);
      expect(
        (await postJson(`${first.url}/alerts/alertmanager`, sameTitle(1), { authorization: `Bearer ${ALERT_TOKEN}` }))
          .status,
      ).toBe(202);
      await eventually(() => proxy.hungCalls() === 1, 'the first replica to be waiting on Slack to create the channel');
      first.child.kill('SIGKILL');
      await first.exited;
      proxy.setFault(null);
      running.push(await spawnFirebreak(env, { cwd: dir }));
      const listening = Date.now();
      await eventually(
        () => incidentChannels(slack).length === 1,
        'the channel created by the restarted replica',
        20_000,
      );
      // What is left of the dead replica's 3 s lease, then one claim: within 5 s, not the minute it took before.
      expect(Date.now() - listening).toBeLessThan(5000);
    } finally {
      for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      for (const p of running) await p.exited;
      await proxy.stop();
      await slack.stop();
    }
  });

  it('after kills, searches Slack only for the announcements a dead replica had begun posting, not for every one it had claimed', async () => {
    const slack = await FakeSlack.start({ botToken: BOT_TOKEN });
    const proxy = await startLossyProxy(slack.apiUrl);
    const running: FirebreakProcess[] = [];
    try {
      const dir = mkdtempSync(join(tmpdir(), 'firebreak-intent-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'firebreak.yaml'), FAST_POLICY);
      const env = {
        ...testEnv(slack, dir, { DATABASE_URL: databaseUrl, SLACK_API_URL: proxy.apiUrl }),
        LOG_LEVEL: 'info',
      };
      const announcementsChannel = slack.channelByName('incidents')!.id;
      const isAnnouncement = (method: string, body: string) =>
        method === 'chat.postMessage' && decodeURIComponent(body).includes('firebreak_incident_announcement');
      const historyOfAnnouncements = () =>
        slack.calls().filter((c) => c.method === 'conversations.history' && c.args.channel === announcementsChannel)
          .length;
      const killLatest = async () => {
        const p = running[running.length - 1]!;
        p.child.kill('SIGKILL');
        await p.exited;
      };
      // 1. The first announcement's post never comes back; the replica dies with the next two queued behind it.
      proxy.setFault((method, body) => (isAnnouncement(method, body) ? 'hang' : null));
      running.push(await spawnFirebreak(env, { cwd: dir }));
      for (const group of [1, 2, 3])
        expect(
          (
            await postJson(`${running[0]!.url}/alerts/alertmanager`, sameTitle(group), {
              authorization: `Bearer ${ALERT_TOKEN}`,
            })
          ).status,
        ).toBe(202);
      const store = createKyselyStore(openDatabase(databaseUrl));
      try {
        // Queued behind it, or claimed with it: either way never begun.
        const queued = async () => (await store.outbox.list()).filter((j) => j.kind === 'incident.announce').length;
        await eventually(
          async () => proxy.hungCalls() >= 1 && (await queued()) === 3,
          'the first announcement hanging, the other two queued',
          20_000,
        );
      } finally {
        await store.close();
      }
      await killLatest();
      // 2. The next replica claims all three together and dies looking for the first one in Slack's history.
      proxy.setFault((method, body) =>
        method === 'conversations.history' ? 'hang' : isAnnouncement(method, body) ? 'hang' : null,
      );
      running.push(await spawnFirebreak(env, { cwd: dir }));
      await eventually(
        () => proxy.hungCalls() >= 2,
        "the second replica looking for the first announcement (once the dead one's 3 s lease lapses)",
        20_000,
      );
      await killLatest();
      // 3. The third looks only for the one that had begun; the two it finds claimed but never begun, it posts.
      proxy.setFault(null);
      const historyBefore = historyOfAnnouncements();
      running.push(await spawnFirebreak(env, { cwd: dir }));
      const announcements = () =>
        slack
          .messages(announcementsChannel)
          .filter((m) => m.metadata?.event_type === 'firebreak_incident_announcement');
      await eventually(() => announcements().length === 3, 'the three announcements', 20_000);
      expect(historyOfAnnouncements() - historyBefore).toBe(1);
    } finally {
      for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      for (const p of running) await p.exited;
      await proxy.stop();
      await slack.stop();
    }
  });
});
