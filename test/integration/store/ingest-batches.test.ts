// Group commit on a real SQLite file: deliveries arriving together are stored together, each answered as
// if alone — repeats recognised, one incident per group, and one bad delivery failing only itself.
import { ingestInBatches, type IngestDeps } from '../../../src/flows/ingest-alerts';
import type { Store } from '../../../src/ports/store';
import { freshSqliteStore } from '../../support/sqlite-store';
import { anAlert, T0 } from '../../support/builders';

let remove: () => Promise<void>;
let store: Store;
beforeEach(async () => {
  ({ store, remove } = await freshSqliteStore('batches'));
});
afterEach(async () => {
  await remove();
});

function deps(overrides: Partial<IngestDeps> = {}): IngestDeps & { wakes: number; opened: number[] } {
  const seen = { wakes: 0, opened: [] as number[] };
  return Object.assign(seen, {
    store,
    clock: { now: () => T0 },
    wakeOutbox: () => {
      seen.wakes += 1;
    },
    onIncidentOpened: (id: number) => void seen.opened.push(id),
    ...overrides,
  });
}

const groupAlert = (group: number, fingerprint: string) =>
  anAlert({ groupKey: `{}:{shard="${group}"}`, fingerprint, title: `Shard ${group} is slow` });

it('stores a burst of deliveries together, answering each as if it came alone', async () => {
  const d = deps();
  const ingest = ingestInBatches(d);
  // 30 deliveries at once: 10 groups, 3 deliveries each, the last of each group a repeat of its first.
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => {
      const group = i % 10;
      const round = Math.floor(i / 10);
      const key = round === 2 ? `delivery-${group}-0` : `delivery-${group}-${round}`;
      return ingest(key, [groupAlert(group, `fp-${group}-${round === 2 ? 0 : round}`)]);
    }),
  );
  expect(answers.filter((a) => a.duplicate)).toHaveLength(10);
  expect(answers.every((a) => a.accepted === 1 && a.incidents.length === 1)).toBe(true);
  const incidents = await store.incidents.listOpen();
  expect(incidents).toHaveLength(10);
  expect(incidents.every((i) => i.alertCounts.firing === 2)).toBe(true);
  expect(d.opened.sort((a, b) => a - b)).toEqual(incidents.map((i) => i.id).sort((a, b) => a - b));
  // They arrived together: one commit, one wake of the outbox, not thirty.
  expect(d.wakes).toBe(1);
});

it('keeps counting within a batch: the last alert of an incident to resolve says so, once, and the card gets one edit', async () => {
  const ingest = ingestInBatches(deps(), { maxBatchMs: Number.POSITIVE_INFINITY });
  const [opening] = await Promise.all([ingest('open', [groupAlert(7, 'fp-a'), groupAlert(7, 'fp-b')])]);
  const incidentId = opening?.incidents[0] as number;
  // Arriving together, so stored in one transaction: another alert fires, repeats, and all three resolve.
  const resolved = (fingerprint: string) => ({ ...groupAlert(7, fingerprint), status: 'resolved' as const });
  await Promise.all([
    ingest('c', [groupAlert(7, 'fp-c')]),
    ingest('c-again', [groupAlert(7, 'fp-c')]),
    ingest('resolve-a', [resolved('fp-a')]),
    ingest('resolve-b-c', [resolved('fp-b'), resolved('fp-c')]),
  ]);
  const incident = await store.incidents.findById(incidentId);
  expect(incident?.alertCounts).toEqual({ firing: 0, resolved: 3 });
  const resolves = (await store.timeline.list(incidentId)).filter((e) => e.type === 'alert.resolved');
  expect(resolves.map((e) => [e.data.fingerprint, e.data.allResolved])).toEqual([
    ['fp-a', false],
    ['fp-b', false],
    ['fp-c', true],
  ]);
  const jobs = await store.outbox.list({ incidentId, status: 'pending' });
  expect(jobs.filter((j) => j.payload.notice === 'all_alerts_resolved')).toHaveLength(1);
  expect(jobs.filter((j) => j.kind === 'card.update')).toHaveLength(1);
});

/** The store, counting the transactions that commit (a synchronous one rolled back for the async path is not one). */
function countingCommits(inner: Store): Store & { commits: number } {
  const counting: Store & { commits: number } = Object.assign(Object.create(inner) as Store, { commits: 0 });
  counting.transaction = async (work) => {
    const result = await inner.transaction(work);
    counting.commits += 1;
    return result;
  };
  const synchronous = inner.synchronousTransaction?.bind(inner);
  if (synchronous)
    counting.synchronousTransaction = async (work) => {
      const result = await synchronous(work);
      if (result !== undefined) counting.commits += 1;
      return result;
    };
  return counting;
}

it('keeps each transaction to about a hundred alerts, and stores a bigger delivery whole, alone', async () => {
  const counted = countingCommits(store);
  const d = deps({ store: counted });
  // Counts only: no time limit, which a slow machine could reach first.
  const ingest = ingestInBatches(d, { maxBatchMs: Number.POSITIVE_INFINITY });
  const big = Array.from({ length: 150 }, (_, i) => groupAlert(1, `big-${i}`));
  const answers = await Promise.all([
    ...Array.from({ length: 150 }, (_, i) => ingest(`small-${i}`, [groupAlert(0, `small-${i}`)])),
    ingest('big', big),
  ]);
  expect(answers.every((a) => !a.duplicate)).toBe(true);
  expect((await store.incidents.listOpen()).map((i) => i.alertCounts.firing).sort((a, b) => a - b)).toEqual([150, 150]);
  // 150 small ones in two transactions (100 and 50), the big one in a third of its own.
  expect(counted.commits).toBe(3);
  // The outbox is woken by the two that queued something (each opening an incident); the second batch of
  // small ones found the card edit the first had queued still waiting, and woke nothing.
  expect(d.wakes).toBe(2);
});

