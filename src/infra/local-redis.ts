import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../domain/errors.js';
import type { Logger } from './logger.js';

/**
 * The Redis that `npm start` runs for itself when REDIS_URL is not set: `redis-server` under
 * `<dataDir>/redis/`, reachable only through a unix socket (no port for anyone else to find), with AOF
 * everysec and noeviction (BullMQ's guidance: a queue must never silently lose keys).
 *
 * Where a unix socket path would exceed the OS limit (deep DATA_DIR), it listens on a free loopback port
 * instead and `connection` is a url. Several partnerdesk processes on one DATA_DIR share one server: the first
 * starts it, the others find it answering and reuse it.
 */
export type LocalRedisConnection = { path: string } | { url: string };

export interface LocalRedis {
  connection: LocalRedisConnection;
  /** Ready for ioredis / createApp({ redis }): `{ path }` or `{ host, port }`. */
  redisOptions: RedisOptions;
  /** For humans: `unix:/abs/path/redis.sock` or `redis://127.0.0.1:PORT`. */
  describe: string;
  /** True when another process on this DATA_DIR had already started it. */
  reused: boolean;
  /** Shuts the server down (AOF flushed) when this process owns it; a no-op for a server another live process owns. */
  stop(): Promise<void>;
}

export interface StartLocalRedisOptions {
  dataDir: string;
  logger: Logger;
  /** How long to wait for PING after spawning (default 15 s). */
  timeoutMs?: number;
  /** The redis-server executable (default: found on PATH). */
  binary?: string;
}

// sun_path holds 108 bytes on Linux, 104 on macOS, including the terminating NUL; stay under both.
const MAX_SOCKET_PATH = 103;
const NOT_INSTALLED =
  'redis-server is not installed: install it with `apt-get install redis-server` (npm start does this when it may), or set REDIS_URL to an existing server';

export async function startLocalRedis(opts: StartLocalRedisOptions): Promise<LocalRedis> {
  const dir = path.resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const log = opts.logger.child({ component: 'local-redis' });
  const lock = await acquireStartLock(path.join(dir, 'start.lock'));
  try {
    const existing = await findRunning(dir);
    if (existing) {
      const adopt = !isAlive(readPid(path.join(dir, 'owner.pid')));
      // The process that started it died without stopping it: this one takes over, so it is stopped on exit.
      if (adopt) writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
      log.info({ event: 'redis.local.reused', at: describe(existing), adopted: adopt }, 'reusing running local redis');
      const pid = readPid(path.join(dir, 'redis.pid'));
      return result(existing, true, adopt ? () => stopPid(pid, dir) : async () => {});
    }
    const connection = await chooseConnection(dir);
    const child = spawnRedis(dir, connection, opts.binary ?? 'redis-server');
    await waitUntilReady(child, connection, dir, opts.timeoutMs ?? 15_000);
    writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
    if ('url' in connection) writeFileSync(path.join(dir, 'redis.port'), `${new URL(connection.url).port}\n`);
    log.info({ event: 'redis.local.started', at: describe(connection), pid: child.pid }, 'local redis started');
    return result(connection, false, () => stopPid(child.pid ?? null, dir));
  } finally {
    lock.release();
  }
}

/** Where the local Redis of this DATA_DIR answers, when one runs (another process started it); else null. */
export async function findLocalRedis(dataDir: string): Promise<RedisOptions | null> {
  const found = await findRunning(path.resolve(dataDir, 'redis'));
  return found ? toRedisOptions(found) : null;
}

function result(connection: LocalRedisConnection, reused: boolean, stop: () => Promise<void>): LocalRedis {
  return { connection, redisOptions: toRedisOptions(connection), describe: describe(connection), reused, stop };
}

function toRedisOptions(c: LocalRedisConnection): RedisOptions {
  if ('path' in c) return { path: c.path };
  const u = new URL(c.url);
  return { host: u.hostname, port: Number(u.port) };
}

function describe(c: LocalRedisConnection): string {
  return 'path' in c ? `unix:${c.path}` : c.url;
}

async function chooseConnection(dir: string): Promise<LocalRedisConnection> {
  const socket = path.join(dir, 'redis.sock');
  if (Buffer.byteLength(socket) <= MAX_SOCKET_PATH) return { path: socket };
  return { url: `redis://127.0.0.1:${await freeLoopbackPort()}` };
}

