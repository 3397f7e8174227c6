#!/usr/bin/env node
// The `bilevel` command: runs the bundled CLI (build it first with `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  console.error(`bilevel: ${bundle} is missing; run \`npm run build\` in ${path.join(__dirname, '..')} first.`);
  process.exit(2);
}
require(bundle);
