// Posts a message that must exist once, across a crash or a lost answer. The intent is stored just before the
// call: when an earlier attempt had begun posting (a crash, or a timeout with no answer, since), the message
// may already be there, so look for its marker first. An attempt that never got that far (killed while an
// earlier job of its lane ran) posts at once, without spending the platform's history budget.
import { isFirebreakError } from '../errors';
import type { Chat, ChatMessage, MessageMarker, MessageRef } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { OutboxJob, Store } from '../ports/store';

export async function postMarkedOnce(
  deps: { store: Store; clock: Clock; chat: Chat },
  job: OutboxJob,
  channel: string,
  message: ChatMessage,
  marker: MessageMarker,
): Promise<{ posted: MessageRef; found: boolean }> {
  if (job.sendingSince) {
    const found = await deps.chat.findMarkedMessage(channel, marker, job.createdAt);
    if (found) return { posted: found, found: true };
  }
  await deps.store.outbox.markSending(job.id, deps.clock.now());
  try {
    return { posted: await deps.chat.postMessage(channel, message, marker), found: false };
  } catch (error) {
    // The platform answered and refused: nothing was posted, nothing to look for next time.
    if (isFirebreakError(error) && error.code !== 'CHAT_UNAVAILABLE') await deps.store.outbox.markSending(job.id, null);
    throw error;
  }
}
