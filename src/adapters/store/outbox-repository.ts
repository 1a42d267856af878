// The outbox over Kysely: coalesced enqueue, and lanes claimed whole under leases that several workers or
// replicas share, so one channel's jobs keep their order and pace whichever replica runs them.
import { sql, type ExpressionBuilder, type Selectable, type Updateable } from 'kysely';
import { FirebreakError } from '../../errors';
import type {
  ClaimedLane,
  LaneClaim,
  NewOutboxJob,
  OutboxJob,
  OutboxRepository,
  OutboxStatus,
} from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { iso, outboxJobToRow, rowToOutboxJob } from './rows';
import type { Database, OutboxTable } from './schema';
import type { SqliteHotPath } from './sqlite-hot-path';
import { enqueueJob } from './sqlite-intake';
import { guard, isConflict, toStoreError } from './store-errors';

// A literal, not a parameter: SQLite and PostgreSQL only match `on conflict … where` to the partial
// index `outbox_pending_coalesce_key` when the predicate is spelled like the index's.
const PENDING = sql.lit('pending');
const LIVE_STATUSES: OutboxStatus[] = ['pending', 'running'];
/** A race lost this many times in a row means something else is wrong. */
const MAX_RACES = 5;

export function outboxRepository(ctx: RepositoryContext): OutboxRepository {
  return {
    enqueue: (job, now) => guard(`enqueuing a ${job.kind} job`, () => enqueue(ctx, job, now)),
    claimLanes: (claim) => guard('claiming outbox lanes', () => claimLanes(ctx, claim)),
    renewLeases: (owner, now, leaseMs) =>
      guard('renewing outbox leases', async () => {
        const result = await ctx
          .db()
          .updateTable('outbox_lanes')
          .set({ locked_until: iso(new Date(now.getTime() + leaseMs), 'lease') })
          .where('owner', '=', owner)
          .where('locked_until', 'is not', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),
    releaseLane: (lane, owner, readyAt) =>
      guard(`letting go of outbox lane ${lane}`, async () => {
        await ctx
          .db()
          .updateTable('outbox_lanes')
          .set({ owner: null, locked_until: null, ready_at: iso(readyAt, 'readyAt') })
          .where('lane', '=', lane)
          .where('owner', '=', owner)
          .execute();
      }),
    reclaimAll: (now, laneReadyAt = now) =>
      guard('taking back the outbox work of a previous process', () => reclaim(ctx, now, laneReadyAt)),
    reclaimOwnedBy: (ownerPrefix, now, laneReadyAt = now) =>
      guard(`taking back the outbox work of an earlier ${ownerPrefix}`, () =>
        reclaim(ctx, now, laneReadyAt, ownerPrefix),
      ),
    release: (id, at) => guard(`handing back outbox job ${id}`, () => handBack(ctx, id, at, { uncountAttempt: true })),
    defer: (id, until) => guard(`deferring outbox job ${id}`, () => handBack(ctx, id, until, { deferred: true })),
    complete: (id, now) =>
      guard(`completing outbox job ${id}`, () =>
        // Every job ends here, and a new incident's card sets its intent just before posting: on SQLite both
        // are one cached statement each, not a query Kysely builds afresh (as the claim, see claimLanesOnSqlite).
        ctx.sqlite
          ? ctx.sqlite.run((q) => {
              q.exec(
                "update outbox set status = 'done', updated_at = ?, locked_until = null, owner = null where id = ?",
                iso(now, 'now'),
                id,
              );
            })
          : finish(ctx, id, { status: 'done', updated_at: iso(now, 'now') }),
      ),
    markSending: (id, since) =>
      guard(`marking outbox job ${id} as sending`, async () => {
        const sendingSince = since === null ? null : iso(since, 'since');
        if (ctx.sqlite) {
          await ctx.sqlite.run((q) => q.exec('update outbox set sending_since = ? where id = ?', sendingSince, id));
          return;
        }
        await ctx.db().updateTable('outbox').set({ sending_since: sendingSince }).where('id', '=', id).execute();
      }),
    retryLater: (id, at, error, options = {}) =>
      guard(`rescheduling outbox job ${id}`, () =>
        handBack(ctx, id, at, { lastError: error, uncountAttempt: options.countAttempt === false }),
      ),
    purgeDone: (before) =>
      guard('purging delivered outbox jobs', async () => {
        const beforeIso = iso(before, 'before');
        const result = await ctx
          .db()
          .deleteFrom('outbox')
          .where('status', '=', 'done')
          .where('updated_at', '<', beforeIso)
          .executeTakeFirst();
        // A lane nobody holds and that has been quiet for as long is as good as a lane never seen.
        await ctx
          .db()
          .deleteFrom('outbox_lanes')
          .where('locked_until', 'is', null)
          .where('ready_at', '<', beforeIso)
          .execute();
        return Number(result.numDeletedRows);
      }),
    retryFailedNow: (now, laneReadyAt) =>
      guard('bringing forward jobs waiting out a backoff', async () => {
        const nowIso = iso(now, 'now');
        const readyIso = iso(laneReadyAt, 'laneReadyAt');
        const db = ctx.db();
        const waiting = db
          .selectFrom('outbox')
          .select('lane')
          .where('status', '=', PENDING)
          .where('attempts', '>', 0)
          .where('next_attempt_at', '>', nowIso);
        // A failure held its lane back until the retry; the lane's own pace is the most it may wait now.
        await db
          .updateTable('outbox_lanes')
          .set({ ready_at: readyIso })
          .where('ready_at', '>', readyIso)
          .where('lane', 'in', waiting)
          .execute();
        const result = await db
          .updateTable('outbox')
          .set({ next_attempt_at: nowIso })
          .where('status', '=', PENDING)
          .where('attempts', '>', 0)
          .where('next_attempt_at', '>', nowIso)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),
    bringForward: (incidentId, kinds, now, dueBy) =>
      guard(`bringing forward the jobs of incident ${incidentId}`, async () => {
        if (kinds.length === 0) return;
        const nowIso = iso(now, 'now');
        let query = ctx
          .db()
          .updateTable('outbox')
          .set({ next_attempt_at: nowIso })
          .where('incident_id', '=', incidentId)
          .where('status', '=', PENDING)
          .where('kind', 'in', [...kinds])
          .where('next_attempt_at', '>', nowIso);
        if (dueBy) query = query.where('next_attempt_at', '<=', iso(dueBy, 'dueBy'));
        await query.execute();
      }),
    bury: (id, error, now) =>
      guard(`burying outbox job ${id}`, () =>
        finish(ctx, id, { status: 'dead', last_error: error, updated_at: iso(now, 'now') }),
      ),
    depth: () =>
      guard('measuring the outbox', async () => {
        const row = await ctx
          .db()
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', 'in', LIVE_STATUSES)
          // Backlog: due now, or failed (or rate-limited: not counted as an attempt, but it says why) and
          // waiting to retry. A job scheduled for later on purpose (a page's acknowledgement deadline) is not
          // work waiting to be done.
          .where((eb) =>
            eb.or([
              eb('next_attempt_at', '<=', iso(ctx.clock.now(), 'now')),
              eb('attempts', '>', 0),
              eb('last_error', 'is not', null),
              eb('status', '=', 'running'),
            ]),
          )
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }),
    nextDueAt: () =>
      guard('finding the next due outbox job', async () => {
        // A job is claimable once it is due and its lane is free (no lease, or a lapsed one) and ready (the
        // channel's pace). Without the lane, a job queued behind a busy lane (a channel's edits, a storm's
        // announcements) read as due now, and the worker looked again every few milliseconds for as long
        // as the lane was busy, for nothing.
        const row = await ctx
          .db()
          .selectFrom('outbox')
          .leftJoin('outbox_lanes', 'outbox_lanes.lane', 'outbox.lane')
          .select(
            sql<string | null>`min(case
              when outbox_lanes.locked_until > outbox.next_attempt_at
                and (outbox_lanes.ready_at is null or outbox_lanes.locked_until > outbox_lanes.ready_at)
                then outbox_lanes.locked_until
              when outbox_lanes.ready_at > outbox.next_attempt_at then outbox_lanes.ready_at
              else outbox.next_attempt_at end)`.as('at'),
          )
          .where('outbox.status', '=', PENDING)
          .executeTakeFirst();
        return row?.at ? new Date(row.at) : null;
      }),
    overdueSince: (cutoff) =>
      guard('looking for overdue outbox jobs', async () => {
        const row = await ctx
          .db()
          .selectFrom('outbox')
          .select((eb) => eb.fn.min('next_attempt_at').as('at'))
          .where('status', '=', PENDING)
          .where('next_attempt_at', '<', iso(cutoff, 'cutoff'))
          .executeTakeFirst();
        return row?.at ? new Date(row.at) : null;
      }),
    list: (filter = {}) =>
      guard('listing outbox jobs', async () => {
        let query = ctx.db().selectFrom('outbox').selectAll().orderBy('id');
        if (filter.status !== undefined) query = query.where('status', '=', filter.status);
        if (filter.incidentId !== undefined) query = query.where('incident_id', '=', filter.incidentId);
        return (await query.execute()).map(rowToOutboxJob);
      }),
  };
}

/**
 * Inserts unless a pending job holds the coalesce key; the unique index decides, so two writers racing
 * still end with one job. If that job is claimed between our insert and our look-up, we insert again.
 */
async function enqueue(ctx: RepositoryContext, job: NewOutboxJob, now: Date): Promise<OutboxJob> {
  const row = outboxJobToRow(job, now);
  const key = row.coalesce_key;
  // SQLite: a storm enqueues a card edit per incident per batch; plain SQL on cached statements, inside the
  // caller's transaction.
  if (ctx.sqlite) return ctx.sqlite.run((q) => enqueueJob(q, job, now));
  if (key === null || key === undefined) {
    return rowToOutboxJob(await ctx.db().insertInto('outbox').values(row).returningAll().executeTakeFirstOrThrow());
  }
  for (let race = 0; race < MAX_RACES; race++) {
    const inserted = await ctx
      .db()
      .insertInto('outbox')
      .values(row)
      .onConflict((oc) => oc.column('coalesce_key').where('status', '=', PENDING).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return rowToOutboxJob(inserted);
    const pending = await ctx
      .db()
      .selectFrom('outbox')
      .selectAll()
      .where('coalesce_key', '=', key)
      .where('status', '=', PENDING)
      .executeTakeFirst();
    if (pending) return rowToOutboxJob(pending);
  }
  throw new FirebreakError('STORE_CONFLICT', `enqueuing a ${job.kind} job: its coalesce key kept changing hands`, {
    step: 'enqueuing an outbox job',
  });
}

/**
 * Frees the lanes and running jobs held (by anyone, or by owners whose name starts with `ownerPrefix`) and
 * makes the jobs due now; returns how many jobs it freed.
 */
async function reclaim(ctx: RepositoryContext, now: Date, laneReadyAt: Date, ownerPrefix?: string): Promise<number> {
  const db = ctx.db();
  // substr rather than LIKE: a name's `_` would be a wildcard there.
  const owned = <T extends 'outbox' | 'outbox_lanes'>(eb: ExpressionBuilder<Database, T>) =>
    ownerPrefix === undefined
      ? eb.lit(true)
      : eb(sql<string>`substr(owner, 1, ${ownerPrefix.length})`, '=', ownerPrefix);
  // The dead process may have written to a held lane's channel a moment ago without storing its pace:
  // the lane's next write waits a full interval from now.
  const readyIso = iso(laneReadyAt, 'laneReadyAt');
  await db
    .updateTable('outbox_lanes')
    .set({
      owner: null,
      locked_until: null,
      ready_at: sql`case when ready_at > ${readyIso} then ready_at else ${readyIso} end`,
    })
    .where('locked_until', 'is not', null)
    .where(owned)
    .execute();
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', owner: null, locked_until: null, next_attempt_at: iso(now, 'now') })
    .where('status', '=', 'running')
    .where(owned)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Due in a lane being claimed: pending and due, or left running by an owner whose lease lapsed. */
function dueInLane(nowIso: string) {
  return (eb: ExpressionBuilder<Database, 'outbox'>) =>
    eb.or([
      eb.and([eb('outbox.status', '=', PENDING), eb('outbox.next_attempt_at', '<=', nowIso)]),
      eb('outbox.status', '=', 'running'),
    ]);
}

/**
 * Finds lanes with due work that nobody holds, takes each with one conditional upsert (of several claimers,
 * exactly one wins a lane), then marks the lane's due jobs running. PostgreSQL and SQLite alike: the lane
 * row, not a lock held across statements, is what keeps two replicas out of one channel.
 */
async function claimLanes(ctx: RepositoryContext, claim: LaneClaim): Promise<ClaimedLane[]> {
  if (claim.maxLanes <= 0) return [];
  if (ctx.sqlite) return ctx.sqlite.run((q) => claimLanesOnSqlite(q, claim));
  const db = ctx.db();
  const nowIso = iso(claim.now, 'now');
  const leaseIso = iso(new Date(claim.now.getTime() + claim.leaseMs), 'lease');
  const candidates = await db
    .selectFrom('outbox')
    .leftJoin('outbox_lanes', 'outbox_lanes.lane', 'outbox.lane')
    .select([
      'outbox.lane as lane',
      (eb) => eb.fn.min('outbox.priority').as('priority'),
      (eb) => eb.fn.min('outbox.id').as('first'),
    ])
    .where(dueInLane(nowIso))
    .where((eb) =>
      eb.or([
        eb('outbox_lanes.lane', 'is', null),
        eb.and([
          eb.or([eb('outbox_lanes.locked_until', 'is', null), eb('outbox_lanes.locked_until', '<', nowIso)]),
          eb('outbox_lanes.ready_at', '<=', nowIso),
        ]),
      ]),
    )
    .groupBy('outbox.lane')
    .orderBy('priority')
    .orderBy('first')
    .limit(claim.maxLanes)
    .execute();
  const chosen = urgentFirst(candidates, claim);
  if (chosen.length === 0) return [];
  // One conditional upsert for all of them: of several claimers, exactly one wins each lane (the conflict's
  // condition is checked again on the row as the winner left it). Three statements per claim, not two a lane:
  // replicas claiming at once after an outage, on a loaded machine, spent their time in round trips.
  const won = await db
    .insertInto('outbox_lanes')
    .values(chosen.map(({ lane }) => ({ lane, owner: claim.owner, locked_until: leaseIso, ready_at: nowIso })))
    .onConflict((oc) =>
      oc
        .column('lane')
        .doUpdateSet({ owner: claim.owner, locked_until: leaseIso })
        .where((eb) =>
          eb.and([
            eb.or([eb('outbox_lanes.locked_until', 'is', null), eb('outbox_lanes.locked_until', '<', nowIso)]),
            eb('outbox_lanes.ready_at', '<=', nowIso),
          ]),
        ),
    )
    .returning('lane')
    .execute();
  if (won.length === 0) return []; // others took them between our look and our claim
  const wonLanes = won.map((w) => w.lane);
  // Each lane's first due jobs, at most maxJobsPerLane of them.
  const ranked = db
    .selectFrom('outbox')
    .select([
      'outbox.id as id',
      sql<number>`row_number() over (partition by outbox.lane order by outbox.id)`.as('rank'),
    ])
    .where('outbox.lane', 'in', wonLanes)
    .where(dueInLane(nowIso));
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'running',
      owner: claim.owner,
      locked_until: leaseIso,
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where(
      'id',
      'in',
      db.selectFrom(ranked.as('ranked')).select('ranked.id').where('ranked.rank', '<=', claim.maxJobsPerLane),
    )
    .returningAll()
    .execute();
  const jobsByLane = new Map<string, OutboxJob[]>();
  for (const row of rows) {
    const job = rowToOutboxJob(row);
    jobsByLane.set(job.lane, [...(jobsByLane.get(job.lane) ?? []), job]);
  }
  // Lanes whose jobs were done or rescheduled meanwhile: let them go at once.
  const empty = wonLanes.filter((lane) => !jobsByLane.has(lane));
  if (empty.length > 0)
    await db
      .updateTable('outbox_lanes')
      .set({ owner: null, locked_until: null })
      .where('lane', 'in', empty)
      .where('owner', '=', claim.owner)
      .execute();
  // In the order they were chosen (priority, then the oldest job); RETURNING promises no order, and a
  // lane's jobs run in the order they were enqueued.
  const claimed: ClaimedLane[] = [];
  for (const { lane } of chosen) {
    const jobs = jobsByLane.get(lane);
    if (jobs) claimed.push({ lane, jobs: jobs.sort((a, b) => a.id - b.id) });
  }
  return claimed;
}

/** Urgent lanes come first among the candidates: the rest are left for a later claim, when the claim says so. */
function urgentFirst<C extends { priority: unknown }>(candidates: C[], claim: LaneClaim): C[] {
  const urgent = claim.urgent === 'only' || (claim.urgent === 'first' && Number(candidates[0]?.priority) === 0);
  return urgent ? candidates.filter((c) => Number(c.priority) === 0) : candidates;
}

const DUE_IN_LANE = "((outbox.status = 'pending' and outbox.next_attempt_at <= ?) or outbox.status = 'running')";
const LANE_FREE = '(outbox_lanes.locked_until is null or outbox_lanes.locked_until < ?) and outbox_lanes.ready_at <= ?';

/**
 * `claimLanes` on SQLite, as the same statements in plain SQL on cached statements, run back to back with no
 * await between them: the worker claims after every lane it finishes, and building these queries with Kysely
 * cost several times what SQLite took to run them.
 */
function claimLanesOnSqlite(q: SqliteHotPath, claim: LaneClaim): ClaimedLane[] {
  const nowIso = iso(claim.now, 'now');
  const leaseIso = iso(new Date(claim.now.getTime() + claim.leaseMs), 'lease');
  const candidates = q.all<{ lane: string; priority: number }>(
    `select outbox.lane as lane, min(outbox.priority) as priority, min(outbox.id) as first from outbox
     left join outbox_lanes on outbox_lanes.lane = outbox.lane
     where ${DUE_IN_LANE} and (outbox_lanes.lane is null or (${LANE_FREE}))
     group by outbox.lane order by priority, first limit ?`,
    nowIso,
    nowIso,
    nowIso,
    claim.maxLanes,
  );
  const claimed: ClaimedLane[] = [];
  for (const { lane } of urgentFirst(candidates, claim)) {
    const won = q.get(
      `insert into outbox_lanes (lane, owner, locked_until, ready_at) values (?, ?, ?, ?)
       on conflict (lane) do update set owner = excluded.owner, locked_until = excluded.locked_until
       where ${LANE_FREE} returning lane`,
      lane,
      claim.owner,
      leaseIso,
      nowIso,
      nowIso,
      nowIso,
    );
    if (!won) continue;
    const rows = q.all<Selectable<OutboxTable>>(
      `update outbox set status = 'running', owner = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?
       where id in (select id from outbox where lane = ? and ${DUE_IN_LANE} order by id limit ?) returning *`,
      claim.owner,
      leaseIso,
      nowIso,
      lane,
      nowIso,
      claim.maxJobsPerLane,
    );
    if (rows.length === 0) {
      // Its jobs were done or rescheduled meanwhile: let it go at once.
      q.exec(
        'update outbox_lanes set owner = null, locked_until = null where lane = ? and owner = ?',
        lane,
        claim.owner,
      );
      continue;
    }
    claimed.push({ lane, jobs: rows.map(rowToOutboxJob).sort((a, b) => a.id - b.id) });
  }
  return claimed;
}

/** Ends a job's run for good (done or dead), dropping its lease. */
async function finish(ctx: RepositoryContext, id: number, changes: Updateable<OutboxTable>): Promise<void> {
  await ctx
    .db()
    .updateTable('outbox')
    .set({ ...changes, locked_until: null, owner: null })
    .where('id', '=', id)
    .execute();
}

interface HandBack {
  /** The attempt the claim counted did not happen (a release, not a failure). */
  uncountAttempt?: boolean;
  /** Scheduled for later on purpose: not a failure, so no attempts and no error are left on it. */
  deferred?: boolean;
  lastError?: string;
}

/**
 * Makes a claimed job pending again, due at `at`. While it ran, a newer job may have taken its coalesce
 * key (a running job does not absorb work); then that one already covers it, so this one is closed as
 * superseded and the newer one waits at least until `at` (a rate limit applies to both).
 */
async function handBack(ctx: RepositoryContext, id: number, at: Date, changes: HandBack): Promise<void> {
  for (let race = 0; race < MAX_RACES; race++) {
    if (await supersede(ctx, id, at, changes.lastError)) return;
    try {
      await ctx
        .db()
        .updateTable('outbox')
        .set((eb) => ({
          status: 'pending',
          next_attempt_at: iso(at, 'at'),
          locked_until: null,
          owner: null,
          updated_at: iso(ctx.clock.now(), 'now'),
          ...(changes.lastError !== undefined ? { last_error: changes.lastError } : {}),
          // Not an attempt (a hand-back, a rate limit). The send intent stays: the rate limit may have been
          // on the search for what an earlier attempt sent, not on the send (only postOnce clears it).
          ...(changes.uncountAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
          ...(changes.deferred ? { attempts: 0, last_error: null } : {}),
        }))
        .where('id', '=', id)
        .execute();
      return;
    } catch (error) {
      // A newer job took the key between our look and our write. Inside a PostgreSQL transaction the
      // failed statement has aborted the transaction, so only outside one can we look again.
      if (!isConflict(error) || ctx.db().isTransaction) throw toStoreError(error, `handing back outbox job ${id}`);
    }
  }
  throw new FirebreakError('STORE_CONFLICT', `handing back outbox job ${id}: its coalesce key kept changing hands`, {
    step: 'handing back an outbox job',
  });
}

/** Closes job `id` if a newer pending job holds its coalesce key; true when it did. */
async function supersede(ctx: RepositoryContext, id: number, at: Date, failure: string | undefined): Promise<boolean> {
  const db = ctx.db();
  const job = await db.selectFrom('outbox').select(['coalesce_key']).where('id', '=', id).executeTakeFirst();
  if (!job?.coalesce_key) return false;
  const newer = await db
    .selectFrom('outbox')
    .select(['id', 'next_attempt_at'])
    .where('coalesce_key', '=', job.coalesce_key)
    .where('status', '=', PENDING)
    .where('id', '<>', id)
    .executeTakeFirst();
  if (!newer) return false;
  const atIso = iso(at, 'at');
  if (newer.next_attempt_at < atIso) {
    await db
      .updateTable('outbox')
      .set({ next_attempt_at: atIso })
      .where('id', '=', newer.id)
      .where('status', '=', PENDING)
      .execute();
  }
  await finish(ctx, id, {
    status: 'done',
    last_error: `superseded by job ${newer.id}${failure !== undefined ? ` after: ${failure}` : ''}`,
    updated_at: iso(ctx.clock.now(), 'now'),
  });
  return true;
}
