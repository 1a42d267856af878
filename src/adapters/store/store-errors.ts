// Turns SQLite and PostgreSQL driver failures into coded errors that say what the store was doing.
import { errorMessage, FirebreakError } from '../../errors';

// better-sqlite3 and pg put the engine's code on the error: SQLITE_* names, PostgreSQL SQLSTATEs, Node's E*.
function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}

const CONFLICT_CODES = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  '23505', // unique_violation
  '40001', // serialization_failure: another transaction changed the same rows
  '40P01', // deadlock_detected
]);

export function isConflict(error: unknown): boolean {
  return CONFLICT_CODES.has(codeOf(error)) || (error instanceof FirebreakError && error.code === 'STORE_CONFLICT');
}

const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT|PROTOCOL)/;
const UNAVAILABLE_PG = /^(08|53|57P0)/; // connection exception, insufficient resources, shutdown/crash
const UNAVAILABLE_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// Failures the drivers and Kysely report without a code.
const UNAVAILABLE_MESSAGES =
  /connection (is not open|terminated)|timeout exceeded when trying to connect|encountered a connection error|pool after calling end|driver has already been destroyed|connection is closed/i;

function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  return (
    UNAVAILABLE_SQLITE.test(code) ||
    UNAVAILABLE_PG.test(code) ||
    UNAVAILABLE_NODE.has(code) ||
    UNAVAILABLE_MESSAGES.test(errorMessage(error))
  );
}

/**
 * The coded error for a driver failure during `step`; anything else (a bug, a coded error from a flow)
 * is returned unchanged.
 */
export function toStoreError(error: unknown, step: string): unknown {
  if (error instanceof FirebreakError) return error;
  const providerError = errorMessage(error);
  if (CONFLICT_CODES.has(codeOf(error))) {
    return new FirebreakError('STORE_CONFLICT', `${step}: conflicts with a stored record (${providerError})`, {
      step,
      providerError,
      cause: error,
    });
  }
  if (isUnavailable(error)) {
    return new FirebreakError('STORE_UNAVAILABLE', `${step}: the database is unavailable (${providerError})`, {
      step,
      providerError,
      cause: error,
    });
  }
  return error;
}

/** Runs one store operation, reporting driver failures as coded errors naming the operation. */
export async function guard<T>(step: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error, step);
  }
}
