import { describe, expect, it } from "vitest";
import { NUMBERED, SCREENS, SHORTCUT_HELP, shortcutFor } from "./shortcuts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; inField: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("shortcutFor", () => {
  it("maps Ctrl+1..9 to the first nine screens in order, and Ctrl+, to settings", () => {
    NUMBERED.forEach((s, i) => expect(shortcutFor(key(String(i + 1), { ctrlKey: true }))).toEqual({ kind: "screen", screen: s }));
    expect(NUMBERED).toHaveLength(9);
    expect(NUMBERED).toEqual(SCREENS.slice(0, 9));
    expect(NUMBERED).toContain("share");
    expect(NUMBERED).toContain("manager");
    expect(shortcutFor(key(",", { ctrlKey: true }))).toEqual({ kind: "screen", screen: "settings" });
  });
  it("reaches every screen by some shortcut", () => {
    const reached = new Set<string>(NUMBERED);
    reached.add("search");
    reached.add("settings");
    expect([...SCREENS].filter((s) => !reached.has(s))).toEqual([]);
  });
  it("accepts Cmd on macOS", () => {
    expect(shortcutFor(key("k", { metaKey: true }))).toEqual({ kind: "search" });
  });
  it("maps Ctrl+K, Ctrl+L, Ctrl+Enter", () => {
    expect(shortcutFor(key("K", { ctrlKey: true }))).toEqual({ kind: "search" });
    expect(shortcutFor(key("l", { ctrlKey: true }))).toEqual({ kind: "lock" });
    expect(shortcutFor(key("Enter", { ctrlKey: true }))).toEqual({ kind: "save" });
  });
  it("opens help with ? except while typing", () => {
    expect(shortcutFor(key("?"))).toEqual({ kind: "help" });
    expect(shortcutFor(key("?", { inField: true }))).toBeNull();
    expect(shortcutFor(key("F1", { inField: true }))).toEqual({ kind: "help" });
  });
  it("leaves ordinary typing alone", () => {
    expect(shortcutFor(key("a"))).toBeNull();
    expect(shortcutFor(key("1"))).toBeNull();
    expect(shortcutFor(key("1", { ctrlKey: true, altKey: true }))).toBeNull();
  });
  it("documents every shortcut in the help", () => {
    const keys = SHORTCUT_HELP.map(([k]) => k);
    expect(keys).toContain("Ctrl+K");
    expect(keys).toContain("Ctrl+9");
    expect(keys).toContain("Ctrl+,");
    expect(keys).toContain("? or F1");
  });
});
