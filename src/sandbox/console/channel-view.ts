// A channel as the console shows it: Slack's layout of messages (author, time, blocks, pinned, edited, files,
// reactions, thread replies), with the acting person's ephemeral messages and slash-command answers in place.
import type { ChannelSummary, FileSummary, MessageSummary } from '../fake-slack';
import { tsToMicros } from '../fake-slack/workspace';
import { blocksHtml, type BlockContext } from './block-kit';
import type { CommandNote, PlacedEphemeral } from './console-state';
import { reactionHtml } from './emoji';
import { html, trusted, type SafeHtml } from './html';
import { mrkdwnHtml, type NameLookup } from './mrkdwn';

export interface ChannelModel {
  channel: ChannelSummary;
  messages: MessageSummary[];
  files: FileSummary[];
  ephemerals: PlacedEphemeral[];
  notes: CommandNote[];
  actingUser: string;
  botUserId: string;
  names: NameLookup;
  /** Whether Firebreak opened this channel for an incident. */
  isIncident: boolean;
  /** Whether the acting person is in the channel (they can join an incident channel, and be caught up). */
  isMember?: boolean;
  /** People the acting person could invite (not in the channel yet). */
  invitable?: ReadonlyArray<{ id: string; name: string }>;
}

const AVATAR_TONES = ['tone-a', 'tone-b', 'tone-c', 'tone-d', 'tone-e'];

function avatarTone(userId: string): string {
  let sum = 0;
  for (const char of userId) sum += char.charCodeAt(0);
  return AVATAR_TONES[sum % AVATAR_TONES.length] ?? 'tone-a';
}

/** Slack ts → "15:09:17" (UTC, as Firebreak's card says). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function tsClock(ts: string): SafeHtml {
  const ms = Math.floor(tsToMicros(ts) / 1000);
  return html`<time datetime="${new Date(ms).toISOString()}" title="${new Date(ms).toUTCString()}">${clock(ms).slice(0, 5)}</time>`;
}

function authorName(userId: string, model: ChannelModel): string {
  if (userId === model.botUserId) return 'Firebreak';
  return model.names.userName(userId) ?? userId;
}

function avatarHtml(userId: string, model: ChannelModel): SafeHtml {
  if (userId === model.botUserId) return html`<div class="avatar avatar-bot" aria-hidden="true">▲</div>`;
  const name = authorName(userId, model);
  return html`<div class="avatar ${avatarTone(userId)}" aria-hidden="true">${name.charAt(0).toUpperCase()}</div>`;
}

function fileHtml(ref: { id: string; name: string; title: string }, files: FileSummary[]): SafeHtml {
  const content = files.find((f) => f.id === ref.id)?.content ?? '';
  return html`<details class="file" data-key="file-${ref.id}"><summary><span class="file-icon">▤</span><span class="file-title">${ref.title || ref.name}</span><span class="file-name">${ref.name}</span></summary>
<pre class="file-content">${content}</pre><a class="file-open" href="/sandbox/files/${encodeURIComponent(ref.id)}" target="_blank" rel="noopener">Open as text</a></details>`;
}

function bodyHtml(text: string, blocks: readonly unknown[], ctx: BlockContext): SafeHtml {
  // Slack shows the blocks when a message has them, and the text (its notification fallback) otherwise.
  return blocks.length > 0
    ? html`<div class="blocks">${blocksHtml(blocks, ctx)}</div>`
    : html`<div class="msg-text">${mrkdwnHtml(text, ctx)}</div>`;
}

function reactionsHtml(message: MessageSummary, model: ChannelModel): SafeHtml {
  if (message.reactions.length === 0) return html``;
  return html`<div class="reactions">${message.reactions.map(
    (r) =>
      html`<span class="reaction${r.users.includes(model.actingUser) ? ' mine' : ''}" title="${r.users.map((u) => authorName(u, model)).join(', ')}">${trusted(reactionHtml(r.name))} ${r.users.length}</span>`,
  )}</div>`;
}

function reactFormHtml(message: MessageSummary, model: ChannelModel): SafeHtml {
  return html`<form class="msg-tools" method="post" action="/sandbox/react">
<input type="hidden" name="channel" value="${model.channel.id}"><input type="hidden" name="ts" value="${message.ts}"><input type="hidden" name="as" value="${model.actingUser}"><input type="hidden" name="name" value="pushpin">
<button type="submit" class="tool" title="React with :pushpin: (adds the message to the incident timeline)">⚑ Pin to timeline</button></form>`;
}

/** A person's own message can be edited, as in Slack: Slack tells Firebreak, which follows a pinned one's edit. */
function editFormHtml(message: MessageSummary, model: ChannelModel): SafeHtml {
  if (message.user !== model.actingUser) return html``;
  return html`<details class="msg-edit"><summary class="tool" title="Edit your message (a pinned one's timeline entry follows)">✎ Edit</summary>
<form method="post" action="/sandbox/edit" class="popover"><input type="hidden" name="channel" value="${model.channel.id}"><input type="hidden" name="ts" value="${message.ts}"><input type="hidden" name="as" value="${model.actingUser}">
<label>Message <input name="text" value="${message.text}" required maxlength="4000"></label><button type="submit" class="bk-btn bk-btn-primary">Save</button></form></details>`;
}

