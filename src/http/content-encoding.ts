// Decodes a compressed webhook body (gzip, deflate, br), so a body that is not what its Content-Encoding says
// gets a 400 in words, not zlib's bare "incorrect header check", and one that inflates past the limit a 413.
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import type { RequestHandler } from 'express';
import { readBody } from './read-body';

type Decoder = (input: Buffer, options: ZlibOptions) => Promise<Buffer>;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: promisify(gunzip) as Decoder,
  'x-gzip': promisify(gunzip) as Decoder,
  deflate: promisify(inflate) as Decoder,
  br: promisify(brotliDecompress) as Decoder,
};

function tooLarge(limit: number): string {
  return `the body is larger than ${limit} bytes (1 MiB) once decompressed; send fewer alerts per request`;
}

export type DecodedBody = { ok: true; bytes: Buffer } | { ok: false; status: 400 | 413 | 415; error: string };

function encodingOf(header: string | undefined): string {
  return (header ?? 'identity').trim().toLowerCase();
}

/** The body as sent before its Content-Encoding (at most `limit` bytes once decoded). */
export async function decodeBody(header: string | undefined, bytes: Buffer, limit: number): Promise<DecodedBody> {
  const encoding = encodingOf(header);
  if (encoding === 'identity') return { ok: true, bytes };
  const decode = DECODERS[encoding];
  if (!decode)
    return {
      ok: false,
      status: 415,
      error: `the body's content-encoding "${encoding}" is not supported; send it plain, or as gzip, deflate or br`,
    };
  try {
    return { ok: true, bytes: await decode(bytes, { maxOutputLength: limit }) };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      return { ok: false, status: 413, error: tooLarge(limit) };
    const name = encoding === 'br' ? 'Brotli' : encoding.replace('x-', '');
    return {
      ok: false,
      status: 400,
      error: `the body says content-encoding ${encoding} but is not valid ${name} (${(error as Error).message})`,
    };
  }
}

/**
 * For a body with a Content-Encoding we decode, reads and decodes it here (at most `limit` bytes, before
 * and after) and leaves the bytes in `req.body`; express.raw then sees a finished request and keeps them.
 * Other bodies pass untouched, and an encoding we do not know is left to express.raw's 415.
 */
export function decodeContentEncoding(limit: number): RequestHandler {
  return (req, res, next) => {
    if (!DECODERS[encodingOf(req.headers['content-encoding'])]) {
      next();
      return;
    }
    (async () => {
      const read = await readBody(req, limit);
      if (!read.ok) {
        res
          .status(413)
          .set('connection', 'close')
          .json({ error: tooLarge(limit) });
        return;
      }
      const decoded = await decodeBody(req.headers['content-encoding'], read.bytes, limit);
      if (!decoded.ok) {
        res.status(decoded.status).json({ error: decoded.error });
        return;
      }
      req.body = decoded.bytes;
      next();
    })().catch(next);
  };
}
