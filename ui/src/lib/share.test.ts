import { describe, expect, it } from "vitest";
import type { ProtectedExport, SectionCounts } from "../bindings";
import { place, split } from "./errors";
import {
  allSections,
  baseName,
  bringIn,
  buildEncryption,
  buildRequest,
  buildSelection,
  countsSummary,
  dirName,
  exportSummary,
  isEmpty,
  lastMonth,
  leaveOut,
  parseAgenda,
  periodProblem,
  planSummary,
  settleWanted,
  SHARE_FIELDS,
  size,
  thisMonth,
  type Protection,
  type ShareForm,
} from "./share";

describe("periods", () => {
  it("this month runs from the 1st to today", () => {
    expect(thisMonth(new Date(2026, 10, 23, 15, 0))).toEqual({ from: "2026-11-01", to: "2026-11-23" });
    expect(thisMonth(new Date(2026, 0, 1, 0, 5))).toEqual({ from: "2026-01-01", to: "2026-01-01" });
  });
  it("last month is the whole previous month, across a year and in February", () => {
    expect(lastMonth(new Date(2026, 10, 23))).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(lastMonth(new Date(2026, 0, 15))).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(lastMonth(new Date(2024, 2, 31))).toEqual({ from: "2024-02-01", to: "2024-02-29" });
  });
  it("a day not given yet is told in one sentence; the period's order is the core's to judge", () => {
    expect(periodProblem({ from: "2026-11-01", to: "2026-11-30" })).toBeNull();
    expect(periodProblem({ from: "2026-11-01", to: "2026-11-01" })).toBeNull();
    expect(periodProblem({ from: "", to: "2026-11-30" })).toMatch(/first and the last day/);
    expect(periodProblem({ from: "2026-11-01", to: "2026-11" })).toMatch(/first and the last day/);
    // Backwards: sent as it is, the core answers (field "to").
    expect(periodProblem({ from: "2026-12-01", to: "2026-11-30" })).toBeNull();
  });
});

describe("agenda", () => {
  it("takes one question a line, dropping blanks and spaces", () => {
    expect(parseAgenda("  How do I get more review time?\n\n\r\nCan I pair with Sam? \n")).toEqual([
      "How do I get more review time?",
      "Can I pair with Sam?",
    ]);
    expect(parseAgenda("   \n")).toEqual([]);
  });
});

describe("choosing items", () => {
  const none = { picked: [], excluded: [] };

  it("unticking an item leaves it out and unpicks it", () => {
    expect(leaveOut(none, "a")).toEqual({ picked: [], excluded: ["a"] });
    expect(leaveOut({ picked: ["a", "b"], excluded: [] }, "a")).toEqual({ picked: ["b"], excluded: ["a"] });
    expect(leaveOut({ picked: [], excluded: ["a"] }, "a")).toEqual({ picked: [], excluded: ["a"] });
  });

  it("unticking a private item only unpicks it (it stays home unless picked)", () => {
    expect(leaveOut({ picked: ["r", "b"], excluded: [] }, "r", true)).toEqual({ picked: ["b"], excluded: [] });
  });

  it("ticking an item that stays home picks it", () => {
    expect(bringIn(none, "r", true)).toEqual({ picked: ["r"], excluded: [] });
    expect(bringIn({ picked: ["r"], excluded: [] }, "r", true)).toEqual({ picked: ["r"], excluded: [] });
  });

  it("ticking a left-out item puts it back; a private one is picked too", () => {
    expect(bringIn({ picked: [], excluded: ["s"] }, "s", false)).toEqual({ picked: [], excluded: [] });
    expect(bringIn({ picked: [], excluded: ["r"] }, "r", true)).toEqual({ picked: ["r"], excluded: [] });
  });

  it("never leaves an id both picked and excluded", () => {
    let c = { picked: [] as string[], excluded: [] as string[] };
    for (const [op, id] of [["in", "a"], ["out", "a"], ["in", "a"], ["out", "b"], ["in", "b"], ["out", "a"]] as const) {
      c = op === "in" ? bringIn(c, id, id === "a") : leaveOut(c, id, id === "a");
      expect(c.picked.filter((x) => c.excluded.includes(x))).toEqual([]);
    }
    expect(c).toEqual({ picked: [], excluded: [] });
  });

  it("an item put back that still stays home is picked after the preview answers", () => {
    const c = { picked: [], excluded: [] };
    expect(settleWanted(c, "x", ["x", "y"])).toEqual({ picked: ["x"], excluded: [] });
    expect(settleWanted(c, "x", ["y"])).toBe(c);
    expect(settleWanted(c, null, ["x"])).toBe(c);
    const out = { picked: [], excluded: ["x"] };
    expect(settleWanted(out, "x", ["x"])).toBe(out);
  });
});

