import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES } from './font-metrics.js';

/**
 * SVG to PNG with resvg (a native binary shipped in the npm package, nothing downloaded at install).
 * System fonts are never loaded: the picture must not change with the machine, and scanning them costs
 * tens of milliseconds per chart.
 */
export function rasterise(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
