// The outbox's readiness query (overdueSince) on a real SQLite file, and on PostgreSQL too (see
// test/support/postgres.ts: required in CI, skipped without TEST_DATABASE_URL elsewhere).
import type { Store } from '../../../src/ports/store';
import { at } from '../../support/builders';
import { databaseTargets, storesOnAFreshDatabase } from '../../support/store-targets';

describe.each(databaseTargets('overdue'))('outbox.overdueSince on %s', (_name, create) => {
  const stores = storesOnAFreshDatabase(create);
  let store: Store;

  beforeEach(async () => {
    store = await stores.openStore();
  });

  it('names when the longest-waiting pending job became due, if before the cutoff', async () => {
    expect(await store.outbox.overdueSince(at(10))).toBeNull();
    await store.outbox.enqueue({ kind: 'k', notBefore: at(3) }, at(0));
    const first = await store.outbox.enqueue({ kind: 'k', notBefore: at(2) }, at(0));
    await store.outbox.enqueue({ kind: 'k', notBefore: at(20) }, at(0));

    expect(await store.outbox.overdueSince(at(2))).toBeNull(); // due exactly at the cutoff: not yet overdue
    expect(await store.outbox.overdueSince(at(2.5))).toEqual(at(2));
    expect(await store.outbox.overdueSince(at(30))).toEqual(at(2));

    // Delivered: no longer waiting.
    await store.outbox.complete(first.id, at(2));
    expect(await store.outbox.overdueSince(at(30))).toEqual(at(3));
  });

  it('does not count dead jobs, nor jobs scheduled for later', async () => {
    const job = await store.outbox.enqueue({ kind: 'k' }, at(0));
    await store.outbox.bury(job.id, 'channel_not_found', at(0));
    await store.outbox.enqueue({ kind: 'k', notBefore: at(60) }, at(0));
    expect(await store.outbox.overdueSince(at(30))).toBeNull();
  });
});
