import type { ChatUser } from './command.js';

export interface ParsedCommand {
  /** Lower-cased command name without the slash or a Telegram "@BotName". */
  name: string;
  /** The rest of the message, trimmed. */
  args: string;
  /** True when the user wrote it as a command (`/name`); plain words may also be free text for a flow. */
  slash: boolean;
}

/**
 * `/name args`, `/name@BotName args` (Telegram groups address a bot this way) and plain `name args`
 * (Slack DMs, the console). Null for an empty message.
 */
export function parseCommand(text: string): ParsedCommand | null {
  const s = text.trim();
  if (s === '') return null;
  const slash = s.startsWith('/');
  const body = slash ? s.slice(1) : s;
  const m = /^(\S+)\s*([\s\S]*)$/.exec(body);
  if (!m) return null;
  const name = (m[1] ?? '').replace(/@\w+$/, '').toLowerCase();
  return { name, args: (m[2] ?? '').trim(), slash };
}

/** How this user types a command: `/link CODE` in Telegram, `/pd link CODE` in Slack, `link CODE` in the console. */
export function commandHint(platform: ChatUser['platform'], usage: string): string {
  if (platform === 'slack') return `/pd ${usage}`;
  if (platform === 'console') return usage;
  return `/${usage}`;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** Names close to what the user typed ("balanse" -> balance, "camp" -> campaign, campaigns), best first. */
export function closeMatches(input: string, names: readonly string[], max = 3): string[] {
  const s = input.toLowerCase();
  // "2" or "?!" is not a misspelt command; suggesting "?" (help's alias) for it would only confuse.
  if (!/^[a-z]/.test(s)) return [];
  return names
    .map((n) => ({ n, d: n.startsWith(s) || (s.length >= 4 && s.startsWith(n)) ? 0 : distance(s, n) }))
    .filter((x) => x.d <= (s.length <= 4 ? 1 : 2))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((x) => x.n);
}
