/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // Jest 30 "soft"-deletes globals set by a test file and warns, once per file, when they are read afterwards (by
  // Probot's and pino's module-level state). `off` keeps jest 29's behaviour without the warning; each file still
  // runs in its own module registry. See https://jestjs.io/docs/configuration#testenvironmentoptions-object
  testEnvironmentOptions: { globalsCleanup: 'off' },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  testTimeout: 30000,
  // Two workers on this 2-core machine: end-to-end files mostly wait on Probot's write throttle (about 1 s per write).
  maxWorkers: 2,
};
