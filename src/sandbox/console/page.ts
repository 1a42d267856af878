// The console page: controls on top (acting person, alerts), channels on the left, the channel in the middle
// with a composer for messages and slash commands, PagerDuty and the cloud on the right, a modal over it all
// (narrower screens rearrange them: see the end of styles.ts).
// Each live part is a region the script refreshes when the sandbox changes.
import type { ChannelSummary } from '../fake-slack';
import { html, type SafeHtml } from './html';
import { ACTING_USERS } from './people';
import { GENERIC_DEFAULTS } from './sample-alerts';

export interface ChannelEntry {
  channel: ChannelSummary;
  isIncident: boolean;
  messageCount: number;
}

export interface Regions {
  channels: SafeHtml;
  'channel-head': SafeHtml;
  messages: SafeHtml;
  pagerduty: SafeHtml;
  cloud: SafeHtml;
  /** The web tier's request rate against its capacity, and "Start a flash sale" (issue 17). */
  traffic: SafeHtml;
  /** The open modal (empty when none) and a key that changes only when a different modal, or version of it, shows. */
  modal: { key: string; html: SafeHtml };
}

export function consoleHref(channelId: string, actingUser: string): string {
  return `/sandbox?${new URLSearchParams({ channel: channelId, as: actingUser }).toString()}`;
}

