// Pages and pager actors stored before paging was vendor-neutral still read: `{kind: 'pagerduty'}` actors,
// pages keyed `dedupKey` with who acknowledged as text, `page.sent` events without the pager's name. On a real
// SQLite file, and on PostgreSQL too (see test/support/postgres.ts).
import type { Kysely } from 'kysely';
import { openDatabase } from '../../../src/adapters/store/database';
import { createKyselyStore } from '../../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../../src/adapters/store/migrations';
import type { Database } from '../../../src/adapters/store/schema';
import { actorName } from '../../../src/domain/actor';
import { pageAcknowledged, pagerActor, requestPage } from '../../../src/domain/paging';
import type { Store } from '../../../src/ports/store';
import { anIncident, at } from '../../support/builders';
import type { TestDatabase } from '../../support/postgres';
import { databaseTargets } from '../../support/store-targets';

/** A page as Firebreak stored it before paging was vendor-neutral. */
function earlierPage(acknowledgedBy: string | null): string {
  return JSON.stringify({
    status: acknowledgedBy ? 'acknowledged' : 'triggered',
    dedupKey: 'firebreak-inc-1',
    count: 1,
    requestedAt: at(0).toISOString(),
    sentAt: at(0).toISOString(),
    ackDueAt: acknowledgedBy ? null : at(5).toISOString(),
    acknowledgedAt: acknowledgedBy ? at(2).toISOString() : null,
    acknowledgedBy,
    reminded: false,
    error: null,
    assignedTo: null,
  });
}

// Its own lifecycle, not storesOnAFreshDatabase: it writes rows as an earlier version did, through the database.
describe.each(databaseTargets('paging'))('stored paging on %s', (_name, create) => {
  let database: TestDatabase | undefined;
  let db: Kysely<Database>;
  let store: Store;
  let incidentId: number;

  beforeEach(async () => {
    database = await create();
    db = openDatabase(database.url);
    await migrateToLatest(db);
    store = createKyselyStore(db);
    incidentId = (await store.incidents.insert(anIncident({ channelId: null, page: null }))).id;
  });

  afterEach(async () => {
    await store?.close().catch(() => undefined);
    await database?.drop();
    database = undefined;
  });

  const storePage = (text: string) =>
    db.updateTable('incidents').set({ page: text }).where('id', '=', incidentId).execute();

  it('reads timeline events written with a PagerDuty actor and a page.sent without the pager’s name', async () => {
    await db
      .insertInto('timeline_events')
      .values([
        {
          incident_id: incidentId,
          at: at(1).toISOString(),
          type: 'page.sent',
          actor: JSON.stringify({ kind: 'firebreak' }),
          data: JSON.stringify({ dedupKey: 'firebreak-inc-1', count: 1 }),
        },
        {
          incident_id: incidentId,
          at: at(2).toISOString(),
          type: 'page.acknowledged',
          actor: JSON.stringify({ kind: 'pagerduty', id: 'PUSR0ALICE', name: 'Alice Archer' }),
          data: JSON.stringify({ by: 'Alice Archer' }),
        },
        {
          incident_id: incidentId,
          at: at(3).toISOString(),
          type: 'page.escalated',
          actor: JSON.stringify({ kind: 'pagerduty' }),
          data: JSON.stringify({ to: 'Bob Baker' }),
        },
      ])
      .execute();
    const [sent, acked, escalated] = await store.timeline.list(incidentId);
    expect(sent).toMatchObject({ type: 'page.sent', data: { key: 'firebreak-inc-1', via: 'PagerDuty', count: 1 } });
    expect(sent?.data).not.toHaveProperty('dedupKey');
    expect(acked?.actor).toEqual({ kind: 'pager', via: 'PagerDuty', id: 'PUSR0ALICE', name: 'Alice Archer' });
    expect(escalated?.actor).toEqual({ kind: 'pager', via: 'PagerDuty' });
    // Written the same as before.
    expect(actorName(acked!.actor)).toBe('Alice Archer (PagerDuty)');
    expect(actorName(escalated!.actor)).toBe('PagerDuty');
  });

  it('reads new page.sent events as written', async () => {
    const event = await store.timeline.append({
      incidentId,
      at: at(1),
      type: 'page.sent',
      actor: { kind: 'firebreak' },
      data: { key: 'firebreak-inc-1', via: 'Another Pager', count: 2 },
    });
    expect(await store.timeline.list(incidentId)).toEqual([event]);
  });

  it('reads a page stored with its dedupKey and who acknowledged as text', async () => {
    await storePage(earlierPage('<@U0BOB>'));
    expect((await store.incidents.findById(incidentId))?.page).toMatchObject({
      key: 'firebreak-inc-1',
      via: 'PagerDuty',
      status: 'acknowledged',
      acknowledgedAt: at(2),
      acknowledgedBy: { kind: 'user', id: 'U0BOB' },
    });
    expect((await store.incidents.findById(incidentId))?.page).not.toHaveProperty('dedupKey');

    await storePage(earlierPage('Alice Archer'));
    expect((await store.incidents.findById(incidentId))?.page?.acknowledgedBy).toEqual({
      kind: 'pager',
      via: 'PagerDuty',
      name: 'Alice Archer',
    });
    await storePage(earlierPage('PagerDuty'));
    expect((await store.incidents.findById(incidentId))?.page?.acknowledgedBy).toEqual({
      kind: 'pager',
      via: 'PagerDuty',
    });
    await storePage(earlierPage(null));
    expect((await store.incidents.findById(incidentId))?.page).toMatchObject({
      status: 'triggered',
      ackDueAt: at(5),
      acknowledgedBy: null,
    });
  });

  it('round-trips a page as written now, who acknowledged as an actor', async () => {
    const page = pageAcknowledged(
      requestPage(null, incidentId, at(0), 'Another Pager'),
      pagerActor('Another Pager', { id: 'u1', name: 'Alice' }),
      at(2),
    );
    await store.incidents.update(incidentId, { page });
    expect((await store.incidents.findById(incidentId))?.page).toEqual(page);
  });
});
