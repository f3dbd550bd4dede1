#!/usr/bin/env node
// Runs a TypeScript entry point straight from the checkout (no build step): `node tools/bin/run-ts.cjs FILE.ts ARGS…`.
require('tsx/cjs/api').register();
const path = require('node:path');
const [, , entry, ...rest] = process.argv;
if (!entry) {
  process.stderr.write('usage: run-ts FILE.ts [ARGS…]\n');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...rest];
require(path.resolve(entry));
