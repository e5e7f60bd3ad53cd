/**
 * The palette form of a chart for encode-png.ts: 8-bit indices into at most 256 colours, a quarter of the
 * bytes RGBA would need, which deflate compresses ~3x faster.
 *
 * Exact when the picture has at most 256 colours (a bar chart: ~200, fills, text and their anti-aliased
 * edges on white). A line chart has more (~320: lines crossing the grid and each other blend into one-off
 * shades); then the 256 most frequent colours stay exact and each rarer one is written as its nearest
 * palette colour (RGB distance), provided those rare colours cover at most APPROX_SHARE of the pixels. On a
 * 1120 x 600 digest line chart that is 63 of 672,000 pixels, each an anti-aliased edge pixel moved to a
 * neighbouring shade. Anything else (more than DISTINCT_MAX colours, more rare pixels, any translucent
 * pixel) gets null, and the caller writes lossless RGBA.
 */

export const PALETTE_MAX = 256;
/** More distinct colours than this is not a chart's flat colour (a gradient, a photo). */
export const DISTINCT_MAX = 1024;
/** The most pixels, as a share of the picture, that may be drawn in a neighbouring shade. */
export const APPROX_SHARE = 1 / 1000;

/**
 * The picture as runs of one colour: per distinct row, its runs' end columns and colour numbers (in order of
 * appearance), and how many pixels each colour covers. A row equal to the one above, common in a chart's
 * margins and between bars, is only counted. Everything after this pass works per run, not per pixel.
 */
interface Runs {
  /** Opaque colours as little-endian RGBA words read as int32 (so all negative: alpha 0xff is the top byte). */
  colours: Int32Array;
  distinct: number;
  pixels: Float64Array;
  /** Per row: index of its first run in ends/colourOf, or -1 when it repeats the row above. */
  firstRun: Int32Array;
  ends: Int32Array;
  colourOf: Uint16Array;
}

/** Open addressing over int32 keys; 0 marks a free slot (no opaque colour is 0). */
const SLOTS = 4096;
const slotOf = (c: number) => Math.imul(c, 0x9e3779b1) >>> 20;

function toRuns(rgba: Uint8Array, width: number, height: number): Runs | null {
  // int32 words stay small integers for V8 where uint32 ones above 2^31 would not: ~30 % faster to scan.
  const px = new Int32Array(rgba.buffer, rgba.byteOffset, width * height);
  const source = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const rowBytes = width * 4;
  const firstRun = new Int32Array(height + 1);
  let ends = new Int32Array(16384);
  let colourOf = new Uint16Array(16384);
  let count = 0;
  const keys = new Int32Array(SLOTS);
  const values = new Uint16Array(SLOTS);
  const colours = new Int32Array(DISTINCT_MAX);
  const pixels = new Float64Array(DISTINCT_MAX);
  let distinct = 0;
  let lastFrom = 0;
  for (let y = 0; y < height; y++) {
    const at = y * rowBytes;
    if (y > 0 && source.compare(source, at - rowBytes, at, at, at + rowBytes) === 0) {
      firstRun[y] = -1;
      for (let r = lastFrom, start = 0; r < count; r++) {
        const i = colourOf[r] as number;
        pixels[i] = (pixels[i] as number) + (ends[r] as number) - start;
        start = ends[r] as number;
      }
      continue;
    }
    firstRun[y] = lastFrom = count;
    const rowStart = y * width;
    for (let x = 0; x < width; ) {
      const c = px[rowStart + x] as number;
      let end = x + 1;
      while (end < width && px[rowStart + end] === c) end++;
      let slot = slotOf(c);
      while (keys[slot] !== c && keys[slot] !== 0) slot = (slot + 1) & (SLOTS - 1);
      let i: number;
      if (keys[slot] === c) i = values[slot] as number;
      else {
        // Alpha is the high byte of the little-endian word: opaque means the top 8 bits are all set.
        if (distinct === DISTINCT_MAX || c >>> 24 !== 0xff) return null;
        i = distinct++;
        keys[slot] = c;
        values[slot] = i;
        colours[i] = c;
      }
      if (count === ends.length) {
        const [e, o] = [new Int32Array(count * 2), new Uint16Array(count * 2)];
        e.set(ends);
        o.set(colourOf);
        [ends, colourOf] = [e, o];
      }
      pixels[i] = (pixels[i] as number) + end - x;
      ends[count] = end;
      colourOf[count++] = i;
      x = end;
    }
  }
  firstRun[height] = count;
  return { colours, distinct, pixels, firstRun, ends, colourOf };
}

