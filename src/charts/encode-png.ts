import { endianness } from 'node:os';
import { crc32, deflateSync } from 'node:zlib';
import { paletteImage } from './png-palette.js';

/**
 * PNG encoding of resvg's pixels. resvg's own asPng() compresses hard (adaptive filters, default deflate
 * level); this is several times faster for the same pixels, and the file is smaller, because a chart is flat
 * colour and is written as an 8-bit palette image (png-palette.ts), a quarter of the bytes to compress.
 *
 * Lossless except in one case: a picture with more than 256 colours but few rare ones (a line chart, ~320)
 * keeps its 256 most frequent colours exact and draws the rarest shades, at most 1 pixel in 1,000, as their
 * nearest palette colour (png-palette.ts says exactly when). Every other picture decodes to exactly what
 * resvg drew: up to 256 opaque colours as a palette, anything else as plain RGBA at a fast deflate level.
 */

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** zlib level 3: beyond it deflate gets ~3x slower for ~15 % fewer bytes (measured on charts). */
const LEVEL = 3;
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
  const indexed = WORDS_ARE_RGBA_LE ? paletteImage(aligned, width, height) : null;
  return indexed
    ? png(width, height, 3, indexed.palette, indexed.rows)
    : png(width, height, 6, null, rgbaRows(aligned, width, height));
}
