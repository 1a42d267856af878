// Small text helpers shared by the Block Kit builders: escaping, times in the team's zone, truncation.
// The zone's name and when a time needs its date are decided in domain/local-time.ts, for every surface.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';

/** Slack mrkdwn treats &, < and > as control characters; user text must not inject mentions or links. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function dateTime(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm');
}
