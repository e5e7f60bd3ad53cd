/**
 * Where an adapter that starts later hands its handler to one that is already listening: the Telegram bot
 * (webhook mode) to the HTTP route that receives its updates. The composition root makes one per App, so the
 * bot never reaches into HTTP code and HTTP never reaches into the bot.
 */
export interface HandlerSlot<H> {
  /** The handler now attached, or null (the route answers "not running yet"). */
  current(): H | null;
  /** Attaches `handler`; returns the detach function (a no-op once another handler took the slot). */
  attach(handler: H): () => void;
}

export function createHandlerSlot<H>(): HandlerSlot<H> {
  let current: H | null = null;
  return {
    current: () => current,
    attach(handler) {
      current = handler;
      return () => {
        if (current === handler) current = null;
      };
    },
  };
}

/** A Telegram Update, answered later through the Bot API (the webhook's HTTP answer is always at once). */
export type TelegramUpdateHandler = (update: unknown) => Promise<void>;
