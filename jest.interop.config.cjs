// `npm run test:interop`: the project against real outside programs (mbpoll, socat and pymodbus for the Modbus server,
// headless chromium for the trace report, and whatever other suites add). Not part of `npm test`: .ci/run installs the
// programs from Debian and runs it after. Each test starts what it needs on loopback and stops it.
const base = require('./jest.config.cjs');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.interop.ts', '**/*.interop.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
