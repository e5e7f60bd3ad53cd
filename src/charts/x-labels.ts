import { measureText, truncateText, wrapText } from './font-metrics.js';
import { textAsPath } from './text-path.js';
import { INK, SIZE } from './theme.js';

const SIN45 = Math.SQRT1_2;

export interface XLabelPlan {
  /** Pixels below the plot the labels need. */
  height: number;
  draw: (bottom: number, xOf: (i: number) => number) => string[];
}

interface Input {
  categories: string[];
  kind: 'bar' | 'line';
  band: number;
  scale: number;
  /** Left edge of the plot: rotated labels of the first bars must not run off the picture. */
  plotLeft: number;
  /** The most height the labels may take (a share of the picture). */
  maxHeight: number;
}

/**
 * Decides how category labels fit under the plot. Time (line charts) stays horizontal and thins out to
 * every k-th label, always keeping the most recent one; categories (bar charts) stay horizontal when each
 * fits its bar, otherwise turn 45 degrees, truncated with "…", and thin out only when even slanted they
 * would overlap (60 geos).
 */
export function planXLabels(input: Input): XLabelPlan {
  const { categories, band, scale: s } = input;
  const n = categories.length;
  const size = (n > 20 ? SIZE.categoryDense : SIZE.category) * s;
  const gap = SIZE.gap * s;
  const shown = (k: number) => (i: number) => (n - 1 - i) % k === 0;

  const natural = Math.max(0, ...categories.map((c) => measureText(c, size)));
  const fitsEach = natural + 2 * s <= band;
  if (input.kind === 'line' || fitsEach) {
    const cap = 220 * s;
    const k = fitsEach ? 1 : Math.max(1, Math.ceil((Math.min(natural, cap) + 2 * gap) / band));
    const show = shown(k);
    return {
      height: size * 1.2 + gap,
      draw: (bottom, xOf) =>
        categories.flatMap((c, i) =>
          show(i)
            ? [
                textAsPath(truncateText(c, cap, size), {
                  x: xOf(i),
                  y: bottom + gap + size * 0.9,
                  'font-size': size,
                  fill: INK.text,
                  'text-anchor': 'middle',
                }),
              ]
            : [],
        ),
    };
  }

  // Few wide bars (campaign names): two horizontal lines under each bar read better than slanted text.
  if (band >= 110 * s) {
    const lines = categories.map((c) => wrapText(c, band - gap, size, 2));
    const rows = Math.max(1, ...lines.map((l) => l.length));
    return {
      height: gap + size * 1.2 * rows,
      draw: (bottom, xOf) =>
        lines.flatMap((ls, i) =>
          ls.map((l, row) =>
            textAsPath(l, {
              x: xOf(i),
              y: bottom + gap + size * 0.9 + row * size * 1.2,
              'font-size': size,
              fill: INK.text,
              'text-anchor': 'middle',
            }),
          ),
        ),
    };
  }

  // Slanted labels are band * sin45 apart measured across their baselines; a line of text needs ~1.15 em.
  const k = Math.max(1, Math.ceil((size * 1.15) / (band * SIN45)));
  const show = shown(k);
  const maxLong = Math.max(size * 2, Math.min(200 * s, (input.maxHeight - gap - size * SIN45) / SIN45));
  const longest = Math.min(natural, maxLong);
  return {
    height: gap + longest * SIN45 + size * SIN45 + 2 * s,
    draw: (bottom, xOf) =>
      categories.flatMap((c, i) => {
        if (!show(i)) return [];
        const x = xOf(i) + size * 0.3;
        const y = bottom + gap + size * 0.35;
        // The text runs down-left from the tick; keep it inside the picture's left edge.
        const room = Math.min(maxLong, (x - 4 * s) / SIN45);
        return [
          textAsPath(truncateText(c, room, size), {
            x,
            y,
            'font-size': size,
            fill: INK.text,
            'text-anchor': 'end',
            transform: `rotate(-45 ${x.toFixed(2)} ${y.toFixed(2)})`,
          }),
        ];
      }),
  };
}
