// slackRequestClaims (the replay guard's memory, migration 018) on a real SQLite file, and on PostgreSQL too
// (see test/support/postgres.ts: required in CI, skipped without TEST_DATABASE_URL elsewhere): one signed request
// is claimed once, however many callers or replicas race for it, and the claim outlives the process.
import { databaseTargets, storesOnAFreshDatabase, whileAnotherTransactionRollsBack } from '../../support/store-targets';

jest.setTimeout(30_000);

const SIGNED_AT = 1_796_000_000;
const signature = (n: number): string => `v0=${n.toString(16).padStart(64, '0')}`;

describe.each(databaseTargets('slack-claims'))('slackRequestClaims on %s', (_name, create) => {
  const { openStore } = storesOnAFreshDatabase(create);

  it('claims a signed request once; the same signature with another timestamp is another request', async () => {
    const store = await openStore();
    expect(await store.slackRequestClaims.claim(SIGNED_AT, signature(1))).toBe(true);
    expect(await store.slackRequestClaims.claim(SIGNED_AT, signature(1))).toBe(false);
    expect(await store.slackRequestClaims.claim(SIGNED_AT, signature(2))).toBe(true);
    expect(await store.slackRequestClaims.claim(SIGNED_AT + 1, signature(1))).toBe(true);
  });

  it("a claim made while another caller's transaction is open stays when that transaction rolls back", async () => {
    const store = await openStore();
    // From outside the transaction, as the replay guard claims: never part of someone else's transaction.
    const claimed = whileAnotherTransactionRollsBack(store, 'rolled-back', new Date(), () =>
      store.slackRequestClaims.claim(SIGNED_AT, signature(7)),
    );
    expect(await claimed).toBe(true);
    expect(await store.deliveries.find('rolled-back')).toBeNull();
    expect(await store.slackRequestClaims.claim(SIGNED_AT, signature(7))).toBe(false);
  });

  it('of several stores racing on one request, exactly one wins, and a restarted one remembers it', async () => {
    const racers = [await openStore(), await openStore(), await openStore()];
    for (let round = 0; round < 20; round++) {
      const wins = await Promise.all(
        racers.flatMap((store) => [
          store.slackRequestClaims.claim(SIGNED_AT + round, signature(round)),
          store.slackRequestClaims.claim(SIGNED_AT + round, signature(round)),
        ]),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
    const restarted = await openStore();
    expect(await restarted.slackRequestClaims.claim(SIGNED_AT + 3, signature(3))).toBe(false);
  });

  it('prunes the claims signed before a moment, and only those', async () => {
    const store = await openStore();
    for (let s = 0; s < 5; s++) await store.slackRequestClaims.claim(SIGNED_AT + s * 60, signature(s));
    expect(await store.slackRequestClaims.prune(new Date((SIGNED_AT + 120) * 1000))).toBe(2);
    expect(await store.slackRequestClaims.claim(SIGNED_AT, signature(0))).toBe(true);
    expect(await store.slackRequestClaims.claim(SIGNED_AT + 120, signature(2))).toBe(false);
  });
});
