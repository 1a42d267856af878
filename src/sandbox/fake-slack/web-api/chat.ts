// chat.* and pins.* — posting, editing and pinning messages, as the bot.
import { fail, optionalJson, optionalString, requiredString, type Args } from '../args';
import { checkBlocks, MESSAGE_LIMITS } from '../blocks';
import { messageJson, permalink } from '../shapes';
import type { Channel, Message, MessageMetadata } from '../workspace';
import { channelArg, requireBotMember, requireNotArchived, type MethodContext, type MethodHandler } from './common';

const MAX_TEXT_LENGTH = 40_000;

interface Content {
  text?: string;
  blocks?: unknown[];
  hasAttachments: boolean;
}

function contentArgs(args: Args): Content {
  const text = optionalString(args, 'text');
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) fail('msg_too_long');
  const rawBlocks = optionalJson(args, 'blocks', 'invalid_blocks_format');
  const blocks = rawBlocks === undefined ? undefined : checkBlocks(rawBlocks, MESSAGE_LIMITS);
  const attachments = optionalJson(args, 'attachments', 'invalid_attachments');
  return {
    ...(text !== undefined ? { text } : {}),
    ...(blocks ? { blocks } : {}),
    hasAttachments: Array.isArray(attachments) && attachments.length > 0,
  };
}

/** Slack's event_type: letters, digits, underscores and hyphens. */
const EVENT_TYPE = /^[A-Za-z0-9_-]+$/;

/**
 * `metadata`: `{ event_type, event_payload }`, JSON-encoded (as the SDK sends it in a form) or an object.
 * Text that is not JSON is refused; a well-formed value with a bad schema (no or an invalid event_type,
 * a payload that is not an object) is ignored with the warning `invalid_metadata_schema`, as Slack does.
 */
function metadataArg(args: Args): { metadata?: MessageMetadata; warning?: string } {
  const value = optionalJson(args, 'metadata', 'invalid_metadata_format');
  if (value === undefined) return {};
  const candidate = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as {
    event_type?: unknown;
    event_payload?: unknown;
  };
  const payload = candidate.event_payload ?? {};
  if (
    typeof candidate.event_type !== 'string' ||
    !EVENT_TYPE.test(candidate.event_type) ||
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload)
  ) {
    return { warning: 'invalid_metadata_schema' };
  }
  return {
    metadata: { event_type: candidate.event_type, event_payload: structuredClone(payload as Record<string, unknown>) },
  };
}

function withWarning(answer: Record<string, unknown>, warning: string | undefined): Record<string, unknown> {
  return warning ? { ...answer, warning, response_metadata: { warnings: [warning] } } : answer;
}

function requireSomething(content: Content): void {
  if (!content.text && !(content.blocks && content.blocks.length > 0) && !content.hasAttachments) fail('no_text');
}

/** chat.postMessage alone accepts a channel name ("#incidents" or "incidents") as well as an id. */
function postingChannel(ctx: MethodContext, args: Args): Channel {
  const ref = optionalString(args, 'channel') ?? fail('channel_not_found');
  return ctx.ws.resolveChannel(ref) ?? fail('channel_not_found');
}

function messageArg(ctx: MethodContext, channel: Channel, args: Args, key: string): Message {
  const ts = requiredString(args, key);
  return ctx.ws.message(channel.id, ts) ?? fail('message_not_found');
}

export const chat: Record<string, MethodHandler> = {
  'chat.postMessage': (args, ctx) => {
    const channel = postingChannel(ctx, args);
    requireNotArchived(channel);
    requireBotMember(ctx, channel);
    const content = contentArgs(args);
    requireSomething(content);
    const { metadata, warning } = metadataArg(args);
    const threadTs = optionalString(args, 'thread_ts');
    const message = ctx.ws.addMessage(channel.id, {
      user: ctx.bot.userId,
      botId: ctx.bot.botId,
      text: content.text ?? '',
      ...(content.blocks && content.blocks.length > 0 ? { blocks: content.blocks } : {}),
      ...(threadTs ? { threadTs } : {}),
      ...(metadata ? { metadata } : {}),
    });
    return withWarning(
      { channel: channel.id, ts: message.ts, message: messageJson(message, [], { includeMetadata: true }) },
      warning,
    );
  },

  'chat.update': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const message = messageArg(ctx, channel, args, 'ts');
    if (message.user !== ctx.bot.userId) fail('cant_update_message');
    const content = contentArgs(args);
    if (content.text === undefined && content.blocks === undefined && !content.hasAttachments) fail('no_text');
    const { metadata, warning } = metadataArg(args);
    // Blocks (and metadata) left out are kept, an empty array removes the blocks — as Slack documents for chat.update.
    ctx.ws.editMessage(
      message,
      {
        ...(content.text !== undefined ? { text: content.text } : {}),
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(metadata ? { metadata } : {}),
      },
      ctx.bot.userId,
    );
    return withWarning(
      {
        channel: channel.id,
        ts: message.ts,
        text: message.text,
        message: messageJson(message, [], { includeMetadata: true }),
      },
      warning,
    );
  },

  'chat.delete': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const message = messageArg(ctx, channel, args, 'ts');
    if (message.user !== ctx.bot.userId) fail('cant_delete_message');
    ctx.ws.deleteMessage(channel.id, message.ts);
    return { channel: channel.id, ts: message.ts };
  },

  'chat.postEphemeral': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const user = requiredString(args, 'user');
    requireNotArchived(channel);
    if (!ctx.ws.user(user)) fail('user_not_found');
    requireBotMember(ctx, channel);
    if (!channel.members.includes(user)) fail('user_not_in_channel');
    const content = contentArgs(args);
    requireSomething(content);
    ctx.ws.recordEphemeral({
      channel: channel.id,
      user,
      text: content.text ?? '',
      ...(content.blocks ? { blocks: content.blocks } : {}),
    });
    return { message_ts: ctx.ws.nextTs() };
  },

  'chat.getPermalink': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const message = messageArg(ctx, channel, args, 'message_ts');
    return { channel: channel.id, permalink: permalink(channel.id, message.ts) };
  },

  'pins.add': (args, ctx) => {
    const channel = channelArg(ctx, args);
    if (!optionalString(args, 'timestamp')) fail('no_item_specified');
    requireBotMember(ctx, channel);
    const message = messageArg(ctx, channel, args, 'timestamp');
    if (message.pin) fail('already_pinned');
    ctx.ws.pin(message, ctx.bot.userId);
    return {};
  },

  'pins.remove': (args, ctx) => {
    const channel = channelArg(ctx, args);
    if (!optionalString(args, 'timestamp')) fail('no_item_specified');
    const message = messageArg(ctx, channel, args, 'timestamp');
    if (!message.pin) fail('no_pin');
    ctx.ws.unpin(message);
    return {};
  },

  'pins.list': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const pinned = ctx.ws.messages(channel.id).filter((m) => m.pin);
    const items = pinned
      .map((m) => ({
        type: 'message',
        created: m.pin?.at ?? 0,
        created_by: m.pin?.by ?? '',
        channel: channel.id,
        message: { ...messageJson(m), permalink: permalink(channel.id, m.ts) },
      }))
      .reverse();
    return { items };
  },
};
