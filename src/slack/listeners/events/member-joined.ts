// Someone joined a channel: in an incident channel, they are noted on the timeline and caught up, alone.
import { responderJoined } from '../../../flows/catch-up';
import type { SlackDeps } from '../../deps';
import type { ListenerRegistrar } from '../../registrar';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.event('member_joined_channel', async ({ event, context }) => {
    // Our own joins (creating the channel, joining the announcement channel) need no catch-up.
    if (event.user === context.botUserId) return;
    await responderJoined(deps.flows, {
      channelId: event.channel,
      userId: event.user,
      // Slack sends one event per join and repeats it with the same event_ts when it retries.
      joinId: event.event_ts,
      invitedByUs: event.inviter !== undefined && event.inviter === context.botUserId,
    });
  });
}
