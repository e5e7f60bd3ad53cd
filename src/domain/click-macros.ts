import { ownEntry } from './own-entry.js';
/**
 * Click macros in an operator's landing URL template ("https://offer.example/?cid={clickid}&s={sub1}").
 * A template is compiled once (per cached landing) and filled per click, so the hot path is a join.
 *
 * Macro names match case-insensitively ({ClickID} works): operators type them by hand. An unknown macro is
 * left in the URL as written: landing URLs often carry the advertiser's own placeholders for a tracker further
 * down the chain, and deleting them would break that tracker. The compiler reports unknown names so the
 * caller can log them once.
 */
export const CLICK_MACROS = [
  'clickid',
  'ref_id',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'campaign_id',
  'partner_id',
  'country',
  'device',
  'os',
  'browser',
  'landing_id',
] as const;
export type ClickMacro = (typeof CLICK_MACROS)[number];

/** Other spellings accepted for a macro. */
const ALIASES: Record<string, ClickMacro> = { pid: 'partner_id' };

export type ClickMacroValues = Partial<Record<ClickMacro, string | number | null | undefined>>;

export interface LandingTemplate {
  /** Literal text and macro slots, in order. */
  readonly parts: readonly (string | { macro: ClickMacro })[];
  /** Macro names found in the template that are not click macros (left as written). */
  readonly unknown: readonly string[];
}

const MACRO = /\{([A-Za-z0-9_]+)\}/g;
const KNOWN = new Set<string>(CLICK_MACROS);

function macroOf(name: string): ClickMacro | undefined {
  const lower = name.toLowerCase();
  if (KNOWN.has(lower)) return lower as ClickMacro;
  return ownEntry(ALIASES, lower);
}

export function compileLandingTemplate(url: string): LandingTemplate {
  const parts: (string | { macro: ClickMacro })[] = [];
  const unknown: string[] = [];
  let literal = '';
  let last = 0;
  for (const m of url.matchAll(MACRO)) {
    const name = m[1] ?? '';
    const macro = macroOf(name);
    literal += url.slice(last, m.index);
    last = m.index + m[0].length;
    if (macro) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ macro });
    } else {
      literal += m[0];
      if (!unknown.includes(name)) unknown.push(name);
    }
  }
  literal += url.slice(last);
  if (literal) parts.push(literal);
  return { parts, unknown };
}

/** Fills the macro slots with URL-encoded values; a missing value becomes the empty string. */
export function fillLandingTemplate(template: LandingTemplate, values: ClickMacroValues): string {
  let out = '';
  for (const p of template.parts) {
    if (typeof p === 'string') {
      out += p;
    } else {
      const v = values[p.macro];
      if (v !== undefined && v !== null && v !== '') out += encodeValue(String(v));
    }
  }
  return out;
}

/** One-off convenience: compile and fill. */
export function fillClickMacros(url: string, values: ClickMacroValues): string {
  return fillLandingTemplate(compileLandingTemplate(url), values);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeValue(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    // encodeURIComponent throws on a lone UTF-16 surrogate (possible in a hostile query string).
    return encodeURIComponent(v.replace(LONE_SURROGATE, '\uFFFD'));
  }
}
