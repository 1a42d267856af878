// The HTTP surface: alerts, Slack's endpoint (Bolt's receiver), health, metrics; one error handler.
import { createServer, type RequestListener, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { errorMessage, isFirebreakError } from '../errors';
import type { Metrics } from '../observability/metrics';
import { SLACK_EVENTS_PATH } from '../slack/ids';

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Readiness: each check "ok" or why not (see observability/readiness.ts). */
  ready(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  slackRequestListener: RequestListener | null;
  routers: Router[];
}

function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route =
        (req.route as { path?: string } | undefined)?.path ??
        (req.path.startsWith(SLACK_EVENTS_PATH) ? SLACK_EVENTS_PATH : 'other');
      metrics.httpRequests.observe({ route, status: String(res.statusCode) }, seconds);
      // Method, path and status only: bodies and headers may carry secrets and personal data.
      logger.debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  };
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const e = error as { type?: string; status?: number; limit?: number };
    if (e.type === 'entity.too.large') {
      res
        .status(413)
        .json({ error: `the body is larger than ${e.limit ?? 1048576} bytes (1 MiB); send fewer alerts per request` });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: errorMessage(error) });
      return;
    }
    logger.error(
      { path: req.path, code: isFirebreakError(error) ? error.code : undefined, err: error },
      'request failed',
    );
    const unavailable = isFirebreakError(error, 'STORE_UNAVAILABLE');
    res
      .status(unavailable ? 503 : 500)
      .json({ error: unavailable ? 'storage is unavailable; retry later' : 'internal error; nothing was stored' });
  };
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(requestLog(options.logger, options.metrics));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await options.ready().catch((error: unknown) => ({
      ready: false,
      checks: { readiness: `could not be checked: ${errorMessage(error)}` },
    }));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    const registry: Registry = options.metrics.registry;
    res.type(registry.contentType).send(await registry.metrics());
  });
  const slack = options.slackRequestListener;
  if (slack) {
    // Bolt's HTTPReceiver reads the raw body itself to check Slack's signature: no parser may run first.
    app.post(SLACK_EVENTS_PATH, (req, res) => {
      slack(req, res);
    });
  }
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(options.logger));
  return app;
}

/** Listens; resolves with the bound port (PORT=0 picks a free one). */
export async function listen(app: Express, port: number, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/** Stops accepting connections and waits for in-flight requests; cuts idle keep-alive sockets at once. */
export async function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finishes after close() turns idle then; cut it at that point
  // rather than wait for the client's keep-alive timeout.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}
