import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../src/infra/local-redis.js';
import { createLogger } from '../src/infra/logger.js';

const logger = createLogger('silent');
const dirs: string[] = [];
const started: LocalRedis[] = [];

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-local-redis-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, binary?: string): Promise<LocalRedis> {
  const r = await startLocalRedis({ dataDir, logger, ...(binary ? { binary } : {}) });
  started.push(r);
  return r;
}

/** One command on a fresh connection that gives up at once (a stopped server must not be retried for long). */
async function command(opts: RedisOptions, ...args: string[]): Promise<unknown> {
  const client = new Redis({ ...opts, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    const [name, ...rest] = args;
    return await client.call(name ?? 'PING', ...rest);
  } finally {
    client.disconnect();
  }
}

afterAll(async () => {
  for (const r of started) await r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('startLocalRedis', () => {
  it('starts redis-server on a unix socket under DATA_DIR/redis with an append-only file', async () => {
    const dataDir = tempDataDir();
    const redis = await start(dataDir);
    expect(redis.reused).toBe(false);
    expect(redis.connection).toEqual({ path: path.join(dataDir, 'redis', 'redis.sock') });
    expect(redis.describe).toBe(`unix:${path.join(dataDir, 'redis', 'redis.sock')}`);
    // Only the owner may connect: the socket is not world-accessible.
    expect(statSync(path.join(dataDir, 'redis', 'redis.sock')).mode & 0o077).toBe(0);
    expect(await command(redis.redisOptions, 'PING')).toBe('PONG');
    expect(await command(redis.redisOptions, 'CONFIG', 'GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    expect(await command(redis.redisOptions, 'CONFIG', 'GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
    // Redis 7 keeps the AOF in appendonlydir/, older versions in appendonly.aof.
    const files = readdirSync(path.join(dataDir, 'redis'));
    expect(files.includes('appendonlydir') || files.includes('appendonly.aof')).toBe(true);
    await redis.stop();
  });

  it('reuses the server another process started on the same DATA_DIR and leaves it running', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir);
    const second = await start(dataDir);
    expect(second.reused).toBe(true);
    expect(second.connection).toEqual(first.connection);
    await command(first.redisOptions, 'SET', 'shared', 'yes');
    expect(await command(second.redisOptions, 'GET', 'shared')).toBe('yes');
    // This process is alive and owns the server, so the reuser's stop() must not take it away.
    await second.stop();
    expect(await command(first.redisOptions, 'PING')).toBe('PONG');
    await first.stop();
  });

  it('takes over a server whose starter died, so that stopping it works again', async () => {
    const dataDir = tempDataDir();
    const orphan = await start(dataDir);
    // As if the process that started it had been killed: its pid is no longer alive.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(path.join(dataDir, 'redis', 'owner.pid'), `${dead}\n`);
    const heir = await start(dataDir);
    expect(heir.reused).toBe(true);
    await heir.stop();
    await expect(command(orphan.redisOptions, 'PING')).rejects.toThrow();
  });

  it('stops the server it started, and the data survives a restart through the AOF', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir);
    await command(first.redisOptions, 'SET', 'durable', '42');
    await first.stop();
    await expect(command(first.redisOptions, 'PING')).rejects.toThrow();
    expect(existsSync(path.join(dataDir, 'redis', 'redis.pid'))).toBe(false);

    const again = await start(dataDir);
    expect(again.reused).toBe(false);
    expect(await command(again.redisOptions, 'GET', 'durable')).toBe('42');
    await again.stop();
  });

  it('falls back to a loopback port when the socket path would be too long', async () => {
    const deep = path.join(tempDataDir(), 'a-rather-long-directory-name-'.repeat(4));
    const redis = await start(deep);
    expect('url' in redis.connection).toBe(true);
    expect(redis.describe).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await command(redis.redisOptions, 'PING')).toBe('PONG');
    const reused = await start(deep);
    expect(reused.reused).toBe(true);
    expect(reused.connection).toEqual(redis.connection);
    await redis.stop();
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const dataDir = tempDataDir();
    await expect(start(dataDir, path.join(dataDir, 'no-such-redis-server'))).rejects.toMatchObject({
      code: 'redis_not_installed',
      message: expect.stringMatching(/apt-get install redis-server.*REDIS_URL/),
    });
  });
});
