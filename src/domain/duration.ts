// How long something took, one way everywhere, in the style each surface needs: `spoken` in the postmortem's
// sentences, `short` in its key figures, `terse` on the Slack card and in command replies.
// date-fns says the parts; they are counted from milliseconds rather than taken from a calendar interval
// (intervalToDuration), which makes 40 days "1 month 9 days" and, in a process whose zone changes to summer
// time, 24 hours across the change "1 day 1 hour".
import type { DurationUnit, FormatDistanceToken } from 'date-fns';
import { formatDuration } from 'date-fns/formatDuration';
import { enUS } from 'date-fns/locale/en-US';

/**
 * - `spoken`: exact to the second, zero parts left out: `2 hours 30 minutes`, `1 day 1 hour 1 minute 1 second`,
 *   `less than a second`, `0 seconds`.
 * - `short`: the two largest parts, from the first that is not zero: `2 h 30 min`, `7 min 15 s`, `1 d 3 h`, `0 s`.
 * - `terse`: `1d 3h`, `2h 05m`, `45m`, `30s` — to the minute once past one.
 */
export type DurationStyle = 'spoken' | 'short' | 'terse';

const UNITS = ['days', 'hours', 'minutes', 'seconds'] as const satisfies readonly DurationUnit[];

/** What `terse` shows, by the first part that is not zero (the seconds when none is). */
const TERSE_UNITS: Record<(typeof UNITS)[number], DurationUnit[]> = {
  days: ['days', 'hours'],
  hours: ['hours', 'minutes'],
  minutes: ['minutes'],
  seconds: ['seconds'],
};

/** A date-fns locale that writes each part as its number and a unit symbol; minutes in two digits if asked. */
function symbols(units: Partial<Record<FormatDistanceToken, string>>, padMinutes = false) {
  return {
    formatDistance: (token: FormatDistanceToken, count: number): string =>
      `${padMinutes && token === 'xMinutes' ? String(count).padStart(2, '0') : count}${units[token] ?? ''}`,
  };
}

const SHORT = symbols({ xDays: ' d', xHours: ' h', xMinutes: ' min', xSeconds: ' s' });
const TERSE_SYMBOLS = { xDays: 'd', xHours: 'h', xMinutes: 'm', xSeconds: 's' };
const TERSE = symbols(TERSE_SYMBOLS);
const TERSE_AFTER_HOURS = symbols(TERSE_SYMBOLS, true);

export function humanDuration(ms: number, style: DurationStyle): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts = {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
  const first = UNITS.findIndex((unit) => parts[unit] > 0);
  switch (style) {
    case 'spoken':
      if (first < 0) return ms > 0 ? 'less than a second' : '0 seconds';
      return formatDuration(parts, { format: [...UNITS], locale: enUS });
    case 'short':
      if (first < 0) return '0 s';
      return formatDuration(parts, { format: UNITS.slice(first, first + 2), locale: SHORT });
    case 'terse': {
      const format = TERSE_UNITS[UNITS[first] ?? 'seconds'];
      return formatDuration(parts, { format, zero: true, locale: format[0] === 'hours' ? TERSE_AFTER_HOURS : TERSE });
    }
  }
}

/** The longest span `parseDuration` reads: a month, so a typo of hours for days is caught, not planned. */
const MAX_PARSED_MS = 31 * 86_400_000;

/**
 * A span as people type it: `3h`, `90m`, `1h30m`, `2d`, `45min`, `1d 6h` (days, hours, minutes, each at most
 * once, in that order). The number of milliseconds, or why it is not one.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const trimmed = text.trim().toLowerCase();
  const match = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$/.exec(trimmed);
  const help = 'give it as 3h, 90m, 1h30m or 2d';
  if (trimmed === '' || !match) return { ok: false, error: `"${text.trim()}" is not a duration; ${help}` };
  const [, days = '0', hours = '0', minutes = '0'] = match;
  const ms = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000;
  if (ms <= 0) return { ok: false, error: `"${text.trim()}" is no time at all; ${help}` };
  if (ms > MAX_PARSED_MS) return { ok: false, error: `"${text.trim()}" is longer than 31 days` };
  return { ok: true, ms };
}
