import { Resvg } from '@resvg/resvg-js';
import { encodePng } from './encode-png.js';
import { FONT_FAMILY, FONT_FILES } from './font-metrics.js';

/**
 * SVG to PNG with resvg (a native binary shipped in the npm package, nothing downloaded at install).
 * System fonts are never loaded: the picture must not change with the machine, and scanning them costs
 * tens of milliseconds per chart. The shipped fonts are given per call: resvg-js 2.6 has no font database
 * that outlives a Resvg instance, and loading two files costs ~0.1 ms (measured), while laying out the
 * ~25 labels costs ~3 ms. The PNG is encoded here (encode-png.ts), ~2 ms faster than resvg's asPng().
 */
export function rasterise(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  const image = resvg.render();
  return encodePng(image.pixels, image.width, image.height);
}
