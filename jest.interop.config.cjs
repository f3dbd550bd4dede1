// Interop suites: the project against real outside programs (a browser, and whatever other suites add). They need
// what .ci/run installs (Debian's chromium), so `npm test` leaves them out and `npm run test:interop` runs them.
const base = require('./jest.config.cjs');
/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['**/*.interop.test.ts'], testPathIgnorePatterns: ['/node_modules/'] };
