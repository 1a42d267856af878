// The Store port over Kysely: repositories on SQLite or PostgreSQL, transactions, readiness and shutdown.
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import { systemClock, type Clock } from '../../ports/clock';
import type { AlertIntakeTransaction, Store, StoreTransaction } from '../../ports/store';
import { dialectOf, sqliteStatementsOf, stopDatabaseThreads } from './database';
import { migrationsApplied } from './migrations';
import { outboxRepository } from './outbox-repository';
import {
  alertRepository,
  deliveryRepository,
  incidentRepository,
  timelineRepository,
  type RepositoryContext,
} from './repositories';
import { scaleOperationRepository } from './scale-operation-repository';
import { rateBudgetRepository } from './rate-budget-repository';
import { channelNameRepository } from './channel-name-repository';
import { scaleApprovalRepository, teamEscalationRepository } from './escalation-approval-repositories';
import { nudgeRepository, subscriberRepository } from './nudge-repository';
import { capacityPlanRepository } from './capacity-plan-repository';
import { capacityWarningRepository } from './capacity-warning-repository';
import type { Database } from './schema';
import { slackRequestClaimRepository } from './slack-request-claim-repository';
import { SqliteHotPath, type SqliteStatements } from './sqlite-hot-path';
import { alertIntake } from './sqlite-intake';
import { guard, toStoreError } from './store-errors';

export interface KyselyStoreOptions {
  /** Stamps the bookkeeping column `updated_at`; domain times always come from the caller. */
  clock?: Clock;
}

interface ActiveTransaction {
  trx: Kysely<Database>;
  repositories: StoreTransaction;
  /** False once `work` has returned: later stray calls go to the database, not a finished transaction. */
  readonly open: boolean;
}

function repositories(ctx: RepositoryContext): StoreTransaction {
  return {
    incidents: incidentRepository(ctx),
    alerts: alertRepository(ctx),
    timeline: timelineRepository(ctx),
    outbox: outboxRepository(ctx),
    deliveries: deliveryRepository(ctx),
    slackRequestClaims: slackRequestClaimRepository(ctx),
    scaleOperations: scaleOperationRepository(ctx),
    rateBudgets: rateBudgetRepository(ctx),
    channelNames: channelNameRepository(ctx),
    teamEscalations: teamEscalationRepository(ctx),
    scaleApprovals: scaleApprovalRepository(ctx),
    nudges: nudgeRepository(ctx),
    subscribers: subscriberRepository(ctx),
    capacityPlans: capacityPlanRepository(ctx),
    capacityWarnings: capacityWarningRepository(ctx),
  };
}

export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions = {}): Store {
  const dialect = dialectOf(db);
  const clock = options.clock ?? systemClock;
  // Inside `transaction(work)`, every call — on `tx` or on this store — runs in that transaction. On SQLite
  // the transaction holds the only connection, so a call outside it would wait forever for itself; and a
  // nested `transaction` joins the open one instead of trying to begin another.
  const active = new AsyncLocalStorage<ActiveTransaction>();
  const current = (): ActiveTransaction | undefined => {
    const tx = active.getStore();
    return tx?.open ? tx : undefined;
  };
  const statements = sqliteStatementsOf(db);
  const hotPath = (inTransaction: () => boolean) =>
    statements ? { sqlite: new SqliteHotPath(db, statements, inTransaction) } : {};
  const root = repositories({
    db: () => current()?.trx ?? db,
    dialect,
    clock,
    ...hotPath(() => current() !== undefined),
  });

  return {
    ...root,
    transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      const outer = current();
      if (outer) return work(outer.repositories);
      return guard('running a database transaction', () =>
        db.transaction().execute(async (trx) => {
          let open = true;
          const tx: ActiveTransaction = {
            trx,
            repositories: repositories({ db: () => trx, dialect, clock, ...hotPath(() => open) }),
            get open() {
              return open;
            },
          };
          try {
            return await active.run(tx, () => work(tx.repositories));
          } finally {
            open = false;
          }
        }),
      );
    },
    ...(statements ? { synchronousTransaction: synchronousTransaction(db, statements, clock, current) } : {}),
    async ready() {
      try {
        await sql`select 1`.execute(db);
        return await migrationsApplied(db);
      } catch {
        // Not ready is the answer; /readyz reports it and the caller logs the cause of any later failure.
        return false;
      }
    },
    close: async () => {
      await stopDatabaseThreads(db);
      await db.destroy();
    },
  };
}

/**
 * SQLite's transaction with no await inside: BEGIN, `work`, COMMIT on the only connection, once Kysely hands
 * it over (a transaction in flight keeps it until it ends). Nothing else runs on the connection meanwhile,
 * as nothing else runs on the event loop.
 */
function synchronousTransaction(
  db: Kysely<Database>,
  statements: SqliteStatements,
  clock: Clock,
  current: () => ActiveTransaction | undefined,
): NonNullable<Store['synchronousTransaction']> {
  const sqlite = new SqliteHotPath(db, statements, () => true);
  const intake = alertIntake(sqlite, clock);
  const run = (sql: string) => statements.prepare(sql).run();
  return <T>(work: (tx: AlertIntakeTransaction) => T | undefined): Promise<T | undefined> => {
    // Inside `transaction` the connection is that transaction's: no second BEGIN, and no partial rollback.
    if (current()) return Promise.resolve(undefined);
    return guard('running a database transaction', () =>
      db.connection().execute(async () => {
        run('begin immediate');
        try {
          const result = work(intake.tx);
          if (result === undefined) {
            intake.forgetCounts();
            run('rollback');
          } else {
            intake.writeCounts();
            run('commit');
          }
          return result;
        } catch (error) {
          intake.forgetCounts();
          try {
            run('rollback');
          } catch {
            // A failed COMMIT may have ended the transaction already; the error to report is the first one.
          }
          throw toStoreError(error, 'storing alerts');
        }
      }),
    );
  };
}
