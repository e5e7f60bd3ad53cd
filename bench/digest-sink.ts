/**
 * The SMTP sink of bench/digest.ts, in its own process so its CPU is not the sender's: accepts everything on
 * 127.0.0.1, counts messages and bytes, prints "port N" once listening and "count N bytes B" on SIGUSR2... and
 * every 500 ms, so the parent can follow progress.
 */
import { SMTPServer } from 'smtp-server';

let count = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 100,
  onData(stream, _session, cb) {
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    stream.on('end', () => {
      count++;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.server.address();
  process.stdout.write(`port ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
setInterval(() => process.stdout.write(`count ${count} bytes ${bytes}\n`), 250).unref();
process.on('SIGTERM', () => server.close(() => process.exit(0)));
