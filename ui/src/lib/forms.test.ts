import { describe, expect, it } from "vitest";
import { emptyFeedback, emptySession, optNumber, parseSession, rating, tagsFrom } from "./forms";

describe("optNumber", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["3", 3],
    ["3,5", 3.5],
    ["-2.25", -2.25],
    ["abc", "invalid"],
    ["Infinity", "invalid"],
  ])("%j → %j", (text, want) => expect(optNumber(text)).toBe(want));
});

describe("parseSession", () => {
  const base = () => ({ ...emptySession("c1"), performance: "24", attempts: "10", successes: "8", duration_min: "30" });

  it("builds the core's SessionData from the form", () => {
    const f = base();
    f.feedback = [{ ...emptyFeedback(), source: "peer", worked: "clear comments", change: "read tests first", delay_min: "30" }];
    const r = parseSession(f);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.challenge_id).toBe("c1");
    expect(r.value.data).toMatchObject({ performance: 24, attempts: 10, successes: 8, duration_min: 30, next_step: null });
    expect(r.value.data.feedback).toEqual([{ source: "peer", worked: "clear comments", change: "read tests first", delay_min: 30 }]);
  });

  it("skips empty feedback rows", () => {
    const f = base();
    f.feedback = [emptyFeedback()];
    const r = parseSession(f);
    expect(r.ok && r.value.data.feedback).toEqual([]);
  });

  it("refuses more successes than attempts, and successes without attempts", () => {
    const r1 = parseSession({ ...base(), successes: "11" });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.errors.successes).toMatch(/not possible/);
    const r2 = parseSession({ ...base(), attempts: "" });
    expect(!r2.ok && r2.errors.attempts).toBeTruthy();
  });

  it("refuses ratings out of range and non-numbers, naming the field", () => {
    const r = parseSession({ ...base(), effort: "11", performance: "fast", attempts: "2.5", successes: "" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["attempts", "effort", "performance"]);
  });

  it("needs a challenge", () => {
    const r = parseSession({ ...base(), challenge_id: "" });
    expect(!r.ok && r.errors.challenge_id).toBeTruthy();
  });
});

describe("tags and ratings", () => {
  it("splits tags on commas and lines, drops # and duplicates", () => {
    expect(tagsFrom("#review, feedback\nreview,  ")).toEqual(["review", "feedback"]);
  });
  it("reads a 1–7 rating or says what is wrong", () => {
    expect(rating("5", "Task")).toBe(5);
    expect(rating("8", "Task")).toMatch(/1 to 7/);
    expect(rating("", "Team")).toMatch(/Team/);
  });
});
