// Form parsing and validation: text fields in, the core's own request types out, or a list
// of problems a person can act on. The core validates again; this just answers sooner.

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

export function tagsFrom(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/[,\n]/)) {
    const t = raw.trim().replace(/^#/, "");
    if (t) seen.add(t);
  }
  return [...seen];
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

export const FEEDBACK_SOURCES = ["self", "coach", "peer", "recording", "metric"] as const;

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

export interface SessionValue {
  challenge_id: string;
  data: {
    duration_min: number | null;
    sub_skill: string | null;
    difficulty: number | null;
    predicted_rate: number | null;
    attempts: number | null;
    successes: number | null;
    performance: number | null;
    effort: number | null;
    challenge_rating: number | null;
    skill_rating: number | null;
    feedback: {
      source: (typeof FEEDBACK_SOURCES)[number];
      delay_min: number | null;
      worked: string | null;
      change: string | null;
    }[];
    next_step: string | null;
    notes: string | null;
  };
}

export function parseSession(f: SessionForm): Parsed<SessionValue> {
  const errors: Record<string, string> = {};
  const number = (field: keyof SessionForm, label: string, opts: { min?: number; max?: number; int?: boolean } = {}) => {
    const v = optNumber(String(f[field]));
    if (v === "invalid") {
      errors[field] = `${label} must be a number.`;
      return null;
    }
    if (v === null) return null;
    if (opts.int && !Number.isInteger(v)) errors[field] = `${label} must be a whole number.`;
    else if (opts.min !== undefined && v < opts.min) errors[field] = `${label} must be at least ${opts.min}.`;
    else if (opts.max !== undefined && v > opts.max) errors[field] = `${label} must be at most ${opts.max}.`;
    return v;
  };
  if (!f.challenge_id) errors.challenge_id = "Choose the challenge you practised.";
  const duration_min = number("duration_min", "Duration", { min: 0 });
  const difficulty = number("difficulty", "Difficulty");
  const attempts = number("attempts", "Attempts", { min: 0, int: true });
  const successes = number("successes", "Successes", { min: 0, int: true });
  const performance = number("performance", "Performance");
  const effort = number("effort", "Effort", { min: 1, max: 10, int: true });
  const challenge_rating = number("challenge_rating", "Challenge rating", { min: 1, max: 10, int: true });
  const skill_rating = number("skill_rating", "Skill rating", { min: 1, max: 10, int: true });
  if (successes !== null && attempts === null && !errors.successes)
    errors.attempts = "Successes need a number of attempts too.";
  if (successes !== null && attempts !== null && successes > attempts)
    errors.successes = `${successes} successes out of ${attempts} attempts is not possible.`;
  const feedback: SessionValue["data"]["feedback"] = [];
  f.feedback.forEach((fb, i) => {
    const delay = optNumber(fb.delay_min);
    if (delay === "invalid" || (typeof delay === "number" && delay < 0))
      errors[`feedback.${i}.delay_min`] = "A feedback delay is a number of minutes, 0 or more.";
    const source = (FEEDBACK_SOURCES as readonly string[]).includes(fb.source)
      ? (fb.source as (typeof FEEDBACK_SOURCES)[number])
      : "self";
    const worked = optText(fb.worked);
    const change = optText(fb.change);
    if (worked === null && change === null && delay === null) return; // an empty row is skipped
    feedback.push({ source, delay_min: typeof delay === "number" ? delay : null, worked, change });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      challenge_id: f.challenge_id,
      data: {
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
      },
    },
  };
}

/** A 1–7 rating from a form field, or an error message. */
export function rating(text: string, label: string, lo = 1, hi = 7): number | string {
  const v = optNumber(text);
  if (v === null) return `${label}: give a number from ${lo} to ${hi}.`;
  if (v === "invalid" || !Number.isInteger(v) || v < lo || v > hi)
    return `${label} must be a whole number from ${lo} to ${hi}.`;
  return v;
}
