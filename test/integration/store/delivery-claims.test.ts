// deliveries.claim on a real SQLite file, and on PostgreSQL too (see test/support/postgres.ts: required in
// CI, skipped without TEST_DATABASE_URL elsewhere): one key is claimed once, however many callers race for it.
import { databaseTargets, storesOnAFreshDatabase, whileAnotherTransactionRollsBack } from '../../support/store-targets';

jest.setTimeout(30_000);

describe.each(databaseTargets('claims'))('deliveries.claim on %s', (_name, create) => {
  const { openStore } = storesOnAFreshDatabase(create);

  it('claims a key once; the second claim answers false without an error', async () => {
    const store = await openStore();
    const now = new Date('2023-02-15T11:30:00Z');
    expect(await store.deliveries.claim('sns-confirmation:abc', now)).toBe(true);
    expect(await store.deliveries.claim('sns-confirmation:abc', now)).toBe(false);
    expect(await store.deliveries.claim('sns-confirmation:def', now)).toBe(true);
    expect(await store.deliveries.find('sns-confirmation:abc')).toEqual({ response: null, receivedAt: now });
  });

  it('inside a transaction, a lost claim does not spoil the transaction', async () => {
    const store = await openStore();
    const now = new Date('2023-02-15T11:30:00Z');
    await store.deliveries.claim('k', now);
    const result = await store.transaction(async (tx) => {
      const won = await tx.deliveries.claim('k', now);
      await tx.deliveries.record('after', { ok: true }, now);
      return won;
    });
    expect(result).toBe(false);
    expect(await store.deliveries.find('after')).not.toBeNull();
  });

  it("a claim made while another caller's transaction is open stays when that transaction rolls back", async () => {
    const store = await openStore();
    const now = new Date('2023-02-15T11:30:00Z');
    // From outside the transaction, as the replay guard claims: never part of someone else's transaction.
    const claimed = whileAnotherTransactionRollsBack(store, 'rolled-back', now, () =>
      store.deliveries.claim('outside', now),
    );
    expect(await claimed).toBe(true);
    expect(await store.deliveries.find('rolled-back')).toBeNull();
    expect(await store.deliveries.find('outside')).toEqual({ response: null, receivedAt: now });
  });

  it('claims made together are each answered once stored: the first claim of a key wins, the rest of the batch too', async () => {
    const store = await openStore();
    const now = new Date('2023-02-15T11:30:00Z');
    await store.deliveries.claim('before', now);
    // Asked for together, in one turn of the event loop.
    const claims = ['a', 'b', 'a', 'before', 'c'].map((key) => store.deliveries.claim(key, now));
    expect(await Promise.all(claims)).toEqual([true, true, false, false, true]);
    // Durable when answered: another connection (a restarted process) sees every claim that won.
    const restarted = await openStore();
    for (const key of ['a', 'b', 'c']) {
      expect(await restarted.deliveries.find(key)).toEqual({ response: null, receivedAt: now });
      expect(await restarted.deliveries.claim(key, now)).toBe(false);
    }
  });

  it('of several stores racing on one key, exactly one wins', async () => {
    const racers = [await openStore(), await openStore(), await openStore()];
    const now = new Date('2023-02-15T11:30:00Z');
    for (let round = 0; round < 20; round++) {
      const wins = await Promise.all(
        racers.flatMap((store) => [
          store.deliveries.claim(`race-${round}`, now),
          store.deliveries.claim(`race-${round}`, now),
        ]),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
  });
});
