import {
  channelNameCandidates,
  incidentChannelName,
  MAX_CHANNEL_NAME_LENGTH,
} from '../../../src/adapters/slack/channel-name';

const base = { prefix: 'inc', openedAt: new Date('2023-02-15T11:30:00Z'), timeZone: 'UTC', incidentId: 12 };
const SLACK_RULES = /^[a-z0-9_-]{1,80}$/;

describe('incident channel names', () => {
  it('is inc-YYYYMMDD-<slug> from the title', () => {
    expect(incidentChannelName({ ...base, title: 'High request rate on web!' })).toBe(
      'inc-20230215-high-request-rate-on-web',
    );
  });

  it('uses the opening day in the team time zone', () => {
    const lateEvening = { ...base, openedAt: new Date('2023-02-15T23:30:00Z') };
    expect(incidentChannelName({ ...lateEvening, title: 'x', timeZone: 'Asia/Tokyo' })).toMatch(/^inc-20230216-/);
    expect(incidentChannelName({ ...lateEvening, title: 'x', timeZone: 'America/New_York' })).toMatch(/^inc-20230215-/);
  });

  it.each([
    ['Café — checkout 500s', 'inc-20230215-cafe-checkout-500s'],
    ['Ошибка оплаты', 'inc-20230215-oshibka-oplaty'],
    ['支付失败', 'inc-20230215-zhi-fu-shi-bai'],
    ['API_Gateway  DOWN', 'inc-20230215-api-gateway-down'],
  ])('transliterates Unicode titles: %s', (title, expected) => {
    const name = incidentChannelName({ ...base, title });
    expect(name).toBe(expected);
    expect(name).toMatch(SLACK_RULES);
  });

  it('falls back to the incident number when nothing of the title is left', () => {
    expect(incidentChannelName({ ...base, title: '🔥🔥🔥' })).toBe('inc-20230215-incident-12');
  });

  it('stays within 80 characters and never ends with a hyphen', () => {
    const name = incidentChannelName({
      ...base,
      title: 'database connection pool exhausted on the primary cluster during nightly batch jobs',
    });
    expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME_LENGTH);
    expect(name).toMatch(SLACK_RULES);
    expect(name.endsWith('-')).toBe(false);
  });

  it('tries the short name, then the incident number, then numbered variants of that, all within 80 characters', () => {
    expect(channelNameCandidates('inc-20230215-web', 2041)).toEqual([
      'inc-20230215-web',
      'inc-20230215-web-2041',
      'inc-20230215-web-2041-2',
      'inc-20230215-web-2041-3',
      'inc-20230215-web-2041-4',
    ]);
    const long = incidentChannelName({ ...base, title: 'x'.repeat(200) });
    for (const name of channelNameCandidates(long, 123456)) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(SLACK_RULES);
    }
    expect(channelNameCandidates(long, 123456)[1]?.endsWith('-123456')).toBe(true);
  });

  it('gives two thousand same-titled incidents of one day names that never collide', () => {
    const names = new Set<string>();
    for (let id = 1; id <= 2000; id++) names.add(channelNameCandidates('inc-20230215-web', id)[1] as string);
    expect(names.size).toBe(2000);
  });
});
