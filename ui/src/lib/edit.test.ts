import { describe, expect, it } from "vitest";
import type { AuditItem, Checkin, Purpose, Reflection, Session } from "../bindings";
import {
  auditForm,
  auditFrom,
  checkinForm,
  editFailure,
  checkinFrom,
  deleteOrGone,
  purposeForm,
  purposeFrom,
  reflectionForm,
  reflectionFrom,
  savedSentence,
  sessionForm,
  sessionFrom,
  withFirstLink,
} from "./edit";
import { parseSession } from "./forms";

const when = { at: "2026-11-20T21:30:00.000Z", offset_secs: -28800, day: "2026-11-20" };
const meta = { id: "id-1", when, created_at: "2026-11-20T21:30:00.000Z", updated_at: "2026-11-20T21:30:00.000Z" };

const session = (): Session => ({
  ...meta,
  challenge_id: "c1",
  private: true,
  duration_min: 30,
  sub_skill: "reading tests",
  difficulty: 3,
  predicted_rate: 0.8,
  attempts: 10,
  successes: 8,
  performance: 24.5,
  effort: 6,
  challenge_rating: 7,
  skill_rating: 5,
  feedback: [{ source: "peer", delay_min: 30, worked: "clear comments", change: null }],
  next_step: "start from the tests",
  notes: null,
});

describe("sessions", () => {
  it("fills the form with every shown field", () => {
    const f = sessionForm(session());
    expect(f).toMatchObject({ challenge_id: "c1", performance: "24.5", attempts: "10", successes: "8", duration_min: "30", notes: "" });
    expect(f.feedback).toEqual([{ source: "peer", worked: "clear comments", change: "", delay_min: "30" }]);
  });

  it("round-trips unchanged, keeping what the form does not show", () => {
    const s = session();
    const parsed = parseSession(sessionForm(s));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(sessionFrom(s, parsed.value)).toEqual(s);
  });

  it("changes only the edited value; feedback, when, privacy, sub-skill and prediction survive", () => {
    const s = session();
    const f = sessionForm(s);
    f.performance = "22,25";
    const parsed = parseSession(f);
    if (!parsed.ok) throw new Error("should parse");
    const out = sessionFrom(s, parsed.value);
    expect(out.performance).toBe(22.25);
    expect(out.feedback).toEqual(s.feedback);
    expect(out.when).toEqual(s.when);
    expect(out).toMatchObject({ id: "id-1", private: true, sub_skill: "reading tests", predicted_rate: 0.8 });
  });

  it("a feedback row emptied in the form goes; a new one is added", () => {
    const s = session();
    const f = sessionForm(s);
    f.feedback[0] = { source: "self", worked: "", change: "", delay_min: "" };
    f.feedback.push({ source: "coach", worked: "", change: "slow down", delay_min: "" });
    const parsed = parseSession(f);
    if (!parsed.ok) throw new Error("should parse");
    expect(sessionFrom(s, parsed.value).feedback).toEqual([{ source: "coach", delay_min: null, worked: null, change: "slow down" }]);
  });
});

describe("purposes", () => {
  const p: Purpose = { ...meta, private: false, title: "Help my team", whom: null, why: "calm", challenge_ids: ["c1"] };

  it("round-trips and trims", () => {
    expect(purposeFrom(p, purposeForm(p))).toEqual(p);
    expect(purposeFrom(p, { ...purposeForm(p), title: "  Ship calmly ", whom: " my team " })).toEqual({ ...p, title: "Ship calmly", whom: "my team" });
  });

  it("sends a blank title on: the core refuses it in its own words", () => {
    expect(purposeFrom(p, { ...purposeForm(p), title: "  " })).toEqual({ ...p, title: "" });
  });
});

