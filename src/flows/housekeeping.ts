// Housekeeping: delivered outbox jobs and old delivery keys are kept a week (to look into what was sent,
// and to recognise late retries), then deleted, so the tables do not grow for ever.
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';

export const KEEP_FOR_MS = 7 * 24 * 60 * 60_000;

export async function sweepOldRecords(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ outboxJobs: number; deliveries: number }> {
  const before = new Date(deps.clock.now().getTime() - KEEP_FOR_MS);
  const outboxJobs = await deps.store.outbox.purgeDone(before);
  const deliveries = await deps.store.deliveries.prune(before);
  return { outboxJobs, deliveries };
}
