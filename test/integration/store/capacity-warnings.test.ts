// Migration 013's capacity_warnings through the Store port, on a real SQLite file and on PostgreSQL: one open
// warning per target (the partial unique index), every field read back as stored, closed ones kept.
import type { NewCapacityWarning } from '../../../src/domain/capacity/capacity-warning';
import type { Store } from '../../../src/ports/store';
import { at } from '../../support/builders';
import { databaseTargets, storesOnAFreshDatabase } from '../../support/store-targets';

const OPEN: NewCapacityWarning = {
  target: 'web',
  state: 'open',
  openedAt: at(0),
  updatedAt: at(0),
  closedAt: null,
  closeReason: null,
  numbers: {
    at: at(0),
    loadNow: 612.5,
    peak: { at: at(20), value: 1480 },
    saturatesAt: at(11),
    passesTargetAt: at(10),
    utilizationNow: 0.6125,
    utilizationAtPeak: 1.48,
    instances: 4,
    needed: 9,
    scaleOut: 5,
    beyondMax: false,
    targetUtilization: 0.7,
    perInstance: 250,
    lookaheadMinutes: 20,
  },
  openedInstances: 4,
  sourceProblem: null,
  calmChecks: 0,
  offer: 1,
  incidentId: null,
  channelId: null,
  messageId: null,
  outcome: null,
};

describe.each(databaseTargets('capacity'))('capacity warnings on %s', (_name, create) => {
  const stores = storesOnAFreshDatabase(create);
  let store: Store;

  beforeEach(async () => {
    store = await stores.openStore();
  });

  it('one open warning per target; updated and closed in place; a new one may open after', async () => {
    const first = await store.capacityWarnings.insert(OPEN);
    expect(first).toEqual({ id: first.id, ...OPEN });
    await expect(store.capacityWarnings.insert(OPEN)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(await store.capacityWarnings.insert({ ...OPEN, target: 'api' })).toMatchObject({ target: 'api' });

    const outcome = {
      kind: 'scaled' as const,
      by: { kind: 'user' as const, id: 'U0ALICE' },
      amount: 5,
      operationId: 3,
      at: at(2),
    };
    const scaled = await store.capacityWarnings.update(first.id, {
      outcome,
      offer: 2,
      channelId: 'C1',
      messageId: '1.0001',
    });
    expect(scaled).toMatchObject({ outcome, offer: 2, channelId: 'C1', messageId: '1.0001' });
    expect(await store.capacityWarnings.findOpen('web')).toEqual(scaled);

    const closed = await store.capacityWarnings.update(first.id, {
      state: 'closed',
      closedAt: at(160),
      closeReason: 'load_fell',
      sourceProblem: 'Prometheus at http://prom:9090: ECONNREFUSED',
    });
    expect(closed).toMatchObject({ state: 'closed', closedAt: at(160), closeReason: 'load_fell' });
    expect(await store.capacityWarnings.findOpen('web')).toBeNull();
    expect((await store.capacityWarnings.listOpen()).map((w) => w.target)).toEqual(['api']);
    const again = await store.capacityWarnings.insert({ ...OPEN, openedAt: at(300) });
    expect((await store.capacityWarnings.listByTarget('web', 5)).map((w) => w.id)).toEqual([again.id, first.id]);
  });
});
