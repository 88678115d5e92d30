/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpiled file by file (tsconfig.json sets isolatedModules): `npm run typecheck` checks types once.
    '^.+\\.ts$': 'ts-jest',
  },
  setupFiles: ['<rootDir>/dev/jest-setup.js'],
  testTimeout: 30000,
  // Passing test files print nothing; failing ones print in full; then Jest's summary and the closing line.
  reporters: ['<rootDir>/dev/jest-failures-reporter.js', '<rootDir>/dev/jest-summary-reporter.js'],
};
