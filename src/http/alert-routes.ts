// POST /alerts/<source>: authenticate, read at most 1 MiB, parse and validate, store, then answer 202.
import { createHash } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type { NormalizedAlert } from '../domain/alert';
import type { Ingest } from '../flows/ingest-alerts';
import { requireBearerToken } from './bearer-auth';
import { decodeContentEncoding } from './content-encoding';

export const MAX_ALERT_BODY = '1mb';
export const MAX_ALERT_BODY_BYTES = 1024 * 1024;

export type AlertParser = (body: unknown) => { ok: true; alerts: NormalizedAlert[] } | { ok: false; issues: string[] };

export interface AlertRoutesOptions {
  token: string;
  /** Stores a delivery; answers once it is committed. */
  ingest: Ingest;
  /** Parsers by source: `alertmanager` serves POST /alerts/alertmanager. */
  parsers: Readonly<Record<string, AlertParser>>;
  onAccepted?(source: string, count: number): void;
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

export function alertRoutes(options: AlertRoutesOptions): Router {
  const router = Router();
  // Any content type is read as bytes: monitors are sloppy about Content-Type, and the bytes key the delivery.
  const body = [decodeContentEncoding(MAX_ALERT_BODY_BYTES), express.raw({ type: () => true, limit: MAX_ALERT_BODY })];
  for (const [source, parse] of Object.entries(options.parsers)) {
    router.post(`/alerts/${source}`, requireBearerToken(options.token), body, async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (raw.length === 0) {
        res.status(400).json({ error: 'invalid alert payload', issues: ['the body is empty; send the alert as JSON'] });
        return;
      }
      const json = parseJson(raw);
      if (!json.ok) {
        res.status(400).json({ error: 'invalid alert payload', issues: [json.issue] });
        return;
      }
      const parsed = parse(json.value);
      if (!parsed.ok) {
        res.status(400).json({ error: 'invalid alert payload', issues: parsed.issues });
        return;
      }
      const result = await options.ingest(deliveryKey(source, raw), parsed.alerts);
      if (!result.duplicate) options.onAccepted?.(source, result.accepted);
      res.status(202).json({
        accepted: result.accepted,
        incidents: result.incidents,
        ...(result.duplicate ? { duplicate: true } : {}),
      });
    });
  }
  return router;
}
