// `npm run test:interop`: the Modbus server against outside tools (mbpoll, socat, pymodbus from Debian). Not part
// of `npm test`; .ci/run installs the tools and runs it after. Each test starts what it needs on loopback.
const base = require('./jest.config.cjs');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/firmware/test/modbus/interop'],
  testMatch: ['**/*.interop.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
