// The last line of defence: an error nothing caught is logged and the process keeps serving. Firebreak
// exists for a team's worst hour; one bad request must not stop alert intake for everyone, and everything
// in flight is in the store (a restart would resume it, but only after the outage the crash caused).
import type { Logger } from 'pino';

// Shapes of secrets an error message might quote: Slack tokens, bearer tokens, credentials in URLs,
// Slack signatures. The logger redacts secret fields by name; a message is free text, so scrub it here.
const SECRET_SHAPES: Array<[RegExp, string]> = [
  [/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/\b(Bearer\s+)[^\s,;"']+/gi, '$1[redacted]'],
  [/(\/\/[^:/?#\s@]+:)[^@/\s]+@/g, '$1[redacted]@'],
  [/\bv0=[0-9a-f]{16,}/g, 'v0=[redacted]'],
];

export function scrubSecrets(text: string): string {
  return SECRET_SHAPES.reduce((out, [shape, replacement]) => out.replace(shape, replacement), text);
}

/** What to log about any thrown value: its kind, message and stack frames, with secrets scrubbed. */
export function describeThrown(thrown: unknown): { err: string; errorName?: string; code?: string; stack?: string } {
  if (!(thrown instanceof Error)) return { err: scrubSecrets(String(thrown)) };
  const code = (thrown as { code?: unknown }).code;
  // The frames only (the stack's first line repeats the message); scrubbed too, as a frame names its file.
  const frames = thrown.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
  return {
    err: scrubSecrets(thrown.message),
    // Not `name`: that is the logger's own field.
    errorName: thrown.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(frames ? { stack: scrubSecrets(frames) } : {}),
  };
}

/**
 * Installs handlers for `unhandledRejection` and `uncaughtException` on `target` (the process); returns
 * a function that removes them. `onError` is told of each one (a metric, a test).
 */
export function guardProcess(
  logger: Logger,
  target: NodeJS.EventEmitter = process,
  onError?: (kind: 'unhandledRejection' | 'uncaughtException') => void,
): () => void {
  const rejection = (reason: unknown): void => {
    logger.error(describeThrown(reason), 'unhandled promise rejection (a bug): logged, and Firebreak keeps serving');
    onError?.('unhandledRejection');
  };
  const exception = (error: unknown): void => {
    logger.error(describeThrown(error), 'uncaught exception (a bug): logged, and Firebreak keeps serving');
    onError?.('uncaughtException');
  };
  target.on('unhandledRejection', rejection);
  target.on('uncaughtException', exception);
  return () => {
    target.off('unhandledRejection', rejection);
    target.off('uncaughtException', exception);
  };
}
