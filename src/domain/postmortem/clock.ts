// Local times in the postmortem's zone, as its draft and its renderers write them; cached, since a storm's
// thousands of events ask for the same few minutes.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';

/**
 * Local times already formatted, by zone, pattern and minute. A storm's thousands of events fall in a few
 * minutes, and each TZDate works out its zone's offset afresh (a fifth of drafting a 10,000-event
 * postmortem). The patterns here never show seconds, so one minute has one text. Emptied when large.
 */
const localTimes = new Map<string, string>();
const LOCAL_TIMES_KEPT = 10_000;

/** `at` in `timeZone` by a date-fns `pattern`, which must not show seconds (see above). */
export function localText(at: Date, timeZone: string, pattern: string): string {
  const key = `${timeZone}|${pattern}|${Math.floor(at.getTime() / 60_000)}`;
  let text = localTimes.get(key);
  if (text === undefined) {
    if (localTimes.size >= LOCAL_TIMES_KEPT) localTimes.clear();
    text = format(new TZDate(at, timeZone), pattern);
    localTimes.set(key, text);
  }
  return text;
}

/** `11:30`, or `Feb 16 00:10` when `withDate`. */
export function postmortemClock(at: Date, timeZone: string, withDate: boolean): string {
  return localText(at, timeZone, withDate ? 'MMM d HH:mm' : 'HH:mm');
}
