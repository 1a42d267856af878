// The door in front of Bolt: reads the body once, refuses unsigned, stale, future-dated, replayed or
// malformed requests with a JSON reason, and hands the bytes and the body as parsed to Bolt's receiver
// (slack/checked-receiver.ts), which does not read, check or parse them again.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isFirebreakError } from '../errors';
import { SLACK_EVENTS_PATH } from '../slack/ids';
import { readBody } from './read-body';
import { checkSlackBody } from './slack-body';
import { checkSlackSignature } from './slack-signature';

/** Slack's payloads are kilobytes; a megabyte is far beyond any of them. */
export const SLACK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface SlackRequestGuardOptions {
  signingSecret: string;
  /** Remembers requests already served (when signed, and the signature), in the store every replica shares. */
  seen: { claim(signedAtSeconds: number, signature: string): Promise<boolean> };
  logger: Logger;
  /** Milliseconds since 1970: the wall clock, as Slack signs and Bolt checks with it (tests move it). */
  nowMs?: () => number;
  bodyLimitBytes?: number;
}

/** A JSON refusal. Connection: close when the body was not read to its end. */
export function refuse(res: ServerResponse, status: number, error: string, close = false): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify({ error }));
}

/** Where a checked request goes: Bolt's receiver, with the raw bytes and the body as Bolt reads it. */
export interface CheckedRequests {
  dispatch(req: IncomingMessage, res: ServerResponse, rawBody: Buffer, body: Record<string, unknown>): void;
}

export function guardSlackRequests(bolt: CheckedRequests, options: SlackRequestGuardOptions): RequestListener {
  const nowMs = options.nowMs ?? Date.now;
  const limit = options.bodyLimitBytes ?? SLACK_BODY_LIMIT_BYTES;
  const log = options.logger.child({ component: 'slack-guard' });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Bolt serves only the exact path; anything else would get its empty 404. The path as sent, without its
    // query: the front door (server.ts) routes only paths that are /slack/events but for case and a trailing
    // slash here, which `new URL` would leave as they are too, at a URL parse per request.
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path !== SLACK_EVENTS_PATH || req.method !== 'POST') {
      refuse(res, 404, `not found: Slack's requests go to POST ${SLACK_EVENTS_PATH}`);
      return;
    }
    const body = await readBody(req, limit);
    if (!body.ok) {
      refuse(res, 413, `the body is larger than ${limit} bytes; Slack never sends that much`, true);
      return;
    }
    const text = body.bytes.toString('utf8');
    const contentType = req.headers['content-type'];
    const shape = checkSlackBody(contentType, text);
    // An SSL check is unsigned by design and carries nothing Bolt acts on (Bolt strips the rest).
    if (!(shape.ok && shape.sslCheck)) {
      const now = nowMs();
      const signed = checkSlackSignature(options.signingSecret, req.headers, text, Math.floor(now / 1000));
      if (!signed.ok) {
        log.warn({ reason: signed.reason }, 'refused a request to /slack/events');
        refuse(res, 401, signed.reason);
        return;
      }
      if (!shape.ok) {
        log.warn({ issue: shape.issue }, 'refused a signed but malformed request to /slack/events');
        refuse(res, 400, `not a request Slack sends: ${shape.issue}`);
        return;
      }
      // Only a signature that checked out is remembered, so a forged header cannot block the genuine request.
      // Slack's own retries are signed anew (X-Slack-Retry-Num), so they pass.
      if (!(await options.seen.claim(signed.signedAt, signed.signature))) {
        log.warn('refused a replayed request to /slack/events');
        refuse(
          res,
          401,
          'this signed request was already received (same X-Slack-Signature and timestamp): refused as a replay',
        );
        return;
      }
    }
    bolt.dispatch(req, res, body.bytes, shape.body);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const unavailable = isFirebreakError(error, 'STORE_UNAVAILABLE');
      log.error(
        { err: error, code: isFirebreakError(error) ? error.code : undefined },
        'could not check a request to /slack/events',
      );
      refuse(
        res,
        unavailable ? 503 : 500,
        unavailable
          ? 'storage is unavailable; Slack will retry'
          : 'internal error while checking the request; nothing was done',
        true,
      );
    });
  };
}
