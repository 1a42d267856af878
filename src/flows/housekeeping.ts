// Housekeeping: delivered outbox jobs and old delivery keys are kept a week (to look into what was sent,
// and to recognise late retries), then deleted, so the tables do not grow for ever. A Slack request's claim
// is kept only while its signature could still be accepted (SLACK_CLAIM_KEEP_MS).
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';

export const KEEP_FOR_MS = 7 * 24 * 60 * 60_000;

/**
 * How long a Slack request's claim is kept after it was signed: a signature is refused as stale 5 minutes after
 * its timestamp, so an older claim refuses nothing; four times that leaves room for replicas' clocks to differ.
 */
export const SLACK_CLAIM_KEEP_MS = 20 * 60_000;

export async function sweepOldRecords(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ outboxJobs: number; deliveries: number; slackRequestClaims: number }> {
  const now = deps.clock.now().getTime();
  const before = new Date(now - KEEP_FOR_MS);
  const outboxJobs = await deps.store.outbox.purgeDone(before);
  const deliveries = await deps.store.deliveries.prune(before);
  const slackRequestClaims = await deps.store.slackRequestClaims.prune(new Date(now - SLACK_CLAIM_KEEP_MS));
  return { outboxJobs, deliveries, slackRequestClaims };
}
