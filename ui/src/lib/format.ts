// Formatting for people: numbers, rates, days, zones. Informational, never a score.

export function num(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const r = Number(v.toFixed(digits));
  return r.toLocaleString("en", { maximumFractionDigits: digits });
}

export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return `${Math.round(v * 100)} %`;
}

export function withUnit(v: number | null | undefined, unit: string | null | undefined, digits = 1): string {
  const n = num(v, digits);
  return unit && n !== "–" ? `${n} ${unit}` : n;
}

export function shortId(id: string): string {
  return id.slice(-8);
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-03-04" → "Wed 4 Mar 2026" (the local day the core stored; no time zone shift). */
export function day(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** The local clock time of an item, from its UTC instant and stored offset. */
export function clock(at: string, offsetSecs: number): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return "";
  const local = new Date(t + offsetSecs * 1000);
  const hh = String(local.getUTCHours()).padStart(2, "0");
  const mm = String(local.getUTCMinutes()).padStart(2, "0");
  return `${hh}:${mm}`;
}

export const ZONE_LABELS: Record<string, string> = {
  too_easy: "Too easy",
  goldilocks: "Just right",
  too_hard: "Too hard",
  not_enough_evidence: "Not enough evidence yet",
};

export function zoneLabel(zone: string | null | undefined): string {
  return zone ? (ZONE_LABELS[zone] ?? zone) : "No attempts logged yet";
}
