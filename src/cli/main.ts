import { runWithHeapCap, watchParent } from './heap-cap.js';

/** Entry point of `partnerdesk` (bin/partnerdesk.js) and `npm run cli`. */
const argv = process.argv.slice(2);
watchParent();
// Long-running roles re-run themselves with a heap cap first (see heap-cap.ts); the program loads after that.
const code = (await runWithHeapCap(argv)) ?? (await (await import('./program.js')).runCli(argv));
// exitCode, not exit(): lets stdout drain when it is a pipe. Long-running verbs return only after shutdown.
process.exitCode = code;
