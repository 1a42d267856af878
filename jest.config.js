/** Jest runs TypeScript through ts-jest; every suite is independent (random ports, temp dirs). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The chaos proofs of issue 11 (storms, SIGKILLs, Slack outages, replicas) run after the suite, on their
  // own (scripts/run-tests.mjs, jest.chaos.config.js): they measure seconds and need the cores to themselves.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Says once which tests this machine skips (the PostgreSQL ones without TEST_DATABASE_URL), and why.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 30000,
};
