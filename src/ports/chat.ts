// What the incident flows need from a chat platform (Slack today): channels, messages, pins, files.
// Nothing here is Slack's: messages are what to say (rendered by the adapter), references are opaque ids.
import type { CapacityWarning } from '../domain/capacity/capacity-warning';
import type { Actor } from '../domain/actor';
import type { AlertRecord } from '../domain/alert';
import type { CatchUp } from '../domain/catch-up';
import type { NudgeKind, NudgeSettlement } from '../domain/nudges';
import type { Incident, IncidentNotice, MessageRef } from '../domain/incident';
import type { RichText } from '../domain/rich-text';
import type { ScaleTarget } from '../domain/scale-target';
import type { ScaleOperation } from '../domain/scaling';
import type { TimelineEvent } from '../domain/timeline';
import type { ScaleApproval } from '../domain/scale-approval';
import type { TeamEscalation } from '../domain/team-escalation';
import type { CapacityPlan } from '../domain/capacity/planned-event';
// Adapters throw ChatError with a code so the outbox can tell "retry later" from "give up".

export type { MessageRef };

/** What an incident's card shows: the flows read it from the store, each chat adapter lays it out. */
export interface IncidentCardFacts {
  /** Its `alertCounts` say how many alerts fire and have resolved. */
  incident: Incident;
  /** The first firing alerts (up to the card's listing, oldest first). */
  firingAlerts: AlertRecord[];
  /** The latest timeline events, oldest first. */
  latest: TimelineEvent[];
  /**
   * Records of alerts the latest events name under a shared title and that are not among `firingAlerts`, so
   * their lines can say which is which.
   */
  latestAlerts?: AlertRecord[];
  now: Date;
  /** Paging is configured: the card offers to page and to acknowledge. */
  pagingEnabled?: boolean;
  /** Scale targets this incident may use, and its scale operations so far. */
  scaleTargets?: ScaleTarget[];
  scaleOperations?: ScaleOperation[];
  /** The latest postmortem draft's page, once drafted. */
  postmortemUrl?: string | null;
  /** Teams brought in so far (`/incident escalate`), and whether the card offers "Escalate…" (teams are configured). */
  teamEscalations?: TeamEscalation[];
  canEscalate?: boolean;
  /** When the last stakeholder update went out, and who posted it; null before the first. */
  lastUpdate?: { at: Date; actor: Actor } | null;
}

/** A stakeholder update, as said in the incident's channel, under its announcement, or to a subscriber. */
export interface StakeholderUpdate {
  text: string;
  actor: Actor;
  at: Date;
  where: 'channel' | 'thread' | 'direct';
}

/**
 * What to say, never how: the flows choose the message and its facts, and each chat adapter renders it in its
 * own layout (Block Kit for Slack), with a plain-text fallback for notifications.
 */
export type ChatMessage =
  | { kind: 'card'; card: IncidentCardFacts }
  | { kind: 'announcement'; incident: Incident }
  | { kind: 'notice'; incident: Incident; notice: IncidentNotice }
  | { kind: 'text'; text: RichText }
  /** What someone arriving in the incident needs to know; shown to them alone. */
  | { kind: 'catch_up'; catchUp: CatchUp; now: Date }
  /** A scale request waiting for an approver (with Approve / Deny while pending), or how it was decided. */
  | { kind: 'scale_approval'; approval: ScaleApproval; now: Date }
  /** A nudge's prompt (with its button while it stands), or what settled it. */
  | { kind: 'nudge'; incident: Incident; nudge: NudgeKind; settled: NudgeSettlement | null }
  | { kind: 'update'; incident: Incident; update: StakeholderUpdate }
  /** A planned event's announcement: what, when, target, count, who proposed, and where it stands (Confirm / Decline while it waits). */
  | { kind: 'capacity_plan'; plan: CapacityPlan; now: Date }
  /** After a planned event (or its cancellation once pre-scaled): the offer to scale back, or who took it. */
  | { kind: 'capacity_scale_back'; plan: CapacityPlan; now: Date }
  /** A target's capacity warning (issue 17): the numbers, Scale out +N while open, how it ended once closed. */
  | { kind: 'capacity_warning'; warning: CapacityWarning; now: Date; chartUrl: string | null };

