import type { App } from '../../src/main/create-app.js';

/**
 * What a chat user sees after one message or button press, whatever the platform: the words (markup
 * stripped, entities unescaped, messages of one answer joined by a blank line), how many pictures came, the
 * files (name and size in bytes) and the labels of the action buttons under the answer.
 */
export interface Transcript {
  text: string;
  images: number;
  files: { name: string; bytes: number }[];
  buttons: string[];
}

/** One chat user talking to the bot through one adapter. */
export interface Driver {
  /** Issues a link code for the partner (the use case a manager's CLI runs) and sends `link CODE`. */
  linkAs(partnerId: number): Promise<Transcript>;
  /** A command as this platform's users type it: "balance" -> "/balance" (Telegram), "/pd balance" (Slack). */
  command(line: string): Promise<Transcript>;
  /** Text exactly as typed (free text, an answer to a guided step). */
  send(text: string): Promise<Transcript>;
  /**
   * Presses the action button with this label under the most recent answer that has one (in a terminal,
   * only the last answer's buttons can be pressed: see `olderButtons`).
   */
  press(label: string): Promise<Transcript>;
  /** True when buttons of earlier answers stay pressable (Telegram, Slack); false in the console. */
  olderButtons: boolean;
  close(): Promise<void>;
}

/**
 * One adapter running over a real app: the contract suite writes its world through `app` and `baseUrl`
 * (the HTTP server of the same app: tracking and S2S postback routes) and talks through `newChat()`.
 */
export interface BotTarget {
  app: App;
  baseUrl: string;
  /** A fresh chat user that has never talked to the bot (unlinked). */
  newChat(): Promise<Driver>;
  close(): Promise<void>;
}

/** Builds a target; `env` carries configuration the suite needs (POSTBACK_ALLOW_PRIVATE_NETWORKS ...). */
export type MakeTarget = (env: Record<string, string>) => Promise<BotTarget>;

/**
 * Behaviour an adapter is known to miss today. Its scenarios run as `it.fails`: they must fail, so the day
 * the gap is closed the suite says so and the entry is removed.
 * - commands-during-flow: during a guided step, a command can be told from an answer to the step. Telegram
 *   can (the slash); the console cannot (every line is bare text, so the flow takes "balance" as its answer).
 */
export type KnownGap = 'commands-during-flow';
