// Editing stored items in the window: an item becomes the add form's values, and the form's
// values go back into the item. Only what the form shows is replaced; everything else the
// item holds (its `when`, privacy, sub-skill, predicted rate, links beyond the first, the
// other kind of reflection text) is carried over untouched, because the update replaces the
// whole item and must never wipe what the person did not see.
import type { AuditItem, AuditKind, Checkin, Gibbs, Purpose, Reflection, Session, TaskType } from "../bindings";
import { optText, rating, tagsFrom, type FeedbackForm, type SessionForm, type SessionValue } from "./forms";

/** A number as a form field shows it: null → "". */
export function numText(v: number | null | undefined): string {
  return v === null || v === undefined ? "" : String(v);
}

/**
 * The first link as a single select shows it, and the links after the select changed:
 * the first link is replaced (or, with "", removed); the others stay.
 */
export function firstLink(ids: readonly string[]): string {
  return ids[0] ?? "";
}
export function withFirstLink(ids: readonly string[], chosen: string): string[] {
  if (chosen === firstLink(ids)) return [...ids];
  const rest = ids.slice(1).filter((id) => id !== chosen);
  return chosen ? [chosen, ...rest] : rest;
}

// ------------------------------------------------------------------ purposes

export interface PurposeForm {
  title: string;
  whom: string;
  why: string;
}

export function emptyPurpose(): PurposeForm {
  return { title: "", whom: "", why: "" };
}

export function purposeForm(p: Purpose): PurposeForm {
  return { title: p.title, whom: p.whom ?? "", why: p.why ?? "" };
}

/** The purpose with the form's values (a blank title is the core's to refuse). */
export function purposeFrom(p: Purpose, f: PurposeForm): Purpose {
  return { ...p, title: f.title.trim(), whom: optText(f.whom), why: optText(f.why) };
}

// ------------------------------------------------------------------ sessions

export function sessionForm(s: Session): SessionForm {
  return {
    challenge_id: s.challenge_id,
    duration_min: numText(s.duration_min),
    difficulty: numText(s.difficulty),
    attempts: numText(s.attempts),
    successes: numText(s.successes),
    performance: numText(s.performance),
    effort: numText(s.effort),
    challenge_rating: numText(s.challenge_rating),
    skill_rating: numText(s.skill_rating),
    next_step: s.next_step ?? "",
    notes: s.notes ?? "",
    feedback: s.feedback.map(
      (fb): FeedbackForm => ({
        source: fb.source,
        worked: fb.worked ?? "",
        change: fb.change ?? "",
        delay_min: numText(fb.delay_min),
      }),
    ),
  };
}

/**
 * The session with the parsed form's values. The form shows neither the sub-skill nor the
 * predicted rate (parseSession leaves them null), so the stored ones are kept; so is the
 * challenge when the form names none (its select always holds the session's own).
 */
export function sessionFrom(s: Session, v: SessionValue): Session {
  const d = v.data;
  return {
    ...s,
    challenge_id: v.challenge_id ?? s.challenge_id,
    duration_min: d.duration_min,
    difficulty: d.difficulty,
    attempts: d.attempts,
    successes: d.successes,
    performance: d.performance,
    effort: d.effort,
    challenge_rating: d.challenge_rating,
    skill_rating: d.skill_rating,
    feedback: d.feedback.map((fb) => ({ ...fb })),
    next_step: d.next_step,
    notes: d.notes,
    sub_skill: d.sub_skill ?? s.sub_skill,
    predicted_rate: d.predicted_rate ?? s.predicted_rate,
  };
}

// ------------------------------------------------------------------ reflections

export const GIBBS_FIELDS = ["description", "feelings", "evaluation", "analysis", "conclusion", "action_plan"] as const;

export interface ReflectionForm {
  mode: "free" | "guided";
  text: string;
  gibbs: Record<string, string>;
  tags: string;
  challengeId: string;
  purposeId: string;
  isPrivate: boolean;
}

export function emptyGibbs(): Gibbs {
  return { description: null, feelings: null, evaluation: null, analysis: null, conclusion: null, action_plan: null };
}

export function reflectionForm(r: Reflection): ReflectionForm {
  const gibbs: Record<string, string> = {};
  for (const k of GIBBS_FIELDS) if (r.gibbs[k]) gibbs[k] = r.gibbs[k]!;
  // Guided when the reflection is only Gibbs's answers; free text otherwise.
  const mode = !r.text && Object.keys(gibbs).length > 0 ? "guided" : "free";
  return {
    mode,
    text: r.text ?? "",
    gibbs,
    tags: r.tags.join(", "),
    challengeId: firstLink(r.challenge_ids),
    purposeId: firstLink(r.purpose_ids),
    isPrivate: r.private,
  };
}