/**
 * Marks a message as the one of its kind for an incident, invisibly, so it can be found again when a crash
 * lost the platform's answer (post once, then find rather than post twice).
 */
export interface MessageMarker {
  kind:
    | 'incident_card'
    | 'incident_announcement'
    | 'incident_update'
    | 'incident_nudge'
    | 'scale_approval'
    | 'scale_operation'
    | 'capacity_plan'
    | 'capacity_warning';
  /** 0 for a message of no incident (a scale request made outside an incident channel). */
  incidentId: number;
  /** Tells apart several messages of one kind for an incident (its updates, its prompts): the job's id. */
  key?: string;
}

/** Where a message is posted, and so where a retry looks for it: a channel, a thread, or a member's direct messages. */
export type MessagePlace = { channel: string } | { thread: MessageRef } | { directTo: string };

/** What an incident's channel should be called; each platform makes names of it within its own rules. */
export interface ChannelNameRequest {
  prefix: string;
  openedAt: Date;
  timeZone: string;
  title: string;
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
  /** The platform's name, as people know it (`Slack`): where a page says the incident's channel is. */
  readonly name: string;
  /**
   * The names to try for an incident's channel, in order, all valid on this platform: a short one, then ones
   * carrying the incident number (no other incident tries those, so a storm of same-titled incidents never
   * runs out of names).
   */
  channelNames(request: ChannelNameRequest): string[];
  /** Creates a public channel; throws ChatError code CHAT_NAME_TAKEN when the name exists. */
  createChannel(name: string): Promise<{ id: string; name: string }>;
  /** Finds a channel by exact name (to recover a channel we created before a crash). */
  findChannelByName(name: string): Promise<{ id: string; name: string; creatorId?: string } | null>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  /** Posts in a channel (by id, or by name for the announcement channel, which it joins if it must). */
  postMessage(channel: string, message: ChatMessage, marker?: MessageMarker): Promise<MessageRef>;
  updateMessage(ref: MessageRef, message: ChatMessage): Promise<void>;
  /** Posts a reply in the thread under `parent` (a stakeholder update under the incident's announcement). */
  postReply(parent: MessageRef, message: ChatMessage, marker?: MessageMarker): Promise<MessageRef>;
  /** Sends a direct message to one member (a stakeholder update to a subscriber). */
  sendDirectMessage(userId: string, message: ChatMessage, marker?: MessageMarker): Promise<MessageRef>;
  /**
   * Our message carrying `marker` posted in `channel` since `since`, or null: what a crash may have left.
   * The three finders answer null, too, when the platform will not let Firebreak look there (the adapter
   * says why in its log): the caller then posts, at least once rather than never.
   */
  findMarkedMessage(channel: string, marker: MessageMarker, since: Date): Promise<MessageRef | null>;
  /** Our reply carrying `marker` in the thread under `parent` since `since`, or null. */
  findMarkedReply(parent: MessageRef, marker: MessageMarker, since: Date): Promise<MessageRef | null>;
  /** Our direct message carrying `marker` to the member `userId` since `since`, or null. */
  findMarkedDirectMessage(userId: string, marker: MessageMarker, since: Date): Promise<MessageRef | null>;
  pin(ref: MessageRef): Promise<void>;
  /** Joins a public channel by id or name, so the bot can post announcements there. */
  join(channel: string): Promise<{ id: string }>;
  /**
   * Shows a message to one member of a channel and nobody else (Slack: an ephemeral message). Throws
   * CHAT_REJECTED when they are not in the channel.
   */
  postEphemeral(channelId: string, userId: string, message: ChatMessage): Promise<void>;
  /** The text, author and posting time of one message, or null when it cannot be read. */
  readMessage(ref: MessageRef): Promise<{ text: string; userId?: string; postedAt?: Date } | null>;
  permalink(ref: MessageRef): Promise<string | null>;
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
