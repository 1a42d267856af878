import pino from 'pino';
import { ErrorCode } from '@slack/web-api';
import { slackObservation } from '../../../src/adapters/slack/slack-errors';
import { SlackStatus } from '../../../src/observability/slack-status';

const platformError = (error: string) => ({ code: ErrorCode.PlatformError, data: { error } });
const T = new Date('2023-02-15T11:30:00.000Z');

describe('slackObservation: what one failed call says about Slack', () => {
  it.each(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive'])(
    '%s: the token is refused',
    (error) => {
      expect(slackObservation(platformError(error))).toEqual({ usable: false, why: 'token_refused', detail: error });
    },
  );

  it('network failures, 5xx and Slack’s own trouble: unreachable', () => {
    expect(slackObservation({ code: ErrorCode.HTTPError, statusCode: 503 })).toMatchObject({
      usable: false,
      why: 'unreachable',
      detail: expect.stringContaining('HTTP 503'),
    });
    expect(slackObservation({ code: ErrorCode.RequestError, message: 'connect ECONNREFUSED' })).toMatchObject({
      usable: false,
      why: 'unreachable',
    });
    expect(slackObservation(platformError('internal_error'))).toMatchObject({ usable: false, why: 'unreachable' });
  });

  it('answers about the request itself, and rate limits: Slack is usable', () => {
    expect(slackObservation(platformError('channel_not_found'))).toEqual({ usable: true });
    expect(slackObservation({ code: ErrorCode.RateLimitedError, retryAfter: 3 })).toEqual({ usable: true });
  });
});

describe('SlackStatus', () => {
  function status(probe: () => Promise<void>) {
    return new SlackStatus({
      probe,
      observe: slackObservation,
      probeEveryMs: 10,
      clock: { now: () => T },
      logger: pino({ level: 'silent' }),
    });
  }

  it('is not ready until checked, then follows the latest call', async () => {
    const s = status(async () => undefined);
    expect(s.problem()).toBe('not yet checked');
    await s.start();
    expect(s.problem()).toBeNull();
    s.record({ usable: false, why: 'token_refused', detail: 'token_revoked' });
    expect(s.problem()).toBe(
      'Slack refused the bot token (token_revoked) since 2023-02-15T11:30:00.000Z; check SLACK_BOT_TOKEN (revoked, rotated, or the app uninstalled)',
    );
    s.record({ usable: true });
    expect(s.problem()).toBeNull();
    s.stop();
  });

  describe('on fake timers', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('probes every probeEveryMs while Slack is unusable, and stops once it is usable again', async () => {
      let calls = 0;
      let down = true;
      const s = status(async () => {
        calls += 1;
        if (down) throw { code: ErrorCode.HTTPError, statusCode: 503 };
      });
      await s.start();
      expect(calls).toBe(1);
      expect(s.problem()).toMatch(/^unreachable since 2023-02-15T11:30:00.000Z: Slack answered HTTP 503/);
      // Not before its time, then once each probeEveryMs (10 ms).
      await jest.advanceTimersByTimeAsync(9);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(30);
      expect(calls).toBe(5);
      expect(s.problem()).toMatch(/^unreachable since 2023-02-15T11:30:00.000Z/);

      down = false;
      await jest.advanceTimersByTimeAsync(10);
      expect(calls).toBe(6);
      expect(s.problem()).toBeNull();
      // Usable: no probe is waiting, and however much time passes, none is made.
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(calls).toBe(6);
      s.stop();
    });
  });
});
