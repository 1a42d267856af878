// Floor for cold start: a process that loads what Firebreak cannot start without — @slack/bolt, Kysely on
// better-sqlite3, pino — opens its SQLite file and answers /healthz. Anything Firebreak's start takes
// beyond this is its own.
import '@slack/bolt'; // loaded for its cost, as Firebreak loads it; nothing here uses it
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pino from 'pino';
import { listenAddress, setting } from './listen';

const logger = pino();
const db = new Kysely<Record<string, never>>({
  dialect: new SqliteDialect({ database: new Database(setting('DATABASE_PATH')) }),
});
const { port, host } = listenAddress();
createServer((req, res) => {
  const healthy = req.method === 'GET' && req.url === '/healthz';
  res.writeHead(healthy ? 200 : 404, { 'content-type': 'application/json' }).end(healthy ? '{"status":"ok"}' : '{}');
}).listen(port, host, () => logger.info({ url: `http://${host}:${port}`, db: Boolean(db) }, 'floor listening'));
