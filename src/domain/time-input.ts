// A moment as people type it in a command or a form: a date and a time of day in the team's zone
// (`2027-02-15 11:00`), or with its own offset (`2027-02-15T11:00+01:00`, `…Z`). Pure: no clock, no I/O.
import { TZDate } from '@date-fns/tz';

const FORM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export const TIME_INPUT_HELP = 'give it as YYYY-MM-DD HH:MM (in the team’s zone), or with an offset or Z';

export function parseTimeInput(text: string, timeZone: string): { ok: true; at: Date } | { ok: false; error: string } {
  const trimmed = text.trim();
  const match = FORM.exec(trimmed);
  if (!match) return { ok: false, error: `"${trimmed}" is not a time; ${TIME_INPUT_HELP}` };
  const [, y, mo, d, h, mi, s = '0', offset] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  // Built in UTC first to check the calendar: 2027-02-30 rolls over and is refused rather than moved.
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    utc.getUTCMonth() !== month - 1 ||
    utc.getUTCDate() !== day ||
    utc.getUTCHours() !== hour ||
    utc.getUTCMinutes() !== minute
  )
    return { ok: false, error: `"${trimmed}" is not a date and time that exists` };
  if (offset) {
    if (offset.toUpperCase() === 'Z') return { ok: true, at: utc };
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (minutes > 14 * 60) return { ok: false, error: `"${offset}" is not a UTC offset` };
    return { ok: true, at: new Date(utc.getTime() - sign * minutes * 60_000) };
  }
  const local = TZDate.tz(timeZone, year, month - 1, day, hour, minute, second);
  return { ok: true, at: new Date(local.getTime()) };
}
