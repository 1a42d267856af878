// The replay guard's memory: Slack requests already served, by when they were signed and their signature
// (migration 018). Claimed before every acknowledgement, so on SQLite it is one cached insert run at once.
import type { SlackRequestClaimRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { guard } from './store-errors';

const CLAIM_SQL = 'insert into slack_request_claims (signed_at, signature) values (?, ?) on conflict do nothing';

export function slackRequestClaimRepository(ctx: RepositoryContext): SlackRequestClaimRepository {
  return {
    // ON CONFLICT DO NOTHING rather than look-then-insert: two replicas claiming one request cannot both win,
    // and the loser learns it without an error that would roll back a transaction on PostgreSQL.
    claim: (signedAtSeconds, signature) =>
      guard('claiming a Slack request', async () => {
        // At once unless a transaction holds the connection, and no row read back (`changes` says).
        if (ctx.sqlite) return ctx.sqlite.runNow((q) => q.exec(CLAIM_SQL, signedAtSeconds, signature) > 0);
        const inserted = await ctx
          .db()
          .insertInto('slack_request_claims')
          .values({ signed_at: signedAtSeconds, signature })
          .onConflict((oc) => oc.columns(['signed_at', 'signature']).doNothing())
          .returning('signature')
          .executeTakeFirst();
        return inserted !== undefined;
      }),
    prune: (before) =>
      guard('pruning old Slack request claims', async () => {
        const result = await ctx
          .db()
          .deleteFrom('slack_request_claims')
          .where('signed_at', '<', Math.floor(before.getTime() / 1000))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}
