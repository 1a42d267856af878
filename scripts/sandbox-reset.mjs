// `npm run sandbox:reset`: forgets the sandbox — its SQLite database and the local Slack, PagerDuty and cloud
// saved beside it — so the next `npm start` begins with no incidents. Stop Firebreak first. Reads the same
// DATABASE_URL and FIREBREAK_SANDBOX_DIR as Firebreak (defaults: sqlite:./data/firebreak.db and ./data), from
// the environment and, as Firebreak does, from .env in the working directory (the environment wins).
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

try {
  process.loadEnvFile(resolve('.env'));
} catch (error) {
  if (error?.code !== 'ENOENT') throw error;
}

const databaseUrl = process.env.DATABASE_URL?.trim() || 'sqlite:./data/firebreak.db'; // empty = unset, as in Firebreak
const sandboxDir = resolve(process.env.FIREBREAK_SANDBOX_DIR?.trim() || './data');

const files = [
  join(sandboxDir, 'sandbox-state.json'),
  join(sandboxDir, 'sandbox-state.json.tmp'),
  join(sandboxDir, 'sandbox-slack.json'),
];
if (databaseUrl.startsWith('sqlite:')) {
  const database = resolve(databaseUrl.slice('sqlite:'.length));
  files.push(database, `${database}-wal`, `${database}-shm`, `${database}-journal`);
} else {
  // A PostgreSQL database may be shared or precious: this script never drops one.
  console.log(
    `sandbox:reset leaves the database at ${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} alone (not SQLite); drop its tables yourself to start over.`,
  );
}

const removed = files.filter((file) => existsSync(file));
for (const file of removed) rmSync(file, { force: true });
console.log(
  removed.length > 0
    ? `sandbox:reset removed ${removed.join(', ')}`
    : 'sandbox:reset: nothing to remove, the sandbox is already fresh',
);
console.log('The next `npm start` begins with an empty database and the preset local Slack, PagerDuty and cloud.');
