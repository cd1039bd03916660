import { describe, expect, it } from "vitest";
import { place } from "./errors";
import { emptyFeedback, emptySession, FEEDBACK_SOURCES, optNumber, parseSession, rating, SESSION_FIELDS, tagsFrom, wholeNumber } from "./forms";

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

  it("leaves the core's rules to the core: more successes than attempts, successes alone, ratings out of range, a negative duration", () => {
    // Each of these reaches the core as typed, and the core refuses it in its own words.
    const r = parseSession({ ...base(), successes: "11", effort: "11", duration_min: "-5" });
    expect(r).toMatchObject({ ok: true, value: { data: { successes: 11, attempts: 10, effort: 11, duration_min: -5 } } });
    expect(parseSession({ ...base(), attempts: "" })).toMatchObject({ ok: true, value: { data: { attempts: null, successes: 8 } } });
    const fb = { ...base(), feedback: [{ ...emptyFeedback(), worked: "quick", delay_min: "-1" }] };
    expect(parseSession(fb)).toMatchObject({ ok: true, value: { data: { feedback: [{ delay_min: -1 }] } } });
  });

  it("says which typed text is not a number, or not a whole one, naming the field", () => {
    const r = parseSession({ ...base(), effort: "7.5", performance: "fast", attempts: "2.5", successes: "" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["attempts", "effort", "performance"]);
    expect(r.errors.performance).toBe("Performance must be a number.");
    expect(r.errors.attempts).toBe("Attempts must be a whole number, 0 or more.");
    const fb = parseSession({ ...base(), feedback: [{ ...emptyFeedback(), delay_min: "soon" }] });
    expect(!fb.ok && fb.errors["feedback.0.delay_min"]).toMatch(/number of minutes/);
  });

  it("sends no challenge when none is chosen: the core says a session needs one", () => {
    expect(parseSession({ ...base(), challenge_id: "" })).toMatchObject({ ok: true, value: { challenge_id: null } });
  });

  it("reads an unknown feedback source (an old draft) as self", () => {
    const f = { ...base(), feedback: [{ ...emptyFeedback(), source: "oracle", worked: "x" }] };
    expect(parseSession(f)).toMatchObject({ ok: true, value: { data: { feedback: [{ source: "self" }] } } });
    expect(FEEDBACK_SOURCES).toEqual(["self", "coach", "peer", "recording", "metric"]);
  });

  it("puts the core's field errors beside the Practice form's fields", () => {
    expect(place({ message: "Successes need attempts too.", field: "attempts" }, SESSION_FIELDS).field).toBe("attempts");
    expect(place({ message: "Too many.", field: "successes" }, SESSION_FIELDS).field).toBe("successes");
    expect(place({ message: "Choose one.", field: "challenge" }, SESSION_FIELDS).field).toBe("challenge_id");
    expect(place({ message: "The effort must be between 1 and 10; 11 is outside." }, SESSION_FIELDS).field).toBeNull();
  });
});

describe("wholeNumber", () => {
  it.each([
    ["", null],
    [" 7 ", 7],
    ["0", 0],
    ["255", 255],
  ])("%j → %j", (text, want) => expect(wholeNumber(text, "Effort", 255)).toBe(want));
  it("says what is not a whole number the core's type can hold", () => {
    expect(wholeNumber("x", "Effort", 255)).toEqual({ error: "Effort must be a number." });
    expect(wholeNumber("2.5", "Effort", 255)).toEqual({ error: "Effort must be a whole number, 0 or more." });
    expect(wholeNumber("-1", "Effort", 255)).toEqual({ error: "Effort must be a whole number, 0 or more." });
    expect(wholeNumber("256", "Effort", 255)).toEqual({ error: "Effort is too large a number." });
  });
});

describe("tags and ratings", () => {
  it("splits tags on commas and lines as typed; case, # and duplicates are the core's", () => {
    expect(tagsFrom("#Review, feedback\nreview,  ")).toEqual(["#Review", "feedback", "review"]);
    expect(tagsFrom("  ")).toEqual([]);
  });
  it("reads a rating as a whole number, or says the text is not one; its range is the core's", () => {
    expect(rating("5", "Task")).toBe(5);
    expect(rating("8", "Task")).toBe(8);
    expect(rating("", "Team")).toBe("Team: give a number.");
    expect(rating("4.5", "Team")).toMatch(/Team must be a whole number/);
  });
});
