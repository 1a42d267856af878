// Bearer-token check for webhooks, in constant time so the token cannot be guessed byte by byte.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, which timingSafeEqual requires, without leaking the length.
  return createHash('sha256').update(value).digest();
}

export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function requireBearerToken(expected: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !tokenMatches(match[1].trim(), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="firebreak-alerts"');
      res.status(401).json({
        error: match ? 'the bearer token is not valid' : 'an Authorization: Bearer <token> header is required',
      });
      return;
    }
    next();
  };
}
