// POST /alerts/<source>: authorize, read at most 1 MiB, verify, parse and validate, store, then answer 202.
// What differs between monitors (authentication, signatures, the body's shape) is each source's own module
// (src/ingest/sources.ts lists them); everything here is the same for all of them.
// Served on node:http ahead of Express (see server.ts): in a storm this is the hot path, and Express's
// router, middleware chain and response helpers cost more per request than everything here but the store.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isFirebreakError } from '../errors';
import type { Ingest } from '../flows/ingest-alerts';
import type { AlertSource, Refusal, RefusalReason } from '../ingest/source';
import { decodeBody } from './content-encoding';
import { readBody } from './read-body';

export const MAX_ALERT_BODY_BYTES = 1024 * 1024;
/** The same limit as body-parser writes it (for routes still served by Express). */
export const MAX_ALERT_BODY = '1mb';

export interface AlertEndpointOptions {
  sources: readonly AlertSource[];
  /** Stores a delivery; answers once it is committed. */
  ingest: Ingest;
  logger: Logger;
  onAccepted?(source: string, count: number): void;
  onRefused?(source: string, reason: RefusalReason): void;
  now?: () => Date;
}

/** One source's endpoint: the request's answer, sent once the delivery is committed or refused. */
export type AlertHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface AlertEndpoint {
  /** The handler for POST /alerts/<name> of a known source (`path` as routed: lower case, no trailing slash). */
  handlerFor(method: string | undefined, path: string): AlertHandler | undefined;
}

const PREFIX = '/alerts/';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
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

function tooLarge(): string {
  return `the body is larger than ${MAX_ALERT_BODY_BYTES} bytes (1 MiB); send fewer alerts per request`;
}

export function alertEndpoint(options: AlertEndpointOptions): AlertEndpoint {
  const now = options.now ?? (() => new Date());
  const handlers = new Map<string, AlertHandler>();
  for (const source of options.sources) handlers.set(`${PREFIX}${source.name}`, sourceHandler(source, options, now));
  return {
    handlerFor: (method, path) => (method === 'POST' ? handlers.get(path) : undefined),
  };
}

/** A refusal of a source's own, or of the endpoint's (413, 415, a body that does not decode). */
type Refused = Omit<Refusal, 'status'> & { status: number; headers?: Record<string, string> };

function sourceHandler(source: AlertSource, options: AlertEndpointOptions, now: () => Date): AlertHandler {
  const refuse = (res: ServerResponse, refusal: Refused): void => {
    options.onRefused?.(source.name, refusal.reason);
    send(
      res,
      refusal.status,
      { error: refusal.error },
      {
        ...(refusal.challenge ? { 'www-authenticate': refusal.challenge } : {}),
        ...refusal.headers,
      },
    );
  };
  const malformed = (res: ServerResponse, issues: string[]): void => {
    options.onRefused?.(source.name, 'malformed');
    send(res, 400, { error: 'invalid alert payload', issues });
  };

  return async (req, res) => {
    // Before the body is read: a sender without the token is turned away without costing a megabyte.
    const denied = source.authorize(req.headers);
    if (denied) return refuse(res, denied);
    // Any content type is read as bytes: monitors are sloppy about Content-Type, and the bytes key the
    // delivery and are what a signature covers.
    const read = await readBody(req, MAX_ALERT_BODY_BYTES);
    // The rest of an oversized body is not read: the connection closes after the answer.
    if (!read.ok)
      return refuse(res, { status: 413, reason: 'too_large', error: tooLarge(), headers: { connection: 'close' } });
    const decoded = await decodeBody(req.headers['content-encoding'], read.bytes, MAX_ALERT_BODY_BYTES);
    if (!decoded.ok)
      return refuse(res, {
        status: decoded.status,
        reason: decoded.status === 413 ? 'too_large' : 'malformed',
        error: decoded.error,
      });
    const raw = decoded.bytes;
    try {
      if (source.verify) {
        const refusal = await source.verify({ headers: req.headers, raw, now: now() });
        if (refusal) return refuse(res, refusal);
      }
      if (raw.length === 0) return malformed(res, ['the body is empty; send the alert as JSON']);
      const json = parseJson(raw);
      if (!json.ok) return malformed(res, [json.issue]);
      if (source.handle) {
        const reply = await source.handle(json.value, { headers: req.headers, raw, now: now() });
        if (reply) return send(res, reply.status, reply.body);
      }
      const parsed = source.parse(json.value);
      if (!parsed.ok) return malformed(res, parsed.issues);
      const result = await options.ingest(deliveryKey(source.name, raw), parsed.alerts);
      if (!result.duplicate) options.onAccepted?.(source.name, result.accepted);
      send(res, 202, {
        accepted: result.accepted,
        incidents: result.incidents,
        ...(result.duplicate ? { duplicate: true } : {}),
      });
    } catch (error) {
      const unavailable = isFirebreakError(error, 'STORE_UNAVAILABLE');
      options.logger.error(
        { path: req.url?.split('?')[0], code: isFirebreakError(error) ? error.code : undefined, err: error },
        'request failed',
      );
      options.onRefused?.(source.name, 'unavailable');
      send(res, unavailable ? 503 : 500, {
        error: unavailable ? 'storage is unavailable; retry later' : 'internal error; nothing was stored',
      });
    }
  };
}
