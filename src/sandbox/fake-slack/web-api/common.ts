// What the Web API method handlers share: their signature, channel look-ups, cursor pagination.
import { fail, optionalInteger, optionalString, type Args } from '../args';
import type { Channel, Workspace } from '../workspace';

export interface MethodContext {
  ws: Workspace;
  bot: { userId: string; botId: string };
  /** Where a file's bytes go after files.getUploadURLExternal: served by the fake itself. */
  uploadUrl(fileId: string): string;
  /** The bot token's scopes, or null when it has every scope (the fake's default). */
  scopes(): ReadonlySet<string> | null;
}

/** The scope reading a conversation's messages needs, by its type (Slack's *:history scopes). */
function historyScope(channel: Channel): string {
  if (channel.imUser !== undefined) return 'im:history';
  return channel.isPrivate ? 'groups:history' : 'channels:history';
}

/**
 * Reading messages needs the conversation type's history scope: an app installed before the scope was added
 * is answered as Slack answers it, `missing_scope` naming what is `needed` and what the token `provided`.
 */
export function requireHistoryScope(ctx: MethodContext, channel: Channel): void {
  const granted = ctx.scopes();
  const needed = historyScope(channel);
  if (granted && !granted.has(needed)) fail('missing_scope', { needed, provided: [...granted].join(',') });
}

/** Answers the fields of an `{ ok: true, ... }` reply, or throws SlackApiError for `{ ok: false, error }`. */
export type MethodHandler = (args: Args, ctx: MethodContext) => Record<string, unknown>;

/** Conversations methods take ids only; a name, or an unknown id, is `channel_not_found` as in Slack. */
export function channelArg(ctx: MethodContext, args: Args, key = 'channel'): Channel {
  const id = optionalString(args, key) ?? fail('channel_not_found');
  return ctx.ws.channel(id) ?? fail('channel_not_found');
}

export function requireBotMember(ctx: MethodContext, channel: Channel): void {
  if (!channel.members.includes(ctx.bot.userId)) fail('not_in_channel');
}

export function requireNotArchived(channel: Channel): void {
  if (channel.isArchived) fail('is_archived');
}

export interface Page<T> {
  items: T[];
  nextCursor: string;
}

/** Slack-style opaque cursors: base64 of the offset of the next page. */
export function paginate<T>(all: T[], args: Args, defaults: { limit: number; max: number }): Page<T> {
  const limit = Math.min(Math.max(optionalInteger(args, 'limit', defaults.limit), 1), defaults.max);
  const cursor = optionalString(args, 'cursor');
  let offset = 0;
  if (cursor) {
    const match = /^next:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!match?.[1]) fail('invalid_cursor');
    offset = Number(match[1]);
  }
  const items = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? Buffer.from(`next:${offset + limit}`).toString('base64') : '';
  return { items, nextCursor: next };
}
