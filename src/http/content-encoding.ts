// Decodes a compressed webhook body (gzip, deflate, br) before the raw-body parser, so a body that is
// not what its Content-Encoding says gets a 400 in words, not zlib's bare "incorrect header check".
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

/**
 * For a body with a Content-Encoding we decode, reads and decodes it here (at most `limit` bytes, before
 * and after) and leaves the bytes in `req.body`; express.raw then sees a finished request and keeps them.
 * Other bodies pass untouched, and an encoding we do not know is left to express.raw's 415.
 */
export function decodeContentEncoding(limit: number): RequestHandler {
  return (req, res, next) => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decode = DECODERS[encoding];
    if (!decode) {
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
      let body: Buffer;
      try {
        body = await decode(read.bytes, { maxOutputLength: limit });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') {
          res.status(413).json({ error: tooLarge(limit) });
          return;
        }
        const name = encoding === 'br' ? 'Brotli' : encoding.replace('x-', '');
        res.status(400).json({
          error: `the body says content-encoding ${encoding} but is not valid ${name} (${(error as Error).message})`,
        });
        return;
      }
      req.body = body;
      next();
    })().catch(next);
  };
}
