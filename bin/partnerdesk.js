#!/usr/bin/env node
// The `partnerdesk` command: runs the compiled CLI from dist/ (bin/build.js compiles it first when any source
// is newer than the build, so a fresh clone or an edited file needs no extra step and never runs stale code).
// Long-running roles first re-run themselves with a V8 heap cap (heap-cap.js), before the CLI is loaded.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuild, markInUse } from './build.js';
import { runWithHeapCap } from './heap-cap.js';

const code = await runWithHeapCap(process.argv.slice(2), fileURLToPath(import.meta.url));
if (code !== null) {
  process.exitCode = code;
} else {
  const dist = await ensureBuild((line) => process.stderr.write(`[partnerdesk] ${line}\n`));
  markInUse(dist);
  await import(pathToFileURL(`${dist}/src/cli/main.js`).href);
}
