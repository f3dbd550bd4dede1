// Type-checking is done once by `tsc` in `npm test`; ts-jest only transpiles (isolatedModules in tsconfig).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/firmware', '<rootDir>/protocol', '<rootDir>/host-sim', '<rootDir>/hw-tests', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  // Interop suites need outside programs (.ci/run installs them): `npm run test:interop`, jest.interop.config.cjs.
  testPathIgnorePatterns: ['/node_modules/', '\\.interop\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // The qjs and xs bundles, built once before the suites that run them (tools/src/build/test-setup.ts).
  globalSetup: '<rootDir>/tools/src/build/test-setup.ts',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};
