import { measureText } from './font-metrics.js';

/**
 * Where to put the value label at the end of each line. The latest figure is what a partner looks for
 * first, and it sits where the picture is busiest: the last points of both series, the segments arriving
 * at them, the right edge of the plot. Each label tries a few spots around its point and takes the first
 * that hides no point and crosses no segment (else the one that hides least), never on another label.
 */

export interface Point {
  x: number;
  y: number;
}

export interface EndLabel {
  at: Point;
  text: string;
  color: string;
}

export interface PlacedLabel {
  text: string;
  color: string;
  /** Left end of the text and its baseline: draw with text-anchor start. */
  x: number;
  baseline: number;
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface LabelArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

function hitsCircle(b: Box, c: Point, r: number): boolean {
  const dx = c.x - Math.max(b.left, Math.min(c.x, b.right));
  const dy = c.y - Math.max(b.top, Math.min(c.y, b.bottom));
  return dx * dx + dy * dy < r * r;
}

/** Whether segment a-b passes through the box (Liang-Barsky clipping). */
function crosses(box: Box, a: Point, b: Point): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: [number, number][] = [
    [-dx, a.x - box.left],
    [dx, box.right - a.x],
    [-dy, a.y - box.top],
    [dy, box.bottom - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

export function placeEndLabels(
  labels: EndLabel[],
  scene: { points: Point[]; segments: [Point, Point][]; pointRadius: number },
  area: LabelArea,
  size: number,
): PlacedLabel[] {
  const placed: Box[] = [];
  const out: PlacedLabel[] = [];
  const clear = scene.pointRadius + size * 0.3;
  for (const l of labels) {
    const w = measureText(l.text, size, true);
    // Text boxes from the baseline: cap height above, a little for descenders below.
    const box = (left: number, baseline: number): Box => ({
      left,
      right: left + w,
      top: baseline - size * 0.8,
      bottom: baseline + size * 0.2,
    });
    const centred = Math.min(Math.max(l.at.x - w / 2, area.left), area.right - w);
    const leftOf = l.at.x - clear - w;
    const above = l.at.y - clear - size * 0.2;
    const below = l.at.y + clear + size * 0.8;
    const middle = l.at.y + size * 0.3;
    const candidates = [
      box(centred, above),
      box(centred, below),
      box(leftOf, middle),
      box(leftOf, above),
      box(leftOf, below),
      box(leftOf, above - size),
      box(leftOf, below + size),
    ].filter(
      (b) =>
        b.top >= area.top &&
        b.bottom <= area.bottom &&
        b.left >= area.left &&
        b.right <= area.right &&
        !placed.some((p) => overlaps(p, b)),
    );
    let best: Box | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const b of candidates) {
      const hidden = scene.points.filter((c) => hitsCircle(b, c, scene.pointRadius + 1)).length;
      const crossed = scene.segments.filter(([a, z]) => crosses(b, a, z)).length;
      const cost = hidden * 10 + crossed * 3;
      if (cost < bestCost) {
        best = b;
        bestCost = cost;
        if (cost === 0) break;
      }
    }
    // Nowhere fits (a tiny chart): above the point, as before, rather than no label.
    const chosen = best ?? box(centred, above);
    placed.push(chosen);
    out.push({ text: l.text, color: l.color, x: chosen.left, baseline: chosen.bottom - size * 0.2 });
  }
  return out;
}
