import { describe, expect, it } from "vitest";
import type { AgendaItem, Reflection, TimelineItem } from "../bindings";
import {
  announcedKeyId,
  carriedLabel,
  countsLabel,
  daysBetween,
  defaultSignaturePath,
  dueLabel,
  dueState,
  feedbackLine,
  fieldForImportError,
  fingerprint,
  gibbsParts,
  kindLabel,
  lastHeldLabel,
  localIso,
  newestFirst,
  overdueCount,
  periodLabel,
  sortActions,
  timelineEntry,
} from "./manager";

function action(id: string, due: string | null, created = "2026-03-01T10:00:00.000Z"): AgendaItem {
  return { id, kind: "action", text: id, owner: "Alex", due, created_at: created, closed_at: null, carried: 0 };
}

describe("dates", () => {
  it("formats a local day and counts days between", () => {
    expect(localIso(new Date(2026, 2, 4, 23, 30))).toBe("2026-03-04");
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
    expect(daysBetween("2026-03-02", "2026-02-27")).toBe(-3);
  });
  it("labels a period, eliding the year when both ends share it", () => {
    expect(periodLabel("2026-03-01", "2026-03-31")).toBe("1 Mar – 31 Mar 2026");
    expect(periodLabel("2025-12-15", "2026-01-14")).toBe("15 Dec 2025 – 14 Jan 2026");
    expect(periodLabel(null, null)).toBe("no period given");
  });
});

describe("due dates", () => {
  const today = "2026-03-10";
  it("tells overdue, today, soon and later apart", () => {
    expect(dueState("2026-03-09", today)).toBe("overdue");
    expect(dueState("2026-03-10", today)).toBe("today");
    expect(dueState("2026-03-15", today)).toBe("soon");
    expect(dueState("2026-04-15", today)).toBe("later");
    expect(dueState(null, today)).toBe("none");
  });
  it("says how late or how soon in words", () => {
    expect(dueLabel("2026-03-07", today)).toBe("due Sat 7 Mar 2026 — overdue by 3 days");
    expect(dueLabel("2026-03-09", today)).toMatch(/overdue by 1 day$/);
    expect(dueLabel("2026-03-10", today)).toBe("due today, Tue 10 Mar 2026");
    expect(dueLabel("2026-03-11", today)).toBe("due tomorrow, Wed 11 Mar 2026");
    expect(dueLabel("2026-03-17", today)).toBe("due Tue 17 Mar 2026, in 7 days");
  });
  it("orders actions soonest due first, undated last, and counts the overdue", () => {
    const items = [action("c", null), action("b", "2026-03-20"), action("a", "2026-03-01"), action("a2", "2026-03-01", "2026-02-01T00:00:00.000Z")];
    expect(sortActions(items).map((i) => i.id)).toEqual(["a2", "a", "b", "c"]);
    expect(overdueCount(items, today)).toBe(2);
  });
});

describe("agenda words", () => {
  it("says how often a point was carried forward, nothing when new", () => {
    expect(carriedLabel(0)).toBe("");
    expect(carriedLabel(1)).toBe("carried forward 1×");
    expect(carriedLabel(3)).toBe("carried forward 3×");
  });
  it("names the last one-on-one held", () => {
    expect(lastHeldLabel(null, "2026-03-10")).toMatch(/No one-on-one/);
    expect(lastHeldLabel("2026-03-10", "2026-03-10")).toBe("Last one-on-one held on Tue 10 Mar 2026 (today).");
    expect(lastHeldLabel("2026-03-03", "2026-03-10")).toMatch(/\(7 days ago\)\.$/);
  });
});

