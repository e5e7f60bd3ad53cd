#!/usr/bin/env node
// The `partnerdesk` command: runs the TypeScript CLI through tsx's loader, so there is no build step.
// Long-running roles first re-run themselves with a V8 heap cap (heap-cap.js), before the loader is loaded.
import { fileURLToPath } from 'node:url';
import { runWithHeapCap } from './heap-cap.js';

const code = await runWithHeapCap(process.argv.slice(2), fileURLToPath(import.meta.url));
if (code !== null) {
  process.exitCode = code;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
