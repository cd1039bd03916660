import { describe, expect, it } from "vitest";
import { bytes, countsLine, reasonLabel, takenAt } from "./backups";

describe("backups panel words", () => {
  it("sizes read in decimal units", () => {
    expect(bytes(512)).toBe("512 bytes");
    expect(bytes(27_400)).toBe("27 kB");
    expect(bytes(27_400_000)).toBe("27.4 MB");
    expect(bytes(3_210_000_000)).toBe("3.21 GB");
  });

  it("every kind is counted, singular where one", () => {
    const line = countsLine({ purposes: 1, challenges: 2, sessions: 0, reflections: 5, checkins: 1, audit_items: 3 });
    expect(line).toBe("1 purpose, 2 challenges, 0 practice sessions, 5 reflections, 1 check-in, 3 audit items");
    expect(countsLine(null)).toContain("could not be counted");
  });

  it("every reason has words", () => {
    for (const r of ["daily", "manual", "before_restore", "before_migration", "before_rekey", "before_import"] as const) {
      expect(reasonLabel(r).length).toBeGreaterThan(5);
    }
  });

  it("a time is shown to the minute in local time, a bad one as given", () => {
    expect(takenAt("2026-12-01T14:35:00.123Z")).toMatch(/^2026-12-0[12] \d\d:35$/);
    expect(takenAt("not a time")).toBe("not a time");
  });
});
