// One duration formatter in three styles: the postmortem's words, its key figures, the Slack card.
import { humanDuration, parseDuration } from '../../../src/domain/duration';

const H = 3_600_000;
const MIN = 60_000;

describe('humanDuration', () => {
  it('says durations in words, exact to the second (spoken)', () => {
    expect(humanDuration(9_000_000, 'spoken')).toBe('2 hours 30 minutes');
    expect(humanDuration(435_000, 'spoken')).toBe('7 minutes 15 seconds');
    expect(humanDuration(3_600_000, 'spoken')).toBe('1 hour');
    expect(humanDuration(90_061_000, 'spoken')).toBe('1 day 1 hour 1 minute 1 second');
    expect(humanDuration(0, 'spoken')).toBe('0 seconds');
    expect(humanDuration(400, 'spoken')).toBe('less than a second');
  });

  it('keeps the two largest parts of a duration (short)', () => {
    expect(
      [0, 999, 45_000, 7 * MIN + 15_000, 2 * H, 2 * H + 30 * MIN + 5_000, 27 * H + MIN].map((ms) =>
        humanDuration(ms, 'short'),
      ),
    ).toEqual(['0 s', '0 s', '45 s', '7 min 15 s', '2 h', '2 h 30 min', '1 d 3 h']);
  });

  it('is terse on the card: a unit and the next, to the minute once past one (terse)', () => {
    expect(
      [0, 30_000, 5 * MIN + 59_000, 45 * MIN, 2 * H, 2 * H + 5 * MIN + 30_000, 24 * H + 59 * MIN, 27 * H + MIN].map(
        (ms) => humanDuration(ms, 'terse'),
      ),
    ).toEqual(['0s', '30s', '5m', '45m', '2h 00m', '2h 05m', '1d 0h', '1d 3h']);
  });

  it('counts days past a month, and nothing before the start', () => {
    const styles = ['spoken', 'short', 'terse'] as const;
    expect(styles.map((style) => humanDuration(40 * 24 * H + H, style))).toEqual([
      '40 days 1 hour',
      '40 d 1 h',
      '40d 1h',
    ]);
    expect(styles.map((style) => humanDuration(-5_000, style))).toEqual(['0 seconds', '0 s', '0s']);
  });
});

describe('parseDuration', () => {
  it('reads days, hours and minutes as people type them', () => {
    const read = (text: string) => {
      const parsed = parseDuration(text);
      return parsed.ok ? parsed.ms : parsed.error;
    };
    expect(['3h', '90m', '1h30m', '2d', '45min', '1d 6h', ' 2H '].map(read)).toEqual([
      3 * H,
      90 * MIN,
      90 * MIN,
      48 * H,
      45 * MIN,
      30 * H,
      2 * H,
    ]);
    expect(read('soon')).toBe('"soon" is not a duration; give it as 3h, 90m, 1h30m or 2d');
    expect(read('0h')).toContain('is no time at all');
    expect(read('40d')).toContain('longer than 31 days');
    expect(read('30m2h')).toContain('is not a duration');
  });
});
