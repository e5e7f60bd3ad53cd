import { runCli } from './program.js';
import { watchParent } from './watch-parent.js';

/** Entry point of `partnerdesk` (bin/partnerdesk.js) and `npm run cli`. */
watchParent();
const code = await runCli(process.argv.slice(2));
// exitCode, not exit(): lets stdout drain when it is a pipe. Long-running verbs return only after shutdown.
process.exitCode = code;