function form(over: Partial<ShareForm> = {}): ShareForm {
  return {
    from: "2026-11-01",
    to: "2026-11-30",
    sections: allSections(),
    choices: { picked: ["p1"], excluded: ["e1"] },
    recipient: "  Sam  ",
    agenda: "More review time?\n\nPairing?",
    ...over,
  };
}

const prot = (over: Partial<Protection> = {}): Protection => ({
  sign: true,
  encryption: "none",
  passphrase: "",
  passphraseConfirm: "",
  recipient: "",
  ...over,
});

describe("the request", () => {
  it("builds the core's Selection", () => {
    expect(buildSelection(form())).toEqual({
      from: "2026-11-01",
      to: "2026-11-30",
      sections: allSections(),
      picked: ["p1"],
      excluded: ["e1"],
      recipient: "Sam",
      agenda: ["More review time?", "Pairing?"],
    });
    expect(buildSelection(form({ recipient: "  " })).recipient).toBeNull();
  });

  it("asks for the passphrase twice the same, beside the second one; its length is the core's to judge", () => {
    expect(buildEncryption(prot({ encryption: "passphrase", passphrase: "long enough", passphraseConfirm: "long enougH" }))).toEqual({
      ok: false,
      error: "The two passphrases differ; type the same one twice.",
      field: "age_passphrase_confirm",
    });
    expect(buildEncryption(prot({ encryption: "passphrase", passphrase: " long enough", passphraseConfirm: " long enough" }))).toEqual({
      ok: true,
      value: { kind: "passphrase", passphrase: " long enough" },
    });
    // Short: sent as typed, the core refuses it (field "passphrase").
    expect(buildEncryption(prot({ encryption: "passphrase", passphrase: "short", passphraseConfirm: "short" }))).toEqual({
      ok: true,
      value: { kind: "passphrase", passphrase: "short" },
    });
  });

  it("sends the age key as pasted; whether it is one is the core's to judge", () => {
    expect(buildEncryption(prot({ encryption: "age_key", recipient: "ssh-ed25519 AAAA" }))).toEqual({
      ok: true,
      value: { kind: "age_key", recipient: "ssh-ed25519 AAAA" },
    });
    expect(buildEncryption(prot({ encryption: "none", passphrase: "x", recipient: "y" }))).toEqual({ ok: true, value: { kind: "none" } });
  });

  it("builds the ExportRequest with the path as typed, or says what the form lacks", () => {
    const r = buildRequest(form(), "pdf", " /tmp/brief.pdf ", prot(), false);
    expect(r).toMatchObject({ ok: true, value: { format: "pdf", path: " /tmp/brief.pdf ", sign: true, replace: false, encryption: { kind: "none" } } });
    // A blank or relative path and a backwards period go to the core, which says why not.
    expect(buildRequest(form(), "pdf", "  ", prot(), true)).toMatchObject({ ok: true, value: { path: "  ", replace: true } });
    expect(buildRequest(form({ from: "2026-12-02" }), "pdf", "brief.pdf", prot(), false).ok).toBe(true);
    expect(buildRequest(form({ to: "" }), "pdf", "/tmp/x", prot(), false)).toEqual({ ok: false, error: expect.stringMatching(/first and the last day/) });
    const differ = buildRequest(form(), "pdf", "/tmp/x", prot({ encryption: "passphrase", passphrase: "a", passphraseConfirm: "b" }), false);
    expect(differ).toMatchObject({ ok: false, field: "age_passphrase_confirm" });
  });
});

