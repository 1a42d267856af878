// A second chat platform, for tests only: channels with their own naming rules (≤ 64 characters, numbered
// first), messages written in Markdown, people mentioned as `@username`, links as `[label](url)`, and ids of
// 26 characters. Its adapter is what a Mattermost or Teams adapter would be: it proves the Chat port carries no
// Slack shape, by running the same incident flows as Slack (test/integration/chat-providers.test.ts).
import { randomBytes } from 'node:crypto';
import { actorText } from '../../src/domain/actor';
import { incidentRef, type Incident, type IncidentNotice } from '../../src/domain/incident';
import { renderRichText, type InlineRenderer, type RichText } from '../../src/domain/rich-text';
import type { TimelineEvent } from '../../src/domain/timeline';
import { FirebreakError } from '../../src/errors';
import type { Chat, ChatMessage, IncidentCardFacts, MessageMarker, MessageRef } from '../../src/ports/chat';

export interface MarkdownMessage {
  id: string;
  channelId: string;
  text: string;
  marker: MessageMarker | null;
  pinned: boolean;
  at: number;
}

interface MarkdownChannel {
  id: string;
  name: string;
  creatorId: string;
  members: Set<string>;
}

const BOT_USER = 'firebreakbot0000000000000a';
const MAX_NAME = 64;

function platformId(): string {
  return randomBytes(13).toString('hex').slice(0, 26);
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The platform's own state, which tests read as its users would see it. */
export class MarkdownChatPlatform {
  readonly channels = new Map<string, MarkdownChannel>();
  readonly messages: MarkdownMessage[] = [];
  /** Messages shown to one person (catch-ups), never in the channel. */
  readonly ephemerals: Array<{ channelId: string; userId: string; text: string }> = [];
  /** Usernames by user id; people the platform does not know are shown by id. */
  readonly usernames = new Map<string, string>();
  /** The next post of a message with this marker kind is made, but its answer is lost (a timeout, a crash). */
  loseAnswerOfNextPost: MessageMarker['kind'] | null = null;
  /** How many posts were made of each marker kind, answered or not. */
  readonly posts: Record<string, number> = {};

  constructor(options: { channels?: string[]; usernames?: Record<string, string> } = {}) {
    for (const name of options.channels ?? []) this.addChannel(name, 'admin');
    for (const [id, name] of Object.entries(options.usernames ?? {})) this.usernames.set(id, name);
  }

  addChannel(name: string, creatorId: string): MarkdownChannel {
    const channel = { id: platformId(), name, creatorId, members: new Set<string>() };
    this.channels.set(channel.id, channel);
    return channel;
  }

  channelByName(name: string): MarkdownChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  messagesIn(channelId: string): MarkdownMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }
}

