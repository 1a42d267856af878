// Once per jest run, before any test file: says which tests this machine skips and why, so a skip is never silent.
import { postgresTests } from './postgres';

export default function globalSetup(): void {
  const postgres = postgresTests();
  if (!postgres.run) process.stdout.write(`\nNote: ${postgres.why}.\n`);
}
