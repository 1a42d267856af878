// A :pushpin: on a message in an incident channel adds that message to the incident's timeline.
import { userActor } from '../../../domain/actor';
import { pinMessageToTimeline } from '../../../flows/update-incident';
import type { SlackDeps } from '../../deps';
import { PIN_REACTION } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.event('reaction_added', async ({ event }) => {
    if (event.reaction !== PIN_REACTION || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const incident = await deps.store.incidents.findByChannel(channel);
    if (!incident) return;
    // Slack holds the text; if it cannot be read now, the pin is still recorded, with its link.
    const message = await deps.chat.readMessage(channel, ts).catch((error: unknown) => {
      deps.logger.warn({ channel, ts, err: error }, 'could not read a pinned message; recording it without text');
      return null;
    });
    await pinMessageToTimeline(
      deps.flows,
      incident,
      {
        channelId: channel,
        ts,
        ...(message?.text ? { text: message.text } : {}),
        ...(message?.userId ? { author: message.userId } : {}),
      },
      userActor(event.user),
    );
  });
}
