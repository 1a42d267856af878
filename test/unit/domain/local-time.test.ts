// Local times on cards, replies and channel names: the zone's wall clock, with the date only when it is not today.
import { localDate, localTime, sameLocalDay, zoneLabel } from '../../../src/domain/local-time';

const at = (iso: string): Date => new Date(iso);

describe('local times as the team reads them', () => {
  it('writes the time alone on the same local day, in UTC and in a zone ahead of it', () => {
    expect(localTime(at('2026-12-02T09:05:00Z'), at('2026-12-02T18:00:00Z'), 'UTC')).toBe('09:05');
    expect(localTime(at('2026-12-02T09:05:00Z'), at('2026-12-02T18:00:00Z'), 'Europe/Paris')).toBe('10:05');
  });

  it('adds the date when the local day differs, though the UTC day is the same', () => {
    // 23:30 UTC on 1 Dec is 00:30 on 2 Dec in Paris; 00:30 UTC on 2 Dec is still 1 Dec in New York.
    expect(localTime(at('2026-12-01T23:30:00Z'), at('2026-12-02T08:00:00Z'), 'Europe/Paris')).toBe('00:30');
    expect(localTime(at('2026-12-01T22:30:00Z'), at('2026-12-02T08:00:00Z'), 'Europe/Paris')).toBe('1 Dec 23:30');
    expect(sameLocalDay(at('2026-12-02T00:30:00Z'), at('2026-12-02T12:00:00Z'), 'America/New_York')).toBe(false);
  });

  it('adds the year in another year, and the date to every time of an incident that spans midnight', () => {
    expect(localTime(at('2025-11-30T11:38:00Z'), at('2026-01-02T08:00:00Z'), 'UTC')).toBe('30 Nov 2025 11:38');
    expect(localTime(at('2026-12-02T00:10:00Z'), at('2026-12-02T01:00:00Z'), 'UTC', at('2026-12-01T23:50:00Z'))).toBe(
      '2 Dec 00:10',
    );
  });

  it('writes midnight as 00 and half-hour zones to the minute', () => {
    expect(localTime(at('2026-06-01T22:00:00Z'), at('2026-06-01T23:00:00Z'), 'Europe/Paris')).toBe('00:00');
    expect(localTime(at('2026-06-01T10:00:00Z'), at('2026-06-01T11:00:00Z'), 'Asia/Kathmandu')).toBe('15:45');
  });

  it('dates channel names by the local day, and names the zone at the instant', () => {
    expect(localDate(at('2026-12-01T23:30:00Z'), 'Europe/Paris')).toBe('20261202');
    expect(localDate(at('2026-12-01T23:30:00Z'), 'UTC', '-')).toBe('2026-12-01');
    expect(zoneLabel('UTC', at('2026-12-01T23:30:00Z'))).toBe('UTC');
    expect(zoneLabel('Europe/Paris', at('2026-07-01T12:00:00Z'))).toBe('CEST');
  });
});