function channelLink(entry: ChannelEntry, selected: string, actingUser: string): SafeHtml {
  const { channel } = entry;
  const classes = [
    'chan',
    entry.isIncident ? 'incident' : '',
    channel.id === selected ? 'active' : '',
    channel.isArchived ? 'archived' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return html`<li><a class="${classes}" href="${consoleHref(channel.id, actingUser)}" data-channel="${channel.id}" data-count="${entry.messageCount}"${channel.id === selected ? html` aria-current="page"` : ''}>
<span class="hash">${entry.isIncident ? '◆' : '#'}</span><span class="chan-name" title="#${channel.name}">${channel.name}</span><span class="chan-count"></span></a></li>`;
}

/** Incident channels first (newest on top), then the workspace's own channels by name. */
export function channelsHtml(entries: ChannelEntry[], selected: string, actingUser: string): SafeHtml {
  const incidents = entries
    .filter((e) => e.isIncident)
    .sort((a, b) => b.channel.created - a.channel.created || b.channel.id.localeCompare(a.channel.id));
  const others = entries
    .filter((e) => !e.isIncident && e.channel.imUser === undefined)
    .sort((a, b) => a.channel.name.localeCompare(b.channel.name));
  // The bot's direct messages (stakeholder updates to subscribers), by the person's name.
  const direct = entries
    .filter((e) => e.channel.imUser !== undefined)
    .sort((a, b) => a.channel.name.localeCompare(b.channel.name));
  return html`<h2 class="side-title">Incidents</h2>
${incidents.length === 0 ? html`<p class="side-empty">None yet: fire an alert.</p>` : html`<ul class="chans">${incidents.map((e) => channelLink(e, selected, actingUser))}</ul>`}
<h2 class="side-title">Channels</h2><ul class="chans">${others.map((e) => channelLink(e, selected, actingUser))}</ul>${
    direct.length === 0
      ? ''
      : html`
<h2 class="side-title">Direct messages from Firebreak</h2><ul class="chans">${direct.map((e) => channelLink(e, selected, actingUser))}</ul>`
  }`;
}

function actingForm(actingUser: string, channelId: string): SafeHtml {
  return html`<form class="acting" method="get" action="/sandbox"><input type="hidden" name="channel" value="${channelId}">
<label for="acting-user">Acting as</label>
<select id="acting-user" name="as" data-autosubmit>${ACTING_USERS.map((u) => html`<option value="${u.id}"${u.id === actingUser ? html` selected` : ''}>${u.name} (${u.id})</option>`)}</select>
<noscript><button type="submit" class="bk-btn">Switch</button></noscript></form>`;
}

function alertControls(actingUser: string, channelId: string): SafeHtml {
  const back = html`<input type="hidden" name="as" value="${actingUser}"><input type="hidden" name="channel" value="${channelId}">`;
  const d = GENERIC_DEFAULTS;
  return html`<div class="alert-controls"><span class="control-label">Sample alert</span>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="flash-sale-firing"><button type="submit" class="bk-btn bk-btn-danger">Fire flash-sale alert</button></form>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="flash-sale-resolved"><button type="submit" class="bk-btn">Resolve flash-sale alert</button></form>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="grafana-firing"><button type="submit" class="bk-btn" title="Sent to /alerts/grafana as Grafana's webhook contact point sends it">Fire Grafana alert</button></form>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="grafana-resolved"><button type="submit" class="bk-btn">Resolve Grafana alert</button></form>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="cloudwatch-alarm"><button type="submit" class="bk-btn" title="Sent to /alerts/cloudwatch as SNS posts a CloudWatch alarm, signed by the sandbox's SNS">Fire CloudWatch alarm</button></form>
<form method="post" action="/sandbox/alerts">${back}<input type="hidden" name="example" value="cloudwatch-ok"><button type="submit" class="bk-btn">Resolve CloudWatch alarm</button></form>
<form method="post" action="/sandbox/compose">${back}<input type="hidden" name="text" value="/incident declare --test Sandbox drill sev2 web"><button type="submit" class="bk-btn" title="/incident declare --test: a test-… channel, nobody paged, not announced, kept out of metrics">Declare test incident</button></form>
<form method="post" action="/sandbox/pagerduty/incident">${back}<button type="submit" class="bk-btn" title="A monitor that pages through PagerDuty opens an incident there; PagerDuty's webhook tells Firebreak">Open PagerDuty incident</button></form>
<details class="custom-alert"><summary class="bk-btn">Custom alert…</summary>
<form method="post" action="/sandbox/alerts" class="popover">${back}<input type="hidden" name="example" value="generic">
<p class="popover-note">Sent to <code>/alerts/generic</code> with the alert token, as a monitor would.</p>
<label>Title <input name="title" value="${d.title}" required maxlength="300"></label>
<label>Service <input name="service" value="${d.service}" required maxlength="100"></label>
<label>Severity <select name="severity">${['critical', 'error', 'warning', 'info'].map((s) => html`<option${s === d.severity ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>Status <select name="status"><option>firing</option><option>resolved</option></select></label>
<label>Summary <input name="summary" maxlength="3000" placeholder="optional"></label>
<button type="submit" class="bk-btn bk-btn-primary">Send alert</button></form></details></div>`;
}

function composer(channel: ChannelSummary, actingUser: string): SafeHtml {
  const examples = [
    '/incident help',
    '/incident status identified',
    '/incident note ',
    '/incident update ',
    '/incident subscribe',
    '/incident resolve',
    '/incident catchup',
    '/scale web +4',
    '/scale status',
    '/capacity plan',
    '/capacity list',
    '/oncall',
  ];
  return html`<form class="composer" method="post" action="/sandbox/compose" data-reset>
<input type="hidden" name="channel" value="${channel.id}"><input type="hidden" name="as" value="${actingUser}">
<div class="composer-box"><input type="text" name="text" id="composer-input" autocomplete="off" required maxlength="4000" aria-label="Message or slash command"
placeholder="Message #${channel.name} — or a command: /incident, /scale, /capacity, /oncall"><button type="submit" class="send" aria-label="Send">Send</button></div>
<div class="composer-hints">${examples.map((e) => html`<button type="button" class="hint-chip" data-fill="${e}">${e.trim()}</button>`)}</div></form>`;
}

export interface PageInput {
  regions: Regions;
  channel: ChannelSummary;
  actingUser: string;
  version: number;
  notice?: { text: string; ok: boolean };
}

export function consolePage(input: PageInput): string {
  const { regions, channel, actingUser } = input;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Firebreak sandbox console</title><link rel="icon" href="/sandbox/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/sandbox/console.css"><script src="/sandbox/console.js" defer></script></head>
<body data-channel="${channel.id}" data-as="${actingUser}" data-version="${input.version}">
<header class="topbar">
<div class="brand"><span class="logo">▲</span><span class="brand-name">Firebreak</span><span class="brand-mode">sandbox</span></div>
${alertControls(actingUser, channel.id)}
${actingForm(actingUser, channel.id)}
</header>
<div class="layout">
<nav class="sidebar" id="channels" aria-label="Channels">${regions.channels}</nav>
<nav class="panel-jump" aria-label="Panels"><span class="muted">Jump to</span><a href="#pagerduty">PagerDuty</a><a href="#cloud">Cloud</a><a href="#traffic">Traffic</a><a href="#messages">Channel</a></nav>
<main class="channel">
<header class="channel-head" id="channel-head">${regions['channel-head']}</header>
<section class="messages" id="messages" aria-label="Messages" aria-live="polite">${regions.messages}</section>
${composer(channel, actingUser)}
</main>
<aside class="panels"><section class="panel" id="pagerduty" aria-label="PagerDuty">${regions.pagerduty}</section><section class="panel" id="cloud" aria-label="Cloud">${regions.cloud}</section><section class="panel" id="traffic" aria-label="Traffic">${regions.traffic}</section></aside>
</div>
<div id="modal" data-key="${regions.modal.key}">${regions.modal.html}</div>
<div id="toast" role="status" aria-live="polite"${input.notice ? html` class="${input.notice.ok ? 'show ok' : 'show error'}"` : ''}>${input.notice?.text ?? ''}</div>
</body></html>`.value;
}
