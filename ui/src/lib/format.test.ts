import { describe, expect, it } from "vitest";
import { clock, day, num, pct, shortId, withUnit, zoneLabel } from "./format";
import { failureFor } from "./failures";

describe("format", () => {
  it("formats numbers and missing values", () => {
    expect(num(3.14159, 2)).toBe("3.14");
    expect(num(null)).toBe("–");
    expect(num(Number.NaN)).toBe("–");
    expect(withUnit(24, "min", 0)).toBe("24 min");
    expect(pct(0.853)).toBe("85 %");
  });
  it("shows the stored local day and clock time", () => {
    expect(day("2026-03-04")).toBe("Wed 4 Mar 2026");
    expect(clock("2026-03-04T22:30:00.000Z", -8 * 3600)).toBe("14:30");
  });
  it("shortens ids and names zones", () => {
    expect(shortId("0190a3b4-1111-7000-8000-1234abcd5678")).toBe("abcd5678");
    expect(zoneLabel("goldilocks")).toBe("Just right");
    expect(zoneLabel(null)).toMatch(/No attempts/);
  });
});

describe("failureFor", () => {
  it("offers the recovery key for a missing key, not for a damaged file", () => {
    expect(failureFor("key_missing", "keyring").recovery).toBe(true);
    expect(failureFor("damaged", "keyring").recovery).toBe(false);
    expect(failureFor("too_new", null).retry).toBe(false);
  });
});

describe("validLanguage", async () => {
  // locale.ts touches `navigator` when loaded; give it one.
  (globalThis as { navigator?: unknown }).navigator ??= { language: "en-GB" };
  const { validLanguage } = await import("../locale");
  it("keeps a valid tag and replaces the POSIX C locale", () => {
    expect(validLanguage("de-DE")).toBe("de-DE");
    expect(validLanguage("C")).toBe("en-US");
    expect(validLanguage("")).toBe("en-US");
  });
});
