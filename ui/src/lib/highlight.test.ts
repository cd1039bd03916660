import { describe, expect, it } from "vitest";
import { byteToUtf16, highlightSegments } from "./highlight";

const enc = new TextEncoder();
/** Byte range of `word` in `s`, as the core reports it. */
function bytes(s: string, word: string): [number, number] {
  const i = s.indexOf(word);
  const a = enc.encode(s.slice(0, i)).length;
  return [a, a + enc.encode(word).length];
}

describe("highlightSegments", () => {
  it("marks an ASCII match", () => {
    expect(highlightSegments("practice feedback", [[9, 17]])).toEqual([
      { text: "practice ", mark: false },
      { text: "feedback", mark: true },
    ]);
  });

  it("converts UTF-8 byte ranges after accented and astral characters", () => {
    const s = "Café 🎯 déjà vu practice";
    const segs = highlightSegments(s, [bytes(s, "déjà"), bytes(s, "practice")]);
    expect(segs.filter((x) => x.mark).map((x) => x.text)).toEqual(["déjà", "practice"]);
    expect(segs.map((x) => x.text).join("")).toBe(s);
  });

  it("merges overlapping and unsorted ranges", () => {
    const segs = highlightSegments("abcdefgh", [
      [4, 6],
      [1, 3],
      [2, 5],
    ]);
    expect(segs).toEqual([
      { text: "a", mark: false },
      { text: "bcdef", mark: true },
      { text: "gh", mark: false },
    ]);
  });

  it("clamps ranges inside a character and beyond the end", () => {
    const s = "é!"; // é is 2 bytes
    expect(byteToUtf16(s, 1)).toBe(0);
    expect(byteToUtf16(s, 1, true)).toBe(1);
    expect(highlightSegments(s, [[0, 99]])).toEqual([{ text: "é!", mark: true }]);
    expect(highlightSegments(s, [[5, 3]])).toEqual([{ text: "é!", mark: false }]);
  });

  it("keeps markup as text (rendered as text nodes, never HTML)", () => {
    const s = "<img src=x onerror=alert(1)> note";
    const segs = highlightSegments(s, [bytes(s, "note")]);
    expect(segs[0]?.text).toBe("<img src=x onerror=alert(1)> ");
  });
});
