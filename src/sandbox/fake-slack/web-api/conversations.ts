// conversations.* — channels, membership and reading history, with Slack's rules and error names.
import { fail, optionalBoolean, optionalString, requiredString, type Args } from '../args';
import { channelJson, messageJson } from '../shapes';
import { tsToMicros, type Channel, type Message } from '../workspace';
import {
  channelArg,
  paginate,
  requireBotMember,
  requireHistoryScope,
  requireNotArchived,
  type MethodContext,
  type MethodHandler,
} from './common';

const MAX_NAME_LENGTH = 80;

/** Slack's channel-name rules, checked in the order Slack reports them. */
function checkChannelName(ctx: MethodContext, name: string | undefined): string {
  if (!name) return fail('invalid_name_required');
  if (name.length > MAX_NAME_LENGTH) fail('invalid_name_maxlength');
  if (!/^[a-z0-9_-]+$/.test(name)) fail('invalid_name_specials');
  if (/^[-_]+$/.test(name)) fail('invalid_name_punctuation');
  if (ctx.ws.channelByName(name)) fail('name_taken');
  return name;
}

function typesArg(args: Args): Set<string> {
  const raw = optionalString(args, 'types') ?? 'public_channel';
  const types = new Set(
    raw
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  );
  for (const type of types)
    if (!['public_channel', 'private_channel', 'mpim', 'im'].includes(type)) fail('invalid_types');
  return types;
}

/** A message timestamp argument (`1712345678.000100`, or whole seconds); else Slack's `invalid_ts_<key>`. */
function timestampArg(args: Args, key: 'latest' | 'oldest'): string | undefined {
  const value = optionalString(args, key);
  if (value !== undefined && !/^\d+(\.\d+)?$/.test(value)) fail(`invalid_ts_${key}`);
  return value;
}

/** The messages between `oldest` and `latest` (both optional), as conversations.history/replies filter them. */
function inWindow(args: Args): (m: Message) => boolean {
  const latest = timestampArg(args, 'latest');
  const oldest = timestampArg(args, 'oldest');
  const inclusive = optionalBoolean(args, 'inclusive');
  const hi = latest ? tsToMicros(latest) : Number.POSITIVE_INFINITY;
  const lo = oldest ? tsToMicros(oldest) : Number.NEGATIVE_INFINITY;
  return (m) => {
    const t = tsToMicros(m.ts);
    return inclusive ? t >= lo && t <= hi : t > lo && t < hi;
  };
}

function threadOf(ctx: MethodContext, channel: Channel, message: Message): Message[] {
  return ctx.ws.replies(channel.id, message.ts);
}

