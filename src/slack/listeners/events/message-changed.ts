// A message was edited: when it is pinned to an incident's timeline, its entry follows the edit.
import { z } from 'zod';
import { editPinnedMessage } from '../../../flows/incident-queries';
import type { SlackDeps } from '../../deps';
import type { ListenerRegistrar } from '../../registrar';

/** The parts of Slack's `message_changed` event that matter here; other messages are not read at all. */
const messageChanged = z.object({
  subtype: z.literal('message_changed'),
  channel: z.string().min(1),
  message: z.object({
    ts: z.string().min(1),
    text: z.string().default(''),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    // Slack puts the edit's own time here; two edits of one message differ by it.
    edited: z.object({ ts: z.string().min(1) }).optional(),
  }),
  event_ts: z.string().min(1),
});

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.event('message', async ({ event, context }) => {
    if (!('subtype' in event) || event.subtype !== 'message_changed') return;
    const parsed = messageChanged.safeParse(event);
    if (!parsed.success) {
      deps.logger.warn({ issues: parsed.error.issues.length }, 'a message_changed event without the expected fields');
      return;
    }
    const { channel, message, event_ts } = parsed.data;
    // Our own edits (every card update) come back as message_changed too: never a person's pinned message.
    if (message.bot_id !== undefined || message.user === context.botUserId) return;
    await editPinnedMessage(deps.flows, {
      channelId: channel,
      messageId: message.ts,
      text: message.text,
      editId: message.edited?.ts ?? event_ts,
      ...(message.user ? { author: message.user } : {}),
    });
  });
}
