// Channel names claimed by one incident before the chat platform creates them: the claim, not Slack's
// answer, decides whose a channel of that name is, so a crash or a second replica cannot mix them up.
import type { ChannelNameRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { iso } from './rows';
import { guard } from './store-errors';

export function channelNameRepository(ctx: RepositoryContext): ChannelNameRepository {
  return {
    claim: (name, incidentId, now) =>
      guard(`claiming the channel name ${name}`, async () => {
        const inserted = await ctx
          .db()
          .insertInto('channel_names')
          .values({ name, incident_id: incidentId, claimed_at: iso(now, 'now') })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning('name')
          .executeTakeFirst();
        if (inserted) return 'claimed';
        const holder = await ctx
          .db()
          .selectFrom('channel_names')
          .select('incident_id')
          .where('name', '=', name)
          .executeTakeFirstOrThrow();
        return Number(holder.incident_id) === incidentId ? 'ours' : 'taken';
      }),
  };
}
