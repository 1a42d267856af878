// Slack's per-method rate tiers as one budget for every replica: a call that would overspend waits (as
// CHAT_RATE_LIMITED with the exact wait, like Slack's own 429) instead of being sent to collect a 429.
import { FirebreakError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { RateBudgetRepository } from '../../ports/store';
import type { SlackCallBudget } from './slack-chat';

/**
 * Tiers allow bursts, but Slack counts a method's calls over a rolling minute. So a budget of N a minute
 * holds a burst of a sixth of N and refills at the rest: however the calls fall, no minute sees more than N.
 */
const BURST_SHARE = 1 / 6;

function limitsFor(perMinute: number): { perMinute: number; burst: number } {
  const burst = Math.max(1, Math.floor(perMinute * BURST_SHARE));
  return { perMinute: Math.max(1, perMinute - burst), burst };
}

export function storedSlackBudget(options: {
  budgets: RateBudgetRepository;
  clock: Clock;
  callsPerMinute: Readonly<Record<string, number>>;
}): SlackCallBudget {
  // This process's takes from one bucket go one at a time. The store's compare-and-swap keeps replicas
  // honest, but a hundred lanes of one process asking at once (Slack back after an outage) would lose the
  // swap to each other and be refused with a full bucket.
  const queues = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const turn = (queues.get(key) ?? Promise.resolve()).then(work, work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return turn;
  };

  return {
    async take(method) {
      const perMinute = options.callsPerMinute[method];
      if (perMinute === undefined) return;
      const key = `slack:${method}`;
      const { now, taken } = await oneAtATime(key, async () => {
        const at = options.clock.now();
        return { now: at, taken: await options.budgets.take(key, at, limitsFor(perMinute)) };
      });
      if (taken.granted) return;
      const waitSeconds = Math.max(0.001, (taken.retryAt.getTime() - now.getTime()) / 1000);
      throw new FirebreakError(
        'CHAT_RATE_LIMITED',
        `Firebreak's shared budget for ${method} (${perMinute} a minute) is spent; next call in ${waitSeconds.toFixed(1)} s`,
        {
          step: `calling ${method}`,
          retryAfterSeconds: waitSeconds,
        },
      );
    },
    async after(method, outcome) {
      const perMinute = options.callsPerMinute[method];
      if (perMinute === undefined) return;
      const key = `slack:${method}`;
      // Slack's 429 is for the method, workspace-wide: every replica waits it out, rather than each spending
      // its budget to be told the same. A call Slack never took (an outage) is given back.
      if ('retryAfterSeconds' in outcome)
        await options.budgets.hold(key, new Date(options.clock.now().getTime() + outcome.retryAfterSeconds * 1000));
      else await options.budgets.refund(key, limitsFor(perMinute).burst);
    },
  };
}
