import { describe, expect, it } from 'vitest';
import { closeMatches, commandHint, parseCommand } from './parse-command.js';

describe('parseCommand', () => {
  it('reads slash commands, Telegram group commands and plain words, case-insensitively', () => {
    expect(parseCommand('/Balance')).toEqual({ name: 'balance', args: '', slash: true });
    expect(parseCommand('/report@PartnerDeskBot 7d  by geo ')).toEqual({
      name: 'report',
      args: '7d  by geo',
      slash: true,
    });
    expect(parseCommand('  LINK abcd-efgh')).toEqual({ name: 'link', args: 'abcd-efgh', slash: false });
    expect(parseCommand('   ')).toBeNull();
  });
});

describe('closeMatches', () => {
  const names = ['balance', 'campaign', 'campaigns', 'payments', 'paymethod', 'help', 'link', 'unlink'];
  it('finds typos and prefixes, not unrelated words', () => {
    expect(closeMatches('balanse', names)).toEqual(['balance']);
    expect(closeMatches('camp', names)).toEqual(['campaign', 'campaigns']);
    expect(closeMatches('hepl', names)).toEqual([]);
    expect(closeMatches('helo', names)).toEqual(['help']);
    expect(closeMatches('weather', names)).toEqual([]);
  });
});

describe('commandHint', () => {
  it('spells a command the way each platform types it', () => {
    expect(commandHint('telegram', 'link CODE')).toBe('/link CODE');
    expect(commandHint('slack', 'link CODE')).toBe('/pd link CODE');
    expect(commandHint('console', 'link CODE')).toBe('link CODE');
  });
});
