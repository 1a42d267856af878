// Throwaway PostgreSQL databases on the server TEST_DATABASE_URL names (.ci/run starts one): one per test.
// CI also sets FIREBREAK_REQUIRE_POSTGRES=1: the PostgreSQL tests then fail, never skip, when that server is
// missing or does not answer. On a developer's machine without TEST_DATABASE_URL they skip, said once per run
// (test/support/global-setup.ts).
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Set (to 1) where the PostgreSQL tests must run: CI. */
export const REQUIRE_POSTGRES = 'FIREBREAK_REQUIRE_POSTGRES';

/** The admin URL when TEST_DATABASE_URL names a PostgreSQL server, else undefined. */
export function postgresAdminUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

function postgresRequired(): boolean {
  const value = process.env[REQUIRE_POSTGRES];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Whether this run's PostgreSQL tests run: they do when TEST_DATABASE_URL names a server or when they are
 * required (and then fail without one); otherwise they skip, and this says why.
 */
export function postgresTests(): { run: true } | { run: false; why: string } {
  if (postgresAdminUrl() || postgresRequired()) return { run: true };
  return {
    run: false,
    why: 'TEST_DATABASE_URL names no PostgreSQL server (postgres://…), so the PostgreSQL tests are skipped; `bash .ci/run` starts one and requires them',
  };
}

let reachable: Promise<string> | null = null;

/**
 * The admin URL of a server that answers, checked once per test file; fails with what to do when the
 * PostgreSQL tests run (see postgresTests) but TEST_DATABASE_URL is unset or its server does not answer.
 */
export function usablePostgres(): Promise<string> {
  reachable ??= (async () => {
    const adminUrl = postgresAdminUrl();
    if (!adminUrl)
      throw new Error(
        `${REQUIRE_POSTGRES} is set but TEST_DATABASE_URL names no PostgreSQL server (postgres://…): the PostgreSQL tests need one (.ci/run starts one and sets it)`,
      );
    try {
      await adminQuery(adminUrl, 'select 1');
    } catch (error) {
      const where = new URL(adminUrl);
      throw new Error(
        `PostgreSQL at ${where.hostname}:${where.port || 5432} (TEST_DATABASE_URL) does not answer: ${error instanceof Error ? error.message : String(error)}. Start it, or unset TEST_DATABASE_URL${postgresRequired() ? ` and ${REQUIRE_POSTGRES}` : ''} to skip the PostgreSQL tests`,
      );
    }
    return adminUrl;
  })();
  return reachable;
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new, empty database named `<prefix>_<pid>_<time>_<random>`: its URL, and how to throw it away. */
export async function createPostgresDatabase(adminUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`) };
}

/**
 * For `describe.each` over databases: `['postgres', fresh]` when the PostgreSQL tests run here, where `fresh`
 * makes a new database on a server that answers (or fails saying why), else nothing.
 */
export function postgresTarget(prefix: string): Array<[string, () => Promise<TestDatabase>]> {
  if (!postgresTests().run) return [];
  return [['postgres', async () => createPostgresDatabase(await usablePostgres(), prefix)]];
}

/** `describe` for tests that need PostgreSQL: skipped where the PostgreSQL tests skip (see postgresTests). */
export function describeOnPostgres(name: string, tests: () => void): void {
  (postgresTests().run ? describe : describe.skip)(name, tests);
}
