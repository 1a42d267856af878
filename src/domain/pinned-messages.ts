// Pinned messages as the timeline tells them: an edit of a pinned message is stored as its own event (the
// timeline is append-only), and every reader shows the pinned entry with its latest text instead.
import type { TimelineEvent } from './timeline';

function messageKey(data: { channelId: string; messageId: string }): string {
  return `${data.channelId}:${data.messageId}`;
}

/**
 * The events with each pinned message's entry carrying its latest edit, and the edits of those entries left out.
 * An edit whose pin is not among `events` (the card shows only the latest few) stays, as its own line.
 */
export function withPinEdits(events: readonly TimelineEvent[]): TimelineEvent[] {
  const pinned = new Set<string>();
  for (const event of events) if (event.type === 'message.pinned') pinned.add(messageKey(event.data));
  const latest = new Map<string, string>();
  for (const event of events)
    if (event.type === 'message.edited' && pinned.has(messageKey(event.data)))
      latest.set(messageKey(event.data), event.data.text);
  if (latest.size === 0) return [...events];
  return events.flatMap((event): TimelineEvent[] => {
    if (event.type === 'message.edited') return pinned.has(messageKey(event.data)) ? [] : [event];
    if (event.type !== 'message.pinned') return [event];
    const text = latest.get(messageKey(event.data));
    return text === undefined ? [event] : [{ ...event, data: { ...event.data, text } }];
  });
}
