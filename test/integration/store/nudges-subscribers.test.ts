// Migration 010's tables through the Store port, on a real SQLite file and on PostgreSQL (see
// test/support/postgres.ts): the one prompt per incident and kind, subscribers, the latest event of a type.
import { timelineEvent } from '../../../src/domain/timeline';
import type { Store } from '../../../src/ports/store';
import { at, T0 } from '../../support/builders';
import { databaseTargets, storesOnAFreshDatabase } from '../../support/store-targets';

describe.each(databaseTargets('nudges'))('nudges and subscribers on %s', (_name, create) => {
  const stores = storesOnAFreshDatabase(create);
  let store: Store;
  let incidentId: number;

  beforeEach(async () => {
    store = await stores.openStore();
    const incident = await store.incidents.insert({
      title: 'Checkout errors',
      severity: 'sev2',
      status: 'investigating',
      service: 'checkout',
      groupKey: null,
      leadUserId: null,
      declaredBy: { kind: 'user', id: 'U0ALICE' },
      channelId: null,
      channelName: null,
      cardMessageId: null,
      channelFailure: null,
      announcement: null,
      openedAt: T0,
      mitigatedAt: null,
      resolvedAt: null,
      alertsResolvedAt: null,
      page: null,
      onCall: null,
      capacity: null,
    });
    incidentId = incident.id;
  });

  it('keeps one prompt per incident and kind, replaced when saved again, with what settled it', async () => {
    expect(await store.nudges.find(incidentId, 'update')).toBeNull();
    const first = {
      incidentId,
      kind: 'update' as const,
      channelId: 'C1',
      messageId: '1.000100',
      postedAt: at(30),
      settled: null,
    };
    await store.nudges.save(first);
    expect(await store.nudges.find(incidentId, 'update')).toEqual(first);
    const settled = { ...first, settled: { why: 'update_posted' as const, at: at(41) } };
    await store.nudges.save(settled);
    expect(await store.nudges.find(incidentId, 'update')).toEqual(settled);
    expect(await store.nudges.find(incidentId, 'lead')).toBeNull();
  });

  it('subscribes once, lists in order, and unsubscribes', async () => {
    expect(await store.subscribers.add(incidentId, 'U0CAROL', at(1))).toBe(true);
    expect(await store.subscribers.add(incidentId, 'U0CAROL', at(2))).toBe(false);
    expect(await store.subscribers.add(incidentId, 'U0BOB', at(3))).toBe(true);
    expect(await store.subscribers.list(incidentId)).toEqual(['U0CAROL', 'U0BOB']);
    expect(await store.subscribers.remove(incidentId, 'U0CAROL')).toBe(true);
    expect(await store.subscribers.remove(incidentId, 'U0CAROL')).toBe(false);
    expect(await store.subscribers.list(incidentId)).toEqual(['U0BOB']);
  });

  it('finds the latest event of the given types', async () => {
    const actor = { kind: 'user' as const, id: 'U0ALICE' };
    await store.timeline.append(timelineEvent(incidentId, at(1), 'note.added', actor, { text: 'a' }));
    await store.timeline.append(timelineEvent(incidentId, at(2), 'incident.update_posted', actor, { text: 'b' }));
    await store.timeline.append(timelineEvent(incidentId, at(3), 'page.failed', actor, { message: 'c' }));
    // Alert events are left out of the by-type index (migration 017), yet are still found when asked for.
    const monitor = { kind: 'monitor' as const, id: 'alertmanager' };
    const fired = { fingerprint: 'f1', title: 'CPU high', severity: 'sev2' as const };
    await store.timeline.append(timelineEvent(incidentId, at(4), 'alert.fired', monitor, fired));
    const latest = await store.timeline.latestOfTypes(incidentId, ['note.added', 'incident.update_posted']);
    expect(latest).toMatchObject({ type: 'incident.update_posted', data: { text: 'b' } });
    expect(await store.timeline.latestOfTypes(incidentId, ['alert.fired', 'note.added'])).toMatchObject({
      type: 'alert.fired',
      data: { fingerprint: 'f1' },
    });
    expect(await store.timeline.latestOfTypes(incidentId, ['scale.failed'])).toBeNull();
    expect(await store.timeline.latestOfTypes(incidentId, [])).toBeNull();
  });
});
