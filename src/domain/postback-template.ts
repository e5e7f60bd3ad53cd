/**
 * The partner's postback template: a URL (and optionally a POST body) with `{macro}` placeholders that we fill
 * per conversion. Checked when saved so that a typo is caught while the partner is still looking, not at the
 * first conversion three days later; expanded per attempt with every value encoded for where it lands.
 */

import {
  isKnown,
  type PostbackMacro,
  type PostbackValues,
  SAMPLE_CONVERSION,
  type TemplateProblem,
  unknownMacroProblem,
} from './postback-macros.js';

export {
  POSTBACK_MACROS,
  type PostbackMacro,
  type PostbackValues,
  SAMPLE_CONVERSION,
  suggestMacro,
  type TemplateProblem,
} from './postback-macros.js';

export const MAX_POSTBACK_URL_LENGTH = 2048;
export const MAX_POSTBACK_BODY_LENGTH = 8192;

export type TemplateCheck = { ok: true; macros: PostbackMacro[] } | { ok: false; problems: TemplateProblem[] };
/** `host` is what the caller must resolve and check against the address policy before saving. */
export type UrlTemplateCheck =
  | { ok: true; macros: PostbackMacro[]; host: string }
  | { ok: false; problems: TemplateProblem[] };

const MACRO = /\{([A-Za-z0-9_]+)\}/g;
const MACRO_AT = /\{([A-Za-z0-9_]+)\}/y;

/**
 * Finds macros and brace mistakes. In 'text' mode (URLs, form bodies) every brace must belong to a macro; in
 * 'json' mode braces are also JSON structure, so only `{word}` counts as a macro.
 */
function scanMacros(text: string, mode: 'text' | 'json'): { macros: PostbackMacro[]; problems: TemplateProblem[] } {
  const macros = new Set<PostbackMacro>();
  const problems: TemplateProblem[] = [];
  const add = (name: string) => (isKnown(name) ? macros.add(name) : problems.push(unknownMacroProblem(name)));
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (mode === 'json') {
      MACRO_AT.lastIndex = i;
      const m = c === '{' ? MACRO_AT.exec(text) : null;
      if (m) {
        add(m[1]!);
        i += m[0].length - 1;
      }
      continue;
    }
    if (c === '}') {
      problems.push({ code: 'stray_brace', message: `a "}" at position ${i + 1} closes no macro; remove it` });
    } else if (c === '{') {
      const double = text.startsWith('{{', i);
      const start = i + (double ? 2 : 1);
      const close = text.indexOf('}', start);
      const reopen = text.indexOf('{', start);
      if (close < 0 || (reopen >= 0 && reopen < close)) {
        const shown = text.slice(i, Math.min(close < 0 ? text.length : close, reopen < 0 ? text.length : reopen));
        const message = `the macro "${shown.slice(0, 30)}" at position ${i + 1} is missing its closing "}"`;
        problems.push({ code: 'unclosed_brace', message });
        continue;
      }
      const name = text.slice(start, close);
      if (name === '') {
        problems.push({
          code: 'empty_macro',
          message: `"{}" at position ${i + 1} names no macro; write e.g. {ref_id}`,
        });
      } else if (double) {
        const fix = isKnown(name) ? `{${name}}` : 'single braces';
        problems.push({ code: 'double_brace', message: `macros use single braces: write ${fix}, not {{${name}}}` });
      } else {
        add(name);
      }
      i = double && text[close + 1] === '}' ? close + 1 : close;
    }
  }
  return { macros: [...macros], problems };
}

/** Known macros that were pasted percent-encoded (%7Bref_id%7D) would be sent literally, never filled. */
function encodedMacroProblems(text: string): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  for (const m of text.matchAll(/%7B([A-Za-z0-9_]+)%7D/gi)) {
    if (isKnown(m[1]!) || m[1] === 'replace_me') {
      out.push({
        code: 'encoded_macro',
        message: `"${m[0]}" is an encoded macro and would never be filled: write {${m[1]}}`,
      });
    }
  }
  return out;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Checks a postback URL template when it is saved. Resolving the host is the caller's job (it needs DNS). */
