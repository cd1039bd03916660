// Form parsing: the text a person typed, read into the typed values the core takes (the
// generated bindings' types). Only what the core could never see is said here — a number
// field holding no number, a whole-number field holding a fraction — because it cannot
// even be sent. Every rule about the values (ranges, successes against attempts, what is
// required) is the core's: it answers, and the window shows its sentence beside the field
// it names (lib/errors.ts) or at the form.
import type { Feedback, FeedbackSource, Field, Id, NewSession, SessionData } from "../bindings";

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** An optional number: "" → null; "3,5" is read as 3.5. */
export function optNumber(text: string): number | null | "invalid" {
  const t = text.trim().replace(",", ".");
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : "invalid";
}

export function optText(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/**
 * The tags as typed, one per comma or line. How a tag is kept (case, a leading #,
 * duplicates, order) is the core's to decide: the window shows the tags it returns.
 */
export function tagsFrom(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

export interface FeedbackForm {
  source: string;
  worked: string;
  change: string;
  delay_min: string;
}

export interface SessionForm {
  challenge_id: string;
  duration_min: string;
  difficulty: string;
  attempts: string;
  successes: string;
  performance: string;
  effort: string;
  challenge_rating: string;
  skill_rating: string;
  next_step: string;
  notes: string;
  feedback: FeedbackForm[];
}

/** Every feedback source the core knows, for the form's select (a new one fails tsc here). */
const SOURCE_NAMES: Record<FeedbackSource, true> = { self: true, coach: true, peer: true, recording: true, metric: true };
export const FEEDBACK_SOURCES = Object.keys(SOURCE_NAMES) as FeedbackSource[];

function isSource(s: string): s is FeedbackSource {
  return (FEEDBACK_SOURCES as string[]).includes(s);
}

export function emptyFeedback(): FeedbackForm {
  return { source: "self", worked: "", change: "", delay_min: "" };
}

export function emptySession(challengeId = ""): SessionForm {
  return {
    challenge_id: challengeId,
    duration_min: "",
    difficulty: "",
    attempts: "",
    successes: "",
    performance: "",
    effort: "",
    challenge_rating: "",
    skill_rating: "",
    next_step: "",
    notes: "",
    feedback: [],
  };
}

/** A session as the form gives it: the core's `NewSession` without privacy and time. */
export type SessionValue = Pick<NewSession, "challenge_id" | "data">;

/** The core's fields as the Practice form names them. */
export const SESSION_FIELDS: Partial<Record<Field, keyof SessionForm>> = {
  challenge: "challenge_id",
  attempts: "attempts",
  successes: "successes",
};

/** The largest value of the core's whole-number types (attempts are u32, ratings u8). */
const U32 = 4_294_967_295;
const U8 = 255;

/**
 * A whole number as the core's unsigned type holds it, or the sentence saying the text is
 * not one. (Which whole numbers make sense is the core's to say.)
 */
export function wholeNumber(text: string, label: string, max: number): number | null | { error: string } {
  const v = optNumber(text);
  if (v === null) return null;
  if (v === "invalid") return { error: `${label} must be a number.` };
  if (!Number.isInteger(v) || v < 0) return { error: `${label} must be a whole number, 0 or more.` };
  if (v > max) return { error: `${label} is too large a number.` };
  return v;
}

export function parseSession(f: SessionForm): Parsed<SessionValue> {
  const errors: Record<string, string> = {};
  const number = (field: keyof SessionForm, label: string) => {
    const v = optNumber(String(f[field]));
    if (v !== "invalid") return v;
    errors[field] = `${label} must be a number.`;
    return null;
  };
  const whole = (field: keyof SessionForm, label: string, max: number) => {
    const v = wholeNumber(String(f[field]), label, max);
    if (v === null || typeof v === "number") return v;
    errors[field] = v.error;
    return null;
  };
  const duration_min = number("duration_min", "Duration");
  const difficulty = number("difficulty", "Difficulty");
  const attempts = whole("attempts", "Attempts", U32);
  const successes = whole("successes", "Successes", U32);
  const performance = number("performance", "Performance");
  const effort = whole("effort", "Effort", U8);
  const challenge_rating = whole("challenge_rating", "Challenge rating", U8);
  const skill_rating = whole("skill_rating", "Skill rating", U8);
  const feedback: Feedback[] = [];
  f.feedback.forEach((fb, i) => {
    const delay = optNumber(fb.delay_min);
    if (delay === "invalid") errors[`feedback.${i}.delay_min`] = "A feedback delay is a number of minutes.";
    const source = isSource(fb.source) ? fb.source : "self";
    const worked = optText(fb.worked);
    const change = optText(fb.change);
    if (worked === null && change === null && delay === null) return; // an empty row is skipped
    feedback.push({ source, delay_min: typeof delay === "number" ? delay : null, worked, change });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const data: SessionData = {
    duration_min,
    sub_skill: null,
    difficulty,
    predicted_rate: null,
    attempts,
    successes,
    performance,
    effort,
    challenge_rating,
    skill_rating,
    feedback,
    next_step: optText(f.next_step),
    notes: optText(f.notes),
  };
  const challenge_id: Id | null = f.challenge_id === "" ? null : f.challenge_id;
  return { ok: true, value: { challenge_id, data } };
}

/**
 * A rating from a form field (a check-in's 1–7), or the sentence saying the text is not a
 * whole number. The range is the core's to check.
 */
export function rating(text: string, label: string): number | string {
  const v = wholeNumber(text, label, U8);
  if (v === null) return `${label}: give a number.`;
  return typeof v === "number" ? v : v.error;
}
