import type { FontFile } from './font-file.js';
import { chartFont } from './font-metrics.js';
import { type Attrs, cleanText, el } from './svg.js';

/**
 * Text drawn as one `<path>` of glyph outlines instead of a `<text>` element. resvg spent ~0.4 ms laying out
 * each label and ~0.3 ms loading the fonts, more than half of a digest chart's CPU; a path of the same
 * outlines draws the same picture (resvg turns text into exactly such paths, unhinted) without either.
 *
 * Glyphs are placed one after another at their advance widths, from the cmap alone: no kerning, ligatures
 * or contextual alternates (no shaping), which moves a label's letters by a fraction of a pixel against
 * resvg's layout. Inter has no glyphs for scripts that need shaping, so nothing else changes. A character
 * the font lacks is drawn as the .notdef box, as resvg did with no other font to fall back on.
 *
 * The words stay in the document as the path's `aria-label`, so the SVG still says what it shows.
 */

/** A glyph's outline at one font size: `M` to its first point (hundredths of a pixel from the origin) + the rest. */
interface GlyphPath {
  dx: number;
  dy: number;
  body: string;
}

/** Per thread, per weight and size: a chart uses a handful of sizes and a few dozen glyphs, so this stays small. */
const glyphPaths = new Map<string, Map<number, GlyphPath | null>>();
const MAX_SIZES = 64;

/** A length in hundredths of a pixel, as short as SVG allows: "0.35" is ".35", "-0.5" is "-.5". */
function short(v: number): string {
  const s = String(v / 100);
  return s.startsWith('0.') ? s.slice(1) : s.startsWith('-0.') ? `-${s.slice(2)}` : s;
}

/** Numbers after a command letter: a minus sign separates them as well as a space does. */
function numbers(...vs: number[]): string {
  let out = '';
  for (const v of vs) {
    const s = short(v);
    out += out === '' || s.startsWith('-') ? s : ` ${s}`;
  }
  return out;
}

/**
 * Relative commands in whole hundredths of a pixel, each step from the rounded position before it, so
 * rounding never accumulates along a contour. y is flipped: fonts count up, SVG down. Where TrueType chains
 * curves through implied on-curve midpoints, the next control point is the mirror of the last one, and `t`
 * says so with two numbers instead of four (used only when the mirror is exact on the rounded grid, so the
 * outline is the same as with `q`). Both cut a digest chart's SVG from 70 to 56 KB, which resvg must parse.
 */
function glyphPath(
  font: FontFile,
  cache: Map<number, GlyphPath | null>,
  glyph: number,
  size: number,
): GlyphPath | null {
  const cached = cache.get(glyph);
  if (cached !== undefined) return cached;
  const k = (size / font.unitsPerEm) * 100;
  const X = (v: number) => Math.round(v * k);
  const Y = (v: number) => Math.round(-v * k);
  let result: GlyphPath | null = null;
  let body = '';
  let cx = 0;
  let cy = 0;
  for (const c of font.outline(glyph)) {
    const sx = X(c.startX);
    const sy = Y(c.startY);
    if (result) body += `m${numbers(sx - cx, sy - cy)}`;
    else result = { dx: sx, dy: sy, body: '' };
    [cx, cy] = [sx, sy];
    // The last control point, while the command before was a curve (what `t` mirrors).
    let mirror: [number, number] | null = null;
    for (const seg of c.segments) {
      if (seg.length === 2) {
        const [x, y] = [X(seg[0] as number), Y(seg[1] as number)];
        body += `l${numbers(x - cx, y - cy)}`;
        [cx, cy, mirror] = [x, y, null];
      } else {
        const [qx, qy, x, y] = [X(seg[0] as number), Y(seg[1] as number), X(seg[2] as number), Y(seg[3] as number)];
        const smooth = mirror !== null && 2 * cx - mirror[0] === qx && 2 * cy - mirror[1] === qy;
        body += smooth ? `t${numbers(x - cx, y - cy)}` : `q${numbers(qx - cx, qy - cy, x - cx, y - cy)}`;
        [cx, cy, mirror] = [x, y, [qx, qy]];
      }
    }
    body += 'z';
    // After z the pen is back at the contour's start, where the next contour's m counts from.
    [cx, cy] = [sx, sy];
  }
  if (result) result.body = body;
  cache.set(glyph, result);
  return result;
}

/** Attributes that only steer the layout here; everything else (fill, halo stroke, transform) goes on the path. */
const LAYOUT = new Set(['x', 'y', 'font-size', 'font-weight', 'font-family', 'text-anchor']);

/**
 * Drop-in for a `<text>` element with these attributes: x, y (baseline), font-size, font-weight (600 and
 * above draw Inter SemiBold), text-anchor (start, middle, end), and any paint or transform attributes. Empty
 * text draws nothing.
 */
export function textAsPath(content: string, a: Attrs): string {
  // What XML does to the whitespace of a <text> by default (xml:space="default").
  const text = cleanText(content)
    .replace(/[\t\n\r ]+/g, ' ')
    .trim();
  if (!text) return '';
  const weight = Number(a['font-weight'] ?? 400) >= 600 ? 'semibold' : 'regular';
  const font = chartFont(weight);
  const size = Number(a['font-size']);
  const unit = size / font.unitsPerEm;
  const glyphs: number[] = [];
  let units = 0;
  for (const ch of text) {
    const g = font.glyphOf(ch.codePointAt(0) ?? 0);
    glyphs.push(g);
    // A missing character advances like measureText counts it (as wide as "H"), so layouts agree.
    units += font.advanceOf(g === 0 ? font.glyphOf(0x48) : g);
  }
  const anchor = a['text-anchor'];
  const shift = anchor === 'middle' ? units / 2 : anchor === 'end' ? units : 0;
  const x0 = Number(a.x ?? 0) - shift * unit;
  const y100 = Math.round(Number(a.y ?? 0) * 100);
  const key = `${weight}:${size}`;
  let cache = glyphPaths.get(key);
  if (!cache) {
    // Sizes follow the chart's width; a caller asking for many widths must not grow this without end.
    if (glyphPaths.size >= MAX_SIZES) glyphPaths.clear();
    cache = new Map();
    glyphPaths.set(key, cache);
  }
  // Joined once: thousands of += pieces make a rope that the document's join must flatten, ~1 ms a chart.
  const parts: string[] = [];
  let pen = 0;
  for (const g of glyphs) {
    const p = glyphPath(font, cache, g, size);
    if (p) parts.push(`M${(Math.round((x0 + pen * unit) * 100) + p.dx) / 100} ${(y100 + p.dy) / 100}`, p.body);
    pen += font.advanceOf(g === 0 ? font.glyphOf(0x48) : g);
  }
  const d = parts.join('');
  if (!d) return '';
  const rest: Attrs = { 'aria-label': text };
  for (const [k, v] of Object.entries(a)) if (!LAYOUT.has(k)) rest[k] = v;
  // The outline is digits and command letters only: appended as is rather than through escapeXml, which
  // would walk its ~10 k characters one by one.
  return `${el('path', rest).slice(0, -2)} d="${d}"/>`;
}
