// The Chat port over Slack's Web API (the real @slack/web-api client, pointed at Slack or the sandbox).
import type { ConversationsInviteArguments, WebClient } from '@slack/web-api';
import { errorMessage, FirebreakError, isFirebreakError } from '../../errors';
import type { Chat, MessageMarker, MessageRef } from '../../ports/chat';
import type { WebApiMethod } from '../../slack/ids';
import { slackMessage } from '../../slack/views/incident-messages';
import { slackChannelNames } from './channel-name';
import { sharedChannelScan, type ScannedChannel } from './channel-scan';
import { NOT_A_BOT_TOKEN, slackPlatformError, toChatError } from './slack-errors';
import { readReply, type CalledMethod, type WebApiArguments, type WebApiReply } from './web-api';

export interface SlackCallObserver {
  /** Every Web API call, for latency metrics and readiness; `error` is the coded failure, when it failed. */
  called(method: string, seconds: number, outcome: 'ok' | 'rate_limited' | 'error', error?: FirebreakError): void;
}

/** Invite errors that mean "nothing to do" for that user, not a failure of the incident. */
const HARMLESS_INVITE_ERRORS = new Set(['already_in_channel', 'cant_invite_self']);
/** Invite errors about the channel or the call, not about one user: these fail the invite as a whole. */
const NOT_PER_USER_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'ratelimited',
  'invalid_auth',
  'not_authed',
  'missing_scope',
]);

/** Slack's rate tiers as a budget (shared by replicas): asked before each call, told of calls Slack did not take. */
export interface SlackCallBudget {
  /** Resolves when the budget allows a call of `method`, or throws CHAT_RATE_LIMITED with the wait. */
  take(method: string): Promise<void>;
  /** Slack rate-limited the call (wait `retryAfterSeconds`), or never took it (an outage). */
  after(method: string, outcome: { retryAfterSeconds: number } | { unavailable: true }): Promise<void>;
}

export interface SlackChatOptions {
  /** The team's time zone, for the times messages show (UTC when not given). */
  timeZone?: string;
  observer?: SlackCallObserver;
  budget?: SlackCallBudget;
  /** Where the adapter says what an operator should fix (a scope the app lacks); nowhere when not given. */
  warn?: (context: Record<string, unknown>, message: string) => void;
}

/**
 * Slack's refusals to let the bot read a conversation: an app installed before a scope was added to the
 * manifest (missing_scope), or a token Slack does not let read there. Looking is then skipped, so the
 * message is posted again: at least once, never stuck.
 */
const CANNOT_READ_ERRORS = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission']);

/** How far back to look for a marked message beyond the job's own start (clocks of replicas differ a little). */
const FIND_MARGIN_SECONDS = 120;
/** How long an email's Slack user (or its absence) is remembered: people rarely change accounts mid-incident. */
const USER_LOOKUP_CACHE_MS = 10 * 60_000;
/** How long a member's name is remembered: names change rarely, and a postmortem names the same few people. */
const USER_NAME_CACHE_MS = 60 * 60_000;
/** Pages of history read to find a marked message: it was posted recently, so it is near the top. */
const FIND_MAX_PAGES = 5;

/** A page of messages as conversations.history and conversations.replies answer it. */
type MessagePage = WebApiReply<'conversations.history'>;

function metadataOf(marker: MessageMarker): {
  event_type: string;
  event_payload: { incident_id: number; key?: string };
} {
  return {
    event_type: `firebreak_${marker.kind}`,
    event_payload: { incident_id: marker.incidentId, ...(marker.key !== undefined ? { key: marker.key } : {}) },
  };
}

