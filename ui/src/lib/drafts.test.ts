import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounce } from "./debounce";
import { drafter, flushAllDrafts } from "./drafts";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function memory() {
  const saved: [string, string][] = [];
  const store = new Map<string, string>();
  return {
    saved,
    store,
    backend: {
      save: async (k: string, t: string) => {
        saved.push([k, t]);
        store.set(k, t);
      },
      load: async (k: string) => (store.has(k) ? { text: store.get(k)! } : null),
      clear: async (k: string) => void store.delete(k),
    },
  };
}

describe("debounce", () => {
  it("runs once with the last arguments after the quiet period", () => {
    const fn = vi.fn();
    const d = debounce(fn, 500);
    d(1);
    d(2);
    vi.advanceTimersByTime(499);
    expect(fn).not.toHaveBeenCalled();
    d(3);
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(3);
  });
  it("flushes now and cancels", () => {
    const fn = vi.fn();
    const d = debounce(fn, 500);
    d("a");
    d.flush();
    expect(fn).toHaveBeenCalledWith("a");
    d("b");
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe("drafter", () => {
  it("saves ~500 ms after the last keystroke, not on every one", () => {
    const m = memory();
    const d = drafter("k", m.backend);
    d.changed("h");
    d.changed("he");
    d.changed("hello");
    vi.advanceTimersByTime(500);
    expect(m.saved).toEqual([["k", "hello"]]);
  });
  it("restores what was saved and forgets it once the item is saved", async () => {
    const m = memory();
    const d = drafter("k", m.backend);
    d.changed("not lost");
    d.flush();
    expect(await d.restore()).toBe("not lost");
    await d.clear();
    expect(await d.restore()).toBeNull();
  });
  it("flushes every pending draft before a lock", () => {
    const m = memory();
    drafter("a", m.backend).changed("one");
    drafter("b", m.backend).changed("two");
    flushAllDrafts();
    expect(m.saved).toEqual(expect.arrayContaining([["a", "one"], ["b", "two"]]));
  });
});