export function checkPostbackTemplate(url: string): UrlTemplateCheck {
  if (url.trim() === '') return { ok: false, problems: [{ code: 'empty', message: 'the postback URL is empty' }] };
  const problems: TemplateProblem[] = [];
  if (url.length > MAX_POSTBACK_URL_LENGTH) {
    problems.push({
      code: 'too_long',
      message: `the postback URL is ${url.length} characters; keep it within ${MAX_POSTBACK_URL_LENGTH}`,
    });
  }
  if (/\s/.test(url) || hasControlCharacter(url)) {
    problems.push({
      code: 'whitespace',
      message: 'the postback URL contains spaces or control characters; encode a space as %20',
    });
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    const got = scheme ? `, got ${scheme}://` : '; add https:// in front';
    problems.push({ code: 'invalid_scheme', message: `the postback URL must start with http:// or https://${got}` });
  }
  const scan = scanMacros(url, 'text');
  problems.push(...scan.problems, ...encodedMacroProblems(url));
  const afterScheme = url.replace(/^[^:]*:\/\//, '');
  const authority = afterScheme.split(/[/?#\\]/, 1)[0] ?? '';
  if (/[{}]/.test(authority)) {
    problems.push({
      code: 'macro_in_host',
      message: 'macros may not appear in the host or port: conversion values must never choose where a postback goes',
    });
  } else if (authority.includes('@')) {
    problems.push({
      code: 'userinfo',
      message:
        'remove "user:password@" from the postback URL: credentials in URLs leak into logs; put a token in the query',
    });
  }
  const hash = url.indexOf('#');
  if (hash >= 0 && /\{[A-Za-z0-9_]+\}/.test(url.slice(hash))) {
    problems.push({
      code: 'macro_in_fragment',
      message: 'macros after "#" are never sent to your server; move them into the query',
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  let parsed: URL;
  try {
    parsed = new URL(expandPostback(url, SAMPLE_CONVERSION));
  } catch {
    return {
      ok: false,
      problems: [{ code: 'invalid_url', message: 'the postback URL is not a valid URL, check the host name' }],
    };
  }
  if (parsed.hostname === '') {
    return { ok: false, problems: [{ code: 'invalid_url', message: 'the postback URL has no host' }] };
  }
  return { ok: true, macros: scan.macros, host: parsed.hostname };
}

/** Checks a POST body template: a form body (a=b&c={txid}) or JSON whose macros become JSON strings. */
export function checkBodyTemplate(body: string, format: 'form' | 'json'): TemplateCheck {
  const problems: TemplateProblem[] = [];
  if (body.length > MAX_POSTBACK_BODY_LENGTH) {
    problems.push({
      code: 'too_long',
      message: `the postback body is ${body.length} characters; keep it within ${MAX_POSTBACK_BODY_LENGTH}`,
    });
  }
  const scan = scanMacros(body, format === 'json' ? 'json' : 'text');
  problems.push(...scan.problems, ...(format === 'form' ? encodedMacroProblems(body) : []));
  if (format === 'json' && scan.problems.length === 0) {
    try {
      JSON.parse(expandJsonBody(body, SAMPLE_CONVERSION));
    } catch (err) {
      problems.push({ code: 'invalid_json', message: `the JSON body does not parse: ${(err as Error).message}` });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, macros: scan.macros };
}

/** Lone surrogates would make encodeURIComponent throw; one bad sub value must not lose a postback. */
function valueText(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Fills a URL or form-body template: each value URL-encoded, a missing value becomes empty. Unknown macros are
 * left as written (saving refuses them, so only a template saved before a macro was retired can have one).
 */
export function expandPostback(template: string, values: PostbackValues): string {
  return template.replace(MACRO, (whole, name: string) =>
    isKnown(name) ? encodeURIComponent(valueText(values[name])) : whole,
  );
}

/**
 * Fills a JSON body template. Inside a JSON string a value is escaped into it ("id": "x-{txid}"); a bare
 * macro becomes a whole JSON string ("payout": {aff_payout} -> "payout": "12.50"), so the result always
 * parses whatever the values hold, and money stays an exact decimal string.
 */
export function expandJsonBody(template: string, values: PostbackValues): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (inString && c === '\\') {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '{') {
      MACRO_AT.lastIndex = i;
      const m = MACRO_AT.exec(template);
      if (m && isKnown(m[1]!)) {
        const json = JSON.stringify(valueText(values[m[1]]));
        out += inString ? json.slice(1, -1) : json;
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** The URL as it would be sent for the sample conversion (the bot's and API's preview). */
export function previewPostback(template: string): string {
  return expandPostback(template, SAMPLE_CONVERSION);
}