export function createSlackChat(client: WebClient, options: SlackChatOptions = {}): Chat {
  const timeZone = options.timeZone ?? 'UTC';
  let identity: { userId: string; botId: string } | null = null;
  // One auth.test at a time: a start-up probe and a flow asking for our id at once share it.
  let identifying: Promise<{ userId: string; botId: string }> | null = null;
  /** Channel names (the announcement channel) resolved to ids, to read their history. */
  const channelIds = new Map<string, string>();
  /** Members' direct-message conversations, as conversations.open gave them (they never change). */
  const directChannels = new Map<string, string>();
  const usersByEmail = new Map<string, { answer: Promise<string | null>; until: number; pending: boolean }>();
  const userNames = new Map<string, { answer: Promise<string | null>; until: number; pending: boolean }>();

  /**
   * Runs one Slack request, timing it for the observer and turning its failure into a coded error. Only the
   * methods of WEB_API_METHODS (slack/ids.ts): each has its scopes there, and so in the manifest.
   */
  async function observed<T>(method: WebApiMethod, step: string, request: () => Promise<unknown>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = (await request()) as T;
      options.observer?.called(method, seconds(), 'ok');
      return result;
    } catch (error) {
      const coded = toChatError(error, step);
      options.observer?.called(method, seconds(), coded.code === 'CHAT_RATE_LIMITED' ? 'rate_limited' : 'error', coded);
      throw coded;
    }
  }

  /** One Web API call: typed arguments, its answer checked (web-api.ts), paced by the budget, observed. */
  async function call<M extends CalledMethod>(
    method: M,
    args: WebApiArguments[M],
    step: string,
  ): Promise<WebApiReply<M>> {
    const budget = options.budget;
    await budget?.take(method);
    try {
      // apiCall, not the method helpers, so that every call goes through this one place; its arguments are
      // still Slack's own types, checked here at compile time.
      return await observed<WebApiReply<M>>(method, step, async () =>
        readReply(method, await client.apiCall(method, { ...args }), step),
      );
    } catch (error) {
      const retryAfterSeconds = isFirebreakError(error, 'CHAT_RATE_LIMITED')
        ? error.details.retryAfterSeconds
        : undefined;
      const outcome =
        retryAfterSeconds !== undefined
          ? { retryAfterSeconds }
          : isFirebreakError(error, 'CHAT_UNAVAILABLE')
            ? ({ unavailable: true } as const)
            : null;
      // The budget's bookkeeping must never hide what Slack said.
      if (budget && outcome) await budget.after(method, outcome).catch(() => undefined);
      throw error;
    }
  }

  /** Every public channel by name: one full conversations.list scan, shared by the lookups asked meanwhile. */
  const findChannelByName = sharedChannelScan(async () => {
    const channels = new Map<string, ScannedChannel>();
    let cursor: string | undefined;
    do {
      const page = await call(
        'conversations.list',
        { types: 'public_channel', exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) },
        'looking up a channel by name',
      );
      for (const c of page.channels)
        channels.set(c.name, { id: c.id, name: c.name, ...(c.creator ? { creatorId: c.creator } : {}) });
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return channels;
  });

  async function inviteOneByOne(channel: string, users: string[]): Promise<void> {
    for (const user of users) {
      try {
        await client.apiCall('conversations.invite', { channel, users: user } satisfies ConversationsInviteArguments);
      } catch (error) {
        const slackError = slackPlatformError(error);
        // A responder Slack will not invite (left, restricted, external) must not keep the others out.
        if (slackError && !NOT_PER_USER_ERRORS.has(slackError)) continue;
        throw toChatError(error, `inviting ${user} to the incident channel`);
      }
    }
  }

  const chat: Chat = {
    async createChannel(name) {
      const result = await call('conversations.create', { name, is_private: false }, 'creating the incident channel');
      return { id: result.channel.id, name: result.channel.name };
    },

    findChannelByName: (name) => findChannelByName(name),

    // Slack's redirect opens the channel in the app (or the browser) of whoever follows it, in their workspace.
    name: 'Slack',
    channelNames: slackChannelNames,

    channelLink: (channelId) => `https://slack.com/app_redirect?channel=${encodeURIComponent(channelId)}`,

    async invite(channelId, userIds) {
      const users = [...new Set(userIds)];
      if (users.length === 0) return;
      try {
        await call('conversations.invite', { channel: channelId, users: users.join(',') }, 'inviting responders');
      } catch (error) {
        const slackError = isFirebreakError(error) ? error.details.providerError : undefined;
        if (slackError && HARMLESS_INVITE_ERRORS.has(slackError) && users.length === 1) return;
        // One user Slack will not invite fails the whole call; invite the rest one by one, so one restricted
        // or departed responder never keeps the others out. Outages and rate limits are retried as they are.
        if (slackError && !NOT_PER_USER_ERRORS.has(slackError) && !isFirebreakError(error, 'CHAT_UNAVAILABLE')) {
          if (users.length > 1) await inviteOneByOne(channelId, users);
          return;
        }
        throw error;
      }
    },

    async postMessage(channel, message, marker) {
      const args = {
        channel,
        ...slackMessage(message, timeZone),
        ...(marker ? { metadata: metadataOf(marker) } : {}),
        unfurl_links: false,
      };
      const post = async (): Promise<MessageRef> => {
        const result = await call('chat.postMessage', args, `posting to ${channel}`);
        channelIds.set(channel, result.channel);
        // Slack's message id is its timestamp in the channel.
        return { channelId: result.channel, messageId: result.ts };
      };
      try {
        return await post();
      } catch (error) {
        if (!isFirebreakError(error, 'CHAT_NOT_IN_CHANNEL')) throw error;
        // Announcement channels are public: join once, then post.
        await chat.join(channel);
        return post();
      }
    },

    async findMarkedMessage(channel, marker, since) {
      const channelId =
        channelIds.get(channel) ??
        (channel.startsWith('C') || channel.startsWith('G') ? channel : await resolveChannelId(channel));
      channelIds.set(channel, channelId);
      return findMarked(channelId, marker, since, 'the channel', (page) =>
        call('conversations.history', { channel: channelId, ...page }, 'looking for a message posted before a restart'),
      );
    },

    // conversations.history lists no thread replies: conversations.replies lists the thread's, oldest first.
    async findMarkedReply(parent, marker, since) {
      return findMarked(parent.channelId, marker, since, 'the thread', (page) =>
        call(
          'conversations.replies',
          { channel: parent.channelId, ts: parent.messageId, ...page },
          'looking for a thread reply posted before a restart',
        ),
      );
    },

    async findMarkedDirectMessage(userId, marker, since) {
      const channelId = await openDirect(userId);
      return findMarked(channelId, marker, since, `the direct messages to ${userId}`, (page) =>
        call(
          'conversations.history',
          { channel: channelId, ...page },
          `looking for a direct message to ${userId} sent before a restart`,
        ),
      );
    },

    async postEphemeral(channelId, userId, message) {
      await call(
        'chat.postEphemeral',
        { channel: channelId, user: userId, ...slackMessage(message, timeZone) },
        'showing a catch-up to a person',
      );
    },

    async updateMessage(ref, message) {
      await call(
        'chat.update',
        { channel: ref.channelId, ts: ref.messageId, ...slackMessage(message, timeZone) },
        'editing the incident card',
      );
    },

    async postReply(parent, message, marker) {
      const result = await call(
        'chat.postMessage',
        {
          channel: parent.channelId,
          thread_ts: parent.messageId,
          ...slackMessage(message, timeZone),
          ...(marker ? { metadata: metadataOf(marker) } : {}),
          unfurl_links: false,
        },
        'replying in a thread',
      );
      return { channelId: result.channel, messageId: result.ts };
    },

    async sendDirectMessage(userId, message, marker) {
      const channel = await openDirect(userId);
      const result = await call(
        'chat.postMessage',
        {
          channel,
          ...slackMessage(message, timeZone),
          ...(marker ? { metadata: metadataOf(marker) } : {}),
          unfurl_links: false,
        },
        `sending a direct message to ${userId}`,
      );
      return { channelId: result.channel, messageId: result.ts };
    },

    async pin(ref) {
      try {
        await call('pins.add', { channel: ref.channelId, timestamp: ref.messageId }, 'pinning the incident card');
      } catch (error) {
        if (isFirebreakError(error) && error.details.providerError === 'already_pinned') return;
        throw error;
      }
    },

    async join(channel) {
      const id = channel.startsWith('C') || channel.startsWith('G') ? channel : await resolveChannelId(channel);
      const result = await call('conversations.join', { channel: id }, `joining #${channel}`);
      return { id: result.channel.id };
    },

    async readMessage(ref) {
      const ts = ref.messageId;
      const result = await call(
        'conversations.history',
        { channel: ref.channelId, latest: ts, oldest: ts, inclusive: true, limit: 1 },
        'reading a pinned message',
      );
      const message = result.messages.find((m) => m.ts === ts);
      if (!message) return null;
      return {
        text: message.text ?? '',
        ...(message.user ? { userId: message.user } : {}),
        // Slack's ts is the message's time: seconds since the epoch, with microseconds after the dot.
        ...(/^\d+(\.\d+)?$/.test(ts) ? { postedAt: new Date(Math.floor(Number(ts) * 1000)) } : {}),
      };
    },

    async permalink(ref) {
      const result = await call(
        'chat.getPermalink',
        { channel: ref.channelId, message_ts: ref.messageId },
        'linking to a message',
      );
      return result.permalink;
    },

    async uploadFile(channelId, file) {
      const step = `sharing ${file.filename} in ${channelId}`;
      // filesUploadV2 is Slack's current upload: files.getUploadURLExternal, a POST of the bytes, then
      // files.completeUploadExternal, which shares the file as a message with the comment.
      const result = await observed<{ files?: Array<{ files?: Array<{ id?: string }> }> }>('files.uploadV2', step, () =>
        client.filesUploadV2({
          channel_id: channelId,
          filename: file.filename,
          title: file.title,
          content: file.content,
          ...(file.comment ? { initial_comment: file.comment } : {}),
        }),
      );
      const fileId = result.files?.[0]?.files?.[0]?.id;
      if (!fileId) throw new FirebreakError('CHAT_REJECTED', `Slack answered without a file id (${step})`, { step });
      return { fileId };
    },

    findUserByEmail(email) {
      // The same on-call people are looked up for every incident of a storm, and users.lookupByEmail is a
      // Tier 3 method: remember each answer a while, and ask once for lookups made at the same moment.
      const key = email.toLowerCase();
      const known = usersByEmail.get(key);
      if (known && (known.pending || Date.now() < known.until)) return known.answer;
      const answer = lookUpUserByEmail(email);
      usersByEmail.set(key, { answer, until: Number.POSITIVE_INFINITY, pending: true });
      answer.then(
        () => usersByEmail.set(key, { answer, until: Date.now() + USER_LOOKUP_CACHE_MS, pending: false }),
        () => usersByEmail.delete(key), // failures are not remembered: the next incident asks again
      );
      return answer;
    },

    async userGroupMembers(handle) {
      // A group named by its id (S…, as a policy may name approvers) is read directly, its members only.
      if (/^S[A-Z0-9]+$/.test(handle)) {
        try {
          const result = await call('usergroups.users.list', { usergroup: handle }, `reading the members of ${handle}`);
          return result.users;
        } catch (error) {
          if (isFirebreakError(error) && error.details.providerError === 'no_such_subteam') return null;
          throw error;
        }
      }
      const wanted = handle.replace(/^@/, '').toLowerCase();
      const result = await call('usergroups.list', { include_users: true }, `reading the members of @${wanted}`);
      const group = result.usergroups.find((g) => g.handle.toLowerCase() === wanted);
      return group ? group.users : null;
    },

    userName(userId) {
      // Every draft of a postmortem names the same people: ask users.info once per person and remember it.
      const known = userNames.get(userId);
      if (known && (known.pending || Date.now() < known.until)) return known.answer;
      const answer = lookUpUserName(userId);
      userNames.set(userId, { answer, until: Number.POSITIVE_INFINITY, pending: true });
      answer.then(
        () => userNames.set(userId, { answer, until: Date.now() + USER_NAME_CACHE_MS, pending: false }),
        () => userNames.delete(userId), // failures are not remembered: the next draft asks again
      );
      return answer;
    },

    async botUserId() {
      return (identity ?? (await chat.identify())).userId;
    },

    identify() {
      identifying ??= call('auth.test', {}, 'identifying the bot')
        .then((r) => {
          // A user token (xoxp-) has no bot: Firebreak needs a bot token, so that counts as the token refused.
          if (!r.user_id || !r.bot_id)
            throw new FirebreakError('CHAT_REJECTED', 'Slack names no bot for this token (identifying the bot)', {
              step: 'identifying the bot',
              providerError: NOT_A_BOT_TOKEN,
            });
          identity = { userId: r.user_id, botId: r.bot_id };
          return identity;
        })
        .finally(() => {
          identifying = null;
        });
      return identifying;
    },
  };

  /** The bot's direct conversation with a member: Slack's to give, so conversations.open finds or opens it. */
  async function openDirect(userId: string): Promise<string> {
    const known = directChannels.get(userId);
    if (known) return known;
    const opened = await call('conversations.open', { users: userId }, `opening a direct message to ${userId}`);
    directChannels.set(userId, opened.channel.id);
    return opened.channel.id;
  }

  /**
   * Our message carrying `marker` in the pages `read` gives (a channel's history, newest first, or a thread's
   * replies, oldest first), posted since `since`; null when it is not there, when we are not in the
   * conversation, or when Slack will not let us read it (then said to the operator: the caller posts again).
   */
  async function findMarked(
    channelId: string,
    marker: MessageMarker,
    since: Date,
    where: string,
    read: (page: {
      oldest: string;
      include_all_metadata: true;
      limit: number;
      cursor?: string;
    }) => Promise<MessagePage>,
  ): Promise<MessageRef | null> {
    const wanted = metadataOf(marker);
    const bot = await chat.botUserId();
    const oldest = (Math.floor(since.getTime() / 1000) - FIND_MARGIN_SECONDS).toString();
    let cursor: string | undefined;
    for (let page = 0; page < FIND_MAX_PAGES; page++) {
      let result: MessagePage;
      try {
        result = await read({ oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        // Never in the channel, or the thread's parent is gone: nothing of ours can be there.
        if (isFirebreakError(error, 'CHAT_NOT_IN_CHANNEL')) return null;
        const refused = isFirebreakError(error) ? error.details.providerError : undefined;
        if (refused === 'thread_not_found') return null;
        if (refused && CANNOT_READ_ERRORS.has(refused)) {
          const fix =
            refused === 'missing_scope'
              ? '. Add the scope to the Slack app (manifests/slack-app.yaml) and reinstall it'
              : '';
          options.warn?.(
            { slackError: refused, incidentId: marker.incidentId },
            `cannot look in ${where} for a message Slack may already have (${errorMessage(error)}); posting it ` +
              `again, so it may show twice${fix}`,
          );
          return null;
        }
        throw error;
      }
      const found = result.messages.find(
        (m) =>
          m.user === bot &&
          m.metadata?.event_type === wanted.event_type &&
          m.metadata.event_payload?.incident_id === marker.incidentId &&
          (marker.key === undefined || m.metadata.event_payload?.key === marker.key),
      );
      if (found?.ts) return { channelId, messageId: found.ts };
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return null;
  }

  async function lookUpUserByEmail(email: string): Promise<string | null> {
    try {
      const result = await call('users.lookupByEmail', { email }, 'finding an on-call engineer in Slack by email');
      return result.user.deleted ? null : result.user.id;
    } catch (error) {
      if (isFirebreakError(error) && error.details.providerError === 'users_not_found') return null;
      throw error;
    }
  }

  async function lookUpUserName(userId: string): Promise<string | null> {
    try {
      const { user } = await call('users.info', { user: userId }, `finding the name of ${userId} in Slack`);
      // The full name first: it is how PagerDuty and people outside Slack know them; a display name is often a handle.
      const name = [user.profile?.real_name, user.real_name, user.profile?.display_name]
        .map((n) => n?.trim())
        .find((n) => n);
      return name ?? null;
    } catch (error) {
      if (isFirebreakError(error) && error.details.providerError === 'user_not_found') return null;
      throw error;
    }
  }

  async function resolveChannelId(name: string): Promise<string> {
    const bare = name.replace(/^#/, '');
    const found = await chat.findChannelByName(bare);
    if (!found)
      throw toChatError(
        { code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } },
        `finding #${bare}`,
      );
    return found.id;
  }

  return chat;
}
