// Reads a request body into memory up to a limit, for routes that must see the exact bytes (signatures).
import type { IncomingMessage } from 'node:http';

export type ReadBody = { ok: true; bytes: Buffer } | { ok: false; tooLarge: true };

/** The whole body, or `tooLarge` past `limit` bytes (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    let ended = false;
    req.on('data', onData);
    // A small body comes in one chunk: kept as it is, not copied.
    req.once('end', () => {
      ended = true;
      resolve({ ok: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
    });
    req.once('error', reject);
    // Every request closes once it is answered; only a close before 'end' means the client went away
    // mid-body. The Error (a stack trace) is built only then: built on every close, it cost ~40 µs of each
    // slash command's and alert request's CPU, for a rejection of a promise long resolved.
    req.once('close', () => {
      if (!ended) reject(new Error('the client closed the connection before sending the whole body'));
    });
  });
}
