// Runs the schema migrations, listed here in code so they work the same from dist/, tsx and ts-jest.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { errorMessage, FirebreakError } from '../../errors';
import { initial } from './migrations/001-initial';
import { paging } from './migrations/002-paging';
import { scaling } from './migrations/003-scaling';
import { delivery } from './migrations/004-delivery';
import { sendIntent } from './migrations/005-send-intent';
import { alertCounts } from './migrations/006-alert-counts';
import { plainRowids } from './migrations/007-plain-rowids';
import { alertLinks } from './migrations/008-alert-links';
import { testIncidents } from './migrations/009-test-incidents';
import { nudgesAndSubscribers } from './migrations/010-nudges-and-subscribers';
import { escalationsApprovals } from './migrations/011-escalations-approvals';
import { teamPagerIncident } from './migrations/012-team-pager-incident';
import { capacityWarnings } from './migrations/013-capacity-warnings';
import { capacityPlans } from './migrations/014-capacity-plans';
import { teamDeclined } from './migrations/015-team-declined';
import { capacityPlanLocks } from './migrations/016-capacity-plan-locks';
import { timelineTypeIndexWithoutAlerts } from './migrations/017-timeline-type-index-without-alerts';
import { slackRequestClaims } from './migrations/018-slack-request-claims';
import type { Database } from './schema';

/** In order; a name, once released, never changes (the database records which ones ran). */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-initial': initial,
  '002-paging': paging,
  '003-scaling': scaling,
  '004-delivery': delivery,
  '005-send-intent': sendIntent,
  '006-alert-counts': alertCounts,
  '007-plain-rowids': plainRowids,
  '008-alert-links': alertLinks,
  '009-test-incidents': testIncidents,
  '010-nudges-and-subscribers': nudgesAndSubscribers,
  '011-escalations-approvals': escalationsApprovals,
  '012-team-pager-incident': teamPagerIncident,
  '013-capacity-warnings': capacityWarnings,
  '014-capacity-plans': capacityPlans,
  '015-team-declined': teamDeclined,
  '016-capacity-plan-locks': capacityPlanLocks,
  '017-timeline-type-index-without-alerts': timelineTypeIndexWithoutAlerts,
  '018-slack-request-claims': slackRequestClaims,
};

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

export function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider });
}

/** Applies every migration not yet applied; returns their names. Safe to run from several replicas at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  let outcome: MigrationResultSet;
  try {
    outcome = await migrator(db).migrateToLatest();
  } catch (error) {
    throw migrationError(error, undefined);
  }
  if (outcome.error !== undefined) {
    const failed = outcome.results?.find((result) => result.status === 'Error')?.migrationName;
    throw migrationError(outcome.error, failed);
  }
  return (outcome.results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** True when every known migration has been applied (the readiness check). */
export async function migrationsApplied(db: Kysely<Database>): Promise<boolean> {
  const migrations = await migrator(db).getMigrations();
  return migrations.every((migration) => migration.executedAt !== undefined);
}

function migrationError(error: unknown, migrationName: string | undefined): FirebreakError {
  // The store is unusable until the schema is right, whatever the reason; the message says which step failed.
  const step = migrationName ? `applying database migration ${migrationName}` : 'applying database migrations';
  return new FirebreakError('STORE_UNAVAILABLE', `${step} failed: ${errorMessage(error)}`, {
    step,
    providerError: errorMessage(error),
    cause: error,
  });
}
