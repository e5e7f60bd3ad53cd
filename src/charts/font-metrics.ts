import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type FontFile, parseFontFile } from './font-file.js';
import { cleanText } from './svg.js';

/**
 * The fonts every chart is drawn with, shipped in the repository (Inter, SIL OFL 1.1, see
 * assets/fonts/inter/OFL.txt) so a picture looks the same on a laptop, in CI and in production whatever
 * fonts the machine has. Resolved from this file so it works from any working directory. Each is read
 * once per thread (a render worker is one), on first use.
 */
const FONT_DIR = new URL('../../assets/fonts/inter/', import.meta.url);
const FONT_FILES = { regular: 'Inter-Regular.ttf', semibold: 'Inter-SemiBold.ttf' } as const;
const fonts = new Map<keyof typeof FONT_FILES, FontFile>();

export function chartFont(weight: keyof typeof FONT_FILES): FontFile {
  let font = fonts.get(weight);
  if (!font) {
    font = parseFontFile(readFileSync(fileURLToPath(new URL(FONT_FILES[weight], FONT_DIR))));
    fonts.set(weight, font);
  }
  return font;
}

/**
 * Advance widths of the regular font, so labels are truncated and axes sized from the real glyph widths
 * rather than a guess. Kerning is ignored: it moves text by a pixel or two. SemiBold runs ~4 % wider;
 * callers pass `bold` to account for it (layout only: bold text is drawn at SemiBold's own advances).
 */
const advances = new Map<number, number>();
function advance(c: number): number {
  let w = advances.get(c);
  if (w === undefined) {
    const font = chartFont('regular');
    // Outside the BMP (emoji) or missing: drawn as the .notdef box, about as wide as a capital letter.
    const g = font.glyphOf(c);
    w = font.advanceOf(g === 0 ? font.glyphOf(0x48) : g);
    advances.set(c, w);
  }
  return w;
}

export function measureText(s: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of s) units += advance(ch.codePointAt(0) ?? 0);
  return (units / chartFont('regular').unitsPerEm) * fontSize * (bold ? 1.04 : 1);
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
