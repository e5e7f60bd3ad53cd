import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { prepared } from './statement-cache.js';

describe('prepared statement cache', () => {
  it('hands back the same statement for the same SQL, and drops the least recently used past 256', () => {
    const conn = new Database(':memory:');
    try {
      const first = prepared(conn, 'SELECT 0');
      const kept = prepared(conn, 'SELECT 1');
      expect(prepared(conn, 'SELECT 0')).toBe(first);
      for (let i = 2; i <= 256; i++) {
        prepared(conn, `SELECT ${i}`);
        if (i % 50 === 0) prepared(conn, 'SELECT 1'); // used now and then: stays
      }
      expect(prepared(conn, 'SELECT 1')).toBe(kept);
      expect(prepared(conn, 'SELECT 0')).not.toBe(first);
      expect(prepared(conn, 'SELECT 0').get()).toEqual({ 0: 0 });
    } finally {
      conn.close();
    }
  });
});
