// Chart data for uPlot: the measured points, the fitted curve over past practice, its
// projection beyond, the asymptote and its band, all on one shared x axis.
import type { ProgressView } from "../bindings";

export type Column = (number | null)[];

export interface CurveData {
  /** x, points, fitted (past), projection, asymptote, band low, band high */
  columns: [number[], Column, Column, Column, Column, Column, Column];
  lastX: number;
}

export function curveData(view: ProgressView): CurveData {
  const pts = view.progress.points;
  const fit = view.progress.fit;
  const lastX = pts.reduce((m, p) => Math.max(m, p.x), 0);
  const xs = new Set<number>();
  for (const p of pts) xs.add(p.x);
  for (const c of view.curve) xs.add(c.x);
  const x = [...xs].sort((a, b) => a - b);
  const byX = new Map<number, number>();
  for (const p of pts) byX.set(p.x, p.y); // several sessions at one x: the last shown
  const curve = new Map(view.curve.map((c) => [c.x, c.y] as [number, number]));
  const fitted: Column = [];
  const projected: Column = [];
  const asym: Column = [];
  const lo: Column = [];
  const hi: Column = [];
  for (const xv of x) {
    const y = curve.get(xv);
    fitted.push(y !== undefined && xv <= lastX ? y : null);
    projected.push(y !== undefined && xv >= lastX ? y : null);
    asym.push(fit ? fit.asymptote : null);
    lo.push(fit ? fit.asymptote_interval.low : null);
    hi.push(fit ? fit.asymptote_interval.high : null);
  }
  // Join the past curve and the projection at the last session.
  if (fit) {
    const i = x.findIndex((xv) => xv >= lastX);
    if (i >= 0 && projected[i] === null) projected[i] = fit ? fittedAt(view, x[i] ?? lastX) : null;
  }
  return { columns: [x, x.map((xv) => byX.get(xv) ?? null), fitted, projected, asym, lo, hi], lastX };
}

function fittedAt(view: ProgressView, x: number): number | null {
  let best: { d: number; y: number } | null = null;
  for (const c of view.curve) {
    const d = Math.abs(c.x - x);
    if (!best || d < best.d) best = { d, y: c.y };
  }
  return best?.y ?? null;
}
