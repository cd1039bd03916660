// Words for the Backups panel: sizes, what a snapshot holds, why it was taken. Display
// only: which backups exist, are kept and can be restored is the core's to decide.
import type { ItemCounts, Reason } from "../bindings";

/** A size in bytes as a person reads it (decimal units, as file managers show). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(0)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

const KINDS: [keyof ItemCounts, string, string][] = [
  ["purposes", "purpose", "purposes"],
  ["challenges", "challenge", "challenges"],
  ["sessions", "practice session", "practice sessions"],
  ["reflections", "reflection", "reflections"],
  ["checkins", "check-in", "check-ins"],
  ["audit_items", "audit item", "audit items"],
];

/** "3 purposes, 1 challenge, …" — every kind, so two snapshots read side by side. */
export function countsLine(c: ItemCounts | null): string {
  if (!c) return "what it holds could not be counted";
  return KINDS.map(([k, one, many]) => `${c[k]} ${c[k] === 1 ? one : many}`).join(", ");
}

const REASONS: Record<Reason, string> = {
  daily: "the day's backup",
  manual: "taken by hand",
  before_restore: "before a restore",
  before_migration: "before an update of the journal's format",
  before_rekey: "before a key change",
  before_import: "before an import",
};

export function reasonLabel(r: Reason): string {
  return REASONS[r];
}

/** A snapshot's time in the person's own time zone, to the minute. */
export function takenAt(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}
