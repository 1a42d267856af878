// Expiring signed links to web pages (the postmortem): HMAC-SHA256 of the path and expiry under LINK_SECRET,
// so a link works without a login, only for the page it names, and only until it expires.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a postmortem link works: long enough for the review meeting, short enough to age out of chat history. */
export const POSTMORTEM_LINK_TTL_DAYS = 30;

/**
 * Headers for a page opened by a signed link (the postmortem, a capacity chart). On the page: it has no script
 * and no external asset, so the policy forbids them all.
 */
export const SIGNED_PAGE_HTML_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
};

/**
 * On every answer of such a route, refusals included: the URL carries the signature, so it must not leak through a
 * Referer, and the page names people and a company's outage, so no shared cache keeps it.
 */
export const SIGNED_PAGE_COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'private, no-store',
};

export type LinkCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

/** The query parameters a signed link carries; anything else in the query (e.g. `format`) is not signed. */
export interface LinkQuery {
  expires?: unknown;
  signature?: unknown;
}

function signature(secret: string, path: string, expires: string): Buffer {
  // The newline cannot occur in a path, so "path + expires" cannot be split two ways.
  return createHmac('sha256', secret).update(`${path}\n${expires}`).digest();
}

/** `${path}?expires=<unix seconds>&signature=<base64url HMAC>`; `path` is the bare path, without a query. */
export function signLink(secret: string, path: string, expiresAt: Date): string {
  if (secret === '') throw new Error('signLink needs a secret (LINK_SECRET)');
  if (!path.startsWith('/') || /[?#\n]/.test(path))
    throw new Error(`signLink needs a bare path such as /incidents/7/postmortem, not "${path}"`);
  const expires = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(expires) || expires <= 0) throw new Error('signLink needs a valid expiry date');
  const params = new URLSearchParams({
    expires: String(expires),
    signature: signature(secret, path, String(expires)).toString('base64url'),
  });
  return `${path}?${params.toString()}`;
}

/**
 * Checks the link for `path`. The signature is checked before the expiry, so "expired" is only ever said
 * of a link we really issued; a changed path or expiry is "invalid".
 */
export function verifyLink(secret: string, path: string, query: LinkQuery, now: Date): LinkCheck {
  const { expires, signature: given } = query;
  // Express gives an array for a repeated parameter: that is not a link we made.
  if (expires === undefined || given === undefined || expires === '' || given === '')
    return { ok: false, reason: 'missing' };
  if (
    typeof expires !== 'string' ||
    typeof given !== 'string' ||
    !/^\d{1,15}$/.test(expires) ||
    !/^[A-Za-z0-9_-]{43}$/.test(given)
  ) {
    return { ok: false, reason: 'invalid' };
  }
  // Compared as text, not decoded bytes: base64url has several spellings of the same last bits.
  const expected = Buffer.from(signature(secret, path, expires).toString('base64url'));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'invalid' };
  if (now.getTime() >= Number(expires) * 1000) return { ok: false, reason: 'expired' };
  return { ok: true };
}
