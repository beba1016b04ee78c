#!/usr/bin/env node
'use strict';
// Launcher for the compiled CLI (dist/ is built by `npm start` or `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'aktenlauf.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('Aktenlauf ist noch nicht gebaut. Bitte zuerst `npm run build` ausführen (npm start tut das selbst).\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`FEHLER: ${err && err.message ? err.message : err}\n`);
      process.exit(1);
    },
  );
