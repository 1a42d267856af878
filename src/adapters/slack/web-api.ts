// The Slack Web API as the adapter uses it: each method Firebreak calls, its arguments in Slack's own types
// (@slack/web-api), and the fields of its answer that Firebreak reads, validated. A field Slack left out is a
// coded error that names it, never an empty string carried on into the store.
import type {
  AuthTestArguments,
  ChatGetPermalinkArguments,
  ChatPostEphemeralArguments,
  ChatPostMessageArguments,
  ChatUpdateArguments,
  ConversationsCreateArguments,
  ConversationsHistoryArguments,
  ConversationsInviteArguments,
  ConversationsJoinArguments,
  ConversationsListArguments,
  ConversationsOpenArguments,
  ConversationsRepliesArguments,
  PinsAddArguments,
  UsergroupsListArguments,
  UsergroupsUsersListArguments,
  UsersInfoArguments,
  UsersLookupByEmailArguments,
} from '@slack/web-api';
import { z } from 'zod';
import { FirebreakError } from '../../errors';

const channel = z.looseObject({ id: z.string().min(1), name: z.string().min(1) });
const nextCursor = z.looseObject({ next_cursor: z.string().optional() }).optional();
const historyMessage = z.looseObject({
  ts: z.string().optional(),
  text: z.string().optional(),
  user: z.string().optional(),
  metadata: z
    .looseObject({
      event_type: z.string().optional(),
      event_payload: z.looseObject({ incident_id: z.number().optional(), key: z.string().optional() }).optional(),
    })
    .optional(),
});
/** A page of messages (a channel's history, a thread's replies) and the cursor to the next. */
const messagePage = z.looseObject({
  messages: z.array(historyMessage).default([]),
  response_metadata: nextCursor,
});
/** A method whose answer Firebreak only needs to be `ok`. */
const okOnly = z.looseObject({});

/** The fields Firebreak reads from each method's answer. Unknown fields pass: Slack adds some over time. */
export const WEB_API_REPLIES = {
  'auth.test': z.looseObject({ user_id: z.string().optional(), bot_id: z.string().optional() }),
  'chat.getPermalink': z.looseObject({ permalink: z.string().min(1) }),
  'chat.postEphemeral': okOnly,
  'chat.postMessage': z.looseObject({ channel: z.string().min(1), ts: z.string().min(1) }),
  'chat.update': okOnly,
  'conversations.create': z.looseObject({ channel }),
  'conversations.history': messagePage,
  'conversations.invite': okOnly,
  'conversations.join': z.looseObject({ channel: z.looseObject({ id: z.string().min(1) }) }),
  'conversations.list': z.looseObject({
    channels: z
      .array(z.looseObject({ id: z.string().min(1), name: z.string().min(1), creator: z.string().optional() }))
      .default([]),
    response_metadata: nextCursor,
  }),
  'conversations.open': z.looseObject({ channel: z.looseObject({ id: z.string().min(1) }) }),
  'conversations.replies': messagePage,
  'pins.add': okOnly,
  'usergroups.list': z.looseObject({
    usergroups: z
      .array(z.looseObject({ handle: z.string().min(1), users: z.array(z.string()).default([]) }))
      .default([]),
  }),
  'usergroups.users.list': z.looseObject({ users: z.array(z.string()).default([]) }),
  'users.info': z.looseObject({
    user: z.looseObject({
      real_name: z.string().optional(),
      deleted: z.boolean().optional(),
      profile: z.looseObject({ real_name: z.string().optional(), display_name: z.string().optional() }).optional(),
    }),
  }),
  'users.lookupByEmail': z.looseObject({
    user: z.looseObject({ id: z.string().min(1), deleted: z.boolean().optional() }),
  }),
} as const;

/** Each method's arguments, as @slack/web-api types them. */
export interface WebApiArguments {
  'auth.test': AuthTestArguments;
  'chat.getPermalink': ChatGetPermalinkArguments;
  'chat.postEphemeral': ChatPostEphemeralArguments;
  'chat.postMessage': ChatPostMessageArguments;
  'chat.update': ChatUpdateArguments;
  'conversations.create': ConversationsCreateArguments;
  'conversations.history': ConversationsHistoryArguments;
  'conversations.invite': ConversationsInviteArguments;
  'conversations.join': ConversationsJoinArguments;
  'conversations.list': ConversationsListArguments;
  'conversations.open': ConversationsOpenArguments;
  'conversations.replies': ConversationsRepliesArguments;
  'pins.add': PinsAddArguments;
  'usergroups.list': UsergroupsListArguments;
  'usergroups.users.list': UsergroupsUsersListArguments;
  'users.info': UsersInfoArguments;
  'users.lookupByEmail': UsersLookupByEmailArguments;
}

export type CalledMethod = keyof typeof WEB_API_REPLIES & keyof WebApiArguments;
export type WebApiReply<M extends CalledMethod> = z.output<(typeof WEB_API_REPLIES)[M]>;

/**
 * Slack's answer to `method`, with the fields Firebreak reads checked. An answer without them is
 * CHAT_UNAVAILABLE (Slack answered, but not with what it documents: worth retrying, as for a 5xx), naming
 * the missing field.
 */
export function readReply<M extends CalledMethod>(method: M, answer: unknown, step: string): WebApiReply<M> {
  const parsed = WEB_API_REPLIES[method].safeParse(answer);
  if (parsed.success) return parsed.data as WebApiReply<M>;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || '(the answer)';
  throw new FirebreakError(
    'CHAT_UNAVAILABLE',
    `Slack's answer to ${method} lacks a valid ${field} (${step}): ${issue?.message ?? 'invalid'}`,
    { step, providerError: 'invalid_reply' },
  );
}
