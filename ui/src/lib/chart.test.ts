import { describe, expect, it } from "vitest";
import type { CurveSummary, Point } from "../bindings";
import { curveColumns, limitLabel } from "./chart";

describe("curveColumns (the Progress screen and a received bundle)", () => {
  const points: Point[] = [
    { x: 1, y: 40 },
    { x: 2, y: 30 },
  ];
  const curve: CurveSummary = {
    model: "exponential",
    asymptote: 20,
    asymptote_low: 18,
    asymptote_high: null,
    confidence: 0.95,
    current_level: 30,
    gap_closed: 0.5,
    samples: [
      { x: 3, y: 27 },
      { x: 0, y: 45 },
      { x: 1.5, y: 34 },
    ],
  };
  it("lines up points, curve, projection, asymptote and band on one x axis", () => {
    expect(curveColumns(points, curve)).toEqual([
      [0, 1, 1.5, 2, 3],
      [null, 40, null, 30, null],
      [45, null, 34, null, null],
      [null, null, 34, null, 27],
      [20, 20, 20, 20, 20],
      [18, 18, 18, 18, 18],
      [null, null, null, null, null],
    ]);
  });
  it("draws nothing without points, and only the points without a curve", () => {
    expect(curveColumns([], curve)).toBeNull();
    const noCurve = curveColumns(points, null);
    expect(noCurve?.[0]).toEqual([1, 2]);
    expect(noCurve?.[2]).toEqual([null, null]);
    expect(noCurve?.[4]).toEqual([null, null]);
  });
  it("meets the projection at a sample on the last session", () => {
    const at = curveColumns(points, { ...curve, samples: [{ x: 0, y: 45 }, { x: 2, y: 31 }, { x: 3, y: 27 }] });
    expect(at?.[2]).toEqual([45, null, 31, null]);
    expect(at?.[3]).toEqual([null, null, 31, 27]);
  });
});

describe("limitLabel", () => {
  it("names a ceiling for higher-is-better and a floor for lower-is-better", () => {
    expect(limitLabel(true)).toBe("Ceiling (asymptote)");
    expect(limitLabel(false)).toBe("Floor (asymptote)");
  });
});
