// What the incident flows need from a chat platform (Slack today): channels, messages, pins, files.
// Adapters throw ChatError with a code so the outbox can tell "retry later" from "give up".

export interface ChatMessage {
  text: string;
  /** Rich layout (Block Kit for Slack); `text` remains the notification fallback. */
  blocks?: unknown[];
  /**
   * Marks the message as the one of its kind for an incident, invisibly, so it can be found again when a
   * crash lost the platform's answer (post once, then find rather than post twice).
   */
  marker?: MessageMarker;
}

export interface MessageMarker {
  kind: 'incident_card' | 'incident_announcement';
  incidentId: number;
}

/** A text document to share in a channel (the postmortem draft, as Markdown). */
export interface ChatFile {
  /** With its extension (`INC-42-postmortem.md`): the platform works out the type from it. */
  filename: string;
  title: string;
  content: string;
  /** Posted with the file, as the message that shares it. */
  comment?: string;
}

export interface Chat {
  /** Creates a public channel; throws ChatError code CHAT_NAME_TAKEN when the name exists. */
  createChannel(name: string): Promise<{ id: string; name: string }>;
  /** Finds a channel by exact name (to recover a channel we created before a crash). */
  findChannelByName(name: string): Promise<{ id: string; name: string; creatorId?: string } | null>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  postMessage(channel: string, message: ChatMessage): Promise<{ channelId: string; ts: string }>;
  updateMessage(channelId: string, ts: string, message: ChatMessage): Promise<void>;
  /** Our message carrying `marker` posted in `channel` since `since`, or null: what a crash may have left. */
  findMarkedMessage(
    channel: string,
    marker: MessageMarker,
    since: Date,
  ): Promise<{ channelId: string; ts: string } | null>;
  pin(channelId: string, ts: string): Promise<void>;
  /** Joins a public channel by id or name, so the bot can post announcements there. */
  join(channel: string): Promise<{ id: string }>;
  /** The text and author of one message, or null when it cannot be read. */
  readMessage(channelId: string, ts: string): Promise<{ text: string; userId?: string } | null>;
  permalink(channelId: string, ts: string): Promise<string | null>;
  /** A link that opens the channel in the platform's app, for people reading elsewhere (a page, an email). */
  channelLink(channelId: string): string;
  /** Uploads a file and shares it in the channel, which the bot must be in (else CHAT_NOT_IN_CHANNEL). */
  uploadFile(channelId: string, file: ChatFile): Promise<{ fileId: string }>;
  /** Our own user id, to tell our channels from others'. Asks the platform only until it is known. */
  botUserId(): Promise<string>;
  /**
   * Asks the platform who we are, every time it is called: the bot's ids, and proof that it is reachable
   * and accepts our token (the readiness probe).
   */
  identify(): Promise<{ userId: string; botId: string }>;
  /** The workspace member with this email, or null when there is none (how on-call people are found). */
  findUserByEmail(email: string): Promise<string | null>;
  /** Members of the user group with this handle (e.g. `oncall-web`), or null when there is no such group. */
  userGroupMembers(handle: string): Promise<string[] | null>;
  /**
   * How people know this member: their full name (else their display name), or null when the platform
   * knows no such member. Remembered a while; a failure throws and is not remembered.
   */
  userName(userId: string): Promise<string | null>;
}
