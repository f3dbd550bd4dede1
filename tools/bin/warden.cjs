#!/usr/bin/env node
// The `warden` CLI, run from its TypeScript source so that `npx warden` works right after `npm ci`.
require('tsx/cjs/api').register();
require('../src/cli/main.ts').main(process.argv);
