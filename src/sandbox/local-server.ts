// The HTTP plumbing the local fakes (Slack, PagerDuty, cloud) share: listen on a free port, hand every
// request to the fake, answer a bug in the fake as the real service's outage would, and stop at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  server: Server;
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
}

/** Listens on `host:port` (a free port by default) and returns the server with the URL to reach it. */
export async function listenLocally(options: { host?: string; port?: number }): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${urlHost}:${port}` };
}

/**
 * Routes every request to `handle`. A failure there is a bug in the fake: it is reported loudly and
 * answered with `broken` (the real service's own 500), so the app under test sees an outage, not a hang.
 */
export function serveRequests(
  server: Server,
  name: string,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  broken: (res: ServerResponse) => void,
): void {
  server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.emitWarning(
        `${name} failed on ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) broken(res);
      else res.end();
    });
  });
}

/** Stops listening and drops every open connection (keep-alive ones included) at once. */
export async function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  await closed;
}

/** The request's bytes, or null when there are more than `maxBytes` (read to the end either way). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
