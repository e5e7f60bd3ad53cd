import { endianness } from 'node:os';
import { crc32, deflateSync } from 'node:zlib';

/**
 * PNG encoding of resvg's pixels, lossless. resvg's own asPng() spends ~4 ms of a ~11 ms chart compressing
 * hard (adaptive filters, default deflate level); this takes ~2 ms for the same pixels, and the file is
 * smaller, because a chart is flat colour: a bar chart has ~200 distinct colours (fills, text and their
 * anti-aliased edges on white), so it is written as an 8-bit palette image, a quarter of the bytes to
 * compress. Over 256 colours (lines crossing the grid blend into more shades) it is written as plain RGBA
 * at a fast deflate level. Either way every pixel decodes to exactly what resvg drew.
 */

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** zlib level 3: beyond it deflate gets ~3x slower for ~15 % fewer bytes (measured on charts). */
const LEVEL = 3;
const PALETTE_MAX = 256;
/** The palette pass reads pixels as 32-bit words, so it knows which byte is alpha only on little-endian. */
const WORDS_ARE_RGBA_LE = endianness() === 'LE';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(width: number, height: number, colourType: 3 | 6, palette: Buffer | null, rows: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per sample (or per palette index)
  ihdr[9] = colourType;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...(palette ? [chunk('PLTE', palette)] : []),
    chunk('IDAT', deflateSync(rows, { level: LEVEL })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Palette indices, one filter byte (0: none, the usual choice for palette images) per row; null when the
 * picture has more than 256 colours or any that is not opaque (the PNG would need a tRNS chunk; a chart
 * on its white background never has one). Rows equal to the one above, common in a chart's margins and
 * between bars, are copied rather than looked up pixel by pixel.
 */
function paletteRows(rgba: Uint8Array, width: number, height: number): { palette: Buffer; rows: Buffer } | null {
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const rowBytes = width * 4;
  const stride = width + 1;
  const rows = Buffer.allocUnsafe(stride * height);
  const source = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const index = new Map<number, number>();
  const colours: number[] = [];
  let last = -1;
  let lastIndex = 0;
  for (let y = 0; y < height; y++) {
    let o = y * stride;
    rows[o++] = 0;
    const at = y * rowBytes;
    if (y > 0 && source.compare(source, at - rowBytes, at, at, at + rowBytes) === 0) {
      rows.copyWithin(o, o - stride, o - 1);
      continue;
    }
    for (let s = y * width, end = s + width; s < end; s++) {
      const c = px[s] as number;
      if (c !== last) {
        let i = index.get(c);
        if (i === undefined) {
          // Alpha is the high byte of the little-endian word (RGBA in memory).
          if (colours.length === PALETTE_MAX || c >>> 24 !== 0xff) return null;
          i = colours.length;
          colours.push(c);
          index.set(c, i);
        }
        last = c;
        lastIndex = i;
      }
      rows[o++] = lastIndex;
    }
  }
  const palette = Buffer.allocUnsafe(colours.length * 3);
  for (const [i, c] of colours.entries()) {
    palette[3 * i] = c & 0xff;
    palette[3 * i + 1] = (c >>> 8) & 0xff;
    palette[3 * i + 2] = (c >>> 16) & 0xff;
  }
  return { palette, rows };
}

/** RGBA rows behind a 0 (none) filter byte each: no per-pixel work in JavaScript at all. */
function rgbaRows(rgba: Uint8Array, width: number, height: number): Buffer {
  const rowBytes = width * 4;
  const rows = Buffer.allocUnsafe((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1);
    rows[o] = 0;
    rows.set(rgba.subarray(y * rowBytes, (y + 1) * rowBytes), o + 1);
  }
  return rows;
}

/**
 * `rgba`: width x height pixels, 4 bytes each, as resvg's RenderedImage.pixels gives them. Premultiplied
 * and straight alpha are the same thing for opaque pixels, and translucent ones go the RGBA way, which is
 * only exact for opaque pictures: callers render on an opaque background.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.byteLength !== width * height * 4) {
    throw new Error(`encodePng: expected ${width * height * 4} bytes for ${width}x${height}, got ${rgba.byteLength}`);
  }
  // Uint32Array needs 4-byte alignment; resvg's buffers have it, a caller's slice might not.
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : new Uint8Array(rgba);
  const indexed = WORDS_ARE_RGBA_LE ? paletteRows(aligned, width, height) : null;
  return indexed
    ? png(width, height, 3, indexed.palette, indexed.rows)
    : png(width, height, 6, null, rgbaRows(aligned, width, height));
}
