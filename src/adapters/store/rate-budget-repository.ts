// Slack's rate tiers as token buckets in the store, so every replica draws from one budget per method.
// Compare-and-swap on the row (no lock held across statements): the same on SQLite and PostgreSQL.
import { sql } from 'kysely';
import type { RateBudgetRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { iso } from './rows';
import { guard, isConflict } from './store-errors';

/** Swaps lost in a row before stepping back: that many other callers just took from the bucket. */
const MAX_RACES = 10;

export function rateBudgetRepository(ctx: RepositoryContext): RateBudgetRepository {
  return {
    take: (key, now, limits) => guard(`taking from the rate budget ${key}`, () => take(ctx, key, now, limits)),
    hold: (key, until) =>
      guard(`holding the rate budget ${key}`, async () => {
        const untilIso = iso(until, 'until');
        // The refill counts from updated_at, so a time in the future is a hold: nothing until then, and then
        // one call (Slack said when to try again), the rest refilling from there.
        await ctx
          .db()
          .insertInto('rate_budgets')
          .values({ key, tokens: 1, updated_at: untilIso })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              tokens: 1,
              updated_at: sql`case when rate_budgets.updated_at > ${untilIso} then rate_budgets.updated_at else ${untilIso} end`,
            }),
          )
          .execute();
      }),
    refund: (key, burst) =>
      guard(`refunding the rate budget ${key}`, async () => {
        await ctx
          .db()
          .updateTable('rate_budgets')
          .set({ tokens: sql`case when tokens + 1 > ${burst} then ${burst} else tokens + 1 end` })
          .where('key', '=', key)
          .execute();
      }),
  };
}

async function take(
  ctx: RepositoryContext,
  key: string,
  now: Date,
  limits: { perMinute: number; burst: number },
): ReturnType<RateBudgetRepository['take']> {
  const perMs = limits.perMinute / 60_000;
  const nowIso = iso(now, 'now');
  for (let race = 0; race < MAX_RACES; race++) {
    const db = ctx.db();
    const row = await db
      .selectFrom('rate_budgets')
      .select(['tokens', 'updated_at'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) {
      try {
        await db
          .insertInto('rate_budgets')
          .values({ key, tokens: limits.burst - 1, updated_at: nowIso })
          .execute();
        return { granted: true };
      } catch (error) {
        if (isConflict(error) && !db.isTransaction) continue; // another replica made the bucket first
        throw error;
      }
    }
    // Held (Slack said to wait): no call before then, whatever the bucket held.
    if (row.updated_at > nowIso) return { granted: false, retryAt: new Date(row.updated_at) };
    const elapsed = now.getTime() - new Date(row.updated_at).getTime();
    const tokens = Math.min(limits.burst, row.tokens + elapsed * perMs);
    // The wait to the next whole token (less a hair: floating-point refill must not round a millisecond up).
    if (tokens < 1)
      return { granted: false, retryAt: new Date(now.getTime() + Math.ceil((1 - tokens) / perMs - 1e-6)) };
    const swapped = await db
      .updateTable('rate_budgets')
      .set({ tokens: tokens - 1, updated_at: nowIso })
      .where('key', '=', key)
      .where('tokens', '=', row.tokens)
      .where('updated_at', '=', row.updated_at)
      .executeTakeFirst();
    if (Number(swapped.numUpdatedRows) === 1) return { granted: true };
  }
  // Others are taking from this bucket right now: step back a moment (with jitter) rather than spin.
  return { granted: false, retryAt: new Date(now.getTime() + 10 + Math.floor(Math.random() * 40)) };
}
