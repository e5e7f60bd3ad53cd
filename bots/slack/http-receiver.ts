import type { App as BoltApp, Receiver } from '@slack/bolt';
import type { SlackHttpRequest, SlackHttpResponse } from '../../src/http/routes/slack-events.js';
import type { Logger } from '../../src/infra/logger.js';

/** Slack gives up on an answer after 3 s; a listener that has not acknowledged by then gets an empty 200. */
const ACK_DEADLINE_MS = 2_900;

/**
 * A Bolt Receiver behind our Fastify route (src/http/routes/slack-events.ts), which has already verified the
 * signature. Each request goes to `processEvent` with an `ack` that resolves the HTTP response at once, so a
 * listener acknowledges first and keeps working after Slack has its answer (never processBeforeResponse).
 */
export class FastifyBoltReceiver implements Receiver {
  private bolt: BoltApp | undefined;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  init(app: BoltApp): void {
    this.bolt = app;
  }

  /** The route owns the listener: nothing to start. */
  async start(): Promise<void> {}

  /** Waits for the work already under way (replies after an ack). */
  async stop(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  handle = (req: SlackHttpRequest): Promise<SlackHttpResponse> => {
    const bolt = this.bolt;
    if (!bolt) return Promise.resolve({ status: 503, body: { error: 'slack_bot_not_running' } });
    return new Promise<SlackHttpResponse>((resolve) => {
      let answered = false;
      const answer = (res: SlackHttpResponse) => {
        if (answered) return false;
        answered = true;
        clearTimeout(timer);
        resolve(res);
        return true;
      };
      const timer = setTimeout(() => {
        if (answer({ status: 200 })) {
          this.log.warn({ event: 'slack.ack_late', type: req.body['type'] }, 'no acknowledgement within 3 s');
        }
      }, ACK_DEADLINE_MS);
      const work = bolt
        .processEvent({
          body: req.body,
          // biome-ignore lint/suspicious/noExplicitAny: Bolt's AckFn carries whatever the listener answers (a view, a message, nothing)
          ack: async (response?: any) => {
            if (response === undefined || response === '') answer({ status: 200 });
            else if (typeof response === 'string') answer({ status: 200, body: response });
            else answer({ status: 200, body: response as Record<string, unknown> });
          },
          retryNum: req.retryNum,
          retryReason: req.retryReason,
          customProperties: {},
        })
        // Nothing acknowledged and every listener done: no listener wanted it; 200 so Slack does not retry.
        .then(() => void answer({ status: 200 }))
        .catch((err) => {
          this.log.error({ err, event: 'slack.process_failed' }, 'slack request failed');
          answer({ status: 500 });
        });
      this.inflight.add(work);
      void work.finally(() => this.inflight.delete(work));
    });
  };
}
