import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createUpdateCoordination } from '../bots/telegram/update-coordination.js';
import { createLogger } from '../src/infra/logger.js';

/** The webhook chat queues of update-coordination.ts against a real Redis. */
describe('telegram chat queue (Redis)', () => {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());
  const setup = (leaseMs = 300) => {
    const prefix = `tgq-test:${randomUUID()}`;
    const handled: number[] = [];
    const coordination = createUpdateCoordination({ redis, prefix, logger: createLogger('silent'), leaseMs });
    const queue = coordination.createChatQueue(async (u) => {
      handled.push((u as { update_id: number }).update_id);
    });
    return { prefix, handled, queue };
  };
  const until = async (check: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  };

  it("answers what a dead process left queued without waiting for the chat's next update", async () => {
    const { prefix, handled, queue } = setup();
    // A process queued two updates, took the chat's lock and died: its lock runs out, nobody pushes again.
    await redis
      .multi()
      .zadd(`${prefix}:chat:42:q`, 7, JSON.stringify({ update_id: 7 }))
      .zadd(`${prefix}:chat:42:q`, 8, JSON.stringify({ update_id: 8 }))
      .sadd(`${prefix}:chats`, '42')
      .set(`${prefix}:chat:42:lock`, 'dead-process', 'PX', 300)
      .exec();
    await until(() => handled.length === 2);
    expect(handled).toEqual([7, 8]);
    await queue.settle();
    expect(await redis.zcard(`${prefix}:chat:42:q`)).toBe(0);
    expect(await redis.smembers(`${prefix}:chats`)).toEqual([]);
  });

  it('handles one chat in update_id order and leaves nothing listed once drained', async () => {
    const { prefix, handled, queue } = setup(5_000);
    await redis.set(`${prefix}:chat:9:lock`, 'busy', 'PX', 5_000);
    // Arriving out of order while another process holds the chat: queued, not handled.
    await queue.push('9', 12, { update_id: 12 });
    await queue.push('9', 11, { update_id: 11 });
    expect(handled).toEqual([]);
    await redis.del(`${prefix}:chat:9:lock`);
    await queue.push('9', 13, { update_id: 13 });
    await until(() => handled.length === 3);
    await queue.settle();
    expect(handled).toEqual([11, 12, 13]);
    expect(await redis.smembers(`${prefix}:chats`)).toEqual([]);
  });
});