describe("reflections", () => {
  const free = (): Reflection => ({
    ...meta,
    private: true,
    text: "Reading the tests first helped.",
    gibbs: { description: null, feelings: null, evaluation: null, analysis: null, conclusion: null, action_plan: null },
    tags: ["review", "calm"],
    session_ids: ["s1"],
    challenge_ids: ["c1", "c2"],
    purpose_ids: [],
  });

  it("round-trips a free reflection with its links and tags", () => {
    const r = free();
    const f = reflectionForm(r);
    expect(f).toMatchObject({ mode: "free", tags: "review, calm", challengeId: "c1", purposeId: "", isPrivate: true });
    expect(reflectionFrom(r, f)).toEqual(r);
  });

  it("edits the text and the privacy; links, sessions and when survive", () => {
    const r = free();
    const out = reflectionFrom(r, { ...reflectionForm(r), text: "Now calmer.", isPrivate: false });
    expect(out).toEqual({ ...r, text: "Now calmer.", private: false });
  });

  it("a guided reflection opens guided and keeps any free text", () => {
    const r = { ...free(), text: null, gibbs: { ...free().gibbs, description: "A review", action_plan: "Tests first" } };
    const f = reflectionForm(r);
    expect(f.mode).toBe("guided");
    expect(f.gibbs).toEqual({ description: "A review", action_plan: "Tests first" });
    const out = reflectionFrom(r, { ...f, gibbs: { ...f.gibbs, feelings: "nervous" } });
    expect(out.gibbs).toEqual({ ...r.gibbs, feelings: "nervous" });
  });

  it("confirms with the tags the core kept, not the typed ones", () => {
    // Typed "#Review, review, Calm"; the core keeps them lowercased, once each, sorted.
    expect(savedSentence({ ...free(), tags: ["calm", "review"] })).toBe("Reflection saved, tagged #calm #review.");
    expect(savedSentence({ ...free(), tags: [] })).toBe("Reflection saved.");
  });

  it("sends an emptied reflection on: the core refuses it in its own words", () => {
    expect(reflectionFrom(free(), { ...reflectionForm(free()), text: " " })).toEqual({ ...free(), text: null });
  });
});

describe("withFirstLink", () => {
  it.each([
    [["a", "b"], "a", ["a", "b"]],
    [["a", "b"], "c", ["c", "b"]],
    [["a", "b"], "", ["b"]],
    [["a", "b"], "b", ["b"]],
    [[], "", []],
    [[], "a", ["a"]],
  ])("%j with %j → %j", (ids, chosen, want) => expect(withFirstLink(ids, chosen)).toEqual(want));
});

describe("check-ins and audit items", () => {
  const c: Checkin = { ...meta, private: false, ratings: { task: 3, time: 4, technique: 5, team: 2 }, note: "busy week" };
  const a: AuditItem = { ...meta, private: false, kind: "reward", description: "Bonus", contingency: "if 40 points then bonus", task_type: "heuristic", note: null };

  it("a check-in round-trips and takes a new rating", () => {
    expect(checkinFrom(c, checkinForm(c))).toEqual(c);
    expect(checkinFrom(c, { ...checkinForm(c), team: "6" })).toEqual({ ...c, ratings: { ...c.ratings, team: 6 } });
    // Out of 1–7: sent as typed, the core refuses it; only a non-number is the form's to say.
    expect(checkinFrom(c, { ...checkinForm(c), team: "9" })).toEqual({ ...c, ratings: { ...c.ratings, team: 9 } });
    expect(checkinFrom(c, { ...checkinForm(c), team: "six" })).toMatch(/Team must be a number/);
  });

  it("an audit item round-trips; a blank description is sent on for the core to refuse", () => {
    expect(auditFrom(a, auditForm(a))).toEqual(a);
    expect(auditFrom(a, { ...auditForm(a), task_type: "" })).toEqual({ ...a, task_type: null });
    expect(auditFrom(a, { ...auditForm(a), description: " " })).toEqual({ ...a, description: "" });
  });
});

describe("editFailure", () => {
  it("words a vanished item for the window, and passes other sentences through", () => {
    expect(editFailure("not_found", "No session matches `x`. Check the id with `asym session list`.", "session")).toBe(
      "This session is no longer in the journal (deleted elsewhere); press Cancel to go back.",
    );
    expect(editFailure("invalid", "Effort must be from 1 to 10.", "session")).toBe("Effort must be from 1 to 10.");
  });
});

describe("deleteOrGone", () => {
  it("counts an item already gone as deleted, and rethrows anything else", async () => {
    await expect(deleteOrGone(() => Promise.reject({ kind: "not_found", message: "No session matches." }))).resolves.toBeUndefined();
    await expect(deleteOrGone(() => Promise.reject({ kind: "invalid", message: "Still linked." }))).rejects.toMatchObject({ kind: "invalid" });
    await expect(deleteOrGone(() => Promise.resolve(null))).resolves.toBeUndefined();
  });
});
