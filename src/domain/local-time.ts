// Times as the team reads them: the zone's short name next to a time, and a date only when it is not today.
// One place decides both, so the card, the command replies, the postmortem and its page agree.

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
  if (isUtc(timeZone)) return 'UTC';
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

/** A wall-clock reading: what a clock in the zone shows at an instant (month 1–12). */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** UTC needs no zone rules: most teams run in it, and every card asks for a dozen times. */
function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC';
}

/** Numeric wall-clock formatters by zone (h23: midnight is 00, never 24). */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let found = wallClocks.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    wallClocks.set(timeZone, found);
  }
  return found;
}

/**
 * What a clock in `timeZone` shows at `at`. One cached Intl formatter call (none for UTC): a card shows a
 * dozen times, and working each out through a zoned Date object (its offset computed afresh for every
 * field) was most of a card's rendering.
 */
export function localParts(at: Date, timeZone: string): LocalParts {
  if (isUtc(timeZone))
    return {
      year: at.getUTCFullYear(),
      month: at.getUTCMonth() + 1,
      day: at.getUTCDate(),
      hour: at.getUTCHours(),
      minute: at.getUTCMinutes(),
    };
  const parts: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const part of wallClock(timeZone).formatToParts(at))
    if (part.type in parts) parts[part.type as keyof LocalParts] = Number(part.value);
  return parts;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** The local date as digits: `20261202`, or `2026-12-02` with a separator. */
export function localDate(at: Date, timeZone: string, separator = ''): string {
  const { year, month, day } = localParts(at, timeZone);
  return [String(year).padStart(4, '0'), two(month), two(day)].join(separator);
}

function sameDay(a: LocalParts, b: LocalParts): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function sameLocalDay(a: Date, b: Date, timeZone: string): boolean {
  return sameDay(localParts(a, timeZone), localParts(b, timeZone));
}

/**
 * A time for a message read around `now`: `11:38` on the same local day, `30 Nov 11:38` on another day of
 * the same year, `30 Nov 2025 11:38` in another year — "since 11:38" must never mean yesterday. With
 * `spanStart` (the incident's opening) on another day than `now`, every time carries its date.
 */
export function localTime(at: Date, now: Date, timeZone: string, spanStart?: Date): string {
  const local = localParts(at, timeZone);
  const today = localParts(now, timeZone);
  const clock = `${two(local.hour)}:${two(local.minute)}`;
  // Once an incident (opened at `spanStart`) spans midnight, `00:10` and `23:50` side by side would mislead:
  // every time of it carries its date.
  const spansDays = spanStart !== undefined && !sameDay(localParts(spanStart, timeZone), today);
  if (!spansDays && sameDay(local, today)) return clock;
  const date = `${local.day} ${MONTHS[local.month - 1]}`;
  return local.year === today.year ? `${date} ${clock}` : `${date} ${String(local.year).padStart(4, '0')} ${clock}`;
}
