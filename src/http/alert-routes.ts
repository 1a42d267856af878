// POST /alerts/<source>: authorize, read at most 1 MiB, verify, parse and validate, store, then answer 202.
// What differs between monitors (authentication, signatures, the body's shape) is each source's own module
// (src/ingest/sources.ts lists them); everything here is the same for all of them.
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Ingest } from '../flows/ingest-alerts';
import type { AlertSource, Refusal, RefusalReason } from '../ingest/source';
import { decodeContentEncoding } from './content-encoding';

export const MAX_ALERT_BODY = '1mb';
export const MAX_ALERT_BODY_BYTES = 1024 * 1024;

export interface AlertRoutesOptions {
  sources: readonly AlertSource[];
  /** Stores a delivery; answers once it is committed. */
  ingest: Ingest;
  onAccepted?(source: string, count: number): void;
  onRefused?(source: string, reason: RefusalReason): void;
  now?: () => Date;
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; issue: string } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, issue: `the body is not valid JSON (${(error as Error).message})` };
  }
}

/** The delivery key: the same body from the same source is the same delivery, however often it arrives. */
function deliveryKey(source: string, raw: Buffer): string {
  return `${source}:${createHash('sha256').update(raw).digest('hex')}`;
}

function refuse(res: Response, refusal: Refusal): void {
  res.locals.refusal = refusal.reason;
  if (refusal.challenge) res.set('WWW-Authenticate', refusal.challenge);
  res.status(refusal.status).json({ error: refusal.error });
}

/** What a refusal that said no reason of its own was, by its status (the body parsers' 413, 415 and 400). */
function reasonOf(status: number): RefusalReason {
  if (status === 413) return 'too_large';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  return status >= 500 ? 'unavailable' : 'malformed';
}

export function alertRoutes(options: AlertRoutesOptions): Router {
  const router = Router();
  const now = options.now ?? (() => new Date());
  for (const source of options.sources) {
    const malformed = (res: Response, issues: string[]) => {
      res.status(400).json({ error: 'invalid alert payload', issues });
    };
    // Every refusal is counted once it is answered, whoever answered it (the body parsers answer 413 and 415).
    const countRefusal = (_req: Request, res: Response, next: NextFunction) => {
      res.once('finish', () => {
        if (res.statusCode >= 400)
          options.onRefused?.(
            source.name,
            (res.locals.refusal as RefusalReason | undefined) ?? reasonOf(res.statusCode),
          );
      });
      next();
    };
    // Before the body is read: a sender without the token is turned away without costing a megabyte.
    const authorize = (req: Request, res: Response, next: NextFunction) => {
      const refusal = source.authorize(req.headers);
      if (refusal) refuse(res, refusal);
      else next();
    };
    // Any content type is read as bytes: monitors are sloppy about Content-Type, and the bytes key the
    // delivery and are what a signature covers.
    const body = [
      decodeContentEncoding(MAX_ALERT_BODY_BYTES),
      express.raw({ type: () => true, limit: MAX_ALERT_BODY }),
    ];
    router.post(`/alerts/${source.name}`, countRefusal, authorize, body, async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const refusal = (await source.verify?.({ headers: req.headers, raw, now: now() })) ?? null;
      if (refusal) {
        refuse(res, refusal);
        return;
      }
      if (raw.length === 0) return malformed(res, ['the body is empty; send the alert as JSON']);
      const json = parseJson(raw);
      if (!json.ok) return malformed(res, [json.issue]);
      const reply = await source.handle?.(json.value, { headers: req.headers, raw, now: now() });
      if (reply) {
        res.status(reply.status).json(reply.body);
        return;
      }
      const parsed = source.parse(json.value);
      if (!parsed.ok) return malformed(res, parsed.issues);
      const result = await options.ingest(deliveryKey(source.name, raw), parsed.alerts);
      if (!result.duplicate) options.onAccepted?.(source.name, result.accepted);
      res.status(202).json({
        accepted: result.accepted,
        incidents: result.incidents,
        ...(result.duplicate ? { duplicate: true } : {}),
      });
    });
  }
  return router;
}
