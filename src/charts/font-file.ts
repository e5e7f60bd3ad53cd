/**
 * The parts of a TrueType file the charts need, read straight from the shipped Inter TTFs: the Unicode cmap
 * (format 4, the BMP), advance widths (hmtx) and glyph outlines (loca + glyf, simple and composite). Text is
 * drawn from these outlines as SVG paths (text-path.ts), so resvg never lays out text or loads a font.
 */

export interface FontFile {
  unitsPerEm: number;
  /** 0 (.notdef) when the font has no glyph for the code point. */
  glyphOf(codePoint: number): number;
  advanceOf(glyph: number): number;
  /** Closed contours in font units, y up; each starts on the curve. */
  outline(glyph: number): Contour[];
}

export interface Contour {
  startX: number;
  startY: number;
  /** `[x, y]` a line to (x, y); `[cx, cy, x, y]` a quadratic curve through control (cx, cy) to (x, y). */
  segments: number[][];
}

interface Point {
  x: number;
  y: number;
  on: boolean;
}

export function parseFontFile(buf: Buffer): FontFile {
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`chart font is not a TrueType font with a ${tag} table`);
    return at;
  };
  const head = table('head');
  const hhea = table('hhea');
  const hmtx = table('hmtx');
  const loca = table('loca');
  const glyf = table('glyf');
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const longLoca = buf.readInt16BE(head + 50) === 1;
  const numberOfHMetrics = buf.readUInt16BE(hhea + 34);
  const lookUp = parseCmap(buf, table('cmap'));
  // The cmap is searched segment by segment; a chart asks for the same few dozen characters again and again.
  const glyphs = new Map<number, number>();
  const glyphOf = (c: number): number => {
    let g = glyphs.get(c);
    if (g === undefined) {
      g = lookUp(c);
      glyphs.set(c, g);
    }
    return g;
  };

  const glyphRange = (g: number): [number, number] =>
    longLoca
      ? [buf.readUInt32BE(loca + 4 * g), buf.readUInt32BE(loca + 4 * g + 4)]
      : [2 * buf.readUInt16BE(loca + 2 * g), 2 * buf.readUInt16BE(loca + 2 * g + 2)];

  /** Points of every contour of glyph `g`, composites resolved; `depth` stops a malformed cycle. */
  const points = (g: number, depth: number): Point[][] => {
    const [from, to] = glyphRange(g);
    if (to <= from || depth > 8) return [];
    const at = glyf + from;
    const contours = buf.readInt16BE(at);
    return contours >= 0 ? simplePoints(buf, at, contours) : compositePoints(buf, at + 10, (c) => points(c, depth + 1));
  };

  return {
    unitsPerEm,
    glyphOf,
    advanceOf: (g) => buf.readUInt16BE(hmtx + 4 * Math.min(g, numberOfHMetrics - 1)),
    outline: (g) => points(g, 0).flatMap(toContour),
  };
}

