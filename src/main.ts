// Entry point: read the configuration from the environment (and ./.env), start Firebreak, stop gracefully on SIGTERM.
import { resolve } from 'node:path';
import { loadConfig } from './config/load';
import { errorMessage, FirebreakError, isFirebreakError } from './errors';
import { startFirebreak } from './firebreak';
import { createLogger } from './observability/logger';
import { guardProcess } from './observability/process-guard';

// The AWS SDK warns on every start that Node 20 support ends; operators cannot act on it, so quiet it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `.env` in the working directory, where `.env.example` says to copy it, read by Node's own parser. A variable
 * already in the environment (even empty) wins: a deployment's settings are never overridden by a stray file.
 */
function loadDotEnv(): void {
  try {
    process.loadEnvFile(resolve(process.cwd(), '.env'));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return; // no .env: the environment alone
    throw new FirebreakError('CONFIG_INVALID', `.env: cannot be read (${errorMessage(error)})`, {
      step: 'reading .env',
    });
  }
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (error) {
    // Every configuration problem at once, before anything listens; no stack trace for a typo.
    process.stderr.write(`Firebreak cannot start:\n${errorMessage(error)}\n`);
    process.exit(isFirebreakError(error, 'CONFIG_INVALID') ? 78 : 1);
  }
  const logger = createLogger({ level: config.env.LOG_LEVEL });
  guardProcess(logger);
  const firebreak = await startFirebreak({ config, logger });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests and deliveries in flight');
    firebreak.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Firebreak failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
