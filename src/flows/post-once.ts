// Posts a message that must exist once, across a crash or a lost answer. The intent is stored just before the
// call: when an earlier attempt had begun posting (a crash, or a timeout with no answer, since), the message
// may already be there, so look for its marker first, in the place it was posted (a channel, the thread
// under a message, a member's direct messages). An attempt that never got that far (killed while an earlier
// job of its lane ran) posts at once, without spending the platform's history budget.
import { isFirebreakError } from '../errors';
import type { Chat, ChatMessage, MessageMarker, MessagePlace, MessageRef } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { OutboxJob, Store } from '../ports/store';

/** Our message carrying `marker` in `place` since `since`, or null (also when the platform will not let us look). */
function findIn(chat: Chat, place: MessagePlace, marker: MessageMarker, since: Date): Promise<MessageRef | null> {
  if ('thread' in place) return chat.findMarkedReply(place.thread, marker, since);
  if ('directTo' in place) return chat.findMarkedDirectMessage(place.directTo, marker, since);
  return chat.findMarkedMessage(place.channel, marker, since);
}

function postIn(chat: Chat, place: MessagePlace, message: ChatMessage, marker: MessageMarker): Promise<MessageRef> {
  if ('thread' in place) return chat.postReply(place.thread, message, marker);
  if ('directTo' in place) return chat.sendDirectMessage(place.directTo, message, marker);
  return chat.postMessage(place.channel, message, marker);
}

export async function postMarkedOnce(
  deps: { store: Store; clock: Clock; chat: Chat },
  job: OutboxJob,
  place: MessagePlace,
  message: ChatMessage,
  marker: MessageMarker,
): Promise<{ posted: MessageRef; found: boolean }> {
  if (job.sendingSince) {
    const found = await findIn(deps.chat, place, marker, job.createdAt);
    if (found) return { posted: found, found: true };
  }
  await deps.store.outbox.markSending(job.id, deps.clock.now());
  try {
    return { posted: await postIn(deps.chat, place, message, marker), found: false };
  } catch (error) {
    // The platform answered and refused: nothing was posted, nothing to look for next time.
    if (isFirebreakError(error) && error.code !== 'CHAT_UNAVAILABLE') await deps.store.outbox.markSending(job.id, null);
    throw error;
  }
}
