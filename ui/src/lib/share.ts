// The Share screen's logic, kept pure so it is tested without a window: periods, picking
// and leaving out items, the agenda, the request sent to the shell, and the sentences a
// person reads about what will leave and what was written.
//
// The rules of an export are the core's, applied when it plans or writes one (usecase/
// export.rs): which files it writes (`.age`, `.minisig`), the typed-path rule, the
// passphrase minimum, the age key's form, the period's order, the extension that follows
// the format, never replacing a file unless asked. Nothing here restates them; the screen
// asks the core (plan_export, export_path_for_format) and shows its sentences beside the
// field they name. What stays here is the form's own business: both days given, the
// passphrase typed the same twice.
import type {
  Encryption,
  ExportPlan,
  ExportRequest,
  Field,
  Format,
  Id,
  Kind,
  ProtectedExport,
  Sections,
  SectionCounts,
  Selection,
} from "../bindings";

/** A local calendar day as the core spells it: "2026-03-04". */
export function isoDay(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

export interface Period {
  from: string;
  to: string;
}

/** From the 1st of this month to today (local days). */
export function thisMonth(today: Date = new Date()): Period {
  return { from: isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), to: isoDay(today) };
}

/** The whole of last month (local days). */
export function lastMonth(today: Date = new Date()): Period {
  const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  const last = new Date(today.getFullYear(), today.getMonth(), 0);
  return { from: isoDay(first), to: isoDay(last) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One sentence when a day of the period is not given yet (the date fields are blank or
 * half typed), else null. Whether the period can be used (its order) is the core's to say.
 */
export function periodProblem(p: Period): string | null {
  if (!DAY.test(p.from) || !DAY.test(p.to)) return "Give both the first and the last day of the period.";
  return null;
}

export const SECTION_LABELS: [keyof Sections, string][] = [
  ["challenges_and_progress", "Challenges and progress"],
  ["practice_and_feedback", "Practice and feedback"],
  ["reflections", "Reflections"],
  ["purposes", "Purposes"],
  ["autonomy", "Autonomy check-ins"],
];

export function allSections(): Sections {
  return {
    challenges_and_progress: true,
    practice_and_feedback: true,
    reflections: true,
    purposes: true,
    autonomy: true,
  };
}

export const FORMATS: [Format, string][] = [
  ["pdf", "PDF brief"],
  ["markdown", "Markdown"],
  ["html", "HTML page"],
  ["csv", "CSV of sessions"],
  ["json", "JSON bundle"],
];

export function formatLabel(f: Format): string {
  return FORMATS.find(([k]) => k === f)?.[1] ?? f;
}

export const KIND_LABELS: Record<Kind, string> = {
  purpose: "Purpose",
  challenge: "Challenge",
  session: "Session",
  reflection: "Reflection",
  checkin: "Check-in",
  audit_item: "Audit item",
};

/** The agenda textarea: one question a line, blank lines and surrounding spaces dropped. */
export function parseAgenda(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The items chosen one by one: picked in, and left out. An id is never in both. */
export interface Choices {
  picked: Id[];
  excluded: Id[];
}

/**
 * Unticking an item that will leave: it is no longer picked, and it is left out (so it
 * stays home even when its section and period would take it). A private item leaves only
 * when picked, so unpicking it is enough.
 */
export function leaveOut(c: Choices, id: Id, isPrivate = false): Choices {
  const picked = c.picked.filter((x) => x !== id);
  if (isPrivate) return { picked, excluded: c.excluded };
  return { picked, excluded: c.excluded.includes(id) ? c.excluded : [...c.excluded, id] };
}

/**
 * Ticking an item that stays home: if it was left out, it is put back (and, being private,
 * picked, since a private item leaves only when picked); otherwise it is picked.
 */
export function bringIn(c: Choices, id: Id, isPrivate: boolean): Choices {
  if (c.excluded.includes(id)) {
    const excluded = c.excluded.filter((x) => x !== id);
    const picked = isPrivate && !c.picked.includes(id) ? [...c.picked, id] : c.picked;
    return { picked, excluded };
  }
  return { picked: c.picked.includes(id) ? c.picked : [...c.picked, id], excluded: c.excluded };
}

/**
 * After the preview answered: an item the person ticked that still stays home (it was put
 * back, but its section or privacy keeps it out) is picked, so one tick is enough.
 */
export function settleWanted(c: Choices, wanted: Id | null, candidateIds: Id[]): Choices {
  if (!wanted || !candidateIds.includes(wanted)) return c;
  if (c.picked.includes(wanted) || c.excluded.includes(wanted)) return c;
  return { ...c, picked: [...c.picked, wanted] };
}

export interface ShareForm {
  from: string;
  to: string;
  sections: Sections;
  choices: Choices;
  recipient: string;
  agenda: string;
}

export function buildSelection(f: ShareForm): Selection {
  const recipient = f.recipient.trim();
  return {
    from: f.from,
    to: f.to,
    sections: { ...f.sections },
    picked: [...f.choices.picked],
    excluded: [...f.choices.excluded],
    recipient: recipient ? recipient : null,
    agenda: parseAgenda(f.agenda),
  };
}

export type EncryptionChoice = "none" | "passphrase" | "age_key";

export interface Protection {
  sign: boolean;
  encryption: EncryptionChoice;
  passphrase: string;
  passphraseConfirm: string;
  recipient: string;
}

/** The Share form's fields that a failure can sit beside (their `name`s on screen). */
export type ShareField = "from" | "to" | "age_passphrase" | "age_passphrase_confirm" | "age_recipient" | "path";

/** The core's fields as the Share form names them. */
export const SHARE_FIELDS: Partial<Record<Field, ShareField>> = {
  from: "from",
  to: "to",
  passphrase: "age_passphrase",
  recipient: "age_recipient",
  path: "path",
};

/** What the form cannot send yet: one sentence, beside a field when it is about one. */
export interface FormProblem {
  error: string;
  field?: ShareField;
}

/**
 * The encryption asked for, as the core takes it; or, when the passphrase was typed
 * differently the second time, the sentence to show beside the second one. Whether the
 * passphrase or the key will do is the core's to say.
 */
export function buildEncryption(p: Protection): { ok: true; value: Encryption } | ({ ok: false } & FormProblem) {
  switch (p.encryption) {
    case "none":
      return { ok: true, value: { kind: "none" } };
    case "passphrase":
      if (p.passphrase !== p.passphraseConfirm)
        return { ok: false, error: "The two passphrases differ; type the same one twice.", field: "age_passphrase_confirm" };
      return { ok: true, value: { kind: "passphrase", passphrase: p.passphrase } };
    case "age_key":
      return { ok: true, value: { kind: "age_key", recipient: p.recipient } };
  }
}

/** The request for the core, or what the form cannot send yet. */
export function buildRequest(
  f: ShareForm,
  format: Format,
  path: string,
  p: Protection,
  replace: boolean,
): { ok: true; value: ExportRequest } | ({ ok: false } & FormProblem) {
  const period = periodProblem(f);
  if (period) return { ok: false, error: period };
  const enc = buildEncryption(p);
  if (!enc.ok) return enc;
  return {
    ok: true,
    value: { selection: buildSelection(f), format, path, sign: p.sign, encryption: enc.value, replace },
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 challenge, 5 sessions and 2 agenda questions"; "nothing" when empty. */
export function countsSummary(c: SectionCounts): string {
  const parts: string[] = [];
  if (c.purposes) parts.push(plural(c.purposes, "purpose", "purposes"));
  if (c.challenges) parts.push(plural(c.challenges, "challenge", "challenges"));
  if (c.sessions) parts.push(plural(c.sessions, "session", "sessions"));
  if (c.reflections) parts.push(plural(c.reflections, "reflection", "reflections"));
  if (c.checkins) parts.push(plural(c.checkins, "check-in", "check-ins"));
  if (c.audit_items) parts.push(plural(c.audit_items, "audit item", "audit items"));
  if (c.agenda) parts.push(plural(c.agenda, "agenda question", "agenda questions"));
  if (parts.length === 0) return "nothing";
  const last = parts.pop() ?? "";
  return parts.length === 0 ? last : `${parts.join(", ")} and ${last}`;
}

export function isEmpty(c: SectionCounts): boolean {
  return c.purposes + c.challenges + c.sessions + c.reflections + c.checkins + c.audit_items + c.agenda === 0;
}

/** 1234 → "1.2 kB". */
export function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The last part of a path ("/a/b/brief.pdf" → "brief.pdf"; also Windows paths). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** The folder of a path, with its trailing separator ("/a/b/brief.pdf" → "/a/b/"). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 ? path.slice(0, i + 1) : "";
}

/**
 * The core's plan in words: the files it will write (by name), and those already there,
 * which a write replaces only when Replace is ticked.
 */
export function planSummary(plan: ExportPlan, replace: boolean): { writes: string; existing: string | null } {
  const names = plan.files.map(baseName);
  const writes = names.length === 0 ? "" : `Writes ${names.join(" and ")}${names.length > 1 ? ", side by side" : ""}.`;
  const there = plan.existing.map(baseName);
  if (there.length === 0) return { writes, existing: null };
  const list = there.join(" and ");
  const verb = there.length === 1 ? "is" : "are";
  const existing = replace
    ? `${list} ${verb} already there and will be replaced.`
    : `${list} ${verb} already there; tick Replace to write over ${there.length === 1 ? "it" : "them"}.`;
  return { writes, existing };
}

/** What was written, in sentences, and what the manager does next. */
export function exportSummary(
  done: ProtectedExport,
  how: EncryptionChoice = "none",
): { written: string; protection: string; next: string } {
  const file = baseName(done.path);
  const written = done.signature
    ? `Wrote ${file} (${size(done.bytes)}) and its signature ${baseName(done.signature)}.`
    : `Wrote ${file} (${size(done.bytes)}).`;
  const signed = done.key_id ? `Signed by your key ${done.key_id}` : "Not signed";
  const encrypted =
    how === "passphrase" ? "encrypted with age to your passphrase" : how === "age_key" ? "encrypted with age to your manager's key" : "encrypted with age";
  const protection = `${signed}; ${done.encrypted ? encrypted : "not encrypted"}.`;
  const steps: string[] = [];
  if (done.signature) steps.push("checks the signature against your public key (below)");
  if (done.encrypted)
    steps.push(
      how === "passphrase"
        ? "decrypts it with the passphrase (tell it another way than the file)"
        : how === "age_key"
          ? "decrypts it with their age identity"
          : "decrypts it with age",
    );
  steps.push(done.format === "json" ? "imports it under One-on-ones in Asymptote" : "reads it");
  const what = done.signature ? "both files" : "the file";
  const last = steps.pop() ?? "";
  const todo = steps.length === 0 ? last : `${steps.join(", ")}, then ${last}`;
  return { written, protection, next: `Hand over ${what}; your manager ${todo}.` };
}
