import { describe, expect, it } from 'vitest';
import { compileLandingTemplate } from './click-macros.js';
import { parseConversionStatus } from './conversion-status.js';
import { currencyExponent } from './money.js';
import { ownEntry } from './own-entry.js';
import { suggestMacro, unknownMacroProblem } from './postback-macros.js';
import { parseGroup } from './report-dimensions.js';

const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

describe('lookup tables ignore Object.prototype (issue 10 item 1)', () => {
  it('ownEntry finds own entries only', () => {
    const t: Record<string, number> = { a: 1 };
    expect(ownEntry(t, 'a')).toBe(1);
    for (const w of PROTO) expect(ownEntry(t, w)).toBeUndefined();
  });

  it.each(PROTO)('"%s" is no status, group, macro or currency', (w) => {
    expect(() => parseConversionStatus(w)).toThrow(/status must be one of/);
    expect(() => parseGroup(w)).toThrow(/group must be one of/);
    expect(compileLandingTemplate(`https://x.example/?a={${w}}`)).toEqual({
      parts: [`https://x.example/?a={${w}}`],
      unknown: [w],
    });
    expect(typeof (suggestMacro(w) ?? '')).toBe('string');
    expect(unknownMacroProblem(w).message).not.toMatch(/function|native code|object Object/);
    expect(currencyExponent(w)).toBe(2);
  });
});
