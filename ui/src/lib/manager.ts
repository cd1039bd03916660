// The manager's space: labels, dates, ordering and chart data for what people shared and
// for the one-on-one agenda. Pure functions, tested in manager.test.ts. Informational,
// never a score.
import type { AgendaItem, Feedback, Gibbs, Kind, Reflection, TimelineDay, TimelineItem } from "../bindings";
import { day, num } from "./format";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A local calendar day as YYYY-MM-DD (today by default). */
export function localIso(d: Date = new Date()): string {
  const mm = String(d.getMonth() + 1).padStart(2, "0");
  const dd = String(d.getDate()).padStart(2, "0");
  return `${d.getFullYear()}-${mm}-${dd}`;
}

/** The local day of a UTC instant (RFC 3339), formatted like the rest of the app. */
export function receivedDay(at: string): string {
  const t = Date.parse(at);
  return Number.isNaN(t) ? at : day(localIso(new Date(t)));
}

function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** "2026-03-01".."2026-03-31" → "1 Mar – 31 Mar 2026"; across years both years are shown. */
export function periodLabel(from: string | null, to: string | null): string {
  const a = from ? parts(from) : null;
  const b = to ? parts(to) : null;
  const short = (p: [number, number, number]) => `${p[2]} ${MONTHS[p[1] - 1]}`;
  if (a && b) {
    if (a[0] === b[0]) return `${short(a)} – ${short(b)} ${b[0]}`;
    return `${short(a)} ${a[0]} – ${short(b)} ${b[0]}`;
  }
  if (a) return `from ${short(a)} ${a[0]}`;
  if (b) return `until ${short(b)} ${b[0]}`;
  return "no period given";
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  const a = parts(from);
  const b = parts(to);
  if (!a || !b) return 0;
  return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86_400_000);
}

export type DueState = "overdue" | "today" | "soon" | "later" | "none";

