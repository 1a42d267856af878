// Housekeeping on a real SQLite store: what is older than a week and done goes; the rest stays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import { KEEP_FOR_MS, SLACK_CLAIM_KEEP_MS, sweepOldRecords } from '../../src/flows/housekeeping';
import type { Store } from '../../src/ports/store';

let dir: string;
let store: Store;
const now = new Date('2026-11-26T12:00:00Z');
const longAgo = new Date(now.getTime() - KEEP_FOR_MS - 60_000);
const recently = new Date(now.getTime() - 60_000);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-housekeeping-'));
  const db = openDatabase(`sqlite:${join(dir, 'f.db')}`);
  await migrateToLatest(db);
  store = createKyselyStore(db, { clock: { now: () => now } });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('deletes delivered jobs and delivery keys older than a week and Slack request claims past their window, keeps recent ones and dead jobs', async () => {
  const oldStore = createKyselyStore(openDatabase(`sqlite:${join(dir, 'f.db')}`), { clock: { now: () => longAgo } });
  const oldDone = await oldStore.outbox.enqueue({ kind: 'card.update', payload: {} }, longAgo);
  await oldStore.outbox.complete(oldDone.id, longAgo);
  const oldDead = await oldStore.outbox.enqueue({ kind: 'card.update', payload: {} }, longAgo);
  await oldStore.outbox.bury(oldDead.id, 'refused', longAgo);
  const oldPending = await oldStore.outbox.enqueue({ kind: 'card.post', payload: {} }, longAgo);
  await oldStore.deliveries.record('alertmanager:old', { accepted: 1 }, longAgo);
  await oldStore.close();
  const recentDone = await store.outbox.enqueue({ kind: 'card.update', payload: {} }, recently);
  await store.outbox.complete(recentDone.id, recently);
  await store.deliveries.record('alertmanager:recent', { accepted: 1 }, recently);

  const seconds = (at: number) => Math.floor(at / 1000);
  const nowMs = now.getTime();
  await store.slackRequestClaims.claim(seconds(nowMs - SLACK_CLAIM_KEEP_MS - 1000), 'v0=old');
  await store.slackRequestClaims.claim(seconds(nowMs - 60_000), 'v0=recent');

  expect(await sweepOldRecords({ store, clock: { now: () => now } })).toEqual({
    outboxJobs: 1,
    deliveries: 1,
    slackRequestClaims: 1,
  });
  // A claim swept is one whose signature is long past accepting; the recent one still refuses its replay.
  expect(await store.slackRequestClaims.claim(seconds(nowMs - 60_000), 'v0=recent')).toBe(false);
  expect(await store.slackRequestClaims.claim(seconds(nowMs - SLACK_CLAIM_KEEP_MS - 1000), 'v0=old')).toBe(true);
  const left = (await store.outbox.list()).map((j) => j.id).sort();
  expect(left).toEqual([oldDead.id, oldPending.id, recentDone.id].sort());
  expect(await store.deliveries.find('alertmanager:old')).toBeNull();
  expect(await store.deliveries.find('alertmanager:recent')).not.toBeNull();
});
