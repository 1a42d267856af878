// Drafting a postmortem again reads only the events appended since the last draft (flows/postmortem-document.ts).
// On a real SQLite file and on PostgreSQL: every draft still tells the whole timeline, including an event
// committed after the last draft with a smaller id than the ones read then, as PostgreSQL may commit them.
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import { timelineEventToRow } from '../../src/adapters/store/rows';
import type { Database } from '../../src/adapters/store/schema';
import type { Actor } from '../../src/domain/actor';
import { timelineEvent } from '../../src/domain/timeline';
import { loadPostmortem } from '../../src/flows/postmortem-document';
import type { Store } from '../../src/ports/store';
import { anIncident, at, T0 } from '../support/builders';
import type { TestDatabase } from '../support/postgres';
import { databaseTargets } from '../support/store-targets';

const targets = databaseTargets('pm-reads');

const ada: Actor = { kind: 'user', id: 'U0ADA', name: 'ada' };

describe.each(targets)('a postmortem drafted again, on %s', (_name, create) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let store: Store;

  beforeEach(async () => {
    database = await create();
    db = openDatabase(database.url);
    await migrateToLatest(db);
    store = createKyselyStore(db);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const notes = async (incidentId: number): Promise<string[]> => {
    const postmortem = await loadPostmortem({ store, clock: { now: () => at(60) }, timeZone: 'UTC' }, incidentId);
    return (postmortem?.timeline ?? []).filter((e) => e.kind === 'note').map((e) => e.text);
  };
  /** A note stored with the id given, as a transaction that took its id earlier and committed later would. */
  const storedWithId = (incidentId: number, id: number, minute: number, text: string) =>
    db
      .insertInto('timeline_events')
      .values({ ...timelineEventToRow(timelineEvent(incidentId, at(minute), 'note.added', ada, { text })), id })
      .execute();

  it('tells the events appended since, and one committed late with a smaller id', async () => {
    const { id: _id, ...incident } = anIncident({ openedAt: T0 });
    const { id } = await store.incidents.insert(incident);
    const other = await store.incidents.insert({
      ...incident,
      groupKey: 'another',
      channelId: null,
      channelName: null,
    });
    await store.timeline.append(timelineEvent(id, at(1), 'note.added', ada, { text: 'first' }));
    expect(await notes(id)).toEqual(['Note: first']);

    const second = await store.timeline.append(timelineEvent(id, at(2), 'note.added', ada, { text: 'second' }));
    await store.timeline.append(timelineEvent(other.id, at(2), 'note.added', ada, { text: 'elsewhere' }));
    expect(await notes(id)).toEqual(['Note: first', 'Note: second']);

    await storedWithId(id, second.id + 10, 3, 'third');
    expect(await notes(id)).toEqual(['Note: first', 'Note: second', 'Note: third']);
    await storedWithId(id, second.id + 5, 4, 'committed late');
    expect(await notes(id)).toEqual(['Note: first', 'Note: second', 'Note: third', 'Note: committed late']);
    expect(await notes(other.id)).toEqual(['Note: elsewhere']);
  });
});
