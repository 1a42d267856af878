/** The chaos proofs (test/chaos): real processes, SIGKILLs, a Slack outage, replicas on PostgreSQL. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['**/test/chaos/*.test.ts'],
  testTimeout: 600000,
  globalSetup: '<rootDir>/test/chaos/compile-once.js',
};
