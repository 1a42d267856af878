// Planned capacity for known events over Kysely (migration 014). `transition` is a conditional update on the
// state, so of two clicks (or a click and a due job) exactly one moves a plan on; its steps are JSON on the row.
// `lockTarget` (migration 016) makes a proposal's overlap check and insert one step against other proposals.
import type { Selectable, Updateable } from 'kysely';
import type { Actor, UserActor } from '../../domain/actor';
import {
  CAPACITY_PLAN_STATES,
  type CapacityPlan,
  type CapacityPlanState,
  type CapacityPlanStep,
  type ScaleStepRecord,
} from '../../domain/capacity/planned-event';
import type { MessageRef } from '../../domain/incident';
import { FirebreakError } from '../../errors';
import type { CapacityPlanRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { fromJson, iso, toJson } from './rows';
import type { CapacityPlansTable } from './schema';
import { guard } from './store-errors';

type StoredStep = { at: string; what: string; by: Actor; scale?: ScaleStepRecord; warning?: string };

function state(value: string): CapacityPlanState {
  if ((CAPACITY_PLAN_STATES as readonly string[]).includes(value)) return value as CapacityPlanState;
  throw new FirebreakError(
    'STORE_UNAVAILABLE',
    `capacity_plans.state holds "${value}", which this version does not know`,
    {
      step: 'reading capacity_plans.state',
    },
  );
}

const dateOrNull = (text: string | null): Date | null => (text === null ? null : new Date(text));
const jsonOrNull = <T>(text: string | null): T | null => (text === null ? null : fromJson<T>(text));

function rowToPlan(row: Selectable<CapacityPlansTable>): CapacityPlan {
  return {
    id: Number(row.id),
    target: row.target,
    count: row.count,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    name: row.name,
    proposedBy: fromJson<UserActor>(row.proposed_by),
    proposedAt: new Date(row.proposed_at),
    leadMinutes: row.lead_minutes,
    approvers: row.approvers,
    state: state(row.state),
    confirmedBy: jsonOrNull<UserActor>(row.confirmed_by),
    confirmedAt: dateOrNull(row.confirmed_at),
    prescaleOperationId: row.prescale_operation_id === null ? null : Number(row.prescale_operation_id),
    scaleBackTo: row.scale_back_to,
    scaleBackOperationId: row.scale_back_operation_id === null ? null : Number(row.scale_back_operation_id),
    outcome: row.outcome,
    announcement: jsonOrNull<MessageRef>(row.announcement),
    scaleBackMessage: jsonOrNull<MessageRef>(row.scale_back_message),
    steps: fromJson<StoredStep[]>(row.steps).map((s) => ({
      at: new Date(s.at),
      what: s.what,
      by: s.by,
      ...(s.scale ? { scale: s.scale } : {}),
      ...(s.warning ? { warning: s.warning } : {}),
    })),
  };
}

function stepsJson(steps: readonly CapacityPlanStep[]): string {
  return toJson(
    steps.map((s) => ({
      at: iso(s.at, 'capacityPlan.step.at'),
      what: s.what,
      by: s.by,
      ...(s.scale ? { scale: s.scale } : {}),
      ...(s.warning ? { warning: s.warning } : {}),
    })),
  );
}

type Changes = Partial<Omit<CapacityPlan, 'id' | 'steps'>>;

function changesToRow(c: Changes): Updateable<CapacityPlansTable> {
  const row: Updateable<CapacityPlansTable> = {};
  if (c.target !== undefined) row.target = c.target;
  if (c.count !== undefined) row.count = c.count;
  if (c.startsAt !== undefined) row.starts_at = iso(c.startsAt, 'capacityPlan.startsAt');
  if (c.endsAt !== undefined) row.ends_at = iso(c.endsAt, 'capacityPlan.endsAt');
  if (c.name !== undefined) row.name = c.name;
  if (c.proposedBy !== undefined) row.proposed_by = toJson(c.proposedBy);
  if (c.proposedAt !== undefined) row.proposed_at = iso(c.proposedAt, 'capacityPlan.proposedAt');
  if (c.leadMinutes !== undefined) row.lead_minutes = c.leadMinutes;
  if (c.approvers !== undefined) row.approvers = c.approvers;
  if (c.state !== undefined) row.state = c.state;
  if (c.confirmedBy !== undefined) row.confirmed_by = c.confirmedBy === null ? null : toJson(c.confirmedBy);
  if (c.confirmedAt !== undefined)
    row.confirmed_at = c.confirmedAt === null ? null : iso(c.confirmedAt, 'capacityPlan.confirmedAt');
  if (c.prescaleOperationId !== undefined) row.prescale_operation_id = c.prescaleOperationId;
  if (c.scaleBackTo !== undefined) row.scale_back_to = c.scaleBackTo;
  if (c.scaleBackOperationId !== undefined) row.scale_back_operation_id = c.scaleBackOperationId;
  if (c.outcome !== undefined) row.outcome = c.outcome;
  if (c.announcement !== undefined) row.announcement = c.announcement === null ? null : toJson(c.announcement);
  if (c.scaleBackMessage !== undefined)
    row.scale_back_message = c.scaleBackMessage === null ? null : toJson(c.scaleBackMessage);
  return row;
}

export function capacityPlanRepository(ctx: RepositoryContext): CapacityPlanRepository {
  const rows = () => ctx.db().selectFrom('capacity_plans').selectAll();
  const find = async (id: number) => {
    const row = await rows().where('id', '=', id).executeTakeFirst();
    return row ? rowToPlan(row) : null;
  };
  return {
    lockTarget: (target) =>
      guard(`holding ${target}'s capacity plans`, async () => {
        // A write, and the transaction's first: PostgreSQL locks the row until commit (a second proposal's
        // upsert waits for it, then reads the plans the first stored); SQLite takes its write lock here, as
        // BEGIN IMMEDIATE would, before anything is read.
        const lockedAt = iso(ctx.clock.now(), 'capacityPlanLock.lockedAt');
        await ctx
          .db()
          .insertInto('capacity_plan_locks')
          .values({ target, locked_at: lockedAt })
          .onConflict((oc) => oc.column('target').doUpdateSet({ locked_at: lockedAt }))
          .execute();
      }),
    insert: (plan) =>
      guard(`storing a capacity plan for ${plan.target}`, async () => {
        const { steps, ...rest } = plan;
        const values = changesToRow(rest);
        return rowToPlan(
          await ctx
            .db()
            .insertInto('capacity_plans')
            .values({ ...(values as Required<typeof values>), steps: stepsJson(steps) })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      }),
    findById: (id) => guard(`reading capacity plan ${id}`, () => find(id)),
    listInStates: (states, target) =>
      guard('listing capacity plans', async () => {
        let query = rows().where('state', 'in', [...states]);
        if (target !== undefined) query = query.where('target', '=', target);
        return (await query.orderBy('starts_at').orderBy('id').execute()).map(rowToPlan);
      }),
    transition: (id, from, changes, step) =>
      guard(`moving capacity plan ${id} on`, async () => {
        const before = await find(id);
        if (!before || !from.includes(before.state)) return null;
        const row = await ctx
          .db()
          .updateTable('capacity_plans')
          .set({ ...changesToRow(changes), steps: stepsJson([...before.steps, step]) })
          .where('id', '=', id)
          // The state read above, still: another click or job that moved it meanwhile wins, this one does nothing.
          .where('state', '=', before.state)
          .returningAll()
          .executeTakeFirst();
        return row ? rowToPlan(row) : null;
      }),
    recordScaleBack: (id, operationId, step) =>
      guard(`recording capacity plan ${id}'s scale-back`, async () => {
        const before = await find(id);
        if (!before || before.scaleBackOperationId !== null) return null;
        const row = await ctx
          .db()
          .updateTable('capacity_plans')
          .set({ scale_back_operation_id: operationId, steps: stepsJson([...before.steps, step]) })
          .where('id', '=', id)
          // Two clicks at once both find the operation; the first to write records it, once.
          .where('scale_back_operation_id', 'is', null)
          .returningAll()
          .executeTakeFirst();
        return row ? rowToPlan(row) : null;
      }),
    update: (id, changes, step) =>
      guard(`updating capacity plan ${id}`, async () => {
        const before = await find(id);
        if (!before)
          throw new FirebreakError('NOT_FOUND', `capacity plan ${id} does not exist`, {
            step: `updating capacity plan ${id}`,
          });
        const row = await ctx
          .db()
          .updateTable('capacity_plans')
          .set({ ...changesToRow(changes), ...(step ? { steps: stepsJson([...before.steps, step]) } : {}) })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return rowToPlan(row);
      }),
  };
}
