// The state of the fake workspace — people, channels, messages, files, views — and the only code that changes it.
// Every change is announced to subscribers (the sandbox writes its record file from them).
import {
  PRESET_CHANNEL_CREATOR,
  PRESET_CHANNELS,
  PRESET_USER_GROUPS,
  PRESET_USERS,
  type PresetUser,
  type PresetUserGroup,
} from './preset';
import { ChangeListeners } from '../change-listeners';
import { refill, savedObject } from '../saved-state';

export type User = PresetUser;
export type UserGroup = PresetUserGroup & { created: number };

export interface Channel {
  id: string;
  name: string;
  creator: string;
  /** Unix seconds. */
  created: number;
  /** Clock time (ms) it was created, for tests that time delivery. */
  createdMs: number;
  isPrivate: boolean;
  isArchived: boolean;
  /** In the order they joined. */
  members: string[];
  topic: string;
  purpose: string;
  /** Set on a direct message (an IM): the person the bot talks to there. Absent on channels. */
  imUser?: string;
}

export interface Reaction {
  name: string;
  users: string[];
}

/** A file as a message that shares it lists it. */
export interface FileRef {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
}

/** Message metadata as Slack keeps it: an app's typed event, invisible to people, returned on request. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface Message {
  channel: string;
  ts: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  files?: FileRef[];
  edited?: { user: string; ts: string };
  pin?: { by: string; at: number };
  reactions: Reaction[];
  threadTs?: string;
  metadata?: MessageMetadata;
}

/** A modal as Slack holds it: the app's view plus the fields Slack adds (id, hash, state...). */
export interface ShownView {
  id: string;
  userId: string;
  rootViewId: string;
  open: boolean;
  view: Record<string, unknown>;
}

/** What a response_url belongs to: who triggered it, where, and (for clicks) on which message. */
export interface ResponseTarget {
  channelId: string;
  userId: string;
  messageTs?: string;
}

/** A file from files.getUploadURLExternal on: bytes posted to its upload URL, then completed (shared or private). */
export interface StoredFile {
  id: string;
  name: string;
  /** The size declared to files.getUploadURLExternal. */
  length: number;
  /** Null until the bytes arrive at the upload URL. */
  content: Buffer | null;
  title: string;
  user: string;
  /** Unix seconds. */
  created: number;
  completed: boolean;
  /** Where it was shared and the message sharing it; absent while private. */
  channel?: string;
  ts?: string;
}

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
}

export interface AppResponse {
  url: string;
  body: unknown;
}

export interface NewMessage {
  user: string;
  text: string;
  blocks?: unknown[];
  files?: FileRef[];
  botId?: string;
  threadTs?: string;
  metadata?: MessageMetadata;
}

