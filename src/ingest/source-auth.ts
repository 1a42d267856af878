// How alert sources authenticate: a bearer token, an HMAC of the body. Every comparison is in constant time,
// so a token or a signature cannot be guessed byte by byte.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal } from './source';

function digest(value: string | Buffer): Buffer {
  // Hashing first gives equal-length buffers, which timingSafeEqual requires, without leaking the length.
  return createHash('sha256').update(value).digest();
}

export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The webhook's bearer token check for one expected token: null when a request carries it, else why not.
 * The expected token's digest is taken once, not on every request of a storm.
 */
export function bearerCheck(expected: string): (headers: IncomingHttpHeaders) => Refusal | null {
  const expectedDigest = digest(expected);
  return (headers) => {
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    if (match?.[1] && timingSafeEqual(digest(match[1].trim()), expectedDigest)) return null;
    return {
      status: 401,
      reason: 'unauthorized',
      error: match ? 'the bearer token is not valid' : 'an Authorization: Bearer <token> header is required',
      challenge: 'Bearer realm="firebreak-alerts"',
    };
  };
}

/** Whether `presented` is the lowercase or uppercase hex HMAC-SHA256 of `message` under `secret`. */
export function hmacSha256HexMatches(secret: string, message: Buffer, presented: string): boolean {
  const expected = createHmac('sha256', secret).update(message).digest('hex');
  return tokenMatches(presented.trim().toLowerCase(), expected);
}

/** One header's value, or undefined when absent or sent more than once. */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}
