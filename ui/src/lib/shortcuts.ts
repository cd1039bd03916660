// Keyboard shortcuts: one table, used by the key handler and shown in the help overlay.

export const SCREENS = [
  "today",
  "challenges",
  "practice",
  "reflections",
  "purposes",
  "autonomy",
  "progress",
  "share",
  "manager",
  "search",
  "settings",
] as const;

/** The screens Ctrl+1 … Ctrl+9 reach, in order; search has Ctrl+K and settings Ctrl+,. */
export const NUMBERED: readonly Screen[] = SCREENS.slice(0, 9);
export type Screen = (typeof SCREENS)[number];

export const SCREEN_LABELS: Record<Screen, string> = {
  today: "Today",
  challenges: "Challenges",
  practice: "Practice",
  reflections: "Reflections",
  purposes: "Purpose",
  autonomy: "Autonomy",
  progress: "Progress",
  share: "Share",
  manager: "One-on-ones",
  search: "Search",
  settings: "Settings",
};

export type Action =
  | { kind: "screen"; screen: Screen }
  | { kind: "search" }
  | { kind: "lock" }
  | { kind: "help" }
  | { kind: "save" }
  | { kind: "close" };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
  /** Whether focus is in a text field (then "?" types a question mark). */
  inField?: boolean;
}

export function shortcutFor(e: KeyLike): Action | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    if (/^[1-9]$/.test(e.key)) {
      const screen = NUMBERED[Number(e.key) - 1];
      return screen ? { kind: "screen", screen } : null;
    }
    const k = e.key.toLowerCase();
    if (k === "k") return { kind: "search" };
    if (k === "l") return { kind: "lock" };
    if (e.key === ",") return { kind: "screen", screen: "settings" };
    if (e.key === "Enter") return { kind: "save" };
    return null;
  }
  if (e.key === "Escape") return { kind: "close" };
  if (e.key === "F1") return { kind: "help" };
  if (e.key === "?" && !e.inField && !e.altKey) return { kind: "help" };
  return null;
}

export const SHORTCUT_HELP: ReadonlyArray<[string, string]> = [
  ...NUMBERED.map((s, i) => [`Ctrl+${i + 1}`, SCREEN_LABELS[s]] as [string, string]),
  ["Ctrl+K", "Search"],
  ["Ctrl+,", "Settings"],
  ["Ctrl+L", "Lock the journal"],
  ["Ctrl+Enter", "Save the form you are in"],
  ["Enter", "Save (in Practice and single-line forms)"],
  ["? or F1", "This help (F1 also while typing)"],
  ["Esc", "Close this help"],
];
