// The JSON shapes Slack answers with — channel, user, message, file, user group, view — built from the workspace state.
import { APP_ID, BOT, TEAM } from './preset';
import type { Channel, FileRef, Message, StoredFile, User, UserGroup } from './workspace';

type Json = Record<string, unknown>;

export function channelJson(channel: Channel, botUserId: string): Json {
  // A direct message's object, as Slack gives it: no name, members or topic, the person instead.
  if (channel.imUser !== undefined)
    return {
      id: channel.id,
      created: channel.created,
      is_im: true,
      is_org_shared: false,
      context_team_id: TEAM.id,
      user: channel.imUser,
      is_user_deleted: false,
      priority: 0,
    };
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: channel.name === 'general',
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: channel.members.includes(botUserId),
    created: channel.created,
    creator: channel.creator,
    unlinked: 0,
    context_team_id: TEAM.id,
    shared_team_ids: [TEAM.id],
    num_members: channel.members.length,
    topic: {
      value: channel.topic,
      creator: channel.topic ? channel.creator : '',
      last_set: channel.topic ? channel.created : 0,
    },
    purpose: {
      value: channel.purpose,
      creator: channel.purpose ? channel.creator : '',
      last_set: channel.purpose ? channel.created : 0,
    },
    previous_names: [],
  };
}

export function userJson(user: User): Json {
  const [first = '', ...rest] = user.realName.split(' ');
  return {
    id: user.id,
    team_id: TEAM.id,
    name: user.name,
    deleted: false,
    color: '9f69e7',
    real_name: user.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 1_700_000_000,
    profile: {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.name,
      display_name_normalized: user.name,
      first_name: first,
      last_name: rest.join(' '),
      title: user.title ?? '',
      ...(user.email ? { email: user.email } : {}),
      ...(user.botId ? { bot_id: user.botId, api_app_id: APP_ID, always_active: true } : {}),
      image_48: `https://sandbox.slack.com/avatars/${user.name}_48.png`,
      image_72: `https://sandbox.slack.com/avatars/${user.name}_72.png`,
      team: TEAM.id,
    },
  };
}

export function userGroupJson(group: UserGroup, includeUsers: boolean): Json {
  return {
    id: group.id,
    team_id: TEAM.id,
    is_usergroup: true,
    is_subteam: true,
    name: group.name,
    description: group.description,
    handle: group.handle,
    is_external: false,
    date_create: group.created,
    date_update: group.created,
    date_delete: 0,
    auto_type: null,
    created_by: 'U0ALICE',
    updated_by: 'U0ALICE',
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: group.users.length,
    ...(includeUsers ? { users: [...group.users] } : {}),
  };
}

/**
 * A message as conversations.history and friends return it; `replies` are its thread replies, if any.
 * Its metadata only with `includeMetadata` (history and replies ask with `include_all_metadata`).
 */
export function messageJson(
  message: Message,
  replies: Message[] = [],
  options: { includeMetadata?: boolean } = {},
): Json {
  const json: Json = { type: 'message', user: message.user, text: message.text, ts: message.ts, team: TEAM.id };
  if (message.blocks) json.blocks = message.blocks;
  if (message.files)
    Object.assign(json, { files: message.files.map((f) => ({ ...f, filetype: filetypeOf(f.name) })), upload: true });
  if (message.botId) Object.assign(json, { bot_id: message.botId, app_id: APP_ID, bot_profile: botProfile() });
  if (message.edited) json.edited = { ...message.edited };
  if (message.threadTs) json.thread_ts = message.threadTs;
  if (replies.length > 0) {
    json.thread_ts = message.ts;
    json.reply_count = replies.length;
    json.reply_users = [...new Set(replies.map((r) => r.user))];
    json.reply_users_count = (json.reply_users as string[]).length;
    json.latest_reply = replies[replies.length - 1]?.ts;
  }
  if (message.reactions.length > 0)
    json.reactions = message.reactions.map((r) => ({ name: r.name, users: [...r.users], count: r.users.length }));
  if (message.pin) json.pinned_to = [message.channel];
  if (options.includeMetadata && message.metadata) json.metadata = structuredClone(message.metadata);
  return json;
}

const TYPES: Record<string, { mimetype: string; filetype: string }> = {
  md: { mimetype: 'text/markdown', filetype: 'markdown' },
  markdown: { mimetype: 'text/markdown', filetype: 'markdown' },
  txt: { mimetype: 'text/plain', filetype: 'text' },
  json: { mimetype: 'application/json', filetype: 'json' },
  csv: { mimetype: 'text/csv', filetype: 'csv' },
  html: { mimetype: 'text/html', filetype: 'html' },
  pdf: { mimetype: 'application/pdf', filetype: 'pdf' },
  png: { mimetype: 'image/png', filetype: 'png' },
  svg: { mimetype: 'image/svg+xml', filetype: 'svg' },
};

function typeOf(name: string): { mimetype: string; filetype: string } {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return TYPES[extension] ?? { mimetype: 'application/octet-stream', filetype: 'binary' };
}

function filetypeOf(name: string): string {
  return typeOf(name).filetype;
}

/** How a message lists a file it shares (Slack works the type out from the name, as here). */
export function fileRef(file: StoredFile, title: string): FileRef {
  return { id: file.id, name: file.name, title, mimetype: typeOf(file.name).mimetype, size: file.content?.length ?? 0 };
}

/** A file as files.completeUploadExternal answers it. */
export function fileJson(file: StoredFile): Json {
  const { mimetype, filetype } = typeOf(file.name);
  return {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    name: file.name,
    title: file.title,
    mimetype,
    filetype,
    user: file.user,
    user_team: TEAM.id,
    size: file.content?.length ?? 0,
    mode: 'hosted',
    is_external: false,
    is_public: file.channel !== undefined,
    url_private: `https://files.slack.com/files-pri/${TEAM.id}-${file.id}/${encodeURIComponent(file.name)}`,
    permalink: `${TEAM.url}files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
    channels: file.channel ? [file.channel] : [],
  };
}

function botProfile(): Json {
  return { id: BOT.botId, app_id: APP_ID, name: 'Firebreak', deleted: false, team_id: TEAM.id, updated: 1_700_000_000 };
}

/** The view object Slack keeps for a modal the app opened: the app's fields plus Slack's own. */
export function viewOutput(
  input: Json,
  ids: { id: string; rootViewId: string; previousViewId: string | null; hash: string; state?: unknown },
): Json {
  return {
    id: ids.id,
    team_id: TEAM.id,
    type: input.type,
    blocks: input.blocks ?? [],
    private_metadata: input.private_metadata ?? '',
    callback_id: input.callback_id ?? '',
    state: ids.state ?? { values: {} },
    hash: ids.hash,
    title: input.title,
    clear_on_close: input.clear_on_close ?? false,
    notify_on_close: input.notify_on_close ?? false,
    close: input.close ?? null,
    submit: input.submit ?? null,
    previous_view_id: ids.previousViewId,
    root_view_id: ids.rootViewId,
    app_id: APP_ID,
    external_id: input.external_id ?? '',
    app_installed_team_id: TEAM.id,
    bot_id: BOT.botId,
  };
}

export function permalink(channelId: string, ts: string): string {
  return `${TEAM.url}archives/${channelId}/p${ts.replace('.', '')}`;
}
