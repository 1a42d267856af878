// Times as the team reads them: the zone's short name next to a time, and a date only when it is not today.
// One place decides both, so the card, the command replies, the postmortem and its page agree.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';

/** Formatters by locale and zone: building one costs far more than using it, and every card asks. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
    formatters.set(key, found);
  }
  return found;
}

/**
 * How people read the zone next to a time at `at`: `UTC`, `CET`/`CEST`, `EST`/`EDT`, `BST`, else `GMT+9`.
 * Taken at that instant, so a time after a change to summer time carries the summer name.
 */
export function zoneLabel(timeZone: string, at: Date): string {
  const name = (locale: string): string =>
    formatter(locale, timeZone)
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  const us = name('en-US');
  // en-US knows American abbreviations only; en-GB knows the European ones (CET, BST…).
  return /^GMT[+-]/.test(us) ? name('en-GB') : us;
}

/** One change of the zone's name (a change to or from summer time) within a span. */
export interface ZoneChange {
  /** The first instant with the new name. */
  at: Date;
  from: string;
  to: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Spans longer than this are not searched for changes: an incident is not open for a year and more. */
const MAX_SEARCHED_MS = 400 * DAY;

/** Where the name changes between `from` (old name) and `to` (new name), to the minute. */
function changeBetween(timeZone: string, from: Date, to: Date): Date {
  let lo = from.getTime();
  let hi = to.getTime();
  const before = zoneLabel(timeZone, from);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (zoneLabel(timeZone, new Date(mid)) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** The zone's changes of name between `start` and `end`, in order; none for most incidents. */
export function zoneChanges(timeZone: string, start: Date, end: Date): ZoneChange[] {
  const changes: ZoneChange[] = [];
  const stop = Math.min(end.getTime(), start.getTime() + MAX_SEARCHED_MS);
  let at = start.getTime();
  let label = zoneLabel(timeZone, start);
  // Changes are months apart: a day's step cannot jump over two of them.
  while (at < stop) {
    const next = Math.min(at + DAY, stop);
    const nextLabel = zoneLabel(timeZone, new Date(next));
    if (nextLabel !== label) {
      changes.push({ at: changeBetween(timeZone, new Date(at), new Date(next)), from: label, to: nextLabel });
      label = nextLabel;
    }
    at = next;
  }
  return changes;
}

/**
 * What zone a document's times are in, said once where there is room: `UTC`, `CET (Europe/Paris)`, and
 * across a change to or from summer time `CET, then CEST from 03:00 (Europe/Paris)`. `clock` writes the
 * local time of each change (with its date when the document's times carry dates).
 */
export function zoneDescription(timeZone: string, start: Date, end: Date, clock: (at: Date) => string): string {
  const changes = zoneChanges(timeZone, start, end);
  const names = [zoneLabel(timeZone, start), ...changes.map((c) => `${c.to} from ${clock(c.at)}`)].join(', then ');
  // UTC needs no IANA name beside it, and a zone without a short name is named by its IANA name already.
  return names === 'UTC' || names === timeZone ? names : `${names} (${timeZone})`;
}

function localDay(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyy-MM-dd');
}

export function sameLocalDay(a: Date, b: Date, timeZone: string): boolean {
  return localDay(a, timeZone) === localDay(b, timeZone);
}

/**
 * A time for a message read around `now`: `11:38` on the same local day, `30 Nov 11:38` on another day of
 * the same year, `30 Nov 2025 11:38` in another year — "since 11:38" must never mean yesterday. With
 * `spanStart` (the incident's opening) on another day than `now`, every time carries its date.
 */
export function localTime(at: Date, now: Date, timeZone: string, spanStart?: Date): string {
  const local = new TZDate(at, timeZone);
  // Once an incident (opened at `spanStart`) spans midnight, `00:10` and `23:50` side by side would mislead:
  // every time of it carries its date.
  const spansDays = spanStart !== undefined && !sameLocalDay(spanStart, now, timeZone);
  if (!spansDays && sameLocalDay(at, now, timeZone)) return format(local, 'HH:mm');
  const sameYear = format(local, 'yyyy') === format(new TZDate(now, timeZone), 'yyyy');
  return format(local, sameYear ? 'd MMM HH:mm' : 'd MMM yyyy HH:mm');
}
