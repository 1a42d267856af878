// Alert ingest: store each received alert against its incident, record the delivery, queue the chat work.
// Everything happens in one transaction, so a 202 means stored and a repeated delivery changes nothing.
import type { AlertRecord, NormalizedAlert } from '../domain/alert';
import { alertCountsAfter, planAlertIntake, type IntakePlan, type IntakePolicy } from '../domain/alert-intake';
import { groupingKey } from '../domain/grouping';
import type { Incident } from '../domain/incident';
import { forIncident } from '../domain/timeline';
import { isFirebreakError } from '../errors';
import type { Clock } from '../ports/clock';
import type { AlertIntakeTransaction, Store, StoreTransaction } from '../ports/store';
import { cardUpdateJob, enqueueCardUpdate, enqueueChannelOpening, enqueueNotice, noticeJob } from './outbox-jobs';
import type { IncidentHooks } from './update-incident';

export interface IngestDeps {
  store: Store;
  clock: Clock;
  policy?: IntakePolicy;
  /**
   * Tells the outbox worker there is work, so delivery does not wait for its next poll; `urgent` when an
   * incident opened (its channel and card go at once, not with the next few milliseconds' other work).
   */
  wakeOutbox(urgent?: boolean): void;
  onIncidentOpened?(incidentId: number): void;
  hooks?: IncidentHooks;
}

export interface IngestResult {
  accepted: number;
  incidents: number[];
  /** True when this exact delivery was processed before; the stored answer is returned unchanged. */
  duplicate: boolean;
}

/** How long a delivery counts as a retry of itself (Alertmanager and SNS retry within minutes). */
export const REDELIVERY_WINDOW_MS = 10 * 60_000;

interface StoredAnswer {
  accepted: number;
  incidents: number[];
}

/**
 * What one transaction of deliveries has learned so far, so a storm costs one incident lookup and one card
 * edit per incident per batch instead of one per alert.
 */
interface Batch {
  /** Each alert group's open incident as this transaction has left it (null: none is open). */
  openIncidents: Map<string, Incident | null>;
  /** Incidents whose card has something new to show; one edit each is queued once the batch is stored. */
  cardsToEdit: Set<number>;
  /** The synchronous batch queued a job other than a card edit (a notice). */
  queuedWork: boolean;
}

function newBatch(): Batch {
  return { openIncidents: new Map(), cardsToEdit: new Set(), queuedWork: false };
}

/** The domain's plan for one alert, given its group's open incident and the alert as stored. */
function planFor(
  alert: NormalizedAlert,
  incident: Incident | null,
  existing: AlertRecord | null,
  now: Date,
  policy: IntakePolicy | undefined,
): IntakePlan {
  const otherFiring = incident ? incident.alertCounts.firing - (existing?.status === 'firing' ? 1 : 0) : 0;
  return planAlertIntake({ alert, incident, existing, otherFiring, now, ...(policy ? { policy } : {}) });
}

/** Stores a plan; returns the incident as it now stands. */
async function applyPlan(
  tx: StoreTransaction,
  batch: Batch,
  plan: IntakePlan,
  incident: Incident | null,
  existing: AlertRecord | null,
  now: Date,
  hooks: IncidentHooks | undefined,
): Promise<Incident> {
  let current = incident;
  if (plan.open) {
    current = await tx.incidents.insert(plan.open);
    await enqueueChannelOpening(tx, current.id, now);
    await hooks?.opened?.(tx, current, now);
  }
  if (current === null) throw new Error('an alert plan without an incident');
  const id = current.id;
  if (plan.alert.kind === 'insert') await tx.alerts.insert({ ...plan.alert.record, incidentId: id });
  if (plan.alert.kind === 'update') await tx.alerts.update(plan.alert.id, plan.alert.changes);
  current = { ...current, alertCounts: alertCountsAfter(current.alertCounts, plan.alert, existing) };
  if (Object.keys(plan.incidentChanges).length > 0) current = await tx.incidents.update(id, plan.incidentChanges);
  for (const event of plan.events) await tx.timeline.append(forIncident(event, id));
  // A new incident's card is posted with its channel, showing everything stored by then.
  if (!plan.open) batch.cardsToEdit.add(id);
  if (plan.allAlertsResolved) await enqueueNotice(tx, id, 'all_alerts_resolved', now);
  return current;
}