export const conversations: Record<string, MethodHandler> = {
  'conversations.create': (args, ctx) => {
    const name = checkChannelName(ctx, optionalString(args, 'name'));
    const channel = ctx.ws.createChannel(name, ctx.bot.userId, optionalBoolean(args, 'is_private'));
    return { channel: channelJson(channel, ctx.bot.userId) };
  },

  'conversations.info': (args, ctx) => {
    return { channel: channelJson(channelArg(ctx, args), ctx.bot.userId) };
  },

  'conversations.list': (args, ctx) => {
    const types = typesArg(args);
    const excludeArchived = optionalBoolean(args, 'exclude_archived');
    // A bot sees every public channel, and only the private ones it is in.
    const visible = ctx.ws
      .listChannels()
      .filter(
        (c) =>
          (c.imUser !== undefined
            ? types.has('im')
            : c.isPrivate
              ? types.has('private_channel') && c.members.includes(ctx.bot.userId)
              : types.has('public_channel')) && !(excludeArchived && c.isArchived),
      );
    const page = paginate(visible, args, { limit: 100, max: 1000 });
    return {
      channels: page.items.map((c) => channelJson(c, ctx.bot.userId)),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.join': (args, ctx) => {
    const channel = channelArg(ctx, args);
    if (channel.isPrivate) fail('method_not_supported_for_channel_type');
    requireNotArchived(channel);
    const added = ctx.ws.addMembers(channel.id, [ctx.bot.userId]);
    const json = channelJson(channel, ctx.bot.userId);
    if (added.length > 0) return { channel: json };
    return { channel: json, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } };
  },

  'conversations.invite': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const users = requiredString(args, 'users')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) fail('no_user');
    requireNotArchived(channel);
    requireBotMember(ctx, channel);
    // One bad user fails the whole call (unless force), and Slack names each failure in `errors`.
    const problems: Array<{ user: string; ok: false; error: string }> = [];
    for (const user of users) {
      if (!ctx.ws.user(user)) problems.push({ user, ok: false, error: 'user_not_found' });
      else if (user === ctx.bot.userId) problems.push({ user, ok: false, error: 'cant_invite_self' });
    }
    const force = optionalBoolean(args, 'force');
    const first = problems[0];
    if (first && !(force && problems.length < users.length)) fail(first.error, { errors: problems });
    const valid = users.filter((u) => !problems.some((p) => p.user === u));
    if (valid.every((u) => channel.members.includes(u))) {
      fail('already_in_channel', { errors: valid.map((user) => ({ user, ok: false, error: 'already_in_channel' })) });
    }
    ctx.ws.addMembers(channel.id, valid);
    return { channel: channelJson(channel, ctx.bot.userId), ...(problems.length > 0 ? { errors: problems } : {}) };
  },

  // One person: the bot's direct message with them (several would be a group DM, which Firebreak never opens).
  'conversations.open': (args, ctx) => {
    const channelId = optionalString(args, 'channel');
    if (channelId) {
      const channel = channelArg(ctx, args);
      if (channel.imUser === undefined) fail('method_not_supported_for_channel_type');
      return { channel: { id: channel.id }, no_op: true, already_open: true };
    }
    const users = (optionalString(args, 'users') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) fail('users_list_not_supplied');
    if (users.length > 1) fail('not_implemented');
    const user = ctx.ws.user(users[0] as string) ?? fail('user_not_found');
    if (user.isBot) fail('cannot_dm_bot');
    const opened = ctx.ws.openIm(ctx.bot.userId, user.id);
    const full = optionalBoolean(args, 'return_im');
    return { channel: full ? channelJson(opened, ctx.bot.userId) : { id: opened.id } };
  },

  'conversations.members': (args, ctx) => {
    const channel = channelArg(ctx, args);
    const page = paginate(channel.members, args, { limit: 100, max: 1000 });
    return { members: page.items, response_metadata: { next_cursor: page.nextCursor } };
  },

  'conversations.history': (args, ctx) => {
    const channel = channelArg(ctx, args);
    requireHistoryScope(ctx, channel);
    requireBotMember(ctx, channel);
    const window = inWindow(args);
    const topLevel = ctx.ws
      .messages(channel.id)
      .filter((m) => !m.threadTs && window(m))
      .reverse();
    const page = paginate(topLevel, args, { limit: 100, max: 999 });
    const includeMetadata = optionalBoolean(args, 'include_all_metadata');
    return {
      messages: page.items.map((m) => messageJson(m, threadOf(ctx, channel, m), { includeMetadata })),
      has_more: page.nextCursor !== '',
      pin_count: ctx.ws.messages(channel.id).filter((m) => m.pin).length,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  // A thread: its parent first, then its replies within oldest/latest, oldest first, each naming the parent's author.
  'conversations.replies': (args, ctx) => {
    const channel = channelArg(ctx, args);
    requireHistoryScope(ctx, channel);
    requireBotMember(ctx, channel);
    const ts = requiredString(args, 'ts');
    const found = ctx.ws.message(channel.id, ts) ?? fail('thread_not_found');
    const parent = found.threadTs ? (ctx.ws.message(channel.id, found.threadTs) ?? found) : found;
    const replies = threadOf(ctx, channel, parent);
    const window = inWindow(args);
    const thread = [parent, ...replies].filter((m) => m === parent || window(m));
    const page = paginate(thread, args, { limit: 1000, max: 1000 });
    const includeMetadata = optionalBoolean(args, 'include_all_metadata');
    return {
      messages: page.items.map((m) =>
        m === parent
          ? messageJson(m, replies, { includeMetadata })
          : { ...messageJson(m, [], { includeMetadata }), parent_user_id: parent.user },
      ),
      has_more: page.nextCursor !== '',
      response_metadata: { next_cursor: page.nextCursor },
    };
  },
};
