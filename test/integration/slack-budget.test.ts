// Firebreak's shared Slack budget against Slack's rolling minute: however hard a storm pushes, no minute sees
// more calls of a method than its tier allows, and a refused call is told exactly when to come back.
import { storedSlackBudget } from '../../src/adapters/slack/slack-budget';
import { isFirebreakError } from '../../src/errors';
import type { Store } from '../../src/ports/store';
import { freshSqliteStore } from '../support/sqlite-store';

let remove: () => Promise<void>;
let store: Store;
beforeEach(async () => {
  ({ store, remove } = await freshSqliteStore('budget'));
});
afterEach(async () => {
  await remove();
});

it('never lets a rolling minute see more than the tier, and says when the next call may go', async () => {
  let now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const budget = storedSlackBudget({
    budgets: store.rateBudgets,
    clock: { now: () => new Date(now) },
    callsPerMinute: { 'conversations.create': 20 },
  });
  const granted: number[] = [];
  // A caller that tries every 100 ms for three minutes, as a storm of waiting channels would.
  for (let step = 0; step < 1800; step++, now += 100) {
    try {
      await budget.take('conversations.create');
      granted.push(now);
    } catch (error) {
      expect(isFirebreakError(error, 'CHAT_RATE_LIMITED')).toBe(true);
      expect((error as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(0);
    }
  }
  let busiestMinute = 0;
  for (const start of granted)
    busiestMinute = Math.max(busiestMinute, granted.filter((t) => t >= start && t < start + 60_000).length);
  expect(busiestMinute).toBeLessThanOrEqual(20);
  // It still uses the tier: at least the burst at once, and close to the full rate over three minutes.
  expect(granted.filter((t) => t < (granted[0] as number) + 300)).toHaveLength(3);
  expect(granted.length).toBeGreaterThanOrEqual(50);
  // Methods without a tier are not held back.
  await expect(budget.take('chat.postMessage')).resolves.toBeUndefined();
});

it('holds a method for every replica when Slack answers 429, and gives back a call Slack never took', async () => {
  let now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const clock = { now: () => new Date(now) };
  const limits = { callsPerMinute: { 'conversations.create': 60 } };
  const mine = storedSlackBudget({ budgets: store.rateBudgets, clock, ...limits });
  const another = storedSlackBudget({ budgets: store.rateBudgets, clock, ...limits });
  await mine.take('conversations.create');
  await mine.after('conversations.create', { retryAfterSeconds: 3 });
  // The other replica does not ask Slack to be told the same: it waits exactly the 3 s.
  const refused = await another.take('conversations.create').catch((error: unknown) => error);
  expect(isFirebreakError(refused, 'CHAT_RATE_LIMITED') && refused.details.retryAfterSeconds).toBe(3);
  now += 3000;
  await expect(another.take('conversations.create')).resolves.toBeUndefined();

  // An outage: each call that failed is given back, so the budget is whole when Slack returns.
  now += 60_000; // a full bucket: a burst of 10
  for (let i = 0; i < 9; i++) {
    await mine.take('conversations.create');
    await mine.after('conversations.create', { unavailable: true });
  }
  let granted = 0;
  for (;;) {
    try {
      await mine.take('conversations.create');
      granted++;
    } catch {
      break;
    }
  }
  expect(granted).toBe(10);
});

it('grants every call a full budget holds when many are asked at once, none refused for asking together', async () => {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const budget = storedSlackBudget({
    budgets: store.rateBudgets,
    clock: { now: () => new Date(now) },
    callsPerMinute: { 'conversations.create': 900 },
  });
  await budget.take('conversations.create'); // the bucket exists and holds a burst of 150, less this one
  // Slack is back after an outage: a hundred waiting channels ask at once.
  const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => budget.take('conversations.create')));
  const refused = outcomes
    .filter((o) => o.status === 'rejected')
    .map((o) => String((o as PromiseRejectedResult).reason));
  expect(refused).toEqual([]);
});
