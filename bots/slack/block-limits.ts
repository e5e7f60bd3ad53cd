/**
 * Slack's Block Kit limits, in one place, so the renderer cuts instead of Slack answering `invalid_blocks`.
 * Sources: Block Kit reference (blocks, elements, composition objects) and chat.postMessage.
 */
export const LIMITS = {
  /** Blocks in one message (views allow 100; we keep to the lower figure everywhere). */
  blocksPerMessage: 50,
  blocksPerView: 100,
  /** A section's text object. */
  sectionText: 3000,
  /** A header block's plain text. */
  headerText: 150,
  /** A context block: at most 10 elements. */
  contextElements: 10,
  /** An actions block: at most 25 elements. */
  actionsElements: 25,
  /** A button: label 75, value 2000, action_id 255, url 3000. */
  buttonLabel: 75,
  buttonValue: 2000,
  actionId: 255,
  buttonUrl: 3000,
  /** Image block alt text. */
  imageAlt: 2000,
  /** Top-level fallback `text` we send (Slack truncates at 40,000; notifications show far less). */
  fallbackText: 3000,
  /** Table block: one per message, at most 100 rows and 20 columns, and about 10,000 characters overall. */
  tableRows: 100,
  tableColumns: 20,
  tableChars: 10_000,
  /** Modal title 24, button texts 24, plain_text_input value 3000, private_metadata 3000. */
  modalTitle: 24,
  modalButton: 24,
  inputValue: 3000,
  privateMetadata: 3000,
} as const;

/** Cuts to `max` characters (code points), ending with "…" when it cut. */
export function cut(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export const charLength = (s: string): number => [...s].length;
