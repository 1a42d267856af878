// A :pushpin: on a message in an incident channel adds that message to the incident's timeline.
import { userActor } from '../../../domain/actor';
import { pinToTimeline } from '../../../flows/incident-queries';
import type { SlackDeps } from '../../deps';
import { PIN_REACTION } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.event('reaction_added', async ({ event }) => {
    if (event.reaction !== PIN_REACTION || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    // Slack's id of a message is its ts.
    const pinned = { channelId: channel, messageId: ts };
    await pinToTimeline({ ...deps.flows, chat: deps.chat }, pinned, userActor(event.user), (err) =>
      deps.logger.warn({ channel, ts, err }, 'could not read a pinned message; recording it without text'),
    );
  });
}
