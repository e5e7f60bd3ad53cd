/**
 * A tiny SVG string builder. Every piece of text that reaches the SVG goes through `escapeXml`, so a
 * campaign called `<b>"A&B"</b>` is drawn as written instead of breaking the document resvg parses.
 */

export type Attrs = Record<string, string | number | undefined>;

/**
 * Drops what XML 1.0 forbids even when escaped (control characters, U+FFFE/U+FFFF, unpaired UTF-16
 * surrogates): resvg rejects the whole document if one slips through from a partner-supplied name.
 */
export function cleanText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const control = c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d;
    // for..of yields a lone surrogate as its own one-unit "character".
    if (control || c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)) continue;
    out += ch;
  }
  return out;
}

export function escapeXml(s: string): string {
  return cleanText(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Two decimals are far below a pixel and keep the SVG short (a 60-bar chart parses faster). */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    out += ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
  }
  return out;
}

/** An element whose children are already-built SVG strings. */
export function el(tag: string, a: Attrs, children: string[] = []): string {
  return children.length === 0 ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children.join('')}</${tag}>`;
}

export function svgDocument(width: number, height: number, children: string[]): string {
  return el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}` }, children);
}