/** Slack timestamps, "<seconds>.<6 digits>", as integer microseconds so they compare as numbers. */
export function tsToMicros(ts: string): number {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

function microsToTs(micros: number): string {
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

function counterId(prefix: string, n: number, width = 9): string {
  return `${prefix}${n.toString(36).toUpperCase().padStart(width, '0')}`;
}

export class Workspace {
  private users = new Map<string, User>();
  private groups = new Map<string, UserGroup>();
  private channels = new Map<string, Channel>();
  private messagesByChannel = new Map<string, Message[]>();
  private storedFiles = new Map<string, StoredFile>();
  private shownViews: ShownView[] = [];
  private triggers = new Map<string, { userId: string; exchanged: boolean }>();
  private responseTargets = new Map<string, ResponseTarget>();
  private counter = 0;
  /** Kept across reset so a ts is never handed out twice by one server. */
  private lastTsMicros = 0;
  private readonly listeners = new ChangeListeners('FakeSlack');
  readonly ephemerals: Ephemeral[] = [];
  readonly responses: AppResponse[] = [];

  constructor(readonly clock: () => number) {
    this.reset();
  }

  // ---- change notification ----

  subscribe(listener: () => void): () => void {
    return this.listeners.subscribe(listener);
  }

  changed(): void {
    this.listeners.notify();
  }

  reset(): void {
    const seconds = Math.floor(this.clock() / 1000);
    this.users = new Map(PRESET_USERS.map((u) => [u.id, { ...u }]));
    this.groups = new Map(PRESET_USER_GROUPS.map((g) => [g.id, { ...g, users: [...g.users], created: seconds }]));
    this.channels = new Map(
      PRESET_CHANNELS.map((c) => [
        c.id,
        {
          id: c.id,
          name: c.name,
          creator: PRESET_CHANNEL_CREATOR,
          created: seconds,
          createdMs: this.clock(),
          isPrivate: false,
          isArchived: false,
          members: [...c.members],
          topic: '',
          purpose: c.purpose,
        },
      ]),
    );
    this.messagesByChannel = new Map(PRESET_CHANNELS.map((c) => [c.id, []]));
    this.storedFiles = new Map();
    this.shownViews = [];
    this.triggers.clear();
    this.responseTargets.clear();
    this.ephemerals.length = 0;
    this.responses.length = 0;
    this.counter = 0;
  }

  // ---- saved and restored (the sandbox keeps its Slack across restarts) ----

  /** Everything a restart must find again, as plain data with Maps (for encodeState). */
  saveState(): Record<string, unknown> {
    return {
      users: this.users,
      groups: this.groups,
      channels: this.channels,
      messagesByChannel: this.messagesByChannel,
      storedFiles: this.storedFiles,
      shownViews: this.shownViews,
      triggers: this.triggers,
      responseTargets: this.responseTargets,
      counter: this.counter,
      lastTsMicros: this.lastTsMicros,
      ephemerals: this.ephemerals,
      responses: this.responses,
    };
  }

  /** Replaces the whole workspace with one saveState() wrote (decoded); throws, changing nothing, when it is not one. */
  loadState(saved: unknown): void {
    const s = savedObject(saved, 'Slack workspace');
    if (
      typeof s.counter !== 'number' ||
      typeof s.lastTsMicros !== 'number' ||
      !Array.isArray(s.shownViews) ||
      !Array.isArray(s.ephemerals) ||
      !Array.isArray(s.responses)
    ) {
      throw new Error('the saved Slack workspace lacks its counters or lists');
    }
    const maps = [
      'users',
      'groups',
      'channels',
      'messagesByChannel',
      'storedFiles',
      'triggers',
      'responseTargets',
    ] as const;
    for (const name of maps) if (!(s[name] instanceof Map)) throw new Error(`the saved Slack ${name} are not a map`);
    refill(this.users, s.users, 'Slack users');
    refill(this.groups, s.groups, 'Slack user groups');
    refill(this.channels, s.channels, 'Slack channels');
    refill(this.messagesByChannel, s.messagesByChannel, 'Slack messages');
    refill(this.storedFiles, s.storedFiles, 'Slack files');
    refill(this.triggers, s.triggers, 'Slack triggers');
    refill(this.responseTargets, s.responseTargets, 'Slack response URLs');
    this.shownViews = s.shownViews as ShownView[];
    this.counter = s.counter;
    this.lastTsMicros = Math.max(this.lastTsMicros, s.lastTsMicros);
    this.ephemerals.splice(0, this.ephemerals.length, ...(s.ephemerals as Ephemeral[]));
    this.responses.splice(0, this.responses.length, ...(s.responses as AppResponse[]));
    this.changed();
  }

  // ---- time and ids ----

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** A message ts from the clock, strictly increasing even when the clock stands still. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.clock()) * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return microsToTs(micros);
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return counterId(prefix, this.counter);
  }

  // ---- people ----

  user(id: string): User | undefined {
    return this.users.get(id);
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((u) => u.email?.toLowerCase() === wanted);
  }

  listUsers(): User[] {
    return [...this.users.values()];
  }

  userGroup(id: string): UserGroup | undefined {
    return this.groups.get(id);
  }

  listUserGroups(): UserGroup[] {
    return [...this.groups.values()];
  }

  // ---- channels ----

  channel(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  channelByName(name: string): Channel | undefined {
    const bare = name.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === bare);
  }

  /** A channel by id, or by name with or without "#" (only chat.postMessage accepts names). */
  resolveChannel(ref: string): Channel | undefined {
    return this.channels.get(ref) ?? this.channelByName(ref);
  }

  listChannels(): Channel[] {
    return [...this.channels.values()];
  }

  createChannel(name: string, creator: string, isPrivate: boolean): Channel {
    const channel: Channel = {
      id: this.nextId('C0'),
      name,
      creator,
      created: this.nowSeconds(),
      createdMs: this.clock(),
      isPrivate,
      isArchived: false,
      members: [creator],
      topic: '',
      purpose: '',
    };
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    this.changed();
    return channel;
  }

  /** The bot's direct conversation with a person, opened on first use (as conversations.open does). */
  openIm(botUserId: string, userId: string): Channel {
    const existing = [...this.channels.values()].find((c) => c.imUser === userId);
    if (existing) return existing;
    const channel: Channel = {
      id: this.nextId('D0'),
      // IMs have no name in Slack; this one is only for the console and tests, and no channel can take it.
      name: `@${this.users.get(userId)?.name ?? userId}`,
      creator: botUserId,
      created: this.nowSeconds(),
      createdMs: this.clock(),
      isPrivate: true,
      isArchived: false,
      members: [botUserId, userId],
      topic: '',
      purpose: '',
      imUser: userId,
    };
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    this.changed();
    return channel;
  }

  /** Adds whoever is not yet a member; returns those added. */
  addMembers(channelId: string, userIds: string[]): string[] {
    const channel = this.mustChannel(channelId);
    const added = userIds.filter((id, i) => !channel.members.includes(id) && userIds.indexOf(id) === i);
    if (added.length === 0) return [];
    channel.members.push(...added);
    this.changed();
    return added;
  }

  /** Takes a member out of a channel (they left, or were removed); false when they were not in it. */
  removeMember(channelId: string, userId: string): boolean {
    const channel = this.mustChannel(channelId);
    const at = channel.members.indexOf(userId);
    if (at < 0) return false;
    channel.members.splice(at, 1);
    this.changed();
    return true;
  }

  isMember(channelId: string, userId: string): boolean {
    return this.channels.get(channelId)?.members.includes(userId) ?? false;
  }

  // ---- messages ----

  messages(channelId: string): Message[] {
    return this.messagesByChannel.get(channelId) ?? [];
  }

  message(channelId: string, ts: string): Message | undefined {
    return this.messages(channelId).find((m) => m.ts === ts);
  }

  addMessage(channelId: string, fields: NewMessage): Message {
    const message = this.insertMessage(channelId, fields);
    this.changed();
    return message;
  }

  editMessage(
    message: Message,
    changes: { text?: string; blocks?: unknown[]; metadata?: MessageMetadata },
    editor: string,
  ): void {
    if (changes.text !== undefined) message.text = changes.text;
    if (changes.metadata !== undefined) message.metadata = changes.metadata;
    if (changes.blocks !== undefined) {
      if (changes.blocks.length > 0) message.blocks = changes.blocks;
      else delete message.blocks;
    }
    message.edited = { user: editor, ts: this.nextTs() };
    this.changed();
  }

  deleteMessage(channelId: string, ts: string): boolean {
    const list = this.messages(channelId);
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    list.splice(index, 1);
    this.changed();
    return true;
  }

  replies(channelId: string, threadTs: string): Message[] {
    return this.messages(channelId).filter((m) => m.threadTs === threadTs && m.ts !== threadTs);
  }

  pin(message: Message, by: string): void {
    message.pin = { by, at: this.nowSeconds() };
    this.changed();
  }

  unpin(message: Message): void {
    delete message.pin;
    this.changed();
  }

  /** False when that person already reacted with that emoji (Slack changes nothing then). */
  addReaction(message: Message, userId: string, name: string): boolean {
    let reaction = message.reactions.find((r) => r.name === name);
    if (reaction?.users.includes(userId)) return false;
    if (!reaction) {
      reaction = { name, users: [] };
      message.reactions.push(reaction);
    }
    reaction.users.push(userId);
    this.changed();
    return true;
  }

  // ---- files ----

  /** files.getUploadURLExternal: a file id waiting for its bytes (nobody sees it yet, so no change is announced). */
  reserveFile(name: string, length: number, user: string): StoredFile {
    const file: StoredFile = {
      id: this.nextId('F0'),
      name,
      length,
      content: null,
      title: name,
      user,
      created: this.nowSeconds(),
      completed: false,
    };
    this.storedFiles.set(file.id, file);
    return file;
  }

  file(id: string): StoredFile | undefined {
    return this.storedFiles.get(id);
  }

  storeUpload(file: StoredFile, bytes: Buffer): void {
    file.content = bytes;
  }

  /** Completed files, in the order they were reserved. */
  listFiles(): StoredFile[] {
    return [...this.storedFiles.values()].filter((f) => f.completed);
  }

  /**
   * files.completeUploadExternal: the files get their titles and, with `share`, one message that shows
   * them. Announced once, after files and message agree (a listener never sees a file without its message).
   */
  completeFiles(
    files: Array<{ file: StoredFile; title: string; ref: FileRef }>,
    share?: { channelId: string; message: Omit<NewMessage, 'files'> },
  ): Message | undefined {
    for (const { file, title } of files) {
      file.title = title;
      file.completed = true;
    }
    const message = share && this.insertMessage(share.channelId, { ...share.message, files: files.map((f) => f.ref) });
    if (message) {
      for (const { file } of files) {
        file.channel = message.channel;
        file.ts = message.ts;
      }
    }
    this.changed();
    return message;
  }

  // ---- modals ----

  issueTrigger(userId: string): string {
    this.counter += 1;
    const id = `${this.counter}.${this.nowSeconds()}.${(this.counter * 2654435761).toString(16).padStart(12, '0').slice(-12)}`;
    this.triggers.set(id, { userId, exchanged: false });
    return id;
  }

  /** A trigger opens one view, once — as in Slack. */
  exchangeTrigger(triggerId: string): { userId: string } | 'invalid_trigger_id' | 'exchanged_trigger_id' {
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return 'invalid_trigger_id';
    if (trigger.exchanged) return 'exchanged_trigger_id';
    trigger.exchanged = true;
    return { userId: trigger.userId };
  }

  views(userId: string): ShownView[] {
    return this.shownViews.filter((v) => v.userId === userId);
  }

  openViews(userId: string): ShownView[] {
    return this.views(userId).filter((v) => v.open);
  }

  view(viewId: string): ShownView | undefined {
    return this.shownViews.find((v) => v.id === viewId);
  }

  viewByExternalId(externalId: string): ShownView | undefined {
    return this.shownViews.find((v) => v.view.external_id === externalId);
  }

  /** A new view: a root (closing whatever modal the person had open) or pushed on top of their stack. */
  showView(shown: Omit<ShownView, 'open'>, mode: 'open' | 'push'): ShownView {
    if (mode === 'open') for (const v of this.openViews(shown.userId)) v.open = false;
    const entry: ShownView = { ...shown, open: true };
    this.shownViews.push(entry);
    this.changed();
    return entry;
  }

  replaceView(shown: ShownView, view: Record<string, unknown>): void {
    shown.view = view;
    this.changed();
  }

  closeView(shown: ShownView): void {
    shown.open = false;
    this.changed();
  }

  closeAllViews(userId: string): void {
    for (const v of this.openViews(userId)) v.open = false;
    this.changed();
  }

  // ---- what the app sends back outside the Web API ----

  issueResponseTarget(target: ResponseTarget): string {
    const id = this.nextId('R0');
    this.responseTargets.set(id, target);
    return id;
  }

  responseTarget(id: string): ResponseTarget | undefined {
    return this.responseTargets.get(id);
  }

  recordEphemeral(ephemeral: Ephemeral): void {
    this.ephemerals.push(ephemeral);
    this.changed();
  }

  recordResponse(response: AppResponse): void {
    this.responses.push(response);
    this.changed();
  }

  private insertMessage(channelId: string, fields: NewMessage): Message {
    const list = this.messagesByChannel.get(this.mustChannel(channelId).id) ?? [];
    const message: Message = {
      channel: channelId,
      ts: this.nextTs(),
      user: fields.user,
      text: fields.text,
      reactions: [],
      ...(fields.blocks ? { blocks: fields.blocks } : {}),
      ...(fields.files ? { files: fields.files } : {}),
      ...(fields.botId ? { botId: fields.botId } : {}),
      ...(fields.threadTs ? { threadTs: fields.threadTs } : {}),
      ...(fields.metadata ? { metadata: fields.metadata } : {}),
    };
    list.push(message);
    this.messagesByChannel.set(channelId, list);
    return message;
  }

  private mustChannel(id: string): Channel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`FakeSlack: no channel ${id}`);
    return channel;
  }
}
