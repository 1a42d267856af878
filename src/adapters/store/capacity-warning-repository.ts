// Capacity warnings over Kysely (migration 013). The partial unique index on open warnings makes a second open
// warning for a target a STORE_CONFLICT, which the watcher reads as "another replica opened it a moment ago".
import type { Insertable, Selectable } from 'kysely';
import type {
  CapacityWarning,
  NewCapacityWarning,
  WarningNumbers,
  WarningOutcome,
} from '../../domain/capacity/capacity-warning';
import type { CapacityWarningRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { fromJson, iso, toJson } from './rows';
import type { CapacityWarningsTable } from './schema';
import { guard } from './store-errors';

type StoredNumbers = Omit<WarningNumbers, 'at' | 'peak' | 'saturatesAt' | 'passesTargetAt'> & {
  at: string;
  peak: { at: string; value: number };
  saturatesAt: string | null;
  /** Absent on warnings stored before it was kept. */
  passesTargetAt?: string | null;
};
type StoredOutcome = Omit<WarningOutcome, 'at'> & { at: string };

function numbersFromJson(text: string): WarningNumbers {
  const n = fromJson<StoredNumbers>(text);
  return {
    ...n,
    at: new Date(n.at),
    peak: { at: new Date(n.peak.at), value: n.peak.value },
    saturatesAt: n.saturatesAt === null ? null : new Date(n.saturatesAt),
    passesTargetAt: n.passesTargetAt ? new Date(n.passesTargetAt) : null,
  };
}

function outcomeFromJson(text: string | null): WarningOutcome | null {
  if (text === null) return null;
  const o = fromJson<StoredOutcome>(text);
  return { ...o, at: new Date(o.at) } as WarningOutcome;
}

function rowToWarning(row: Selectable<CapacityWarningsTable>): CapacityWarning {
  return {
    id: Number(row.id),
    target: row.target,
    state: row.state as CapacityWarning['state'],
    openedAt: new Date(row.opened_at),
    updatedAt: new Date(row.updated_at),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at),
    closeReason: row.close_reason as CapacityWarning['closeReason'],
    numbers: numbersFromJson(row.numbers),
    openedInstances: row.opened_instances,
    sourceProblem: row.source_problem,
    calmChecks: row.calm_checks,
    offer: row.offer,
    incidentId: row.incident_id === null ? null : Number(row.incident_id),
    channelId: row.channel_id,
    messageId: row.message_id,
    outcome: outcomeFromJson(row.outcome),
  };
}

function changesToRow(changes: Partial<NewCapacityWarning>): Partial<Insertable<CapacityWarningsTable>> {
  const row: Partial<Insertable<CapacityWarningsTable>> = {};
  if (changes.target !== undefined) row.target = changes.target;
  if (changes.state !== undefined) row.state = changes.state;
  if (changes.openedAt !== undefined) row.opened_at = iso(changes.openedAt, 'warning.openedAt');
  if (changes.updatedAt !== undefined) row.updated_at = iso(changes.updatedAt, 'warning.updatedAt');
  if (changes.closedAt !== undefined)
    row.closed_at = changes.closedAt === null ? null : iso(changes.closedAt, 'warning.closedAt');
  if (changes.closeReason !== undefined) row.close_reason = changes.closeReason;
  if (changes.numbers !== undefined) row.numbers = toJson(changes.numbers);
  if (changes.openedInstances !== undefined) row.opened_instances = changes.openedInstances;
  if (changes.sourceProblem !== undefined) row.source_problem = changes.sourceProblem;
  if (changes.calmChecks !== undefined) row.calm_checks = changes.calmChecks;
  if (changes.offer !== undefined) row.offer = changes.offer;
  if (changes.incidentId !== undefined) row.incident_id = changes.incidentId;
  if (changes.channelId !== undefined) row.channel_id = changes.channelId;
  if (changes.messageId !== undefined) row.message_id = changes.messageId;
  if (changes.outcome !== undefined) {
    const outcome = changes.outcome;
    row.outcome = outcome === null ? null : toJson(outcome);
    row.scale_operation_id = outcome?.kind === 'scaled' ? outcome.operationId : null;
    row.approval_id = outcome?.kind === 'approval_requested' ? outcome.approvalId : null;
  }
  return row;
}

export function capacityWarningRepository(ctx: RepositoryContext): CapacityWarningRepository {
  const rows = () => ctx.db().selectFrom('capacity_warnings').selectAll();
  return {
    insert: (w) =>
      guard(`storing a capacity warning for ${w.target}`, async () =>
        rowToWarning(
          await ctx
            .db()
            .insertInto('capacity_warnings')
            .values(changesToRow(w) as Insertable<CapacityWarningsTable>)
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    findById: (id) =>
      guard(`reading capacity warning ${id}`, async () => {
        const row = await rows().where('id', '=', id).executeTakeFirst();
        return row ? rowToWarning(row) : null;
      }),
    findOpen: (target) =>
      guard(`reading the open capacity warning of ${target}`, async () => {
        const row = await rows().where('target', '=', target).where('state', '=', 'open').executeTakeFirst();
        return row ? rowToWarning(row) : null;
      }),
    listOpen: () =>
      guard('reading the open capacity warnings', async () =>
        (await rows().where('state', '=', 'open').orderBy('id').execute()).map(rowToWarning),
      ),
    update: (id, changes) =>
      guard(`updating capacity warning ${id}`, async () =>
        rowToWarning(
          await ctx
            .db()
            .updateTable('capacity_warnings')
            .set(changesToRow(changes))
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    listByTarget: (target, limit) =>
      guard(`reading the capacity warnings of ${target}`, async () =>
        (await rows().where('target', '=', target).orderBy('id', 'desc').limit(limit).execute()).map(rowToWarning),
      ),
  };
}
