// What /readyz reports: ready only when the store answers, Slack is usable, and the outbox keeps up.
// Each check says "ok" or, in words an operator can act on, why not.
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';

/** A job due longer than this means deliveries are not keeping up (a stuck worker, Slack failing every call). */
export const OUTBOX_OVERDUE_MS = 60_000;

export interface ReadinessReport {
  ready: boolean;
  checks: { store: string; slack: string; outbox: string; capacitySources?: string };
}

export interface ReadinessDeps {
  store: Pick<Store, 'ready' | 'outbox'>;
  slack: { problem(): string | null };
  clock: Clock;
  /**
   * Watched targets whose metrics source could not be read at the latest look (issue 17): shown, but not a
   * reason to be unready (Firebreak still handles incidents without its forecast).
   */
  capacitySources?: () => Array<{ target: string; up: boolean; problem: string | null }>;
}

export function readinessCheck(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  return async () => {
    const storeOk = await deps.store.ready().catch(() => false);
    const store = storeOk ? 'ok' : 'unreachable or not migrated';
    const slack = deps.slack.problem() ?? 'ok';
    const outbox = storeOk ? await outboxCheck(deps) : 'not checked: the store is unreachable';
    const down = deps.capacitySources?.().filter((s) => !s.up);
    const capacitySources = down
      ? down.length === 0
        ? 'ok'
        : down.map((s) => `${s.target}: ${s.problem ?? 'cannot be read'}`).join('; ')
      : undefined;
    return {
      ready: store === 'ok' && slack === 'ok' && outbox === 'ok',
      checks: { store, slack, outbox, ...(capacitySources !== undefined ? { capacitySources } : {}) },
    };
  };
}

async function outboxCheck(deps: ReadinessDeps): Promise<string> {
  const now = deps.clock.now();
  try {
    const since = await deps.store.outbox.overdueSince(new Date(now.getTime() - OUTBOX_OVERDUE_MS));
    if (!since) return 'ok';
    const waited = Math.round((now.getTime() - since.getTime()) / 1000);
    return `a job has waited ${waited} s past its time (more than ${OUTBOX_OVERDUE_MS / 1000} s): deliveries are not keeping up`;
  } catch {
    return 'could not be read';
  }
}
