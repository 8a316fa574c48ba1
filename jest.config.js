/** One Jest run for the whole monorepo: packages are imported by name and mapped to their sources. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose, kysely and pixelmatch ship ES modules only, which Jest's CommonJS runtime cannot load untransformed.
    '/node_modules/(jose|kysely|pixelmatch)/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|kysely|pixelmatch)/)'],
  moduleNameMapper: {
    '^@aurora/proto$': '<rootDir>/proto/src/index.ts',
    // A package's subpath export (e.g. @aurora/query-model/audit-vocabulary) is that file of its sources.
    '^@aurora/([^/]+)/([\\w-]+)$': '<rootDir>/libs/$1/src/$2.ts',
    '^@aurora/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  testTimeout: 60000,
  // Most integration suites wait on the servers they start (redelivery timers, polling runners, restarts), so two
  // workers overlap that waiting even on two cores (Jest's default there is one).
  maxWorkers: 2,
};
