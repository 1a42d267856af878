// Scale operations over Kysely. The request key and the one-active-per-target index make the database
// the judge of "already asked" and "already scaling", across replicas too.
import type { ScaleOperationRepository } from '../../ports/store';
import { FirebreakError } from '../../errors';
import type { RepositoryContext } from './repositories';
import { rowToScaleOperation, scaleOperationChangesToRow, scaleOperationToRow } from './rows';
import { guard } from './store-errors';

const ACTIVE = ['requested', 'started', 'completed', 'failed'];

export function scaleOperationRepository(ctx: RepositoryContext): ScaleOperationRepository {
  const operations = () => ctx.db().selectFrom('scale_operations').selectAll();
  return {
    insert: (op) =>
      guard(`storing a scale operation on ${op.target}`, async () =>
        rowToScaleOperation(
          await ctx
            .db()
            .insertInto('scale_operations')
            .values(scaleOperationToRow(op))
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    update: (id, changes) =>
      guard(`updating scale operation ${id}`, async () => {
        const row = await ctx
          .db()
          .updateTable('scale_operations')
          .set(scaleOperationChangesToRow(changes))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row)
          throw new FirebreakError('NOT_FOUND', `scale operation ${id} does not exist`, {
            step: `updating scale operation ${id}`,
          });
        return rowToScaleOperation(row);
      }),
    updateIf: (id, status, changes) =>
      guard(`updating scale operation ${id} if still ${status}`, async () => {
        const row = await ctx
          .db()
          .updateTable('scale_operations')
          .set(scaleOperationChangesToRow(changes))
          .where('id', '=', id)
          .where('status', '=', status)
          .returningAll()
          .executeTakeFirst();
        return row ? rowToScaleOperation(row) : null;
      }),
    findById: (id) =>
      guard(`reading scale operation ${id}`, async () => {
        const row = await operations().where('id', '=', id).executeTakeFirst();
        return row ? rowToScaleOperation(row) : null;
      }),
    findByRequestKey: (key) =>
      guard('reading a scale operation by its request key', async () => {
        const row = await operations().where('request_key', '=', key).executeTakeFirst();
        return row ? rowToScaleOperation(row) : null;
      }),
    latestForTarget: (target) =>
      guard(`reading the latest scale operation on ${target}`, async () => {
        const row = await operations()
          .where('target', '=', target)
          .where('status', 'in', ACTIVE)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        return row ? rowToScaleOperation(row) : null;
      }),
    listByIncident: (incidentId) =>
      guard(`listing the scale operations of incident ${incidentId}`, async () =>
        (await operations().where('incident_id', '=', incidentId).orderBy('id').execute()).map(rowToScaleOperation),
      ),
  };
}
