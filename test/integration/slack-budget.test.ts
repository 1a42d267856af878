// Firebreak's shared Slack budget against Slack's rolling minute: however hard a storm pushes, no minute sees
// more calls of a method than its tier allows, and a refused call is told exactly when to come back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import { storedSlackBudget } from '../../src/adapters/slack/slack-budget';
import { isFirebreakError } from '../../src/errors';
import type { Store } from '../../src/ports/store';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-budget-'));
  const db = openDatabase(`sqlite:${join(dir, 'firebreak.db')}`);
  await migrateToLatest(db);
  store = createKyselyStore(db);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('never lets a rolling minute see more than the tier, and says when the next call may go', async () => {
  let now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const budget = storedSlackBudget({ budgets: store.rateBudgets, clock: { now: () => new Date(now) }, callsPerMinute: { 'conversations.create': 20 } });
  const granted: number[] = [];
  // A caller that tries every 100 ms for three minutes, as a storm of waiting channels would.
  for (let step = 0; step < 1800; step++, now += 100) {
    try {
      await budget('conversations.create');
      granted.push(now);
    } catch (error) {
      expect(isFirebreakError(error, 'CHAT_RATE_LIMITED')).toBe(true);
      expect((error as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(0);
    }
  }
  let busiestMinute = 0;
  for (const start of granted) busiestMinute = Math.max(busiestMinute, granted.filter((t) => t >= start && t < start + 60_000).length);
  expect(busiestMinute).toBeLessThanOrEqual(20);
  // It still uses the tier: at least the burst at once, and close to the full rate over three minutes.
  expect(granted.filter((t) => t < (granted[0] as number) + 300)).toHaveLength(3);
  expect(granted.length).toBeGreaterThanOrEqual(50);
  // Methods without a tier are not held back.
  await expect(budget('chat.postMessage')).resolves.toBeUndefined();
});
