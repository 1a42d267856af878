// What Slack does with a message the app posts to a response_url: ephemeral by default, or in the
// channel, or replacing / deleting the message whose button was clicked.
import type { ResponseTarget, Workspace } from './workspace';

interface ResponseMessage {
  text?: unknown;
  blocks?: unknown;
  response_type?: unknown;
  replace_original?: unknown;
  delete_original?: unknown;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function applyResponse(
  ws: Workspace,
  target: ResponseTarget,
  body: unknown,
  bot: { userId: string; botId: string },
): void {
  const message = (typeof body === 'object' && body !== null ? body : {}) as ResponseMessage;
  const text = typeof message.text === 'string' ? message.text : '';
  const blocks = Array.isArray(message.blocks) ? (message.blocks as unknown[]) : undefined;
  const original = target.messageTs ? ws.message(target.channelId, target.messageTs) : undefined;
  if (original && isTrue(message.delete_original)) {
    ws.deleteMessage(target.channelId, original.ts);
  } else if (original && isTrue(message.replace_original)) {
    ws.editMessage(original, { text, blocks: blocks ?? [] }, bot.userId);
  } else if (message.response_type === 'in_channel') {
    ws.addMessage(target.channelId, { user: bot.userId, botId: bot.botId, text, ...(blocks ? { blocks } : {}) });
  } else {
    ws.recordEphemeral({ channel: target.channelId, user: target.userId, text, ...(blocks ? { blocks } : {}) });
  }
}