/** The server this DATA_DIR already runs, if one answers (checked by its working dir, not just a PING). */
async function findRunning(dir: string): Promise<LocalRedisConnection | null> {
  const candidates: LocalRedisConnection[] = [];
  const socket = path.join(dir, 'redis.sock');
  if (existsSync(socket)) candidates.push({ path: socket });
  const port = readPid(path.join(dir, 'redis.port'));
  if (port) candidates.push({ url: `redis://127.0.0.1:${port}` });
  for (const c of candidates) {
    const answer = await probe(c, 500, true);
    // A loopback port may have been taken by someone else's Redis since; only ours has our dir.
    if (answer && answer.dir === dir) return c;
  }
  return null;
}

function spawnRedis(dir: string, connection: LocalRedisConnection, binary: string): ChildProcess {
  const listen =
    'path' in connection
      ? ['--port', '0', '--unixsocket', connection.path, '--unixsocketperm', '700']
      : ['--port', new URL(connection.url).port, '--bind', '127.0.0.1'];
  const args = [
    ...listen,
    '--dir',
    dir,
    '--pidfile',
    path.join(dir, 'redis.pid'),
    '--logfile',
    path.join(dir, 'redis.log'),
    '--daemonize',
    'no',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    // The AOF is the durable copy; periodic RDB snapshots would only add forks.
    '--save',
    '',
  ];
  // Own process group: a Ctrl-C in the terminal reaches partnerdesk, which then stops Redis after its queues
  // have drained, instead of Redis dying underneath them.
  const child = spawn(binary, args, { cwd: dir, stdio: 'ignore', detached: true });
  // A forgotten stop() must not keep the process alive; the server then outlives it and is reused next time.
  child.unref();
  return child;
}

async function waitUntilReady(
  child: ChildProcess,
  connection: LocalRedisConnection,
  dir: string,
  timeoutMs: number,
): Promise<void> {
  // Filled in by the child's events while we poll.
  const state: { exited: string | null; error: NodeJS.ErrnoException | null } = { exited: null, error: null };
  child.once('error', (err) => {
    state.error = err;
  });
  child.once('exit', (code, signal) => {
    state.exited = `exited with ${code ?? signal}`;
  });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (state.error?.code === 'ENOENT') throw new AppError('unavailable', 'redis_not_installed', NOT_INSTALLED);
    if (state.error) {
      throw new AppError('unavailable', 'redis_start_failed', `could not run redis-server: ${state.error.message}`);
    }
    if (state.exited) {
      throw new AppError(
        'unavailable',
        'redis_start_failed',
        `redis-server ${state.exited}; see ${path.join(dir, 'redis.log')} for why`,
      );
    }
    if (await probe(connection, 500, false)) return;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new AppError(
    'unavailable',
    'redis_start_timeout',
    `redis-server did not answer PING within ${timeoutMs} ms; see ${path.join(dir, 'redis.log')}`,
  );
}

/** PING (and optionally CONFIG GET dir) with no retries; null when nothing answers. */
async function probe(c: LocalRedisConnection, timeoutMs: number, withDir: boolean): Promise<{ dir?: string } | null> {
  const client = new Redis({
    ...toRedisOptions(c),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // the outcome is read from the awaited calls
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return null;
    if (!withDir) return {};
    const res = (await client.config('GET', 'dir')) as string[];
    return { dir: res[1] };
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** SIGTERM makes Redis fsync the AOF and exit; SIGKILL only if it is still there after 10 s. */
async function stopPid(pid: number | null, dir: string): Promise<void> {
  if (pid && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < until) await sleep(50);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(path.join(dir, 'owner.pid'), { force: true });
}

/** Serialises concurrent starts on one DATA_DIR: two servers on one AOF would corrupt it. */
async function acquireStartLock(file: string): Promise<{ release(): void }> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a process that died mid-start is stale (a pid-less lock is only stale once it is old:
      // its writer may be between creating it and writing its pid).
      const pid = readPid(file);
      const stale = pid ? !isAlive(pid) : ageMs(file) > 2_000;
      if (stale || Date.now() > until) rmSync(file, { force: true });
      else await sleep(100);
    }
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readPid(file: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
