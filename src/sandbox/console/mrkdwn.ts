// Slack mrkdwn to HTML, as a viewer: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <url|text> links,
// <@U…> mentions, <#C…> channels, <!here>, emoji shortcodes. Everything from the message is escaped.
import { emojiHtml } from './emoji';
import { escapeHtml } from '../../web/html';
import { trusted, type SafeHtml } from './html';

export interface NameLookup {
  /** A person's display name, for <@U…>. */
  userName(id: string): string | undefined;
  /** A channel's name without "#", for <#C…>. */
  channelName(id: string): string | undefined;
  /** Where a click on <#C…> goes in the console. */
  channelHref(id: string): string;
}

// Private-use characters stand in for the parts rendered first (code, references) while the rest is formatted;
// any in the input are dropped so a message cannot forge one.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

const BOLD = /(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g;
const ITALIC = /(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g;
const STRIKE = /(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/g;

/** Slack escapes only these three in message text. */
function decodeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeUrl(url: string): string | null {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

function mention(label: string, kind = 'user'): string {
  return `<span class="mention mention-${kind}">${escapeHtml(label)}</span>`;
}

/** One <…> reference: a mention, a channel, a special mention, a date, or a link. */
function reference(ref: string, names: NameLookup): string {
  const [target = '', ...rest] = ref.split('|');
  const label = rest.length > 0 ? decodeSlack(rest.join('|')) : undefined;
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    return mention(`@${names.userName(id) ?? label ?? id}`);
  }
  if (/^#C[A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    const name = names.channelName(id) ?? label ?? id;
    return `<a class="mention mention-channel" href="${escapeHtml(names.channelHref(id))}">#${escapeHtml(name)}</a>`;
  }
  if (/^!(here|channel|everyone)$/.test(target)) return mention(`@${target.slice(1)}`, 'special');
  if (target.startsWith('!subteam^')) return mention(label ?? '@group', 'special');
  if (target.startsWith('!date^')) return escapeHtml(label ?? target);
  const url = safeUrl(decodeSlack(target));
  const text = label ?? decodeSlack(target);
  if (!url) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
}

/** Groups runs of "> " lines (escaped as "&gt; ") into blockquotes. */
function quotes(escaped: string): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = (): void => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of escaped.split('\n')) {
    const match = /^&gt;\s?(.*)$/.exec(line);
    if (match) quote.push(match[1] ?? '');
    else {
      flush();
      out.push(`${line}<br>`);
    }
  }
  flush();
  return out.join('').replace(/<br>$/, '');
}

export function mrkdwnHtml(text: string, names: NameLookup): SafeHtml {
  const held: string[] = [];
  const hold = (markup: string): string => `${OPEN}${held.push(markup) - 1}${CLOSE}`;
  let s = text.replace(/[\uE000\uE001]/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_m, code: string) =>
    hold(`<pre class="mrkdwn-pre">${escapeHtml(decodeSlack(code).replace(/^\n/, ''))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${escapeHtml(decodeSlack(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_m, ref: string) => hold(reference(ref, names)));
  s = escapeHtml(decodeSlack(s));
  s = s.replace(BOLD, '$1<strong>$2</strong>').replace(ITALIC, '$1<em>$2</em>').replace(STRIKE, '$1<del>$2</del>');
  s = quotes(emojiHtml(s));
  s = s.replace(PLACEHOLDER, (_m, i: string) => held[Number(i)] ?? '');
  return trusted(s);
}

/** plain_text objects: escaped, with emoji shortcodes (Slack's `emoji: true` default). */
export function plainHtml(text: string): SafeHtml {
  return trusted(emojiHtml(escapeHtml(text)).replace(/\n/g, '<br>'));
}

/** mrkdwn as plain text, for a browser confirm(): references become their labels, formatting marks go. */
export function mrkdwnPlain(text: string, names: NameLookup): string {
  return decodeSlack(
    text
      .replace(/<([^<>\n]+)>/g, (_m, ref: string) => {
        const [target = '', ...rest] = ref.split('|');
        if (rest.length > 0) return rest.join('|');
        if (/^@[UW]/.test(target)) return `@${names.userName(target.slice(1)) ?? target.slice(1)}`;
        if (/^#C/.test(target)) return `#${names.channelName(target.slice(1)) ?? target.slice(1)}`;
        return target.replace(/^!/, '@');
      })
      .replace(BOLD, '$1$2')
      .replace(ITALIC, '$1$2')
      .replace(STRIKE, '$1$2')
      .replace(/`/g, ''),
  );
}
