// Small text helpers shared by the Block Kit builders: escaping, times in the team's zone, truncation.
// The zone's name and when a time needs its date are decided in domain/local-time.ts, for every surface.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { renderRichText, type InlineRenderer, type RichText } from '../../domain/rich-text';

/** Slack mrkdwn treats &, < and > as control characters; user text must not inject mentions or links. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A monitor's or our own link goes into <url|label> only when it is plain http(s) and cannot break out. */
export const SAFE_LINK = /^https?:\/\/[^\s|<>]+$/;

const SLACK_INLINES: InlineRenderer = {
  text: escapeMrkdwn,
  mention: (userId) => `<@${userId}>`,
  link: (url, label) => (SAFE_LINK.test(url) ? `<${url}|${escapeMrkdwn(label)}>` : escapeMrkdwn(label)),
};

/** Rich text as Slack mrkdwn: people become mentions Slack renders with their names. */
export function mrkdwn(text: RichText): string {
  return renderRichText(text, SLACK_INLINES);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function dateTime(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm');
}
