// The outbox worker on a real SQLite store, with handlers that only record what ran: how lanes share the
// worker's slots.
import { OutboxWorker, sent } from '../../../src/outbox/outbox-worker';
import { systemClock } from '../../../src/ports/clock';
import type { Store } from '../../../src/ports/store';
import { freshSqliteStore } from '../../support/sqlite-store';
import { eventually } from '../../support/harness';

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('OutboxWorker', () => {
  let remove: () => Promise<void>;
  let store: Store;
  let worker: OutboxWorker | undefined;

  beforeEach(async () => {
    ({ store, remove } = await freshSqliteStore('worker'));
  });
  afterEach(async () => {
    await worker?.stop();
    await remove();
  });

  it('does not let lanes waiting out their channel pace keep an urgent lane from starting', async () => {
    const ran: Array<{ kind: string; lane: string; at: number }> = [];
    const record = async (job: { kind: string; payload: Record<string, unknown> }) => {
      ran.push({ kind: job.kind, lane: String(job.payload.lane), at: Date.now() });
      return sent(job.kind);
    };
    // Two busy channels, each with two messages one pace apart, fill the worker's two slots.
    const now = systemClock.now();
    for (const lane of ['incident:1', 'incident:2']) {
      await store.outbox.enqueue({ kind: 'post', payload: { lane } }, now);
      await store.outbox.enqueue({ kind: 'post', payload: { lane } }, now);
    }
    worker = new OutboxWorker({
      store,
      clock: systemClock,
      logger: quietLogger,
      handlers: { post: record, open: record },
      maxLanes: 2,
      laneIntervalMs: 3_000,
      isPaced: (job) => job.kind === 'post',
    });
    worker.start();
    await eventually(
      () => ran.filter((r) => r.kind === 'post').length === 2,
      'both channels posted their first message',
    );
    // Now a new incident's channel is to be opened while both lanes wait out their 3 s pace.
    await store.outbox.enqueue({ kind: 'open', payload: { lane: 'incident:3' }, urgent: true }, systemClock.now());
    worker.wake();
    await eventually(() => ran.some((r) => r.kind === 'open'), 'the new channel opened');
    const opened = ran.find((r) => r.kind === 'open');
    // It ran before either paced lane's second message, not after.
    const secondPosts = ran.filter((r) => r.kind === 'post').slice(2);
    expect(secondPosts.every((r) => (opened?.at ?? Infinity) <= r.at)).toBe(true);
  });
});
