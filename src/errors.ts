// Coded errors: every failure Firebreak reports carries a stable code and the step that failed.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'NOT_FOUND'
  | 'NOT_IN_INCIDENT_CHANNEL'
  | 'CHAT_NAME_TAKEN'
  | 'CHAT_RATE_LIMITED'
  | 'CHAT_UNAVAILABLE'
  | 'CHAT_REJECTED'
  | 'CHAT_NOT_IN_CHANNEL'
  | 'STORE_CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'PAGE_RATE_LIMITED'
  | 'PAGE_UNAVAILABLE'
  | 'PAGE_REJECTED'
  | 'ONCALL_UNAVAILABLE'
  | 'CLOUD_THROTTLED'
  | 'CLOUD_UNAVAILABLE'
  | 'CLOUD_REJECTED'
  | 'CLOUD_DRY_RUN_OK';

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CHAT_RATE_LIMITED',
  'CHAT_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'PAGE_RATE_LIMITED',
  'PAGE_UNAVAILABLE',
  'ONCALL_UNAVAILABLE',
  'CLOUD_THROTTLED',
  'CLOUD_UNAVAILABLE',
]);

export class FirebreakError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { step?: string; retryAfterSeconds?: number; providerError?: string; cause?: unknown } = {},
  ) {
    // The cause as Error.cause too, so the logger's serializer follows the chain.
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FirebreakError';
  }

  /** Worth trying again later (rate limit, outage), as opposed to a request that will never succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isFirebreakError(error: unknown, code?: ErrorCode): error is FirebreakError {
  return error instanceof FirebreakError && (code === undefined || error.code === code);
}

/** A short description of any thrown value, for logs (never includes request bodies or secrets). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