it('fails only the delivery that cannot be stored when its batch fails', async () => {
  const d = deps({
    hooks: {
      opened: async (_tx, incident) => {
        if (incident.title === 'Shard 3 is slow') throw new Error('the paging hook failed');
      },
    },
  });
  const ingest = ingestInBatches(d);
  const answers = await Promise.allSettled(
    [0, 1, 2, 3, 4].map((group) => ingest(`delivery-${group}`, [groupAlert(group, `fp-${group}`)])),
  );
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect((await store.incidents.listOpen()).map((i) => i.title).sort()).toEqual([
    'Shard 0 is slow',
    'Shard 1 is slow',
    'Shard 2 is slow',
    'Shard 4 is slow',
  ]);
  // The failed one was not recorded as delivered: the monitor's retry is stored, not answered as a repeat.
  const retried = await ingestInBatches(deps())('delivery-3', [groupAlert(3, 'fp-3')]);
  expect(retried.duplicate).toBe(false);
});

// On SQLite a batch into open incidents runs as one synchronous transaction; one that opens an incident is
// rolled back and stored again by the transaction that runs the opening hooks.
it('stores a batch that opens an incident midway once, its opening hook in the same transaction', async () => {
  const d = deps({
    hooks: {
      opened: async (tx, incident, now) => {
        await tx.outbox.enqueue({ kind: 'page.trigger', incidentId: incident.id }, now);
      },
    },
  });
  const ingest = ingestInBatches(d);
  const [first] = await Promise.all([ingest('a-1', [groupAlert(1, 'fp-1')])]);
  const known = first?.incidents[0] as number;
  const answers = await Promise.all([
    ingest('a-2', [groupAlert(1, 'fp-2')]),
    ingest('a-1', [groupAlert(1, 'fp-1')]),
    ingest('b-1', [groupAlert(2, 'fp-b')]),
  ]);
  expect(answers.map((a) => a.duplicate)).toEqual([false, true, false]);
  const opened = answers[2]?.incidents[0] as number;
  expect(d.opened).toEqual([known, opened]);
  expect((await store.incidents.findById(known))?.alertCounts).toEqual({ firing: 2, resolved: 0 });
  const fired = (await store.timeline.list(known)).filter((e) => e.type === 'alert.fired');
  expect(fired.map((e) => e.data.fingerprint)).toEqual(['fp-1', 'fp-2']);
  expect(
    (await store.outbox.list({ incidentId: known, status: 'pending' })).filter((j) => j.kind === 'card.update'),
  ).toHaveLength(1);
  expect((await store.outbox.list({ incidentId: opened })).filter((j) => j.kind === 'page.trigger')).toHaveLength(1);
  // The rolled-back synchronous try had counted fp-2 already: that count went with it, not into the next batch.
  await ingest('a-3', [groupAlert(1, 'fp-3')]);
  expect((await store.incidents.findById(known))?.alertCounts).toEqual({ firing: 3, resolved: 0 });
});

it('counts the same bytes again once the redelivery window has passed, adding no second pending card edit', async () => {
  let now = T0;
  const ingest = ingestInBatches(deps({ clock: { now: () => now } }));
  const first = await ingest('same-bytes', [groupAlert(1, 'fp-1')]);
  now = new Date(T0.getTime() + 5 * 60_000);
  expect((await ingest('same-bytes', [groupAlert(1, 'fp-1')])).duplicate).toBe(true);
  now = new Date(T0.getTime() + 11 * 60_000);
  expect((await ingest('same-bytes', [groupAlert(1, 'fp-1')])).duplicate).toBe(false);
  const alert = await store.alerts.find(first.incidents[0] as number, 'fp-1');
  expect(alert?.count).toBe(2);
  // Two batches changed the card; its edit was still waiting when the second came.
  const edits = await store.outbox.list({ incidentId: first.incidents[0] as number, status: 'pending' });
  expect(edits.filter((j) => j.kind === 'card.update')).toHaveLength(1);
});

it('ends a synchronous batch when its time is up, the deliveries left over leading the next', async () => {
  const d = deps();
  // No time at all: each batch stores its first delivery only.
  const ingest = ingestInBatches(d, { maxBatchMs: 0 });
  const opening = await ingest('first', [groupAlert(5, 'fp-0')]);
  const answers = await Promise.all([
    ...[1, 2, 3, 4].map((n) => ingest(`later-${n}`, [groupAlert(5, `fp-${n}`)])),
    ingest('later-1', [groupAlert(5, 'fp-1')]),
  ]);
  expect(answers.map((a) => a.duplicate)).toEqual([false, false, false, false, true]);
  expect(answers.every((a) => a.incidents[0] === opening.incidents[0])).toBe(true);
  expect((await store.incidents.findById(opening.incidents[0] as number))?.alertCounts.firing).toBe(5);
  // A wake for the opening, and one for the first card edit it queued; the later deliveries found that edit
  // still waiting (the worker knows of it), and the repeat stored nothing.
  expect(d.wakes).toBe(2);
});