function messageHtml(message: MessageSummary, model: ChannelModel, replies: MessageSummary[]): SafeHtml {
  const ctx: BlockContext = {
    ...model.names,
    click: { channelId: model.channel.id, messageTs: message.ts, actingUser: model.actingUser },
  };
  const bot = message.user === model.botUserId;
  return html`<article class="msg${message.pinned ? ' pinned' : ''}${bot ? ' from-bot' : ''}" data-ts="${message.ts}"${message.pinned ? html` aria-label="Pinned message"` : ''}>
${message.pinned ? html`<div class="pin-label"><span class="emoji tone-red">⚑</span> Pinned in #${model.channel.name}</div>` : ''}
<div class="msg-row">${avatarHtml(message.user, model)}<div class="msg-main">
<div class="msg-meta"><span class="author">${authorName(message.user, model)}</span>${bot ? html`<span class="app-tag">APP</span>` : ''}${tsClock(message.ts)}${message.edited ? html`<span class="edited">(edited)</span>` : ''}</div>
${bodyHtml(message.text, message.blocks, ctx)}
${(message.files ?? []).length > 0 ? html`<div class="files">${(message.files ?? []).map((f) => fileHtml(f, model.files))}</div>` : ''}
${reactionsHtml(message, model)}
${replies.length > 0 ? html`<div class="thread">${replies.map((r) => messageHtml(r, model, []))}</div>` : ''}
</div></div>${reactFormHtml(message, model)}${editFormHtml(message, model)}</article>`;
}

function ephemeralHtml(e: PlacedEphemeral, model: ChannelModel): SafeHtml {
  return html`<article class="msg ephemeral"><div class="msg-row">${avatarHtml(model.botUserId, model)}<div class="msg-main">
<div class="msg-meta"><span class="author">Firebreak</span><span class="app-tag">APP</span><span class="only-you">Only visible to you</span></div>
${bodyHtml(e.text, e.blocks, model.names)}</div></div></article>`;
}

function noteHtml(note: CommandNote, model: ChannelModel): SafeHtml {
  const by = authorName(note.userId, model);
  const echo = html`<div class="command-echo"><span class="command-user">${by}</span> used <code>${note.command}</code></div>`;
  if (note.error) {
    return html`<article class="msg ephemeral failed"><div class="msg-row"><div class="avatar avatar-slackbot" aria-hidden="true">S</div><div class="msg-main">
<div class="msg-meta"><span class="author">Slackbot</span><span class="only-you">Only visible to you</span></div>
${echo}<div class="msg-text">${note.error}</div></div></div></article>`;
  }
  if (!note.reply) return html`<div class="command-only">${echo}</div>`;
  const inChannel = note.reply.inChannel;
  return html`<article class="msg${inChannel ? ' from-bot' : ' ephemeral'}"><div class="msg-row">${avatarHtml(model.botUserId, model)}<div class="msg-main">
<div class="msg-meta"><span class="author">Firebreak</span><span class="app-tag">APP</span>${inChannel ? '' : html`<span class="only-you">Only visible to you</span>`}</div>
${echo}${bodyHtml(note.reply.text, note.reply.blocks, model.names)}</div></div></article>`;
}

type Entry = { at: number; order: number; seq: number; render: () => SafeHtml };

/**
 * Joining (or leaving and joining again) an incident channel, as the acting person: Slack sends Firebreak
 * member_joined_channel, and the catch-up appears here, only for them.
 */
function membershipHtml(model: ChannelModel): SafeHtml {
  if (!model.isIncident || model.isMember === undefined || model.channel.isArchived) return html``;
  const fields = html`<input type="hidden" name="channel" value="${model.channel.id}"><input type="hidden" name="as" value="${model.actingUser}">`;
  const invitable = model.invitable ?? [];
  const invite =
    invitable.length > 0
      ? html`<form class="membership" method="post" action="/sandbox/invite">${fields}<select name="user" aria-label="Person to invite">${invitable.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select><button type="submit" class="bk-btn" title="Invite them: Firebreak shows them a catch-up only they see">Invite</button></form>`
      : html``;
  return model.isMember
    ? html`${invite}<form class="membership" method="post" action="/sandbox/leave">${fields}<button type="submit" class="bk-btn" title="Leave, to join again and be caught up again">Leave channel</button></form>`
    : html`<form class="membership" method="post" action="/sandbox/join">${fields}<button type="submit" class="bk-btn bk-btn-primary" title="Join as a late responder: Firebreak shows you a catch-up only you see">Join channel</button></form>`;
}

export function channelHeadHtml(model: ChannelModel): SafeHtml {
  const { channel } = model;
  const about = channel.topic || channel.purpose;
  return html`<div class="channel-title"><h1><span class="hash">#</span>${channel.name}</h1>${model.isIncident ? html`<span class="badge badge-incident">Incident channel</span>` : ''}${channel.isArchived ? html`<span class="badge">Archived</span>` : ''}${membershipHtml(model)}</div>
${about ? html`<div class="channel-about">${mrkdwnHtml(about, model.names)}</div>` : ''}`;
}

/** The channel's messages with the acting person's ephemerals and command answers, in the order they came. */
export function messagesHtml(model: ChannelModel): SafeHtml {
  const top = model.messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
  const repliesTo = (ts: string): MessageSummary[] => model.messages.filter((m) => m.threadTs === ts && m.ts !== ts);
  const entries: Entry[] = [
    ...top.map((m, i) => ({
      at: tsToMicros(m.ts),
      order: 0,
      seq: i,
      render: () => messageHtml(m, model, repliesTo(m.ts)),
    })),
    ...model.ephemerals.map((e) => ({
      at: tsToMicros(e.afterTs),
      order: 1,
      seq: e.seq,
      render: () => ephemeralHtml(e, model),
    })),
    ...model.notes.map((n) => ({ at: tsToMicros(n.afterTs), order: 1, seq: n.seq, render: () => noteHtml(n, model) })),
  ].sort((a, b) => a.at - b.at || a.order - b.order || a.seq - b.seq);
  if (entries.length === 0) {
    return html`<div class="empty">No messages in #${model.channel.name} yet.${model.isIncident ? '' : ' Fire an alert above: Firebreak announces new incidents in #incidents and opens a channel for each.'}</div>`;
  }
  return html`${entries.map((e) => e.render())}`;
}
