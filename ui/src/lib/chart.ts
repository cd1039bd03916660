// Chart data for uPlot: the measured points, the fitted curve over past practice, its
// projection beyond, the asymptote and its band, all on one shared x axis. One function
// for the window's Progress screen and a received bundle: both carry the same curve type
// (CurveSummary, built by the core).
import type { CurveSummary, Point } from "../bindings";

export type Column = (number | null)[];

/** x, points, fitted (past), projection, asymptote, band low, band high */
export type CurveColumns = [number[], Column, Column, Column, Column, Column, Column];

/**
 * uPlot columns for a challenge's progress: x, the measured points, the fitted curve over
 * past practice, its projection beyond the last point (the two meet at the last sample
 * before it), the asymptote, and its interval's edges. Null when there is nothing to draw.
 */
export function curveColumns(points: Point[], curve: CurveSummary | null): CurveColumns | null {
  if (points.length === 0) return null;
  const samples = [...(curve?.samples ?? [])].sort((a, b) => a.x - b.x);
  const lastX = points.reduce((m, pt) => Math.max(m, pt.x), 0);
  let join = -1;
  samples.forEach((s, i) => {
    if (s.x <= lastX) join = i;
  });
  const xs = new Set<number>();
  for (const pt of points) xs.add(pt.x);
  for (const s of samples) xs.add(s.x);
  const x = [...xs].sort((a, b) => a - b);
  const pts = new Map<number, number>();
  for (const pt of points) pts.set(pt.x, pt.y); // several sessions at one x: the last shown
  const past = new Map<number, number>();
  const beyond = new Map<number, number>();
  samples.forEach((s, i) => {
    if (i <= join) past.set(s.x, s.y);
    if (i >= join && (i > join || i < samples.length - 1)) beyond.set(s.x, s.y);
  });
  const flat = (v: number | null | undefined): Column => x.map(() => (curve && v !== null && v !== undefined ? v : null));
  return [
    x,
    x.map((v) => pts.get(v) ?? null),
    x.map((v) => past.get(v) ?? null),
    x.map((v) => beyond.get(v) ?? null),
    flat(curve?.asymptote),
    flat(curve?.asymptote_low),
    flat(curve?.asymptote_high),
  ];
}

/**
 * The label of a curve's limit, as the core words it (science `Direction::limit_word`): a
 * measure that rises towards it has a ceiling, one that falls (a time, an error count) a floor.
 */
export function limitLabel(higherIsBetter: boolean): string {
  return `${higherIsBetter ? "Ceiling" : "Floor"} (asymptote)`;
}
