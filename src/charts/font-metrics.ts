import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanText } from './svg.js';

/**
 * The fonts every chart is drawn with, shipped in the repository (Inter, SIL OFL 1.1, see
 * assets/fonts/inter/OFL.txt) so a picture looks the same on a laptop, in CI and in production whatever
 * fonts the machine has. Resolved from this file so it works from any working directory.
 */
const FONT_DIR = new URL('../../assets/fonts/inter/', import.meta.url);
export const FONT_FAMILY = 'Inter';
export const FONT_FILES = [
  fileURLToPath(new URL('Inter-Regular.ttf', FONT_DIR)),
  fileURLToPath(new URL('Inter-SemiBold.ttf', FONT_DIR)),
];

/**
 * Advance widths read from the regular TTF (cmap format 4 + hmtx), so labels are truncated and axes sized
 * from the real glyph widths rather than a guess. Kerning is ignored: it moves text by a pixel or two.
 * SemiBold runs ~4 % wider; callers pass `bold` to account for it.
 */
interface Metrics {
  unitsPerEm: number;
  advance: (codePoint: number) => number;
}

function parseMetrics(buf: Buffer): Metrics {
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) {
    throw new Error('chart font is not a TrueType font with head/hhea/hmtx/cmap tables');
  }
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const numberOfHMetrics = buf.readUInt16BE(hhea + 34);
  const glyphAdvance = (g: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));

  let sub = -1;
  const subtables = buf.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const at = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(at) === 4 && (platform === 3 || platform === 0) && (encoding === 1 || encoding === 3)) {
      sub = at;
      break;
    }
  }
  if (sub < 0) throw new Error('chart font has no Unicode BMP cmap (format 4)');
  const segCount = buf.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;

  const glyphOf = (c: number): number => {
    for (let s = 0; s < segCount; s++) {
      if (buf.readUInt16BE(ends + 2 * s) < c) continue;
      const start = buf.readUInt16BE(starts + 2 * s);
      if (start > c) return 0;
      const delta = buf.readUInt16BE(deltas + 2 * s);
      const ro = buf.readUInt16BE(rangeOffsets + 2 * s);
      if (ro === 0) return (c + delta) & 0xffff;
      const g = buf.readUInt16BE(rangeOffsets + 2 * s + ro + 2 * (c - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance: (c) => {
      let w = cache.get(c);
      if (w === undefined) {
        // Outside the BMP (emoji) or missing: resvg draws a box about as wide as a capital letter.
        const g = c > 0xffff ? 0 : glyphOf(c);
        w = glyphAdvance(g === 0 ? glyphOf(0x48) : g);
        cache.set(c, w);
      }
      return w;
    },
  };
}

let metrics: Metrics | undefined;
function loaded(): Metrics {
  metrics ??= parseMetrics(readFileSync(FONT_FILES[0] as string));
  return metrics;
}

export function measureText(s: string, fontSize: number, bold = false): number {
  const m = loaded();
  let units = 0;
  for (const ch of s) units += m.advance(ch.codePointAt(0) ?? 0);
  return (units / m.unitsPerEm) * fontSize * (bold ? 1.04 : 1);
}

/** Cuts `s` to fit `maxWidth` pixels, ending in "…" when anything was cut. */
export function truncateText(s: string, maxWidth: number, fontSize: number, bold = false): string {
  const clean = cleanText(s).replace(/\s+/g, ' ').trim();
  if (measureText(clean, fontSize, bold) <= maxWidth) return clean;
  const chars = Array.from(clean);
  const budget = maxWidth - measureText('…', fontSize, bold);
  let width = 0;
  let keep = 0;
  for (const ch of chars) {
    const w = measureText(ch, fontSize, bold);
    if (width + w > budget) break;
    width += w;
    keep++;
  }
  return keep === 0 ? '…' : `${chars.slice(0, keep).join('').trimEnd()}…`;
}

/**
 * Breaks `s` into at most `maxLines` lines of `maxWidth` pixels at spaces; what does not fit ends the last
 * line with "…". Used for the few, wide category labels of a short bar chart.
 */
export function wrapText(s: string, maxWidth: number, fontSize: number, maxLines: number): string[] {
  const words = cleanText(s).replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const next = current ? `${current} ${word}` : word;
    // The last line takes everything left and is truncated below.
    if (!current || lines.length === maxLines - 1 || measureText(next, fontSize) <= maxWidth) {
      current = next;
    } else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines.map((l) => truncateText(l, maxWidth, fontSize));
}