describe("the core's failures, beside their field", () => {
  it("puts a field error beside the Share form's field of that name", () => {
    expect(place({ message: "Too short.", field: "passphrase" }, SHARE_FIELDS)).toEqual({ field: "age_passphrase", message: "Too short." });
    expect(place({ message: "Not a key.", field: "recipient" }, SHARE_FIELDS)).toEqual({ field: "age_recipient", message: "Not a key." });
    expect(place({ message: "Not a full path.", field: "path" }, SHARE_FIELDS).field).toBe("path");
    expect(place({ message: "Backwards.", field: "to" }, SHARE_FIELDS).field).toBe("to");
    expect(place({ message: "Backwards.", field: "from" }, SHARE_FIELDS).field).toBe("from");
  });

  it("keeps at the form a failure without a field, or with one the form does not show", () => {
    expect(place({ message: "brief.json already exists; nothing was written." }, SHARE_FIELDS)).toEqual({
      field: null,
      message: "brief.json already exists; nothing was written.",
    });
    expect(place({ message: "No such signature.", field: "signature" }, SHARE_FIELDS).field).toBeNull();
  });

  it("splits into the form's per-field sentences and its own", () => {
    expect(split({ message: "Too short.", field: "passphrase" }, SHARE_FIELDS)).toEqual({ errors: { age_passphrase: "Too short." }, form: "" });
    expect(split({ message: "Locked." }, SHARE_FIELDS)).toEqual({ errors: {}, form: "Locked." });
  });
});

describe("sentences", () => {
  const zero: SectionCounts = { purposes: 0, challenges: 0, sessions: 0, reflections: 0, checkins: 0, audit_items: 0, agenda: 0 };

  it("summarises counts", () => {
    expect(countsSummary(zero)).toBe("nothing");
    expect(isEmpty(zero)).toBe(true);
    expect(countsSummary({ ...zero, sessions: 1 })).toBe("1 session");
    expect(countsSummary({ ...zero, challenges: 1, sessions: 5, agenda: 2 })).toBe("1 challenge, 5 sessions and 2 agenda questions");
    expect(isEmpty({ ...zero, agenda: 1 })).toBe(false);
  });

  it("sizes and names files", () => {
    expect(size(512)).toBe("512 bytes");
    expect(size(12_345)).toBe("12.3 kB");
    expect(size(2_500_000)).toBe("2.5 MB");
    expect(baseName("/home/a/brief.pdf.age")).toBe("brief.pdf.age");
    expect(baseName("C:\\Users\\a\\b.md")).toBe("b.md");
    expect(dirName("/home/a/brief.pdf")).toBe("/home/a/");
  });

  it("says what was written and what the manager does next", () => {
    const done = {
      path: "/x/brief.pdf.age",
      signature: "/x/brief.pdf.age.minisig",
      encrypted: true,
      key_id: "ABCD1234",
      format: "pdf",
      bytes: 2048,
    } as ProtectedExport;
    const s = exportSummary(done);
    expect(s.written).toBe("Wrote brief.pdf.age (2.0 kB) and its signature brief.pdf.age.minisig.");
    expect(s.protection).toBe("Signed by your key ABCD1234; encrypted with age.");
    expect(s.next).toMatch(/^Hand over both files; your manager checks the signature .*, decrypts .*, then reads it\.$/);
    const byPass = exportSummary(done, "passphrase");
    expect(byPass.protection).toBe("Signed by your key ABCD1234; encrypted with age to your passphrase.");
    expect(byPass.next).toMatch(/decrypts it with the passphrase \(tell it another way than the file\)/);
    expect(exportSummary(done, "age_key").next).toMatch(/decrypts it with their age identity/);
    const plain = exportSummary({ ...done, path: "/x/b.json", signature: null, encrypted: false, key_id: null, format: "json" });
    expect(plain.protection).toBe("Not signed; not encrypted.");
    expect(plain.next).toBe("Hand over the file; your manager imports it under One-on-ones in Asymptote.");
  });
});

describe("the core's plan, in words", () => {
  it("names the files it will write, side by side", () => {
    expect(planSummary({ files: ["/x/b.pdf.age", "/x/b.pdf.age.minisig"], existing: [] }, false)).toEqual({
      writes: "Writes b.pdf.age and b.pdf.age.minisig, side by side.",
      existing: null,
    });
    expect(planSummary({ files: ["/x/b.csv"], existing: [] }, false).writes).toBe("Writes b.csv.");
    expect(planSummary({ files: [], existing: [] }, false).writes).toBe("");
  });

  it("says which are there already, and what Replace does to them", () => {
    const one = { files: ["/x/b.json", "/x/b.json.minisig"], existing: ["/x/b.json"] };
    expect(planSummary(one, false).existing).toBe("b.json is already there; tick Replace to write over it.");
    expect(planSummary(one, true).existing).toBe("b.json is already there and will be replaced.");
    const both = { ...one, existing: one.files };
    expect(planSummary(both, false).existing).toBe("b.json and b.json.minisig are already there; tick Replace to write over them.");
  });
});
