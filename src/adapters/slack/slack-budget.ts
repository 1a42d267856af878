// Slack's per-method rate tiers as one budget for every replica: a call that would overspend waits (as
// CHAT_RATE_LIMITED with the exact wait, like Slack's own 429) instead of being sent to collect a 429.
import { FirebreakError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { RateBudgetRepository } from '../../ports/store';
import type { SlackCallBudget } from './slack-chat';

/** Tiers allow bursts: a budget holds up to a minute's worth of calls, and at least one. */
const BURST_SECONDS = 60;

export function storedSlackBudget(options: { budgets: RateBudgetRepository; clock: Clock; callsPerMinute: Readonly<Record<string, number>> }): SlackCallBudget {
  return async (method) => {
    const perMinute = options.callsPerMinute[method];
    if (perMinute === undefined) return;
    const now = options.clock.now();
    const burst = Math.max(1, Math.floor((perMinute * BURST_SECONDS) / 60));
    const taken = await options.budgets.take(`slack:${method}`, now, { perMinute, burst });
    if (taken.granted) return;
    const waitSeconds = Math.max(0.001, (taken.retryAt.getTime() - now.getTime()) / 1000);
    throw new FirebreakError('CHAT_RATE_LIMITED', `Firebreak's shared budget for ${method} (${perMinute} a minute) is spent; next call in ${waitSeconds.toFixed(1)} s`, {
      step: `calling ${method}`,
      retryAfterSeconds: waitSeconds,
    });
  };
}