function parseCmap(buf: Buffer, cmap: number): (codePoint: number) => number {
  let sub = -1;
  const subtables = buf.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const at = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(at) === 4 && (platform === 3 || platform === 0) && (encoding === 1 || encoding === 3)) {
      sub = at;
      break;
    }
  }
  if (sub < 0) throw new Error('chart font has no Unicode BMP cmap (format 4)');
  const segCount = buf.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  return (c) => {
    if (c > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (buf.readUInt16BE(ends + 2 * s) < c) continue;
      const start = buf.readUInt16BE(starts + 2 * s);
      if (start > c) return 0;
      const delta = buf.readUInt16BE(deltas + 2 * s);
      const ro = buf.readUInt16BE(rangeOffsets + 2 * s);
      if (ro === 0) return (c + delta) & 0xffff;
      const g = buf.readUInt16BE(rangeOffsets + 2 * s + ro + 2 * (c - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
}

const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;

function simplePoints(buf: Buffer, at: number, contours: number): Point[][] {
  let p = at + 10;
  const endPts: number[] = [];
  for (let i = 0; i < contours; i++, p += 2) endPts.push(buf.readUInt16BE(p));
  const count = contours === 0 ? 0 : (endPts[contours - 1] as number) + 1;
  p += 2 + buf.readUInt16BE(p); // hinting instructions: resvg does not hint either
  const flags = new Uint8Array(count);
  for (let i = 0; i < count; ) {
    const f = buf[p++] as number;
    flags[i++] = f;
    if (f & REPEAT) for (let r = buf[p++] as number; r > 0; r--) flags[i++] = f;
  }
  const coords = (short: number, same: number): number[] => {
    const out: number[] = [];
    let v = 0;
    for (const f of flags) {
      if (f & short) v += f & same ? (buf[p++] as number) : -(buf[p++] as number);
      else if (!(f & same)) {
        v += buf.readInt16BE(p);
        p += 2;
      }
      out.push(v);
    }
    return out;
  };
  const xs = coords(X_SHORT, X_SAME_OR_POSITIVE);
  const ys = coords(Y_SHORT, Y_SAME_OR_POSITIVE);
  const out: Point[][] = [];
  let first = 0;
  for (const last of endPts) {
    const contour: Point[] = [];
    for (let i = first; i <= last; i++) {
      contour.push({ x: xs[i] as number, y: ys[i] as number, on: ((flags[i] as number) & ON_CURVE) !== 0 });
    }
    out.push(contour);
    first = last + 1;
  }
  return out;
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const ARGS_ARE_XY_VALUES = 0x0002;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/**
 * Components placed by their x/y offset (how Inter's accented letters are built). Placement by matching
 * point numbers is not used by Inter and is drawn at offset 0; offsets are not scaled (the Microsoft reading,
 * which is what fontmake writes).
 */
function compositePoints(buf: Buffer, at: number, component: (g: number) => Point[][]): Point[][] {
  const out: Point[][] = [];
  let p = at;
  for (;;) {
    const flags = buf.readUInt16BE(p);
    const glyph = buf.readUInt16BE(p + 2);
    p += 4;
    let dx = 0;
    let dy = 0;
    if (flags & ARG_1_AND_2_ARE_WORDS) {
      if (flags & ARGS_ARE_XY_VALUES) [dx, dy] = [buf.readInt16BE(p), buf.readInt16BE(p + 2)];
      p += 4;
    } else {
      if (flags & ARGS_ARE_XY_VALUES) [dx, dy] = [buf.readInt8(p), buf.readInt8(p + 1)];
      p += 2;
    }
    const f2dot14 = (o: number) => buf.readInt16BE(o) / 16384;
    let [a, b, c, d] = [1, 0, 0, 1];
    if (flags & WE_HAVE_A_SCALE) {
      a = d = f2dot14(p);
      p += 2;
    } else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) {
      [a, d] = [f2dot14(p), f2dot14(p + 2)];
      p += 4;
    } else if (flags & WE_HAVE_A_TWO_BY_TWO) {
      [a, b, c, d] = [f2dot14(p), f2dot14(p + 2), f2dot14(p + 4), f2dot14(p + 6)];
      p += 8;
    }
    for (const contour of component(glyph)) {
      out.push(contour.map((q) => ({ x: a * q.x + c * q.y + dx, y: b * q.x + d * q.y + dy, on: q.on })));
    }
    if (!(flags & MORE_COMPONENTS)) return out;
  }
}

/**
 * TrueType contours are quadratic: between two off-curve points lies an implied on-curve point at their
 * midpoint; a contour may even start off the curve.
 */
function toContour(pts: Point[]): Contour[] {
  const n = pts.length;
  if (n === 0) return [];
  const first = pts[0] as Point;
  const last = pts[n - 1] as Point;
  let start: Point;
  let rest: Point[];
  if (first.on) [start, rest] = [first, pts.slice(1)];
  else if (last.on) [start, rest] = [last, pts.slice(0, -1)];
  else [start, rest] = [{ x: (first.x + last.x) / 2, y: (first.y + last.y) / 2, on: true }, pts];
  const segments: number[][] = [];
  let control: Point | undefined;
  for (const q of [...rest, start]) {
    if (q.on) {
      segments.push(control ? [control.x, control.y, q.x, q.y] : [q.x, q.y]);
      control = undefined;
    } else {
      if (control) segments.push([control.x, control.y, (control.x + q.x) / 2, (control.y + q.y) / 2]);
      control = q;
    }
  }
  return [{ startX: start.x, startY: start.y, segments }];
}
