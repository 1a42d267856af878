import { alternativeChannelName, incidentChannelName, MAX_CHANNEL_NAME_LENGTH } from '../../../src/domain/channel-name';

const base = { prefix: 'inc', openedAt: new Date('2023-02-15T11:30:00Z'), timeZone: 'UTC', incidentId: 12 };
const SLACK_RULES = /^[a-z0-9_-]{1,80}$/;

describe('incident channel names', () => {
  it('is inc-YYYYMMDD-<slug> from the title', () => {
    expect(incidentChannelName({ ...base, title: 'High request rate on web!' })).toBe('inc-20230215-high-request-rate-on-web');
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
    const name = incidentChannelName({ ...base, title: 'database connection pool exhausted on the primary cluster during nightly batch jobs' });
    expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME_LENGTH);
    expect(name).toMatch(SLACK_RULES);
    expect(name.endsWith('-')).toBe(false);
  });

  it('suffixes -2, -3… on a taken name, still within 80 characters', () => {
    const name = incidentChannelName({ ...base, title: 'x'.repeat(200) });
    expect(name).toHaveLength(80);
    expect(alternativeChannelName(name, 1)).toBe(name);
    const second = alternativeChannelName(name, 2);
    expect(second).toHaveLength(80);
    expect(second.endsWith('-2')).toBe(true);
    expect(alternativeChannelName('inc-20230215-web', 3)).toBe('inc-20230215-web-3');
    expect(alternativeChannelName('inc-20230215-web', 12)).toBe('inc-20230215-web-12');
  });
});
