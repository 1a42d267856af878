// Copies SQLite's write-ahead log back into the database file on a thread of its own, so the event loop
// never waits for it (issue 12).
//
// In WAL mode SQLite checkpoints inside the COMMIT that takes the log past `wal_autocheckpoint` pages: it
// copies every page changed since the last checkpoint into the database file and fsyncs both files, on
// the connection that committed, which here is the event loop. Timed in a 1-alert storm of 30,000 alerts,
// the commits held the loop 3.0 s of 9 s, 1.9 s with checkpoints off (issue 12), and each checkpoint's
// 5–25 ms landed on whatever was in flight. A second connection on a worker thread runs PASSIVE checkpoints
// every `CHECKPOINT_INTERVAL_MS`: they copy what is committed without ever blocking the writer, and once the log is
// all copied the writer's next transaction starts it over from the beginning. The writer's own
// automatic checkpoint stays, at a higher threshold, as the bound should this thread fall behind or fail.
// The thread starts once the log first holds a few MiB: a start is not delayed by it (it would share the
// two cores with the start itself), and a store that never writes much never starts it.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface CheckpointerLogger {
  warn(obj: object, msg: string): void;
}

export interface SqliteCheckpointer {
  /** Ends the thread (its last checkpoint, if one is running, completes or is abandoned safely: SQLite's own). */
  stop(): Promise<void>;
}

/** How often the thread checkpoints: a storm's quarter second of commits is a few thousand pages at most. */
export const CHECKPOINT_INTERVAL_MS = 250;

/** The log's size at which the thread starts (1,000 pages): a second or two of an alert storm. */
export const START_AT_LOG_BYTES = 4 * 1024 * 1024;

/** How often the log's size is looked at until then. */
const LOG_SIZE_CHECK_MS = 1_000;

/** The commits' own automatic checkpoint (pages): before the thread runs, and once it does (the bound). */
export const COMMIT_CHECKPOINT_PAGES = { alone: 4_000, withThread: 16_000 } as const;

// The thread's whole program. Plain JavaScript evaluated in the worker (the production bundle has no
// separate file to point it at); better-sqlite3 is loaded from the path the main thread resolved.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
let failed = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failed = false;
  } catch (error) {
    // Said once per run of failures; the writer's own checkpoints keep the log bounded meanwhile.
    if (!failed) parentPort.postMessage({ failed: String(error && error.message ? error.message : error) });
    failed = true;
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Checkpoints the SQLite file at `path` (in WAL mode) from a worker thread once its log reaches
 * `START_AT_LOG_BYTES`, then raises the commits' own threshold (`setCommitCheckpointPages`) to the bound.
 */
export function checkpointWhenBusy(
  path: string,
  logger: CheckpointerLogger,
  setCommitCheckpointPages: (pages: number) => void,
): SqliteCheckpointer {
  let thread: SqliteCheckpointer | undefined;
  const look = setInterval(() => {
    let size = 0;
    try {
      size = statSync(`${path}-wal`).size;
    } catch {
      // No log yet (nothing written since the last close): nothing to checkpoint.
    }
    if (size < START_AT_LOG_BYTES) return;
    clearInterval(look);
    thread = startSqliteCheckpointer(path, logger);
    setCommitCheckpointPages(COMMIT_CHECKPOINT_PAGES.withThread);
  }, LOG_SIZE_CHECK_MS);
  look.unref();
  return {
    async stop() {
      clearInterval(look);
      await thread?.stop();
    },
  };
}

/** Starts checkpointing the SQLite file at `path` (in WAL mode) from a worker thread. */
function startSqliteCheckpointer(path: string, logger: CheckpointerLogger): SqliteCheckpointer {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), path, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  // The process's life is not this thread's business: shutdown stops it, and a crash takes it along.
  worker.unref();
  worker.on('message', (message: { failed?: string }) => {
    if (message.failed)
      logger.warn({ err: message.failed }, 'sqlite: the background checkpoint failed; commits checkpoint instead');
  });
  worker.on('error', (error) =>
    logger.warn({ err: error.message }, 'sqlite: the checkpoint thread stopped; commits checkpoint instead'),
  );
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        worker.postMessage('stop');
        // A checkpoint in hand finishes first; a thread that does not end promptly is ended.
        const timer = setTimeout(() => void worker.terminate(), 2_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
