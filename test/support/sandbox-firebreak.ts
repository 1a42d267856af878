// Firebreak in sandbox mode, as `npm start` runs it with no Slack account (its own console, local Slack,
// PagerDuty and cloud), on a free loopback port, its database and sandbox state in `dir`.
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load';
import { startFirebreak, type Firebreak } from '../../src/firebreak';

export function startSandboxFirebreak(dir: string): Promise<Firebreak> {
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'f.db')}`,
      FIREBREAK_SANDBOX_DIR: dir,
      LOG_LEVEL: 'silent',
    },
    { cwd: dir },
  );
  return startFirebreak({ config, logger: pino({ level: 'silent' }) });
}
