// The least an alert webhook endpoint does: node:http, the bearer token, JSON.parse, store, 202 after the
// commit. No validation beyond the shape it reads, no framework: the floor under Firebreak's ingest.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AlertStore, WebhookAlert } from './alert-store';
import { listenAddress } from './listen';

export interface Webhook {
  groupKey: string;
  alerts: WebhookAlert[];
}

export interface AlertServerOptions {
  store: AlertStore;
  token: string;
  /** Runs after the 202 is sent (e.g. telling Slack), as Firebreak's outbox runs after its commit. */
  afterStored?(webhook: Webhook): void;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function receive(options: AlertServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/alerts/alertmanager') return answer(res, 404, { error: 'not found' });
  if (req.headers.authorization !== `Bearer ${options.token}`) return answer(res, 401, { error: 'unauthorized' });
  let webhook: Webhook;
  try {
    webhook = JSON.parse((await readBody(req)).toString('utf8')) as Webhook;
  } catch {
    return answer(res, 400, { error: 'invalid JSON' });
  }
  if (typeof webhook.groupKey !== 'string' || !Array.isArray(webhook.alerts))
    return answer(res, 400, { error: 'not an Alertmanager webhook' });
  options.store.store(webhook.groupKey, webhook.alerts);
  answer(res, 202, { accepted: webhook.alerts.length });
  options.afterStored?.(webhook);
}

export function startAlertServer(options: AlertServerOptions): Server {
  const server = createServer((req, res) => {
    receive(options, req, res).catch((error: unknown) => {
      process.stderr.write(`floor: ${String(error)}\n`);
      if (!res.headersSent) answer(res, 500, { error: 'internal error' });
    });
  });
  const { port, host } = listenAddress();
  server.listen(port, host);
  return server;
}
