import type { Dispatcher } from 'undici';

/** What one HTTP exchange brought back: status, headers, and the body up to the cap. */
export interface Exchanged {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  truncated: boolean;
}

/** An exchange that failed; `status` is set when the headers came but the body did not finish. */
export class ExchangeError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly status: number | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * One request through undici's handler interface (Dispatcher.dispatch), reading at most `maxBytes` of the
 * body. Why not `agent.request()`: at thousands of postbacks a second its per-request Readable body, async
 * iteration and AbortSignal plumbing cost more CPU than the exchange itself. `stop(reason)` ends it at once,
 * even while the connector is still resolving or connecting (undici would only see an abort once a
 * connection exists), which keeps the caller's deadline hard.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly done: Promise<Exchanged>;
  private resolve!: (r: Exchanged) => void;
  private reject!: (e: ExchangeError) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private stopped: Error | null = null;
  private ended = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly maxBytes: number) {
    this.done = new Promise<Exchanged>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Ends the exchange now with `reason` (deadline, shutdown); a no-op once it has ended. */
  stop(reason: Error): void {
    if (this.ended) return;
    this.stopped = reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.stopped) controller.abort(this.stopped);
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: informational, the real answer follows
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.ended) return;
    const room = this.maxBytes - this.length;
    if (chunk.length <= room) {
      this.chunks.push(chunk);
      this.length += chunk.length;
      return;
    }
    // Enough read: answer with what we have and drop the connection, so an endless body costs nothing more.
    this.chunks.push(chunk.subarray(0, room));
    this.length = this.maxBytes;
    this.succeed(true);
    // Paused first: aborting while undici is still parsing this packet would let it reach the end of the
    // message on an aborted request, which trips an internal assertion (it survives that, but should not have to).
    controller.pause();
    controller.abort(new Error('response body over the read cap'));
  }

  onResponseEnd(): void {
    this.succeed(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private succeed(truncated: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.resolve({
      status: this.status,
      headers: this.headers,
      bytes: this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length),
      truncated,
    });
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.reject(new ExchangeError(error, this.status || undefined));
  }
}

/**
 * Stops every exchange watching a signal when it aborts, with one listener per signal instead of one per
 * exchange: the relay passes its process-long shutdown signal with every attempt.
 */
export class SignalWatchers {
  private readonly bySignal = new WeakMap<AbortSignal, Set<Exchange>>();

  watch(signal: AbortSignal, exchange: Exchange): () => void {
    let set = this.bySignal.get(signal);
    if (!set) {
      const watching = new Set<Exchange>();
      set = watching;
      this.bySignal.set(signal, watching);
      signal.addEventListener(
        'abort',
        () => {
          const reason = signal.reason instanceof Error ? signal.reason : new Error('aborted');
          for (const x of watching) x.stop(reason);
        },
        { once: true },
      );
    }
    set.add(exchange);
    const watching = set;
    return () => watching.delete(exchange);
  }
}
