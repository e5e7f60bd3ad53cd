import { Resvg } from '@resvg/resvg-js';
import { encodePng } from './encode-png.js';

/**
 * SVG to PNG with resvg (a native binary shipped in the npm package, nothing downloaded at install).
 * No font is loaded at all: charts draw their words as glyph outlines (text-path.ts), which saves the
 * ~0.3 ms of loading the shipped fonts into each Resvg instance (resvg-js 2.6 keeps no font database
 * between instances) and ~0.4 ms of text layout per label. System fonts in particular must never be
 * loaded: the picture must not change with the machine, and scanning them costs tens of milliseconds.
 * The PNG is encoded here (encode-png.ts), faster than resvg's asPng().
 */
export function rasterise(svg: string): Uint8Array {
  // No `background`: every chart paints its own white rectangle first, so filling the pixels white
  // beforehand changes none of them and costs ~0.4 ms a chart (1120 x 600).
  const resvg = new Resvg(svg, { font: { loadSystemFonts: false } });
  const image = resvg.render();
  return encodePng(image.pixels, image.width, image.height);
}
