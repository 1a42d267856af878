// A proxy in front of a local fake (Slack's Web API, PagerDuty's Events API) that breaks what a network
// breaks: it can lose the answer after the service did the work (as a timeout or a crash right after the call
// does), or hold a call unanswered. Requests are forwarded by their last path segment (the method, `enqueue`).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault = 'lose-answer' | 'hang';

export interface LossyProxy {
  /** Where to point the client: `${base}/api/` for Slack's Web API; the base itself for PagerDuty's `/v2/enqueue`. */
  base: string;
  apiUrl: string;
  /** Decides, for each call (its last path segment and its body as text), whether to break it. */
  setFault(decide: ((method: string, body: string) => ProxyFault | null) | null): void;
  /** Calls held unanswered so far. */
  hungCalls(): number;
  stop(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `targetUrl`: the folder the method names are relative to (the fake Slack's apiUrl, or `${eventsUrl}/v2/`). */
export async function startLossyProxy(targetUrl: string): Promise<LossyProxy> {
  const target = new URL(targetUrl.endsWith('/') ? targetUrl : `${targetUrl}/`);
  let decide: ((method: string, body: string) => ProxyFault | null) | null = null;
  let hung = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const method = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
      const fault = decide?.(method, body.toString('utf8')) ?? null;
      if (fault === 'hang') {
        hung += 1;
        return; // never answered: the caller waits until it gives up or dies
      }
      const url = new URL(method, target);
      const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
        void readAll(answer).then((payload) => {
          if (fault === 'lose-answer') {
            res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream connect error');
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(payload);
        });
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/api/`,
    setFault(next) {
      decide = next;
    },
    hungCalls: () => hung,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
