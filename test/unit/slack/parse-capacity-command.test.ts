// The grammar of `/capacity` and the times it reads: in the team's zone (summer time included), or with an
// offset or Z; wrong input says what is wrong and shows the right form.
import { parseTimeInput } from '../../../src/domain/time-input';
import { parseCapacityCommand } from '../../../src/slack/listeners/commands/parse-capacity-command';

const at = (text: string, zone = 'Europe/Berlin') => {
  const parsed = parseTimeInput(text, zone);
  return parsed.ok ? parsed.at.toISOString() : parsed.error;
};

describe('parseTimeInput', () => {
  it("reads a date and time in the team's zone, or with its own offset", () => {
    expect(at('2027-02-15 11:00')).toBe('2027-02-15T10:00:00.000Z'); // CET
    expect(at('2027-07-15T11:00')).toBe('2027-07-15T09:00:00.000Z'); // CEST
    expect(at('2027-02-15 11:00', 'UTC')).toBe('2027-02-15T11:00:00.000Z');
    expect(at('2027-02-15T11:00Z')).toBe('2027-02-15T11:00:00.000Z');
    expect(at('2027-02-15T11:00+05:30')).toBe('2027-02-15T05:30:00.000Z');
    expect(at('2027-02-15 11:00 -0100')).toBe('2027-02-15T12:00:00.000Z');
  });

  it('refuses what is not a time, or a day that does not exist', () => {
    expect(at('tomorrow')).toContain('"tomorrow" is not a time; give it as YYYY-MM-DD HH:MM');
    expect(at('2027-02-30 11:00')).toContain('is not a date and time that exists');
    expect(at('2027-02-15 25:00')).toContain('is not a date and time that exists');
  });
});

describe('parseCapacityCommand', () => {
  const parse = (text: string) => parseCapacityCommand(text, 'UTC');

  it('reads a plan: target, count, time, duration and the rest as its name', () => {
    expect(parse('plan web 24 at 2027-02-15 11:00 for 3h Spring flash sale')).toEqual({
      ok: true,
      command: {
        sub: 'plan',
        target: 'web',
        count: 24,
        startsAt: new Date('2027-02-15T11:00:00Z'),
        durationMs: 3 * 3_600_000,
        name: 'Spring flash sale',
      },
    });
    expect(parse('plan web 24 at 2027-02-15T11:00Z for 1h30m lead 1h Launch')).toMatchObject({
      ok: true,
      command: { durationMs: 90 * 60_000, leadMinutes: 60, name: 'Launch' },
    });
    expect(parse('plan')).toEqual({ ok: true, command: { sub: 'form' } });
    expect(parse('cancel CAP-7')).toEqual({ ok: true, command: { sub: 'cancel', planId: 7 } });
    expect(parse('list')).toEqual({ ok: true, command: { sub: 'list' } });
  });

  it('says what is wrong, with the form to use', () => {
    const problem = (text: string) => {
      const parsed = parse(text);
      return parsed.ok ? 'parsed' : `${parsed.error} | ${parsed.usage}`;
    };
    expect(problem('plan web lots at 2027-02-15 11:00 for 3h')).toContain('"lots" is not a number of instances');
    expect(problem('plan web 24 2027-02-15 11:00 for 3h')).toContain('say when it starts');
    expect(problem('plan web 24 at 2027-02-15 11:00')).toContain('say how long it lasts: `for 3h`');
    expect(problem('plan web 24 at 2027-02-15 11:00 for 3h')).toBe('parsed');
    expect(problem('plan web 24 at 2027-02-15 11:00 for 3h lead soon')).toContain('`lead 45m`');
    expect(problem('cancel')).toBe('say which plan: its id, as `/capacity list` shows it | /capacity cancel <id>');
    expect(problem('scale web')).toContain('"scale" is not a /capacity subcommand');
  });
});
