/**
 * Runs independent statements of one transaction at once instead of one after another. On SQLite each
 * statement is a round trip through the thread pool and back to a busy event loop; five inserts awaited in
 * turn cost five of those waits, started together about one. The connection still executes them one at a
 * time (SQLite serialises a connection; pg queues a client's queries), so this changes latency, not
 * semantics: use it only for statements that do not read each other's results.
 * Waits for every statement to settle before failing, so the caller's rollback never races one in flight.
 */
export async function sideBySide(work: readonly PromiseLike<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
