// The Kysely store on a real SQLite file per test, and on PostgreSQL too (see test/support/postgres.ts:
// required in CI, skipped without TEST_DATABASE_URL elsewhere).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openDatabase, redactDatabaseUrl } from '../../../src/adapters/store/database';
import { createKyselyStore } from '../../../src/adapters/store/kysely-store';
import { migrateToLatest, migrator } from '../../../src/adapters/store/migrations';
import { alertToRow, incidentToRow } from '../../../src/adapters/store/rows';
import type { Database } from '../../../src/adapters/store/schema';
import type { Actor } from '../../../src/domain/actor';
import type { NewIncident } from '../../../src/domain/incident';
import type { NewCapacityPlan } from '../../../src/domain/capacity/planned-event';
import { timelineEvent } from '../../../src/domain/timeline';
import { FirebreakError, isFirebreakError } from '../../../src/errors';
import type { NewAlertRecord, OutboxJob, Store } from '../../../src/ports/store';
import { at, T0 } from '../../support/builders';
import { postgresTarget, type TestDatabase } from '../../support/postgres';

interface Target {
  name: string;
  create(): Promise<TestDatabase>;
}

const sqliteTarget: Target = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-store-'));
    return {
      url: `sqlite:${join(dir, 'data', 'firebreak.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const targets: Target[] = [
  sqliteTarget,
  ...postgresTarget('firebreak_test').map(([name, create]) => ({ name, create })),
];

const monitor: Actor = { kind: 'monitor', id: 'alertmanager' };
const withMs = (date: Date, ms: number): Date => new Date(date.getTime() + ms);
/** Seconds after T0: leases, paces and rate budgets are seconds long. */
const sec = (n: number): Date => withMs(T0, n * 1000);

function newIncident(overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    title: 'High request rate on web',
    severity: 'sev2',
    status: 'investigating',
    service: 'web',
    groupKey: 'alertmanager:{}:{alertname="HighRequestRate"}',
    leadUserId: null,
    declaredBy: monitor,
    channelId: null,
    channelName: null,
    cardMessageId: null,
    channelFailure: null,
    announcement: null,
    openedAt: withMs(T0, 123),
    mitigatedAt: null,
    resolvedAt: null,
    alertsResolvedAt: null,
    page: null,
    onCall: null,
    capacity: null,
    ...overrides,
  };
}

function newAlert(incidentId: number, overrides: Partial<NewAlertRecord> = {}): NewAlertRecord {
  return {
    incidentId,
    fingerprint: 'fp-web-1',
    source: 'alertmanager',
    title: 'High request rate on web',
    service: 'web',
    severity: 'sev2',
    status: 'firing',
    summary: 'Requests are 8x normal',
    labels: { alertname: 'HighRequestRate', service: 'web', ünïcode: '✓ "quoted"' },
    url: 'http://prometheus.local/graph?g0.expr=rate',
    links: [],
    startsAt: withMs(T0, 1),
    endsAt: null,
    firstSeenAt: withMs(T0, 2),
    lastSeenAt: withMs(T0, 3),
    count: 1,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<FirebreakError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FirebreakError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.each(targets)('Kysely store on $name', (target) => {
  let database: TestDatabase | undefined;
  let db: Kysely<Database>;
  let store: Store;
  const opened: Store[] = [];

  async function openStore(): Promise<Store> {
    const kysely = openDatabase((database as TestDatabase).url);
    await migrateToLatest(kysely);
    const another = createKyselyStore(kysely);
    opened.push(another);
    return another;
  }

  beforeEach(async () => {
    database = await target.create();
    db = openDatabase(database.url);
    await migrateToLatest(db);
    store = createKyselyStore(db);
    opened.push(store);
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    // No database (no PostgreSQL server): the failure to make one is what the test reports.
    await database?.drop();
    database = undefined;
  });

  describe('migrations', () => {
    it('apply once and are idempotent; the store is ready only once migrated', async () => {
      const fresh = await target.create();
      const kysely = openDatabase(fresh.url);
      const unmigrated = createKyselyStore(kysely);
      try {
        expect(await unmigrated.ready()).toBe(false);
        expect(await migrateToLatest(kysely)).toEqual([
          '001-initial',
          '002-paging',
          '003-scaling',
          '004-delivery',
          '005-send-intent',
          '006-alert-counts',
          '007-plain-rowids',
          '008-alert-links',
          '009-test-incidents',
          '010-nudges-and-subscribers',
          '011-escalations-approvals',
          '012-team-pager-incident',
          '013-capacity-warnings',
          '014-capacity-plans',
          '015-team-declined',
          '016-capacity-plan-locks',
          '017-timeline-type-index-without-alerts',
          '018-slack-request-claims',
        ]);
        expect(await migrateToLatest(kysely)).toEqual([]);
        expect(await unmigrated.ready()).toBe(true);
      } finally {
        await unmigrated.close();
        await fresh.drop();
      }
      expect(await unmigrated.ready()).toBe(false);
    });

    it('counts the alerts of incidents stored before their counts were kept', async () => {
      const fresh = await target.create();
      const kysely = openDatabase(fresh.url);
      const before = createKyselyStore(kysely);
      try {
        const { error } = await migrator(kysely).migrateTo('005-send-intent');
        expect(error).toBeUndefined();
        const { id } = await kysely
          .insertInto('incidents')
          .values({ ...incidentToRow(newIncident(), at(0)) })
          .returning('id')
          .executeTakeFirstOrThrow();
        for (const [fingerprint, status] of [
          ['a', 'firing'],
          ['b', 'firing'],
          ['c', 'resolved'],
        ] as const) {
          await kysely
            .insertInto('alerts')
            .values(alertToRow({ ...newAlert(id, { fingerprint }), status }))
            .execute();
        }
        expect(await migrateToLatest(kysely)).toEqual([
          '006-alert-counts',
          '007-plain-rowids',
          '008-alert-links',
          '009-test-incidents',
          '010-nudges-and-subscribers',
          '011-escalations-approvals',
          '012-team-pager-incident',
          '013-capacity-warnings',
          '014-capacity-plans',
          '015-team-declined',
          '016-capacity-plan-locks',
          '017-timeline-type-index-without-alerts',
          '018-slack-request-claims',
        ]);
        expect((await before.incidents.findById(id))?.alertCounts).toEqual({ firing: 2, resolved: 1 });
      } finally {
        await before.close();
        await fresh.drop();
      }
    });
    it('keeps every alert and timeline event, and gives new ones ids past them, when ids change to plain rowids', async () => {
      const fresh = await target.create();
      const kysely = openDatabase(fresh.url);
      const store = createKyselyStore(kysely);
      try {
        const { error } = await migrator(kysely).migrateTo('006-alert-counts');
        expect(error).toBeUndefined();
        const incident = await store.incidents.insert(newIncident());
        const alerts = [
          await store.alerts.insert(newAlert(incident.id, { fingerprint: 'a' })),
          await store.alerts.insert(newAlert(incident.id, { fingerprint: 'b' })),
        ];
        const event = await store.timeline.append({
          incidentId: incident.id,
          at: at(1),
          type: 'note.added',
          actor: { kind: 'user', id: 'U1' },
          data: { text: 'before' },
        });
        await migrateToLatest(kysely);
        expect(await store.alerts.listByIncident(incident.id)).toEqual(alerts);
        expect(await store.timeline.list(incident.id)).toEqual([event]);
        const later = await store.alerts.insert(newAlert(incident.id, { fingerprint: 'c' }));
        expect(later.id).toBeGreaterThan(Math.max(...alerts.map((a) => a.id)));
        expect((await store.incidents.findById(incident.id))?.alertCounts).toEqual({ firing: 3, resolved: 0 });
        const next = await store.timeline.append({
          incidentId: incident.id,
          at: at(2),
          type: 'note.added',
          actor: { kind: 'user', id: 'U1' },
          data: { text: 'after' },
        });
        expect(next.id).toBeGreaterThan(event.id);
      } finally {
        await store.close();
        await fresh.drop();
      }
    });
  });

  describe('incidents', () => {
    it('round-trips every field with exact dates and JSON, and ids as numbers', async () => {
      const draft = newIncident({
        leadUserId: 'U0LEAD',
        declaredBy: { kind: 'user', id: 'U0DECL', name: 'Ada' },
        channelId: 'C0INC1',
        channelName: 'inc-20230215-high-request-rate',
        cardMessageId: '1676460600.000100',
        mitigatedAt: withMs(T0, 60_000 + 7),
      });
      const stored = await store.incidents.insert(draft);
      expect(typeof stored.id).toBe('number');
      expect(stored).toEqual({ id: stored.id, ...draft, alertCounts: { firing: 0, resolved: 0 } });
      expect(await store.incidents.findById(stored.id)).toEqual(stored);
      expect(await store.incidents.findByChannel('C0INC1')).toEqual(stored);
      expect(await store.incidents.findById(stored.id + 1000)).toBeNull();
      expect(await store.incidents.findByChannel('C0NONE')).toBeNull();
    });

    it('keeps a test incident’s flag (migration 009); a real incident reads without one', async () => {
      const drill = await store.incidents.insert(newIncident({ test: true }));
      const real = await store.incidents.insert(newIncident({ groupKey: null }));
      expect((await store.incidents.findById(drill.id))?.test).toBe(true);
      expect(await store.incidents.findById(real.id)).not.toHaveProperty('test');
    });

    it('updates only the fields given, clears with null, and says when the incident is missing', async () => {
      const stored = await store.incidents.insert(newIncident({ mitigatedAt: at(5), leadUserId: 'U1' }));
      const updated = await store.incidents.update(stored.id, {
        status: 'resolved',
        resolvedAt: withMs(at(30), 999),
        mitigatedAt: null,
      });
      expect(updated).toEqual({ ...stored, status: 'resolved', resolvedAt: withMs(at(30), 999), mitigatedAt: null });
      expect(await store.incidents.findById(stored.id)).toEqual(updated);
      const missing = await rejection(store.incidents.update(stored.id + 1000, { title: 'x' }));
      expect(missing.code).toBe('NOT_FOUND');
    });

    it('lists open incidents and recent ones newest first', async () => {
      const first = await store.incidents.insert(newIncident({ groupKey: 'g1', openedAt: at(0) }));
      const second = await store.incidents.insert(newIncident({ groupKey: 'g2', openedAt: at(10) }));
      const third = await store.incidents.insert(newIncident({ groupKey: 'g3', openedAt: at(20) }));
      await store.incidents.update(second.id, { status: 'resolved', resolvedAt: at(25) });
      expect((await store.incidents.listOpen()).map((i) => i.id)).toEqual([third.id, first.id]);
      expect((await store.incidents.listRecent(2)).map((i) => i.id)).toEqual([third.id, second.id]);
      expect(await store.incidents.listRecent(10)).toHaveLength(3);
      // At once, for `/incident list` to answer in its acknowledgement: only where a read never waits (SQLite).
      if (store.incidents.listOpenAtOnce) {
        expect(store.incidents.listOpenAtOnce()?.map((i) => i.id)).toEqual([third.id, first.id]);
      } else expect(target.name).not.toBe('sqlite');
    });

    it('lists open incidents at once only while no transaction holds the connection (SQLite)', async () => {
      if (target.name !== 'sqlite') {
        expect(store.incidents.listOpenAtOnce).toBeUndefined();
        return;
      }
      const open = await store.incidents.insert(newIncident({ groupKey: 'g1', openedAt: at(0) }));
      // A transaction (someone else's: begun elsewhere) holds the connection, half way through.
      let halfway!: () => void;
      let finish!: () => void;
      const stored = new Promise<void>((resolve) => {
        halfway = resolve;
      });
      const transaction = store.transaction(async (tx) => {
        await tx.incidents.insert(newIncident({ groupKey: 'g2', openedAt: at(10) }));
        halfway();
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
      });
      await stored;
      // Answering would have meant waiting for it: no answer at once, and nothing half stored read.
      expect(store.incidents.listOpenAtOnce?.()).toBeUndefined();
      finish();
      await transaction;
      expect(store.incidents.listOpenAtOnce?.()).toHaveLength(2);
      expect(store.incidents.listOpenAtOnce?.()?.[1]?.id).toBe(open.id);
    });

    it('allows one open incident per group key, and a new one once it is resolved', async () => {
      const first = await store.incidents.insert(newIncident({ groupKey: 'group-a' }));
      expect((await store.incidents.findOpenByGroupKey('group-a'))?.id).toBe(first.id);
      const conflict = await rejection(store.incidents.insert(newIncident({ groupKey: 'group-a' })));
      expect(conflict.code).toBe('STORE_CONFLICT');
      expect(conflict.message).toContain('storing a new incident');

      await store.incidents.update(first.id, { status: 'resolved', resolvedAt: at(30) });
      expect(await store.incidents.findOpenByGroupKey('group-a')).toBeNull();
      const second = await store.incidents.insert(newIncident({ groupKey: 'group-a', openedAt: at(40) }));
      expect((await store.incidents.findOpenByGroupKey('group-a'))?.id).toBe(second.id);
      // Declared incidents have no group key, and any number of them may be open.
      await store.incidents.insert(newIncident({ groupKey: null }));
      await store.incidents.insert(newIncident({ groupKey: null }));
    });

    it('refuses a second incident on one channel', async () => {
      await store.incidents.insert(newIncident({ groupKey: 'a', channelId: 'C1' }));
      const other = await store.incidents.insert(newIncident({ groupKey: 'b' }));
      expect((await rejection(store.incidents.update(other.id, { channelId: 'C1' }))).code).toBe('STORE_CONFLICT');
    });

    it('lets only one of two stores racing on a group key open the incident', async () => {
      const second = await openStore();
      const results = await Promise.allSettled([
        store.incidents.insert(newIncident({ groupKey: 'race' })),
        second.incidents.insert(newIncident({ groupKey: 'race' })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failure = results.find((r) => r.status === 'rejected');
      expect(isFirebreakError(failure?.reason, 'STORE_CONFLICT')).toBe(true);
    });
  });

  describe('alerts', () => {
    it('reads only the alerts asked for by fingerprint, and when the first of all of them started and was seen', async () => {
      const incident = await store.incidents.insert(newIncident());
      const other = await store.incidents.insert(newIncident({ groupKey: 'other' }));
      expect(await store.alerts.firstTimes(incident.id)).toEqual({ startedAt: null, seenAt: null });
      const a = await store.alerts.insert(
        newAlert(incident.id, { fingerprint: 'a', startsAt: at(5), firstSeenAt: at(6) }),
      );
      await store.alerts.insert(newAlert(incident.id, { fingerprint: 'b', startsAt: at(2), firstSeenAt: at(9) }));
      const c = await store.alerts.insert(
        newAlert(incident.id, { fingerprint: 'c', startsAt: at(7), firstSeenAt: at(3) }),
      );
      await store.alerts.insert(newAlert(other.id, { fingerprint: 'a', startsAt: at(0), firstSeenAt: at(0) }));
      expect(await store.alerts.listByFingerprints(incident.id, ['c', 'a', 'missing'])).toEqual([a, c]);
      expect(await store.alerts.listByFingerprints(incident.id, [])).toEqual([]);
      expect(await store.alerts.firstTimes(incident.id)).toEqual({ startedAt: at(2), seenAt: at(3) });
    });

    it('round-trips and updates alerts, and keeps their counts by status on the incident', async () => {
      const incident = await store.incidents.insert(newIncident());
      expect(incident.alertCounts).toEqual({ firing: 0, resolved: 0 });

      const alert = await store.alerts.insert(newAlert(incident.id));
      expect(typeof alert.id).toBe('number');
      expect(alert).toEqual({ id: alert.id, ...newAlert(incident.id) });
      expect(await store.alerts.find(incident.id, 'fp-web-1')).toEqual(alert);
      expect(await store.alerts.find(incident.id, 'fp-none')).toBeNull();

      await store.alerts.update(alert.id, { status: 'resolved', endsAt: at(9), count: 3, summary: null });
      const second = await store.alerts.insert(
        newAlert(incident.id, { fingerprint: 'fp-web-2', summary: null, url: null, labels: {} }),
      );
      expect(await store.alerts.listByIncident(incident.id)).toEqual([
        { ...alert, status: 'resolved', endsAt: at(9), count: 3, summary: null },
        second,
      ]);
      expect((await store.incidents.findById(incident.id))?.alertCounts).toEqual({ firing: 1, resolved: 1 });
      // Changing other fields, or setting the status it already has, counts nothing twice.
      await store.alerts.update(alert.id, { status: 'resolved', count: 4 });
      await store.alerts.update(second.id, { status: 'firing', lastSeenAt: at(10) });
      expect((await store.incidents.findById(incident.id))?.alertCounts).toEqual({ firing: 1, resolved: 1 });
      await store.alerts.update(alert.id, { status: 'firing' });
      expect((await store.incidents.findById(incident.id))?.alertCounts).toEqual({ firing: 2, resolved: 0 });
      expect((await store.alerts.listFiring(incident.id, 1)).map((a) => a.id)).toEqual([alert.id]);
      expect((await store.alerts.listFiring(incident.id, 5)).map((a) => a.id)).toEqual([alert.id, second.id]);
      expect((await rejection(store.alerts.update(alert.id + 1000, { count: 2 }))).code).toBe('NOT_FOUND');
    });

    it('stores one row per fingerprint in an incident', async () => {
      const incident = await store.incidents.insert(newIncident());
      await store.alerts.insert(newAlert(incident.id));
      expect((await rejection(store.alerts.insert(newAlert(incident.id)))).code).toBe('STORE_CONFLICT');
    });
  });

  describe('timeline', () => {
    it('appends events and lists them oldest first, or only the latest few, or those after an id', async () => {
      const incident = await store.incidents.insert(newIncident());
      const events = [
        timelineEvent(incident.id, withMs(T0, 5), 'alert.fired', monitor, {
          fingerprint: 'fp',
          title: 'High rate',
          severity: 'sev2',
          summary: 'x',
        }),
        timelineEvent(
          incident.id,
          at(1),
          'incident.declared',
          { kind: 'firebreak' },
          { title: 'High rate', severity: 'sev2', service: 'web', source: 'alert' },
        ),
        timelineEvent(
          incident.id,
          at(2),
          'scale.requested',
          { kind: 'user', id: 'U1', name: 'Ada' },
          { target: 'web', from: 4, to: 12, reason: 'flash sale' },
        ),
        timelineEvent(
          incident.id,
          at(3),
          'note.added',
          { kind: 'user', id: 'U2' },
          { text: 'ünïcode ✓ and "quotes"\nnew line' },
        ),
      ];
      const stored = [];
      for (const event of events) stored.push(await store.timeline.append(event));
      expect(stored.map(({ id, ...rest }) => rest)).toEqual(events);

      expect(await store.timeline.list(incident.id)).toEqual(stored);
      expect(await store.timeline.list(incident.id, { latest: 2 })).toEqual(stored.slice(2));
      expect(await store.timeline.list(incident.id, { latest: 10 })).toEqual(stored);
      expect(await store.timeline.list(incident.id, { afterId: stored[1]?.id })).toEqual(stored.slice(2));
      expect(await store.timeline.list(incident.id, { afterId: stored[3]?.id })).toEqual([]);
      expect(await store.timeline.count(incident.id)).toBe(4);
      expect(await store.timeline.count(incident.id + 1000)).toBe(0);
    });
  });

  describe('outbox', () => {
    /** Claims as one worker does, flattening the lanes' jobs. */
    async function claimJobs(
      on: Store,
      now: Date,
      options: { owner?: string; maxLanes?: number; leaseMs?: number } = {},
    ) {
      const lanes = await on.outbox.claimLanes({
        owner: options.owner ?? 'w1',
        now,
        leaseMs: options.leaseMs ?? 60_000,
        maxLanes: options.maxLanes ?? 10,
        maxJobsPerLane: 25,
      });
      return lanes.flatMap((l) => l.jobs);
    }

    it('coalesces jobs with one key while pending, and adds a new one once the first ran', async () => {
      const first = await store.outbox.enqueue(
        { kind: 'card.update', incidentId: 7, coalesceKey: 'card:7', payload: { lane: 'incident:7' } },
        sec(0),
      );
      const again = await store.outbox.enqueue(
        { kind: 'card.update', incidentId: 7, coalesceKey: 'card:7', payload: { lane: 'incident:7' } },
        sec(1),
      );
      expect(again.id).toBe(first.id);
      expect(first).toEqual({
        id: first.id,
        kind: 'card.update',
        incidentId: 7,
        coalesceKey: 'card:7',
        payload: { lane: 'incident:7' },
        attempts: 0,
        status: 'pending',
        nextAttemptAt: sec(0),
        lastError: null,
        lane: 'incident:7',
        urgent: false,
        sendingSince: null,
        createdAt: sec(0),
      });
      expect(await store.outbox.list()).toHaveLength(1);

      const [claimed] = await claimJobs(store, sec(2));
      expect(claimed?.id).toBe(first.id);
      // A running job does not absorb new work.
      const whileRunning = await store.outbox.enqueue({ kind: 'card.update', coalesceKey: 'card:7' }, sec(3));
      expect(whileRunning.id).not.toBe(first.id);
      await store.outbox.complete(first.id, sec(4));
      const afterwards = await store.outbox.enqueue({ kind: 'card.update', coalesceKey: 'card:7' }, sec(5));
      expect(afterwards.id).toBe(whileRunning.id);
      expect((await store.outbox.list({ status: 'done' })).map((j) => j.id)).toEqual([first.id]);
    });

    it('coalesces concurrent enqueues from two stores into one job', async () => {
      const second = await openStore();
      const jobs = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : second).outbox.enqueue({ kind: 'card.update', coalesceKey: 'card:1' }, sec(0)),
        ),
      );
      expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
      expect(await store.outbox.depth()).toBe(1);
    });

    it("claims due lanes oldest first under a lease, counting attempts, and takes back a dead owner's lane once its lease lapses", async () => {
      const a = await store.outbox.enqueue({ kind: 'k', payload: { n: 1 } }, sec(0));
      const b = await store.outbox.enqueue({ kind: 'k', payload: { n: 2 } }, sec(0));
      const later = await store.outbox.enqueue({ kind: 'k', notBefore: sec(10) }, sec(0));

      const claimed = await claimJobs(store, sec(1), { leaseMs: 1000 });
      expect(claimed.map((j) => [j.id, j.status, j.attempts])).toEqual([
        [a.id, 'running', 1],
        [b.id, 'running', 1],
      ]);
      expect(await claimJobs(store, sec(1.5), { owner: 'w2' })).toEqual([]);
      expect(await store.outbox.depth()).toBe(3);

      // w1 died holding a; b finished. Once the lease lapses a is due again, with its attempt counted.
      await store.outbox.complete(b.id, sec(1.2));
      await store.outbox.releaseLane(claimed[1]!.lane, 'w1', sec(1.2));
      const reclaimed = await claimJobs(store, sec(2.5), { owner: 'w2' });
      expect(reclaimed.map((j) => [j.id, j.attempts])).toEqual([[a.id, 2]]);

      await store.outbox.complete(a.id, sec(3));
      await store.outbox.releaseLane(reclaimed[0]!.lane, 'w2', sec(3));
      const limited = await claimJobs(store, sec(20), { maxLanes: 1 });
      expect(limited.map((j) => j.id)).toEqual([later.id]);
      expect(await claimJobs(store, sec(20), { maxLanes: 0 })).toEqual([]);
    });

    it('gives a lane to one owner at a time, its jobs in order, and keeps it while the owner renews its lease', async () => {
      const jobs = [];
      for (let i = 0; i < 3; i++)
        jobs.push(await store.outbox.enqueue({ kind: 'card.update', payload: { lane: 'incident:1', n: i } }, sec(0)));
      const other = await store.outbox.enqueue({ kind: 'card.update', payload: { lane: 'incident:2' } }, sec(0));
      const lanes = await store.outbox.claimLanes({
        owner: 'w1',
        now: sec(1),
        leaseMs: 1000,
        maxLanes: 1,
        maxJobsPerLane: 25,
      });
      expect(lanes.map((l) => [l.lane, l.jobs.map((j) => j.id)])).toEqual([['incident:1', jobs.map((j) => j.id)]]);
      // The other replica gets the other lane, never a job of the held one.
      expect((await claimJobs(store, sec(1.5), { owner: 'w2' })).map((j) => j.id)).toEqual([other.id]);
      // Renewed at 1.9 s, the lease runs to 2.9 s: w2 cannot take the lane at 2.5 s.
      expect(await store.outbox.renewLeases('w1', sec(1.9), 1000)).toBe(1);
      expect(await claimJobs(store, sec(2.5), { owner: 'w2' })).toEqual([]);
      // w1 sends the first job and hands the rest back, paced: the lane is free again at 4 s, not before.
      await store.outbox.complete(jobs[0]!.id, sec(2));
      for (const job of jobs.slice(1)) await store.outbox.release(job.id, sec(4));
      await store.outbox.releaseLane('incident:1', 'w1', sec(4));
      expect(await claimJobs(store, sec(3.9), { owner: 'w2' })).toEqual([]);
      expect((await claimJobs(store, sec(4), { owner: 'w2' })).map((j) => [j.id, j.attempts])).toEqual([
        [jobs[1]!.id, 1],
        [jobs[2]!.id, 1],
      ]);
    });

    it('claims lanes with urgent work due first (a channel to open), then the rest oldest first', async () => {
      const edit = await store.outbox.enqueue({ kind: 'card.update', payload: { lane: 'incident:1' } }, sec(0));
      const announce = await store.outbox.enqueue(
        { kind: 'incident.announce', payload: { lane: 'announcements' } },
        sec(0),
      );
      const open = await store.outbox.enqueue(
        { kind: 'incident.open_channel', urgent: true, payload: { lane: 'incident:2' } },
        sec(0),
      );
      const lanes = await store.outbox.claimLanes({
        owner: 'w1',
        now: sec(1),
        leaseMs: 1000,
        maxLanes: 2,
        maxJobsPerLane: 25,
      });
      expect(lanes.map((l) => l.jobs.map((j) => j.id))).toEqual([[open.id], [edit.id]]);
      expect((await claimJobs(store, sec(1), { owner: 'w2' })).map((j) => j.id)).toEqual([announce.id]);
    });

    it("takes each lane's first jobs only, up to the limit per lane, in one claim of several lanes", async () => {
      const ids: Record<string, number[]> = { 'incident:1': [], 'incident:2': [] };
      for (let i = 0; i < 3; i++)
        for (const lane of ['incident:2', 'incident:1'])
          ids[lane]!.push((await store.outbox.enqueue({ kind: 'k', payload: { lane, n: i } }, sec(0))).id);
      const lanes = await store.outbox.claimLanes({
        owner: 'w1',
        now: sec(1),
        leaseMs: 1000,
        maxLanes: 5,
        maxJobsPerLane: 2,
      });
      expect(lanes.map((l) => [l.lane, l.jobs.map((j) => j.id)])).toEqual([
        ['incident:2', ids['incident:2']!.slice(0, 2)],
        ['incident:1', ids['incident:1']!.slice(0, 2)],
      ]);
    });

    it('never hands one lane or job to two stores claiming at once', async () => {
      const second = await openStore();
      for (let i = 0; i < 30; i++)
        await store.outbox.enqueue({ kind: 'k', payload: { lane: `incident:${i % 10}` } }, sec(0));
      const [mine, theirs] = await Promise.all([
        claimJobs(store, sec(1), { maxLanes: 20 }),
        claimJobs(second, sec(1), { owner: 'w2', maxLanes: 20 }),
      ]);
      const ids = [...mine, ...theirs].map((j) => j.id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      const lanesOf = (jobs: OutboxJob[]) => new Set(jobs.map((j) => j.lane));
      for (const lane of lanesOf(mine)) expect(lanesOf(theirs).has(lane)).toBe(false);
    });

    it('takes back everything at once for a store no other process shares', async () => {
      const job = await store.outbox.enqueue({ kind: 'k', payload: { lane: 'incident:1' } }, sec(0));
      await claimJobs(store, sec(1));
      expect(await store.outbox.reclaimAll(sec(2), sec(3.1))).toBe(1);
      // The dead process may have just written to the lane's channel: its pace starts again from now.
      expect(await claimJobs(store, sec(3), { owner: 'restarted' })).toEqual([]);
      expect((await claimJobs(store, sec(3.1), { owner: 'restarted' })).map((j) => [j.id, j.attempts])).toEqual([
        [job.id, 2],
      ]);
    });

    it('remembers that a job began a send through a crash, a failure and a rate limit, until told nothing was sent', async () => {
      const job = await store.outbox.enqueue({ kind: 'card.post', payload: { lane: 'incident:1' } }, sec(0));
      const sendingSince = async () => (await store.outbox.list()).find((j) => j.id === job.id)?.sendingSince;
      await claimJobs(store, sec(1));
      await store.outbox.markSending(job.id, sec(1.5));
      // A crash: the restarted process sees the send was begun.
      await store.outbox.reclaimAll(sec(2));
      expect((await claimJobs(store, sec(2), { owner: 'restarted' }))[0]?.sendingSince).toEqual(sec(1.5));
      // A 503 may have been after the send: still begun.
      await store.outbox.retryLater(job.id, sec(3), 'Slack answered 503');
      expect(await sendingSince()).toEqual(sec(1.5));
      // A rate limit may have met the search for the earlier send, not the send: still begun.
      await claimJobs(store, sec(3), { owner: 'restarted' });
      await store.outbox.retryLater(job.id, sec(4), 'ratelimited', { countAttempt: false });
      expect(await sendingSince()).toEqual(sec(1.5));
      await claimJobs(store, sec(4), { owner: 'restarted' });
      await store.outbox.markSending(job.id, sec(4));
      await store.outbox.markSending(job.id, null);
      expect(await sendingSince()).toBeNull();
    });

    it('reschedules, releases and buries, and reports depth and the next due time', async () => {
      expect(await store.outbox.nextDueAt()).toBeNull();
      expect(await store.outbox.depth()).toBe(0);
      const job = await store.outbox.enqueue({ kind: 'k', incidentId: 3, payload: { lane: 'incident:3' } }, sec(0));
      const other = await store.outbox.enqueue({ kind: 'k', notBefore: sec(30) }, sec(0));
      expect(await store.outbox.nextDueAt()).toEqual(sec(0));

      await claimJobs(store, sec(1), { maxLanes: 1 });
      expect(await store.outbox.nextDueAt()).toEqual(sec(30));
      await store.outbox.retryLater(job.id, sec(5.25), 'Slack answered 503');
      await store.outbox.releaseLane('incident:3', 'w1', sec(5.25));
      expect(await store.outbox.nextDueAt()).toEqual(sec(5.25));
      expect(await claimJobs(store, sec(4))).toEqual([]);
      const [retried] = await claimJobs(store, sec(5.25));
      expect(retried).toMatchObject({ id: job.id, attempts: 2, lastError: 'Slack answered 503', status: 'running' });

      // A rate limit is not a failure: the attempt is not counted.
      await store.outbox.retryLater(job.id, sec(6), 'ratelimited', { countAttempt: false });
      expect((await store.outbox.list({ incidentId: 3 }))[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: sec(6),
      });
      await store.outbox.releaseLane('incident:3', 'w1', sec(6));

      // Released unattempted: due again at the given time, the attempt not counted.
      await claimJobs(store, sec(6));
      await store.outbox.release(job.id, sec(6));
      const [released] = await store.outbox.list({ incidentId: 3 });
      expect(released).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: sec(6) });
      await store.outbox.releaseLane('incident:3', 'w1', sec(6));

      await claimJobs(store, sec(7));
      await store.outbox.bury(job.id, 'channel_not_found', sec(8));
      expect(await store.outbox.list({ status: 'dead' })).toEqual([
        expect.objectContaining({ id: job.id, lastError: 'channel_not_found' }),
      ]);
      expect(await store.outbox.list({ status: 'running' })).toEqual([]);
      expect(await store.outbox.depth()).toBe(1);
      expect(await store.outbox.nextDueAt()).toEqual(sec(30));
      expect((await store.outbox.list({ status: 'pending' })).map((j) => j.id)).toEqual([other.id]);
    });

    it('gives as the next due time when a waiting job can be claimed: its lane free of its lease and its pace', async () => {
      await store.outbox.enqueue({ kind: 'card.update', payload: { lane: 'incident:4' } }, sec(0));
      await claimJobs(store, sec(0), { leaseMs: 3000 });
      // Queued behind the lane in hand: not before its lease, which a live owner renews.
      await store.outbox.enqueue({ kind: 'card.update', payload: { lane: 'incident:4' } }, sec(1));
      expect(await store.outbox.nextDueAt()).toEqual(sec(3));
      // Let go with the channel's pace spent: not before the lane's next write.
      await store.outbox.releaseLane('incident:4', 'w1', sec(2.1));
      expect(await store.outbox.nextDueAt()).toEqual(sec(2.1));
      // A job due later than either keeps its own time.
      await store.outbox.retryLater((await store.outbox.list({ status: 'pending' }))[0]?.id ?? 0, sec(9), 'later');
      expect(await store.outbox.nextDueAt()).toEqual(sec(9));
    });

    it("brings forward an incident's waiting jobs, with a limit only those due by then", async () => {
      const soon = await store.outbox.enqueue(
        { kind: 'page.trigger', incidentId: 5, notBefore: sec(10), payload: { lane: 'pager:5' } },
        sec(0),
      );
      const later = await store.outbox.enqueue(
        { kind: 'nudge.check', incidentId: 5, notBefore: sec(600), payload: { lane: 'incident:5' } },
        sec(0),
      );
      await store.outbox.bringForward(5, ['page.trigger', 'nudge.check'], sec(1), sec(31));
      const due = new Map((await store.outbox.list({ incidentId: 5 })).map((j) => [j.id, j.nextAttemptAt]));
      expect(due.get(soon.id)).toEqual(sec(1));
      expect(due.get(later.id)).toEqual(sec(600));
    });

    it('a job deferred on purpose is not failing: no attempts or error left, not backlog, not retried early when Slack is back', async () => {
      const job = await store.outbox.enqueue({ kind: 'nudge.check', payload: { lane: 'nudge:1' } }, sec(0));
      // It failed once, then its process died under a claim: two attempts counted, an error kept.
      await claimJobs(store, sec(1));
      await store.outbox.retryLater(job.id, sec(2), 'Slack answered 503');
      await store.outbox.releaseLane('nudge:1', 'w1', sec(2));
      await claimJobs(store, sec(2));
      await store.outbox.reclaimAll(sec(3));
      const [claimed] = await claimJobs(store, sec(3));
      expect(claimed).toMatchObject({ id: job.id, attempts: 3 });
      // Its handler says "not yet": due in ten minutes (of the store's clock, the real one, as depth() reads it).
      const due = new Date(Date.now() + 10 * 60_000);
      await store.outbox.defer(job.id, due);
      await store.outbox.releaseLane('nudge:1', 'w1', sec(3));
      const [deferred] = await store.outbox.list({ status: 'pending' });
      expect(deferred).toMatchObject({ id: job.id, attempts: 0, lastError: null, nextAttemptAt: due });
      expect(await store.outbox.depth()).toBe(0);
      expect(await store.outbox.retryFailedNow(new Date(), new Date())).toBe(0);
    });

    it('brings forward the jobs waiting out a failure, not those waiting for a rate limit or scheduled for later, and frees their lanes by their pace', async () => {
      const failed = await store.outbox.enqueue(
        { kind: 'incident.open_channel', payload: { lane: 'incident:1' } },
        sec(0),
      );
      const limited = await store.outbox.enqueue(
        { kind: 'incident.open_channel', payload: { lane: 'incident:2' } },
        sec(0),
      );
      const later = await store.outbox.enqueue(
        { kind: 'page.ack_check', payload: { lane: 'pager:3' }, notBefore: sec(300) },
        sec(0),
      );
      await claimJobs(store, sec(1));
      await store.outbox.retryLater(failed.id, sec(9), 'Slack answered 503');
      await store.outbox.releaseLane('incident:1', 'w1', sec(9));
      await store.outbox.retryLater(limited.id, sec(30), 'ratelimited', { countAttempt: false });
      await store.outbox.releaseLane('incident:2', 'w1', sec(30));

      expect(await store.outbox.retryFailedNow(sec(2), sec(3))).toBe(1);
      const byId = new Map((await store.outbox.list()).map((j) => [j.id, j.nextAttemptAt]));
      expect([byId.get(failed.id), byId.get(limited.id), byId.get(later.id)]).toEqual([sec(2), sec(30), sec(300)]);
      // The failed job's lane is free once its pace allows (3 s), not at the retry it was waiting for (9 s).
      expect(await claimJobs(store, sec(2.5))).toEqual([]);
      expect((await claimJobs(store, sec(3))).map((j) => j.id)).toEqual([failed.id]);
    });

    it('closes a handed-back job when a newer pending job holds its coalesce key', async () => {
      const running = await store.outbox.enqueue(
        { kind: 'card.update', coalesceKey: 'card:1', payload: { lane: 'incident:1' } },
        sec(0),
      );
      await claimJobs(store, sec(1));
      const newer = await store.outbox.enqueue(
        { kind: 'card.update', coalesceKey: 'card:1', payload: { lane: 'incident:1' } },
        sec(2),
      );

      await store.outbox.retryLater(running.id, sec(9), 'ratelimited');
      await store.outbox.releaseLane('incident:1', 'w1', sec(9));
      const jobs = await store.outbox.list();
      expect(jobs.map((j) => [j.id, j.status])).toEqual([
        [running.id, 'done'],
        [newer.id, 'pending'],
      ]);
      expect(jobs[0]?.lastError).toContain(`superseded by job ${newer.id}`);
      // The rate limit holds for the job that does the work now.
      expect(jobs[1]?.nextAttemptAt).toEqual(sec(9));

      const [claimedNewer] = await claimJobs(store, sec(9));
      const newest = await store.outbox.enqueue(
        { kind: 'card.update', coalesceKey: 'card:1', payload: { lane: 'incident:1' } },
        sec(10),
      );
      await store.outbox.release(claimedNewer!.id, sec(11));
      expect((await store.outbox.list({ status: 'pending' })).map((j) => j.id)).toEqual([newest.id]);
    });
  });

  describe('rate budgets', () => {
    it('grants a burst, then one call per refill interval, shared by two stores', async () => {
      const second = await openStore();
      const limits = { perMinute: 60, burst: 3 };
      const grants = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? second : store).rateBudgets.take('conversations.create', sec(0), limits),
        ),
      );
      expect(grants.filter((g) => g.granted)).toHaveLength(3);
      const refused = grants.find((g) => !g.granted);
      expect(refused).toEqual({ granted: false, retryAt: sec(1) });
      expect(await store.rateBudgets.take('conversations.create', sec(0.999), limits)).toEqual({
        granted: false,
        retryAt: sec(1),
      });
      expect(await second.rateBudgets.take('conversations.create', sec(1), limits)).toEqual({ granted: true });
      expect((await store.rateBudgets.take('pins.add', sec(1), limits)).granted).toBe(true);
    });
  });

  describe('scale operations', () => {
    it('updateIf changes an operation only while it has the status named: a give-up never overwrites a start', async () => {
      const op = await store.scaleOperations.insert({
        incidentId: null,
        target: 'web',
        requestedBy: { kind: 'user', id: 'U0ALICE' },
        requestKey: 'scale/none/web/%2B4/click-1',
        from: 0,
        to: 4,
        reason: null,
        status: 'requested',
        instanceIds: [],
        error: null,
        requestedAt: sec(0),
        startedAt: null,
        finishedAt: null,
      });
      const failing = {
        code: 'ServiceUnavailable',
        message: '503',
        since: sec(1).toISOString(),
        until: sec(601).toISOString(),
      };
      expect(await store.scaleOperations.updateIf(op.id, 'requested', { error: failing })).toMatchObject({
        status: 'requested',
        error: failing,
      });
      await store.scaleOperations.update(op.id, { status: 'started', startedAt: sec(2), error: null });
      const gaveUp = { code: 'CloudFailing', message: 'gave up' };
      expect(
        await store.scaleOperations.updateIf(op.id, 'requested', {
          status: 'failed',
          error: gaveUp,
          finishedAt: sec(3),
        }),
      ).toBeNull();
      expect(await store.scaleOperations.findById(op.id)).toMatchObject({ status: 'started', error: null });
    });
  });

  describe('capacity plans (migration 014)', () => {
    const alice = { kind: 'user' as const, id: 'U0ALICE' };
    const plan = (startsAt: Date): NewCapacityPlan => ({
      target: 'web',
      count: 24,
      startsAt,
      endsAt: withMs(startsAt, 3 * 3600_000),
      name: 'Spring flash sale',
      proposedBy: alice,
      proposedAt: sec(0),
      leadMinutes: 30,
      approvers: 'oncall-web',
      state: 'proposed',
      confirmedBy: null,
      confirmedAt: null,
      prescaleOperationId: null,
      scaleBackTo: null,
      scaleBackOperationId: null,
      outcome: null,
      announcement: null,
      scaleBackMessage: null,
      steps: [{ at: sec(0), what: 'proposed web at 24', by: alice }],
    });

    it('round-trips a plan, lists the active ones soonest first, and moves one on only from the state it is in', async () => {
      const later = await store.capacityPlans.insert(plan(sec(7200)));
      const sooner = await store.capacityPlans.insert(plan(sec(3600)));
      expect(await store.capacityPlans.findById(later.id)).toEqual({ id: later.id, ...plan(sec(7200)) });
      expect((await store.capacityPlans.listInStates(['proposed'], 'web')).map((p) => p.id)).toEqual([
        sooner.id,
        later.id,
      ]);
      const bob = { kind: 'user' as const, id: 'U0BOB' };
      const step = { at: sec(10), what: 'confirmed', by: bob };
      const [first, second] = await Promise.all([
        store.capacityPlans.transition(sooner.id, ['proposed'], { state: 'confirmed', confirmedBy: bob }, step),
        store.capacityPlans.transition(sooner.id, ['proposed'], { state: 'declined', confirmedBy: bob }, step),
      ]);
      expect([first, second].filter((p) => p !== null)).toHaveLength(1);
      const moved = await store.capacityPlans.update(sooner.id, {
        announcement: { channelId: 'C0INCIDENTS', messageId: '1.2' },
        scaleBackTo: 4,
      });
      expect(moved).toMatchObject({ announcement: { channelId: 'C0INCIDENTS', messageId: '1.2' }, scaleBackTo: 4 });
      expect(moved.steps.map((s) => s.what)).toEqual(['proposed web at 24', 'confirmed']);
      // A stepped scale-back's step keeps its record (what the messages show as progress) and any warning.
      const scale = { phase: 'scale-back' as const, step: 1, of: 2, from: 24, to: 14, operationId: 7 };
      const back = { at: sec(20), what: 'back', by: bob, scale, warning: 'slow' };
      const recorded = await store.capacityPlans.recordScaleBack(sooner.id, 7, back);
      expect(recorded).toMatchObject({ scaleBackOperationId: 7 });
      expect(recorded?.steps.at(-1)).toEqual(back);
      expect(
        await store.capacityPlans.recordScaleBack(sooner.id, 7, { at: sec(21), what: 'back', by: bob }),
      ).toBeNull();
    });
  });

  describe('channel names', () => {
    it('gives a name to the first incident that claims it, and says so again to that incident alone', async () => {
      expect(await store.channelNames.claim('inc-20230215-web', 1, sec(0))).toBe('claimed');
      expect(await store.channelNames.claim('inc-20230215-web', 1, sec(1))).toBe('ours');
      expect(await store.channelNames.claim('inc-20230215-web', 2, sec(1))).toBe('taken');
    });
  });

  describe('deliveries', () => {
    it('finds, records and prunes delivery keys', async () => {
      expect(await store.deliveries.find('sha:1')).toBeNull();
      await store.deliveries.record('sha:1', { accepted: 2, incidents: [4] }, withMs(at(0), 42));
      await store.deliveries.record('sha:2', null, at(10));
      expect(await store.deliveries.find('sha:1')).toEqual({
        response: { accepted: 2, incidents: [4] },
        receivedAt: withMs(at(0), 42),
      });
      expect((await rejection(store.deliveries.record('sha:1', {}, at(1)))).code).toBe('STORE_CONFLICT');

      expect(await store.deliveries.prune(at(5))).toBe(1);
      expect(await store.deliveries.find('sha:1')).toBeNull();
      expect(await store.deliveries.find('sha:2')).toEqual({ response: null, receivedAt: at(10) });
    });
  });

  describe('transactions', () => {
    it('stores everything the work wrote, or nothing when it throws', async () => {
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          const incident = await tx.incidents.insert(newIncident());
          await tx.alerts.insert(newAlert(incident.id));
          await tx.timeline.append(timelineEvent(incident.id, at(0), 'note.added', monitor, { text: 'x' }));
          await tx.outbox.enqueue({ kind: 'k', incidentId: incident.id, coalesceKey: `card:${incident.id}` }, at(0));
          await tx.deliveries.record('d1', {}, at(0));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.incidents.listRecent(10)).toEqual([]);
      expect(await store.outbox.list()).toEqual([]);
      expect(await store.deliveries.find('d1')).toBeNull();

      const id = await store.transaction(async (tx) => {
        const incident = await tx.incidents.insert(newIncident());
        await tx.alerts.insert(newAlert(incident.id));
        return incident.id;
      });
      expect(await store.alerts.listByIncident(id)).toHaveLength(1);
    });

    it('rolls back when a write conflicts, leaving earlier writes of the work unstored', async () => {
      await store.incidents.insert(newIncident({ groupKey: 'taken' }));
      const error = await rejection(
        store.transaction(async (tx) => {
          await tx.deliveries.record('d2', {}, at(0));
          await tx.incidents.insert(newIncident({ groupKey: 'taken' }));
        }),
      );
      expect(error.code).toBe('STORE_CONFLICT');
      expect(await store.deliveries.find('d2')).toBeNull();
    });

    it('runs calls on the store and nested transactions inside the open transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          const incident = await tx.incidents.insert(newIncident());
          // Sees the uncommitted incident: the same transaction, not a second connection waiting on it.
          expect(await store.incidents.findById(incident.id)).toEqual(incident);
          await store.transaction((inner) =>
            inner.timeline.append(timelineEvent(incident.id, at(0), 'note.added', monitor, { text: 'x' })),
          );
          throw new Error('undo all');
        }),
      ).rejects.toThrow('undo all');
      expect(await store.incidents.listRecent(10)).toEqual([]);
    });
  });

  it('keeps everything across a restart', async () => {
    const incident = await store.incidents.insert(newIncident());
    await store.timeline.append(timelineEvent(incident.id, at(1), 'note.added', monitor, { text: 'before restart' }));
    const job = await store.outbox.enqueue({ kind: 'card.update', coalesceKey: 'card:1' }, at(1));
    await store.close();

    const reopened = await openStore();
    expect(await reopened.ready()).toBe(true);
    expect(await reopened.incidents.findById(incident.id)).toEqual(incident);
    expect((await reopened.timeline.list(incident.id))[0]?.data).toEqual({ text: 'before restart' });
    expect((await reopened.outbox.enqueue({ kind: 'card.update', coalesceKey: 'card:1' }, at(2))).id).toBe(job.id);
  });
});

describe('SQLite specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a file relative to the working directory, creating its folders, in WAL mode with the pragmas set', async () => {
    const file = join(dir, 'nested', 'deeper', 'firebreak.db');
    const db = openDatabase(`sqlite:${relative(process.cwd(), file)}`);
    try {
      expect(existsSync(file)).toBe(true);
      const pragma = async (name: string): Promise<unknown> =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('busy_timeout')).toBe(5000);
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('synchronous')).toBe(1); // NORMAL
    } finally {
      await db.destroy();
    }
  });

  it('works in memory', async () => {
    const db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    const store = createKyselyStore(db);
    const incident = await store.incidents.insert(newIncident());
    expect(await store.incidents.findById(incident.id)).toEqual(incident);
    await store.close();
  });
});

describe('openDatabase', () => {
  it('refuses an unknown scheme, naming the accepted forms and never the password', () => {
    let error: unknown;
    try {
      openDatabase('mysql://firebreak:hunter2@db.local/firebreak');
    } catch (e) {
      error = e;
    }
    expect(isFirebreakError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('sqlite:PATH');
    expect((error as Error).message).toContain('postgres://');
    expect((error as Error).message).not.toContain('hunter2');
    expect(() => openDatabase('firebreak.db')).toThrow(FirebreakError);
    expect(() => openDatabase('sqlite:')).toThrow(FirebreakError);
    expect(redactDatabaseUrl('postgres://firebreak:hunter2@db.local:5432/firebreak')).toBe(
      'postgres://firebreak:***@db.local:5432/firebreak',
    );
  });

  it('reports an unreachable PostgreSQL as unavailable, without the password', async () => {
    const db = openDatabase('postgres://firebreak:hunter2@127.0.0.1:1/firebreak', {
      logger: { warn: () => undefined },
    });
    const store = createKyselyStore(db);
    try {
      const error = await rejection(migrateToLatest(db));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).not.toContain('hunter2');
      expect(await store.ready()).toBe(false);
      const read = await rejection(store.incidents.findById(1));
      expect(read.code).toBe('STORE_UNAVAILABLE');
      expect(read.message).toContain('reading incident 1');
      expect(read.message).not.toContain('hunter2');
    } finally {
      await store.close();
    }
  });
});