/**
 * The reflection with the form's values. The mode shown is the part replaced: free text
 * replaces the text and keeps any Gibbs answers; guided replaces the answers and keeps any
 * free text. Linked sessions are kept. (A reflection left empty is the core's to refuse.)
 */
export function reflectionFrom(r: Reflection, f: ReflectionForm): Reflection {
  let text = r.text;
  let gibbs: Gibbs = { ...r.gibbs };
  if (f.mode === "free") text = optText(f.text);
  else {
    gibbs = emptyGibbs();
    for (const k of GIBBS_FIELDS) gibbs[k] = optText(f.gibbs[k] ?? "");
  }
  return {
    ...r,
    text,
    gibbs,
    tags: tagsFrom(f.tags),
    challenge_ids: withFirstLink(r.challenge_ids, f.challengeId),
    purpose_ids: withFirstLink(r.purpose_ids, f.purposeId),
    private: f.isPrivate,
  };
}

/** The confirmation after saving, from the reflection the core returned: its tags as kept. */
export function savedSentence(saved: Reflection): string {
  if (saved.tags.length === 0) return "Reflection saved.";
  return `Reflection saved, tagged ${saved.tags.map((t) => `#${t}`).join(" ")}.`;
}

// ------------------------------------------------------------------ check-ins

export interface CheckinForm {
  task: string;
  time: string;
  technique: string;
  team: string;
  note: string;
}

export function emptyCheckin(): CheckinForm {
  return { task: "", time: "", technique: "", team: "", note: "" };
}

export function checkinForm(c: Checkin): CheckinForm {
  const r = c.ratings;
  return { task: String(r.task), time: String(r.time), technique: String(r.technique), team: String(r.team), note: c.note ?? "" };
}

/** The four ratings and the note, or the first sentence to show. */
export function parseCheckin(f: CheckinForm): { ratings: Checkin["ratings"]; note: string | null } | string {
  const vals = [rating(f.task, "Task"), rating(f.time, "Time"), rating(f.technique, "Technique"), rating(f.team, "Team")];
  const bad = vals.find((v) => typeof v === "string");
  if (typeof bad === "string") return bad;
  const [task, time, technique, team] = vals as number[];
  return { ratings: { task: task!, time: time!, technique: technique!, team: team! }, note: optText(f.note) };
}

export function checkinFrom(c: Checkin, f: CheckinForm): Checkin | string {
  const parsed = parseCheckin(f);
  if (typeof parsed === "string") return parsed;
  return { ...c, ratings: parsed.ratings, note: parsed.note };
}

// ------------------------------------------------------------------ audit items

export interface AuditForm {
  kind: AuditKind;
  description: string;
  contingency: string;
  task_type: "" | TaskType;
  note: string;
}

export function emptyAudit(): AuditForm {
  return { kind: "reward", description: "", contingency: "", task_type: "", note: "" };
}

export function auditForm(a: AuditItem): AuditForm {
  return { kind: a.kind, description: a.description, contingency: a.contingency ?? "", task_type: a.task_type ?? "", note: a.note ?? "" };
}

/** The audit item with the form's values (a blank description is the core's to refuse). */
export function auditFrom(a: AuditItem, f: AuditForm): AuditItem {
  return {
    ...a,
    kind: f.kind,
    description: f.description.trim(),
    contingency: optText(f.contingency),
    task_type: f.task_type === "" ? null : f.task_type,
    note: optText(f.note),
  };
}

// ------------------------------------------------------------------ failures

/**
 * The sentence to show when saving an edit failed. The core's "not found" names the CLI
 * (`asym … list`); in the window it means the item was deleted elsewhere meanwhile (by the
 * CLI: a second window is refused), so say that and what to do instead.
 */
export function editFailure(kind: string, message: string, what: string): string {
  if (kind === "not_found") return `This ${what} is no longer in the journal (deleted elsewhere); press Cancel to go back.`;
  return message;
}

/** Deletes; an item already gone (deleted elsewhere) counts as deleted. */
export async function deleteOrGone(del: () => Promise<unknown>): Promise<void> {
  try {
    await del();
  } catch (e) {
    if (!(typeof e === "object" && e !== null && (e as { kind?: unknown }).kind === "not_found")) throw e;
  }
}
