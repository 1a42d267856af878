// Turns @slack/web-api failures into coded FirebreakErrors that say which step failed.
import { ErrorCode as SlackErrorCode } from '@slack/web-api';
import { FirebreakError } from '../../errors';
import type { SlackObservation } from '../../observability/slack-status';

/** Slack answers these when it is having trouble, not when our request is wrong: worth retrying. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

interface SlackLikeError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  /** Slack's answer; with `missing_scope`, `needed` names the scope the call lacks. */
  data?: { error?: string; needed?: string };
  message?: string;
}

export function slackPlatformError(error: unknown): string | undefined {
  const e = error as SlackLikeError;
  return e?.code === SlackErrorCode.PlatformError ? e.data?.error : undefined;
}

export function toChatError(error: unknown, step: string): FirebreakError {
  if (error instanceof FirebreakError) return error;
  const e = (error ?? {}) as SlackLikeError;
  switch (e.code) {
    case SlackErrorCode.RateLimitedError:
      return new FirebreakError(
        'CHAT_RATE_LIMITED',
        `Slack rate-limited ${step}; retry after ${e.retryAfter ?? '?'} s`,
        { step, retryAfterSeconds: e.retryAfter ?? 1 },
      );
    case SlackErrorCode.PlatformError: {
      const slackError = e.data?.error ?? 'unknown_error';
      if (slackError === 'name_taken')
        return new FirebreakError('CHAT_NAME_TAKEN', `the channel name is taken (${step})`, {
          step,
          providerError: slackError,
        });
      if (slackError === 'not_in_channel')
        return new FirebreakError('CHAT_NOT_IN_CHANNEL', `Firebreak is not in the channel (${step})`, {
          step,
          providerError: slackError,
        });
      if (TRANSIENT_PLATFORM_ERRORS.has(slackError))
        return new FirebreakError('CHAT_UNAVAILABLE', `Slack failed while ${step}: ${slackError}`, {
          step,
          providerError: slackError,
        });
      // A refused token is fixed by an operator (/readyz says so), not by the message: keep it waiting, never drop it.
      if (TOKEN_REFUSED_ERRORS.has(slackError))
        return new FirebreakError('CHAT_UNAVAILABLE', `Slack refused Firebreak's token while ${step}: ${slackError}`, {
          step,
          providerError: slackError,
        });
      const needed = slackError === 'missing_scope' && e.data?.needed ? ` (the app needs ${e.data.needed})` : '';
      return new FirebreakError('CHAT_REJECTED', `Slack refused ${step}: ${slackError}${needed}`, {
        step,
        providerError: slackError,
      });
    }
    case SlackErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      if (status === 429 || status >= 500)
        return new FirebreakError('CHAT_UNAVAILABLE', `Slack answered HTTP ${status} while ${step}`, { step });
      return new FirebreakError('CHAT_REJECTED', `Slack answered HTTP ${status} while ${step}`, { step });
    }
    default:
      // Network failures (RequestError) and anything unexpected: Slack could not be reached.
      return new FirebreakError(
        'CHAT_UNAVAILABLE',
        `could not reach Slack while ${step}: ${e.message ?? String(error)}`,
        { step, cause: error },
      );
  }
}

/** What Firebreak calls a token that works but is not a bot's (auth.test names no bot). */
export const NOT_A_BOT_TOKEN = 'not_a_bot_token';

/** Slack's answers that mean the token itself is refused: no call will work until someone replaces it. */
const TOKEN_REFUSED_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  NOT_A_BOT_TOKEN,
]);

/**
 * What one call's failure says about Slack as a whole, for readiness: unreachable (network, 5xx, Slack's
 * own trouble), the token refused, or usable (it answered about this request: rate limits, a missing
 * channel). The detail names Slack's error or our step, never the token.
 */
export function slackObservation(error: unknown): SlackObservation {
  const coded = toChatError(error, 'calling Slack');
  const providerError = coded.details.providerError;
  if (providerError && TOKEN_REFUSED_ERRORS.has(providerError))
    return { usable: false, why: 'token_refused', detail: providerError };
  if (coded.code === 'CHAT_UNAVAILABLE') return { usable: false, why: 'unreachable', detail: coded.message };
  return { usable: true };
}