async function ingestOne(
  tx: StoreTransaction,
  batch: Batch,
  alert: NormalizedAlert,
  now: Date,
  policy: IntakePolicy | undefined,
  hooks: IncidentHooks | undefined,
): Promise<{ incidentId: number | null; opened: boolean }> {
  const group = groupingKey(alert);
  const known = batch.openIncidents.get(group);
  const incident = known !== undefined ? known : await tx.incidents.findOpenByGroupKey(group);
  batch.openIncidents.set(group, incident);
  const existing = incident ? await tx.alerts.find(incident.id, alert.fingerprint) : null;
  const plan = planFor(alert, incident, existing, now, policy);
  if (!plan.relevant) return { incidentId: incident?.id ?? null, opened: false };
  const after = await applyPlan(tx, batch, plan, incident, existing, now, hooks);
  batch.openIncidents.set(group, after);
  return { incidentId: after.id, opened: plan.open !== null };
}

/** Stores one delivery (one webhook body) and says what the monitor is told. */
export type Ingest = (deliveryKey: string, alerts: NormalizedAlert[]) => Promise<IngestResult>;

interface Stored {
  result: IngestResult;
  /** Incidents this delivery opened. */
  opened: number[];
  /**
   * False when storing it gave the outbox nothing new (its card edits were already queued): no need to wake
   * the worker, which knows of those jobs. In a storm, most batches only add to incidents whose card edit
   * waits out the channel's pace.
   */
  queuedWork?: boolean;
}

/**
 * Ingests one delivery (one webhook body). `deliveryKey` identifies the delivery — the same body sent
 * twice has the same key — so the second time the stored answer is returned and nothing changes.
 */
export async function ingestAlerts(
  deps: IngestDeps,
  deliveryKey: string,
  alerts: NormalizedAlert[],
): Promise<IngestResult> {
  const [stored] = await storeRetryingConflicts(deps, [{ deliveryKey, alerts }], Number.POSITIVE_INFINITY);
  announce(deps, [stored as Stored]);
  return (stored as Stored).result;
}

/**
 * Group commit: the deliveries that arrive while the store is busy are stored together, in one transaction,
 * and each is answered once that commits. In a storm, one commit (and one wake of the outbox) serves
 * hundreds of alerts instead of one each; alone, a delivery waits no longer than its own transaction.
 * A batch holds at most `maxAlerts` alerts (a bigger delivery goes alone): on SQLite its statements run
 * back to back on the only connection, and a Slack request's check waits for the batch in hand, so the
 * batch's size is what a click or a command can wait for in a storm.
 * A synchronous batch (SQLite) holds the event loop too, so it also stops taking deliveries after
 * `maxBatchMs` (the first is always stored): it commits what it has, and the rest lead the next batch.
 * A batch that fails is stored again one delivery at a time, so one bad delivery fails only itself.
 */
