import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.js';

describe('LruCache', () => {
  it('keeps recently read entries and stays bounded', () => {
    const c = new LruCache<number, string>(3);
    for (let i = 0; i < 3; i++) c.set(i, `v${i}`); // fills a generation
    expect(c.get(0)).toBe('v0'); // read: moves into the new generation
    for (let i = 3; i < 5; i++) c.set(i, `v${i}`); // fills that one too
    expect(c.get(0)).toBe('v0'); // still held: it was read
    expect(c.get(1)).toBeUndefined(); // never read: dropped with its generation
    for (let i = 0; i < 1000; i++) c.set(100 + i, 'x');
    expect(c.get(0)).toBeUndefined();
  });

  it('forgets entries after their time to live', () => {
    let now = 1000;
    const c = new LruCache<string, number>(10, 50, () => now);
    c.set('a', 1);
    now += 49;
    expect(c.get('a')).toBe(1);
    now += 1;
    expect(c.get('a')).toBeUndefined();
  });

  it('deletes and clears', () => {
    const c = new LruCache<string, number>(10);
    c.set('a', 1);
    c.set('b', 2);
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
    c.clear();
    expect(c.get('b')).toBeUndefined();
  });
});
