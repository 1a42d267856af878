// Alert ingest: store each received alert against its incident, record the delivery, queue the Slack work.
// Everything happens in one transaction, so a 202 means stored and a repeated delivery changes nothing.
import type { NormalizedAlert } from '../domain/alert';
import { planAlertIntake, type IntakePlan, type IntakePolicy } from '../domain/alert-intake';
import { groupingKey } from '../domain/grouping';
import { forIncident } from '../domain/timeline';
import { isFirebreakError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Store, StoreTransaction } from '../ports/store';
import { enqueueCardUpdate, enqueueChannelOpening, enqueueNotice } from './outbox-jobs';
import type { IncidentHooks } from './update-incident';

export interface IngestDeps {
  store: Store;
  clock: Clock;
  policy?: IntakePolicy;
  /** Tells the outbox worker there is work, so delivery does not wait for its next poll. */
  wakeOutbox(): void;
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

async function applyPlan(tx: StoreTransaction, plan: IntakePlan, incidentId: number | null, now: Date, hooks: IncidentHooks | undefined): Promise<number> {
  let id = incidentId;
  if (plan.open) {
    const incident = await tx.incidents.insert(plan.open);
    id = incident.id;
    await enqueueChannelOpening(tx, id, now);
    await hooks?.opened?.(tx, incident, now);
  }
  if (id === null) throw new Error('an alert plan without an incident');
  if (plan.alert.kind === 'insert') await tx.alerts.insert({ ...plan.alert.record, incidentId: id });
  if (plan.alert.kind === 'update') await tx.alerts.update(plan.alert.id, plan.alert.changes);
  if (Object.keys(plan.incidentChanges).length > 0) await tx.incidents.update(id, plan.incidentChanges);
  for (const event of plan.events) await tx.timeline.append(forIncident(event, id));
  if (!plan.open) await enqueueCardUpdate(tx, id, now);
  if (plan.allAlertsResolved) await enqueueNotice(tx, id, 'all_alerts_resolved', now);
  return id;
}

async function ingestOne(tx: StoreTransaction, alert: NormalizedAlert, now: Date, policy: IntakePolicy | undefined, hooks: IncidentHooks | undefined): Promise<{ incidentId: number | null; opened: boolean }> {
  const incident = await tx.incidents.findOpenByGroupKey(groupingKey(alert));
  const existing = incident ? await tx.alerts.find(incident.id, alert.fingerprint) : null;
  const otherFiring = incident ? incident.alertCounts.firing - (existing?.status === 'firing' ? 1 : 0) : 0;
  const plan = planAlertIntake({ alert, incident, existing, otherFiring, now, ...(policy ? { policy } : {}) });
  if (!plan.relevant) return { incidentId: incident?.id ?? null, opened: false };
  const incidentId = await applyPlan(tx, plan, incident?.id ?? null, now, hooks);
  return { incidentId, opened: plan.open !== null };
}

/**
 * Ingests one delivery (one webhook body). `deliveryKey` identifies the delivery — the same body sent
 * twice has the same key — so the second time the stored answer is returned and nothing changes.
 */
export async function ingestAlerts(deps: IngestDeps, deliveryKey: string, alerts: NormalizedAlert[]): Promise<IngestResult> {
  try {
    return await ingestOnce(deps, deliveryKey, alerts);
  } catch (error) {
    // Two replicas (or two copies of one delivery) raced to open the same incident or record the same
    // delivery; the loser's transaction rolled back. Run again: it now sees the winner's rows.
    if (!isFirebreakError(error, 'STORE_CONFLICT')) throw error;
    return ingestOnce(deps, deliveryKey, alerts);
  }
}

async function ingestOnce(deps: IngestDeps, deliveryKey: string, alerts: NormalizedAlert[]): Promise<IngestResult> {
  const now = deps.clock.now();
  const opened: number[] = [];
  const result = await deps.store.transaction(async (tx) => {
    const seen = await tx.deliveries.find(deliveryKey);
    // A repeat within the window is the monitor retrying one delivery. The same bytes much later are news:
    // an alert that resolved and fired again (a generic alert's body carries no timestamp).
    if (seen && now.getTime() - seen.receivedAt.getTime() < REDELIVERY_WINDOW_MS) return { ...(seen.response as StoredAnswer), duplicate: true };
    if (seen) await tx.deliveries.forget(deliveryKey);
    const incidents = new Set<number>();
    for (const alert of alerts) {
      const { incidentId, opened: isNew } = await ingestOne(tx, alert, now, deps.policy, deps.hooks);
      if (incidentId !== null) incidents.add(incidentId);
      if (isNew && incidentId !== null) opened.push(incidentId);
    }
    const answer: StoredAnswer = { accepted: alerts.length, incidents: [...incidents] };
    await tx.deliveries.record(deliveryKey, answer, now);
    return { ...answer, duplicate: false };
  });
  for (const id of opened) deps.onIncidentOpened?.(id);
  if (!result.duplicate) deps.wakeOutbox();
  return result;
}