const distance = (a: number, b: number): number => {
  const r = (a & 0xff) - (b & 0xff);
  const g = ((a >>> 8) & 0xff) - ((b >>> 8) & 0xff);
  const bl = ((a >>> 16) & 0xff) - ((b >>> 16) & 0xff);
  return r * r + g * g + bl * bl;
};

/** The palette, and the entry each colour number is written as; null when too many pixels would move. */
function choosePalette(runs: Runs, width: number, height: number): { palette: number[]; entryOf: Uint8Array } | null {
  const { colours, distinct: n, pixels } = runs;
  const entryOf = new Uint8Array(n);
  if (n <= PALETTE_MAX) {
    for (let i = 0; i < n; i++) entryOf[i] = i;
    return { palette: Array.from(colours.subarray(0, n)), entryOf };
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (pixels[b] as number) - (pixels[a] as number));
  let rare = 0;
  for (let k = PALETTE_MAX; k < n; k++) rare += pixels[order[k] as number] as number;
  if (rare > APPROX_SHARE * width * height) return null;
  const kept = order.slice(0, PALETTE_MAX);
  const palette = kept.map((i) => colours[i] as number);
  kept.forEach((i, entry) => {
    entryOf[i] = entry;
  });
  for (const i of order.slice(PALETTE_MAX)) {
    const c = colours[i] as number;
    let best = 0;
    let bestDistance = distance(c, palette[0] as number);
    for (let e = 1; e < PALETTE_MAX; e++) {
      const d = distance(c, palette[e] as number);
      if (d < bestDistance) [best, bestDistance] = [e, d];
    }
    entryOf[i] = best;
  }
  return { palette, entryOf };
}

/**
 * PLTE bytes and the image rows, each behind a 0 (none) filter byte, the usual choice for palette images.
 * `rgba` must be 4-byte aligned and its words little-endian RGBA (the caller checks both).
 */
export function paletteImage(
  rgba: Uint8Array,
  width: number,
  height: number,
): { palette: Buffer; rows: Buffer } | null {
  const runs = toRuns(rgba, width, height);
  const chosen = runs && choosePalette(runs, width, height);
  if (!runs || !chosen) return null;
  const { firstRun, ends, colourOf } = runs;
  const { entryOf } = chosen;
  const stride = width + 1;
  const rows = Buffer.allocUnsafe(stride * height);
  let r = 0;
  for (let y = 0; y < height; y++) {
    const o = y * stride + 1;
    rows[o - 1] = 0;
    if ((firstRun[y] as number) < 0) {
      rows.copyWithin(o, o - stride, o - 1);
      continue;
    }
    let start = 0;
    for (; start < width; r++) {
      const end = ends[r] as number;
      const entry = entryOf[colourOf[r] as number] as number;
      // fill() is a native call: worth it for the long runs of background and bars, not for edge pixels.
      if (end - start > 8) rows.fill(entry, o + start, o + end);
      else for (let x = start; x < end; x++) rows[o + x] = entry;
      start = end;
    }
  }
  const palette = Buffer.allocUnsafe(chosen.palette.length * 3);
  for (const [i, c] of chosen.palette.entries()) {
    palette[3 * i] = c & 0xff;
    palette[3 * i + 1] = (c >>> 8) & 0xff;
    palette[3 * i + 2] = (c >>> 16) & 0xff;
  }
  return { palette, rows };
}
