// The HTTP surface: alerts, Slack's endpoint (Bolt's receiver), health, metrics; one error handler.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { errorMessage, isFirebreakError } from '../errors';
import type { Metrics } from '../observability/metrics';
import { SLACK_EVENTS_PATH } from '../slack/ids';
import type { AlertEndpoint } from './alert-endpoint';

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Readiness: each check "ok" or why not (see observability/readiness.ts). */
  ready(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  routers: Router[];
}

export interface FrontDoorOptions {
  logger: Logger;
  metrics: Metrics;
  /** The alert webhooks: the storm's hot path. */
  alerts: AlertEndpoint;
  /** Slack's endpoint (Bolt's receiver behind our guard); null without Slack. */
  slack: RequestListener | null;
  /** Everything else: health, metrics, the console, postmortems, PagerDuty's webhook. */
  app: Express;
}

/** Counts the request in /metrics by its route once answered, and logs it at debug. */
function observe(
  logger: Logger,
  metrics: Metrics,
  req: IncomingMessage,
  res: ServerResponse,
  route: () => string,
): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.httpRequests.observe({ route: route(), status: String(res.statusCode) }, seconds);
    // Method, path and status only: bodies, headers and query strings may carry secrets and personal data.
    if (logger.isLevelEnabled('debug'))
      logger.debug(
        { method: req.method, path: pathOf(req), status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
  });
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** A path as Express routes it: a trailing slash and the case make no difference. */
export function routePath(path: string): string {
  return (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
}

function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    observe(logger, metrics, req, res, () => (req.route as { path?: string } | undefined)?.path ?? 'other');
    next();
  };
}

/**
 * The server's first look at each request. Alert webhooks and Slack's requests, the two that come in storms
 * and bursts, go straight to their handlers; Express serves the rest. An alert storm then costs no router
 * walk per request, and a slash command's ack waits for nothing Express does.
 */
export function frontDoor(options: FrontDoorOptions): RequestListener {
  const { logger, metrics, alerts, slack, app } = options;
  return (req, res) => {
    const path = routePath(pathOf(req));
    const alert = alerts.handlerFor(req.method, path);
    if (alert) {
      observe(logger, metrics, req, res, () => path);
      alert(req, res).catch((error: unknown) => {
        // Only the request itself fails this way (the sender went away mid-body): there is no one to answer.
        logger.debug({ err: error, path }, 'alert request ended early');
        if (!res.headersSent) res.destroy();
      });
      return;
    }
    if (slack && req.method === 'POST' && path === SLACK_EVENTS_PATH) {
      observe(logger, metrics, req, res, () => SLACK_EVENTS_PATH);
      slack(req, res);
      return;
    }
    app(req, res);
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
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(options.logger));
  return app;
}

/**
 * How long an idle keep-alive connection stays open. Above the 60 s idle timeout of the usual load balancers
 * (and far above the 4-5 s of Node's HTTP clients): a server that closes first races a client sending on
 * the same socket, which then reads ECONNRESET. Node's default, 5 s, loses that race in a storm.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Listens; resolves with the bound port (PORT=0 picks a free one). */
export async function listen(
  listener: RequestListener,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node's rule: headersTimeout above keepAliveTimeout, or a slow first request on a reused socket is cut.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
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