/** Where a due date stands against today: overdue, today, within a week, or later. */
export function dueState(due: string | null, today: string): DueState {
  if (!due) return "none";
  const d = daysBetween(today, due);
  if (d < 0) return "overdue";
  if (d === 0) return "today";
  if (d <= 7) return "soon";
  return "later";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "due Wed 4 Mar 2026 — overdue by 3 days", in words a person reads at a glance. */
export function dueLabel(due: string | null, today: string): string {
  if (!due) return "no due date";
  const d = daysBetween(today, due);
  if (d < 0) return `due ${day(due)} — overdue by ${plural(-d, "day")}`;
  if (d === 0) return `due today, ${day(due)}`;
  if (d === 1) return `due tomorrow, ${day(due)}`;
  return `due ${day(due)}, in ${plural(d, "day")}`;
}

/** "carried forward 2×" for a point left open through one-on-ones; "" when it is new. */
export function carriedLabel(carried: number): string {
  return carried > 0 ? `carried forward ${carried}×` : "";
}

/** Open actions, soonest due first (no date last), then oldest first. */
export function sortActions(items: readonly AgendaItem[]): AgendaItem[] {
  return [...items].sort((a, b) => {
    if (a.due !== b.due) {
      if (a.due === null) return 1;
      if (b.due === null) return -1;
      return a.due < b.due ? -1 : 1;
    }
    return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
  });
}

/** How many open actions are overdue. */
export function overdueCount(items: readonly AgendaItem[], today: string): number {
  return items.filter((i) => dueState(i.due, today) === "overdue").length;
}

/** "Last held on Wed 4 Mar 2026 (3 days ago)", or that none was marked yet. */
export function lastHeldLabel(lastHeld: string | null, today: string): string {
  if (!lastHeld) return "No one-on-one marked as held yet.";
  const d = daysBetween(lastHeld, today);
  const ago = d === 0 ? "today" : d === 1 ? "yesterday" : d > 0 ? `${d} days ago` : "";
  return `Last one-on-one held on ${day(lastHeld)}${ago ? ` (${ago})` : ""}.`;
}

/** The timeline newest day first, each day's items in the order they happened. */
export function newestFirst(days: readonly TimelineDay[]): TimelineDay[] {
  return [...days].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

export const KIND_LABELS: Record<Kind, string> = {
  purpose: "Purpose",
  challenge: "Challenge",
  session: "Practice",
  reflection: "Reflection",
  checkin: "Autonomy",
  audit_item: "Motivation audit",
};

export function kindLabel(kind: Kind): string {
  return KIND_LABELS[kind];
}

/** What the detail line of each kind is, in the window's words. */
const DETAIL_LABELS: Record<Kind, string> = {
  purpose: "for",
  challenge: "goal",
  session: "next",
  reflection: "more",
  checkin: "note",
  audit_item: "more",
};

/** One timeline entry as the window words it: the person's words, figures, a labelled detail. */
export interface TimelineEntry {
  /** The item's own words; what stands in when the bundle has none. */
  title: string;
  /** A session's figures or a check-in's ratings, each in a few words. */
  facts: string[];
  /** More of the person's words, with what they are. */
  detail: { label: string; text: string } | null;
}

/** The window's wording of a timeline item, built from the core's fields (nothing parsed). */
export function timelineEntry(it: TimelineItem): TimelineEntry {
  const facts: string[] = [];
  const p = it.practice;
  if (p) {
    if (p.duration_min !== null) facts.push(`${num(p.duration_min, 2)} min`);
    if (p.performance !== null) facts.push(`performance ${num(p.performance, 2)}`);
    if (p.successes !== null && p.attempts !== null) facts.push(`${p.successes}/${p.attempts} succeeded`);
    if (p.feedback > 0) facts.push(plural(p.feedback, "piece") + " of feedback");
  }
  const r = it.ratings;
  if (r) facts.push(`task ${r.task}`, `time ${r.time}`, `technique ${r.technique}`, `team ${r.team}`);
  const fallback = it.kind === "session" ? "A challenge" : "";
  return {
    title: it.title ?? fallback,
    facts,
    detail: it.detail ? { label: DETAIL_LABELS[it.kind], text: it.detail } : null,
  };
}

/** Which import field to focus when the shell asks for something missing. */
export function fieldForImportError(kind: string): "import_passphrase" | "identity_path" | null {
  if (kind === "needs_passphrase") return "import_passphrase";
  if (kind === "needs_identity") return "identity_path";
  return null;
}

/** The signature the shell will look for when none is given. */
export function defaultSignaturePath(path: string): string {
  const p = path.trim();
  return p ? `${p}.minisig` : "beside the file, .minisig";
}

/** The key id a pasted minisign public key announces in its comment, if any. */
export function announcedKeyId(text: string): string | null {
  const m = /minisign public key\s+([0-9A-F]{16})/i.exec(text);
  return m ? (m[1] ?? "").toUpperCase() : null;
}

/** A minisign key id in groups of four, easier to read aloud: "2FC2 C4A1 9059 D878". */
export function fingerprint(keyId: string): string {
  return keyId.replace(/(.{4})(?=.)/g, "$1 ");
}

const SOURCES: Record<string, string> = {
  self: "Self",
  coach: "Coach",
  peer: "Peer",
  recording: "Recording",
  metric: "Metric",
};

/** One piece of feedback in a line: "Peer, after 30 min: worked: …; change: …". */
export function feedbackLine(f: Feedback): string {
  const who = SOURCES[f.source] ?? f.source;
  const when = f.delay_min === null ? "" : `, after ${f.delay_min} min`;
  const what = [f.worked ? `worked: ${f.worked}` : "", f.change ? `change: ${f.change}` : ""].filter(Boolean).join("; ");
  return `${who}${when}${what ? `: ${what}` : ""}`;
}

export const GIBBS_LABELS: [keyof Gibbs, string][] = [
  ["description", "What happened"],
  ["feelings", "Thoughts and feelings"],
  ["evaluation", "What went well, and what not yet"],
  ["analysis", "Why it went that way"],
  ["conclusion", "What they learned"],
  ["action_plan", "What they will try next"],
];

/** A reflection's filled-in Gibbs prompts, labelled, in the cycle's order. */
export function gibbsParts(r: Reflection): { label: string; text: string }[] {
  return GIBBS_LABELS.flatMap(([k, label]) => {
    const text = r.gibbs[k];
    return text ? [{ label, text }] : [];
  });
}

/** "1 challenge, 10 practice sessions, 1 reflection" — only what is there. */
export function countsLabel(c: {
  purposes: number;
  challenges: number;
  sessions: number;
  reflections: number;
  checkins: number;
  audit: number;
}): string {
  const out = [
    c.challenges ? plural(c.challenges, "challenge") : "",
    c.sessions ? plural(c.sessions, "practice session") : "",
    c.reflections ? plural(c.reflections, "reflection") : "",
    c.purposes ? plural(c.purposes, "purpose") : "",
    c.checkins ? plural(c.checkins, "check-in") : "",
    c.audit ? plural(c.audit, "motivation audit item") : "",
  ].filter(Boolean);
  return out.length ? out.join(", ") : "nothing";
}

export { plural };