export function ingestInBatches(deps: IngestDeps, options: { maxAlerts?: number; maxBatchMs?: number } = {}): Ingest {
  const maxAlerts = options.maxAlerts ?? 100;
  const maxBatchMs = options.maxBatchMs ?? 5;
  type Waiting = {
    deliveryKey: string;
    alerts: NormalizedAlert[];
    resolve(result: IngestResult): void;
    reject(error: unknown): void;
  };
  let queue: Waiting[] = [];
  let storing = false;

  async function storeBatch(batch: Waiting[]): Promise<void> {
    try {
      const stored = await storeRetryingConflicts(deps, batch, performance.now() + maxBatchMs);
      announce(deps, stored);
      stored.forEach((s, i) => {
        batch[i]?.resolve(s.result);
      });
      // Out of time: what was not stored goes first in the next batch.
      queue = [...batch.slice(stored.length), ...queue];
    } catch {
      for (const waiting of batch) {
        ingestAlerts(deps, waiting.deliveryKey, waiting.alerts).then(waiting.resolve, waiting.reject);
      }
    }
  }

  async function drain(): Promise<void> {
    storing = true;
    try {
      while (queue.length > 0) {
        const size = batchSize(queue, maxAlerts);
        const batch = queue.slice(0, size);
        queue = queue.slice(size);
        await storeBatch(batch);
        // On SQLite a batch runs without ever waiting for I/O, so the next would follow in the same turn of
        // the event loop: yield, so requests that came in meanwhile (a click, a new connection) are served
        // between batches, not after the whole storm in hand.
        if (queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      storing = false;
    }
  }

  return (deliveryKey, alerts) =>
    new Promise<IngestResult>((resolve, reject) => {
      queue.push({ deliveryKey, alerts, resolve, reject });
      // The first of a burst waits one turn of the event loop for the rest of it; later ones join the next
      // batch while this one is being stored.
      if (!storing && queue.length === 1) setImmediate(() => void drain());
    });
}

/** How many waiting deliveries, from the first, make one batch of at most `maxAlerts` alerts (at least one). */
function batchSize(queue: ReadonlyArray<{ alerts: readonly unknown[] }>, maxAlerts: number): number {
  let size = 0;
  let alerts = 0;
  for (const { alerts: next } of queue) {
    if (size > 0 && alerts + next.length > maxAlerts) break;
    alerts += next.length;
    size += 1;
  }
  return size;
}

/**
 * Stores the deliveries in one transaction; two replicas racing to open one incident retry once. A
 * synchronous batch takes no delivery after `until` (performance.now()): the answers are for the first
 * `length` deliveries, the others are not stored.
 */
async function storeRetryingConflicts(deps: IngestDeps, deliveries: Deliveries, until: number): Promise<Stored[]> {
  try {
    return await storeTogether(deps, deliveries, until);
  } catch (error) {
    // Two replicas (or two copies of one delivery) raced to open the same incident or record the same
    // delivery; the loser's transaction rolled back. Run again: it now sees the winner's rows.
    if (!isFirebreakError(error, 'STORE_CONFLICT')) throw error;
    return storeTogether(deps, deliveries, until);
  }
}

type Deliveries = ReadonlyArray<{ deliveryKey: string; alerts: NormalizedAlert[] }>;

async function storeTogether(deps: IngestDeps, deliveries: Deliveries, until: number): Promise<Stored[]> {
  const now = deps.clock.now();
  // On SQLite, a batch that only adds to incidents already open (a storm, once its incidents are open) is
  // stored with no await inside; one that opens an incident runs its async hooks in the transaction below.
  const stored = await deps.store.synchronousTransaction?.((tx) =>
    storeIntoOpenIncidents(tx, deps, deliveries, now, until),
  );
  if (stored) return stored;
  return deps.store.transaction(async (tx) => {
    const batch = newBatch();
    const stored: Stored[] = [];
    for (const { deliveryKey, alerts } of deliveries)
      stored.push(await storeDelivery(tx, batch, deps, deliveryKey, alerts, now));
    // After every alert of the batch is stored, so each edit shows all of them.
    for (const incidentId of batch.cardsToEdit) await enqueueCardUpdate(tx, incidentId, now);
    return stored;
  });
}

async function storeDelivery(
  tx: StoreTransaction,
  batch: Batch,
  deps: IngestDeps,
  deliveryKey: string,
  alerts: NormalizedAlert[],
  now: Date,
): Promise<Stored> {
  const seen = await tx.deliveries.find(deliveryKey);
  const repeat = repeatOf(seen, now);
  if (repeat) return repeat;
  if (seen) await tx.deliveries.forget(deliveryKey);
  const incidents = new Set<number>();
  const opened: number[] = [];
  for (const alert of alerts) {
    const { incidentId, opened: isNew } = await ingestOne(tx, batch, alert, now, deps.policy, deps.hooks);
    if (incidentId !== null) incidents.add(incidentId);
    if (isNew && incidentId !== null) opened.push(incidentId);
  }
  const answer: StoredAnswer = { accepted: alerts.length, incidents: [...incidents] };
  await tx.deliveries.record(deliveryKey, answer, now);
  return { result: { ...answer, duplicate: false }, opened };
}

/**
 * A repeat within the window is the monitor retrying one delivery: its stored answer. The same bytes much
 * later are news (an alert that resolved and fired again: a generic alert's body carries no timestamp).
 */
function repeatOf(seen: { response: unknown; receivedAt: Date } | null, now: Date): Stored | null {
  if (!seen || now.getTime() - seen.receivedAt.getTime() >= REDELIVERY_WINDOW_MS) return null;
  return { result: { ...(seen.response as StoredAnswer), duplicate: true }, opened: [] };
}

/**
 * `storeTogether`'s batch, synchronously (Store.synchronousTransaction), for alerts of incidents already open:
 * the same plans, rows and jobs. Undefined, rolling the batch back, as soon as an alert would open an
 * incident: the hooks of an opening (paging, scaling, nudges) are async, so that batch takes the async path.
 * Past `until` it takes no further delivery.
 */
function storeIntoOpenIncidents(
  tx: AlertIntakeTransaction,
  deps: IngestDeps,
  deliveries: Deliveries,
  now: Date,
  until: number,
): Stored[] | undefined {
  const batch = newBatch();
  const stored: Stored[] = [];
  for (const { deliveryKey, alerts } of deliveries) {
    if (stored.length > 0 && performance.now() >= until) break;
    const seen = tx.deliveries.find(deliveryKey);
    const repeat = repeatOf(seen, now);
    if (repeat) {
      stored.push(repeat);
      continue;
    }
    if (seen) tx.deliveries.forget(deliveryKey);
    const incidents = new Set<number>();
    for (const alert of alerts) {
      const group = groupingKey(alert);
      const known = batch.openIncidents.get(group);
      const incident = known !== undefined ? known : tx.incidents.findOpenByGroupKey(group);
      const existing = incident ? tx.alerts.find(incident.id, alert.fingerprint) : null;
      const plan = planFor(alert, incident, existing, now, deps.policy);
      if (plan.open) return undefined;
      batch.openIncidents.set(group, incident);
      if (incident === null) continue;
      incidents.add(incident.id);
      if (plan.relevant) batch.openIncidents.set(group, applyToOpenIncident(tx, batch, plan, incident, existing, now));
    }
    const answer: StoredAnswer = { accepted: alerts.length, incidents: [...incidents] };
    tx.deliveries.record(deliveryKey, answer, now);
    stored.push({ result: { ...answer, duplicate: false }, opened: [], queuedWork: false });
  }
  const queued = tx.outbox.enqueueAll([...batch.cardsToEdit].map(cardUpdateJob), now) || batch.queuedWork;
  if (queued) for (const s of stored) s.queuedWork = true;
  return stored;
}

/** `applyPlan` for a plan that opens nothing, synchronously. */
function applyToOpenIncident(
  tx: AlertIntakeTransaction,
  batch: Batch,
  plan: IntakePlan,
  incident: Incident,
  existing: AlertRecord | null,
  now: Date,
): Incident {
  const id = incident.id;
  if (plan.alert.kind === 'insert') tx.alerts.insert({ ...plan.alert.record, incidentId: id });
  if (plan.alert.kind === 'update') tx.alerts.update(plan.alert.id, plan.alert.changes);
  let current = { ...incident, alertCounts: alertCountsAfter(incident.alertCounts, plan.alert, existing) };
  if (Object.keys(plan.incidentChanges).length > 0) current = tx.incidents.update(id, plan.incidentChanges);
  for (const event of plan.events) tx.timeline.append(forIncident(event, id));
  batch.cardsToEdit.add(id);
  if (plan.allAlertsResolved && tx.outbox.enqueue(noticeJob(id, 'all_alerts_resolved'), now)) batch.queuedWork = true;
  return current;
}

/** After the commit: say which incidents opened, and wake the outbox once for the lot. */
function announce(deps: IngestDeps, stored: Stored[]): void {
  for (const { opened } of stored) for (const id of opened) deps.onIncidentOpened?.(id);
  if (stored.some((s) => !s.result.duplicate && s.queuedWork !== false))
    deps.wakeOutbox(stored.some((s) => s.opened.length > 0));
}
