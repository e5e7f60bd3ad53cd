/**
 * The own PNG encoder against resvg's asPng(), same pixels, same run: `npx tsx bench/png.ts [--runs 200]`
 * (`npm run bench:png`).
 *
 * For each sample chart of bench/charts.ts (960 x 540, as the bots and digests send them) resvg renders once;
 * then encode-png.ts and resvg's own `asPng()` each encode those pixels RUNS times, alternating so machine
 * load hits both alike. Prints p50/p95 encode time and the file size of each. Both are lossless (the test of
 * encode-png checks every pixel decodes to what resvg drew), so time and bytes are the whole comparison:
 * bytes matter for e-mail (inline images count against Gmail's 102 KB clip) and for chat uploads.
 */
import { Resvg } from '@resvg/resvg-js';
import { encodePng } from '../src/charts/encode-png.js';
import { buildChartSvg } from '../src/charts/index.js';
import { SAMPLES } from './charts.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const RUNS = Number(arg('runs', '200'));

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

for (const [name, spec] of Object.entries(SAMPLES)) {
  const resvg = new Resvg(buildChartSvg(spec), {
    font: { loadSystemFonts: false },
    background: '#ffffff',
  });
  const image = resvg.render();
  const own: number[] = [];
  const theirs: number[] = [];
  let ownBytes = 0;
  let theirBytes = 0;
  for (let i = 0; i < RUNS + 10; i++) {
    let t = performance.now();
    ownBytes = encodePng(image.pixels, image.width, image.height).length;
    const a = performance.now() - t;
    t = performance.now();
    theirBytes = image.asPng().length;
    const b = performance.now() - t;
    if (i >= 10) {
      own.push(a);
      theirs.push(b);
    }
  }
  const line = (who: string, xs: number[], bytes: number) =>
    `  ${who.padEnd(20)} p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms  ${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`${name} (${image.width}x${image.height}), ${RUNS} encodes each:`);
  console.log(line('encode-png.ts', own, ownBytes));
  console.log(line('resvg asPng()', theirs, theirBytes));
  console.log(
    `  own/resvg: time ${(pct(own, 50) / pct(theirs, 50)).toFixed(2)}x, size ${(ownBytes / theirBytes).toFixed(2)}x`,
  );
}
