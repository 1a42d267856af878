/** The chaos proofs (test/chaos): real processes, SIGKILLs, a Slack outage, replicas on PostgreSQL. */
const base = require('./jest.config');

// The two proofs run side by side, one per core. The SQLite one starts its storm this much later, so the
// two storms (and their kills) do not fight over the same seconds: after its storm the other mostly waits
// on Slack's pace. CHAOS_SQLITE_DELAY_MS=0 starts it at once (running it alone).
process.env.CHAOS_SQLITE_DELAY_MS ??= '40000';

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['**/test/chaos/*.test.ts'],
  testTimeout: 600000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/chaos/compile-once.js',
};