const MARKDOWN_INLINES = (platform: MarkdownChatPlatform): InlineRenderer => ({
  text: (literal) => literal.replace(/([\\`*_[\]])/g, '\\$1'),
  mention: (userId) => `@${platform.usernames.get(userId) ?? userId}`,
  link: (url, label) => `[${label}](${url})`,
});

function cardMarkdown(card: IncidentCardFacts, text: (rich: RichText) => string): string {
  const { incident } = card;
  const lead = incident.leadUserId ? text([{ mention: incident.leadUserId }]) : 'nobody yet';
  const lines = [
    `### ${incidentRef(incident)} · ${text(incident.title)}`,
    `**Status:** ${incident.status} · **Severity:** ${incident.severity.toUpperCase()} · **Lead:** ${lead}`,
    `**Alerts:** ${incident.alertCounts.firing} firing, ${incident.alertCounts.resolved} resolved`,
    ...card.firingAlerts.map((a) => `- ${a.url ? text([{ link: a.url, label: a.title }]) : text(a.title)}`),
    '**Latest:**',
    ...card.latest.map((e) => `- ${eventWords(e)} — ${text(actorText(e.actor))}`),
  ];
  return lines.join('\n');
}

function eventWords(event: TimelineEvent): string {
  switch (event.type) {
    case 'incident.lead_assigned':
      return 'Lead assigned';
    case 'alert.fired':
      return `Alert fired: ${event.data.title}`;
    case 'alert.resolved':
      return `Alert resolved: ${event.data.title}`;
    default:
      return event.type;
  }
}

const NOTICES: Record<IncidentNotice, string> = {
  all_alerts_resolved: 'Every alert has resolved. Resolve the incident when the service is healthy.',
  page_unacknowledged: 'Nobody has acknowledged the page yet.',
};

function announcementMarkdown(incident: Incident): string {
  const where = incident.channelName ? `~${incident.channelName}` : 'no channel';
  return `New incident ${incidentRef(incident)}: ${incident.title} (${incident.severity.toUpperCase()}) in ${where}`;
}

export function createMarkdownChat(platform: MarkdownChatPlatform): Chat {
  const text = (rich: RichText): string => renderRichText(rich, MARKDOWN_INLINES(platform));
  const markdown = (message: ChatMessage): string => {
    switch (message.kind) {
      case 'card':
        return cardMarkdown(message.card, text);
      case 'announcement':
        return announcementMarkdown(message.incident);
      case 'notice':
        return `${incidentRef(message.incident)}: ${NOTICES[message.notice]}`;
      case 'text':
        return text(message.text);
      case 'catch_up':
        return `Catching up on INC-${message.catchUp.incidentId}: ${message.catchUp.title} (${message.catchUp.status})`;
      case 'scale_approval':
        return `Scale ${message.approval.target} ${message.approval.from} → ${message.approval.to}: ${message.approval.status}`;
      case 'nudge':
        return `${incidentRef(message.incident)}: ${message.nudge === 'lead' ? 'who leads?' : 'time for an update'}${message.settled ? ` (settled: ${message.settled.why})` : ''}`;
      case 'update':
        return `Update on ${incidentRef(message.incident)}: ${message.update.text}`;
      case 'capacity_plan':
        return `Planned capacity CAP-${message.plan.id}: ${message.plan.target} at ${message.plan.count} (${message.plan.state})`;
      case 'capacity_scale_back':
        return `CAP-${message.plan.id} is over: scale ${message.plan.target} back to ${message.plan.scaleBackTo}`;
      case 'capacity_warning':
        return `Capacity of ${message.warning.target}: ${message.warning.numbers.instances} → ${message.warning.numbers.needed} instances (${message.warning.state})`;
    }
  };
  const channel = (idOrName: string): MarkdownChannel => {
    const found = platform.channels.get(idOrName) ?? platform.channelByName(idOrName);
    if (!found) throw new FirebreakError('CHAT_REJECTED', `no channel ${idOrName}`, { step: 'finding a channel' });
    return found;
  };
  const message = (ref: MessageRef): MarkdownMessage | undefined =>
    platform.messages.find((m) => m.id === ref.messageId && m.channelId === ref.channelId);
  /** A member's direct messages: a channel named after them, opened on first use. */
  const directChannel = (userId: string): MarkdownChannel =>
    platform.channelByName(`@${userId}`) ?? platform.addChannel(`@${userId}`, BOT_USER);
  const findMarked = (channelId: string, marker: MessageMarker, since: Date): MessageRef | null => {
    const found = platform
      .messagesIn(channelId)
      .find(
        (m) =>
          m.marker?.kind === marker.kind &&
          m.marker.incidentId === marker.incidentId &&
          m.marker.key === marker.key &&
          m.at >= since.getTime() - 120_000,
      );
    return found ? { channelId: found.channelId, messageId: found.id } : null;
  };

  return {
    name: 'Markdown Chat',
    channelNames({ prefix, title, incidentId }) {
      // Numbered first, then the title, cut at the platform's 64 characters.
      const base = `${prefix}-${incidentId}-${slug(title) || 'incident'}`.slice(0, MAX_NAME).replace(/-+$/, '');
      return [base, ...[2, 3].map((n) => `${base.slice(0, MAX_NAME - 2)}-${n}`)];
    },
    async createChannel(name) {
      if (platform.channelByName(name))
        throw new FirebreakError('CHAT_NAME_TAKEN', `${name} exists`, { step: 'creating the incident channel' });
      const created = platform.addChannel(name, BOT_USER);
      return { id: created.id, name: created.name };
    },
    async findChannelByName(name) {
      const found = platform.channelByName(name);
      return found ? { id: found.id, name: found.name, creatorId: found.creatorId } : null;
    },
    async invite(channelId, userIds) {
      for (const user of userIds) channel(channelId).members.add(user);
    },
    async postMessage(to, content, marker) {
      const posted: MarkdownMessage = {
        id: platformId(),
        channelId: channel(to).id,
        text: markdown(content),
        marker: marker ?? null,
        pinned: false,
        at: Date.now(),
      };
      platform.messages.push(posted);
      if (marker) platform.posts[marker.kind] = (platform.posts[marker.kind] ?? 0) + 1;
      if (marker && platform.loseAnswerOfNextPost === marker.kind) {
        platform.loseAnswerOfNextPost = null;
        throw new FirebreakError('CHAT_UNAVAILABLE', 'the answer was lost', { step: 'posting' });
      }
      return { channelId: posted.channelId, messageId: posted.id };
    },
    async updateMessage(ref, content) {
      const found = message(ref);
      if (!found) throw new FirebreakError('CHAT_REJECTED', 'no such message', { step: 'editing' });
      found.text = markdown(content);
    },
    async postReply(parent, content, marker) {
      const posted: MarkdownMessage = {
        id: platformId(),
        channelId: channel(parent.channelId).id,
        text: `↳ ${markdown(content)}`,
        marker: marker ?? null,
        pinned: false,
        at: Date.now(),
      };
      platform.messages.push(posted);
      return { channelId: posted.channelId, messageId: posted.id };
    },
    async sendDirectMessage(userId, content, marker) {
      const posted: MarkdownMessage = {
        id: platformId(),
        channelId: directChannel(userId).id,
        text: markdown(content),
        marker: marker ?? null,
        pinned: false,
        at: Date.now(),
      };
      platform.messages.push(posted);
      return { channelId: posted.channelId, messageId: posted.id };
    },
    findMarkedMessage: async (to, marker, since) => findMarked(channel(to).id, marker, since),
    // Replies live in their parent's channel here, so the thread is searched there.
    findMarkedReply: async (parent, marker, since) => findMarked(channel(parent.channelId).id, marker, since),
    findMarkedDirectMessage: async (userId, marker, since) => findMarked(directChannel(userId).id, marker, since),
    async pin(ref) {
      const found = message(ref);
      if (found) found.pinned = true;
    },
    async join(to) {
      return { id: channel(to).id };
    },
    async postEphemeral(channelId, userId, content) {
      // Shown to one person only: kept apart from the channel's messages everyone reads.
      platform.ephemerals.push({ channelId: channel(channelId).id, userId, text: markdown(content) });
    },
    async readMessage(ref) {
      const found = message(ref);
      return found ? { text: found.text } : null;
    },
    async permalink(ref) {
      return `https://chat.example/firebreak/pl/${ref.messageId}`;
    },
    channelLink: (channelId) => `https://chat.example/firebreak/channels/${channelId}`,
    async uploadFile(channelId, file) {
      const id = platformId();
      platform.messages.push({
        id,
        channelId: channel(channelId).id,
        text: `${file.comment ?? ''}\n📎 ${file.filename}`,
        marker: null,
        pinned: false,
        at: Date.now(),
      });
      return { fileId: id };
    },
    botUserId: async () => BOT_USER,
    identify: async () => ({ userId: BOT_USER, botId: BOT_USER }),
    findUserByEmail: async () => null,
    userGroupMembers: async () => null,
    userName: async (userId) => platform.usernames.get(userId) ?? null,
  };
}