describe("timeline", () => {
  it("shows the newest day first", () => {
    const days = [
      { day: "2026-03-01", items: [] },
      { day: "2026-03-05", items: [] },
      { day: "2026-03-03", items: [] },
    ];
    expect(newestFirst(days).map((d) => d.day)).toEqual(["2026-03-05", "2026-03-03", "2026-03-01"]);
    expect(days[0]?.day).toBe("2026-03-01");
  });
  it("labels kinds in the window's words", () => {
    expect(kindLabel("session")).toBe("Practice");
    expect(kindLabel("checkin")).toBe("Autonomy");
    expect(kindLabel("audit_item")).toBe("Motivation audit");
  });
  const item = (over: Partial<TimelineItem>): TimelineItem => ({
    id: "0190f7a8-0000-7000-8000-000000000001",
    kind: "reflection",
    at: "2026-03-03T16:00:00.000Z",
    offset_secs: 7200,
    title: null,
    detail: null,
    practice: null,
    ratings: null,
    bundle_id: "0190f7a8-0000-7000-8000-0000000000b1",
    ...over,
  });
  it("words a session from its fields: skill, figures, next step", () => {
    const e = timelineEntry(
      item({
        kind: "session",
        title: "Code review",
        detail: "Read the tests first",
        practice: { duration_min: 30, performance: 37.25, successes: 3, attempts: 4, feedback: 1 },
      }),
    );
    expect(e).toEqual({
      title: "Code review",
      facts: ["30 min", "performance 37.25", "3/4 succeeded", "1 piece of feedback"],
      detail: { label: "next", text: "Read the tests first" },
    });
  });
  it("shows only the figures a session has, and names a challenge it does not know", () => {
    const e = timelineEntry(item({ kind: "session", practice: { duration_min: null, performance: null, successes: 2, attempts: null, feedback: 0 } }));
    expect(e).toEqual({ title: "A challenge", facts: [], detail: null });
  });
  it("words a check-in from its ratings, and keeps the person's words as they are", () => {
    const c = timelineEntry(item({ kind: "checkin", detail: "A calmer week", ratings: { task: 5, time: 4, technique: 3, team: 2 } }));
    expect(c).toEqual({ title: "", facts: ["task 5", "time 4", "technique 3", "team 2"], detail: { label: "note", text: "A calmer week" } });
    // Words that look like the core's old prefixes are the person's own and are left alone.
    expect(timelineEntry(item({ title: "Reflection: reviews got calmer" })).title).toBe("Reflection: reviews got calmer");
    expect(timelineEntry(item({ kind: "purpose", title: "Ship safely", detail: "the on-call team" })).detail).toEqual({ label: "for", text: "the on-call team" });
  });
});

describe("import and keys", () => {
  it("focuses the field the shell asks for", () => {
    expect(fieldForImportError("needs_passphrase")).toBe("import_passphrase");
    expect(fieldForImportError("needs_identity")).toBe("identity_path");
    expect(fieldForImportError("invalid")).toBeNull();
  });
  it("names the signature looked for by default", () => {
    expect(defaultSignaturePath(" /tmp/b.json.age ")).toBe("/tmp/b.json.age.minisig");
    expect(defaultSignaturePath("")).toMatch(/beside the file/);
  });
  it("reads the key id a pasted key announces, and groups it to read aloud", () => {
    const pub = "untrusted comment: minisign public key 2FC2C4A19059D878\nRWR42FmQocTCL8hPqDMy9VSzmI1WGPS6+jhdN84JD53Ed55A/wVnfpsN\n";
    expect(announcedKeyId(pub)).toBe("2FC2C4A19059D878");
    expect(announcedKeyId("RWR42FmQ")).toBeNull();
    expect(fingerprint("2FC2C4A19059D878")).toBe("2FC2 C4A1 9059 D878");
  });
});

describe("bundle content", () => {
  it("writes feedback in one line", () => {
    expect(feedbackLine({ source: "peer", delay_min: 30, worked: "clear comments", change: "read the tests first" })).toBe(
      "Peer, after 30 min: worked: clear comments; change: read the tests first",
    );
    expect(feedbackLine({ source: "self", delay_min: null, worked: null, change: null })).toBe("Self");
  });
  it("lists the filled Gibbs prompts in order", () => {
    const r = {
      text: null,
      gibbs: { description: "D", feelings: null, evaluation: null, analysis: null, conclusion: "C", action_plan: "A" },
    } as unknown as Reflection;
    expect(gibbsParts(r).map((p) => p.text)).toEqual(["D", "C", "A"]);
  });
  it("counts only what is there", () => {
    expect(countsLabel({ purposes: 0, challenges: 1, sessions: 10, reflections: 1, checkins: 0, audit: 0 })).toBe(
      "1 challenge, 10 practice sessions, 1 reflection",
    );
    expect(countsLabel({ purposes: 0, challenges: 0, sessions: 0, reflections: 0, checkins: 0, audit: 0 })).toBe("nothing");
  });

});
