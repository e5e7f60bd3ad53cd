/**
 * A minimal long-running process around the real listenForStop (src/cli/stop-signal.ts), for the signal
 * tests: prints "ready", waits for the stop, takes a moment to "shut down" and prints "stopped".
 */
import { listenForStop } from '../../src/cli/stop-signal.js';

const stopped = listenForStop();
const keepAlive = setInterval(() => undefined, 1000);
process.stdout.write('ready\n');
const sig = await stopped;
process.stdout.write(`stopping on ${sig}\n`);
await new Promise((r) => setTimeout(r, 150));
clearInterval(keepAlive);
process.stdout.write('stopped\n');
