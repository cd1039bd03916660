// Search highlights: the core reports byte ranges into the UTF-8 snippet; JavaScript
// strings index UTF-16 code units. Convert, clamp to character boundaries, merge, and
// split the snippet into plain and marked segments (rendered as text nodes and <mark>,
// never as HTML).

export interface Segment {
  text: string;
  mark: boolean;
}

/** UTF-8 length of one code point. */
function utf8Len(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Maps UTF-8 byte offsets of `s` to UTF-16 indices. An offset inside a character rounds
 * down to its start when `end` is false, up to its end when `end` is true.
 */
export function byteToUtf16(s: string, byte: number, end = false): number {
  if (byte <= 0) return 0;
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    const len = utf8Len(cp);
    const units = cp > 0xffff ? 2 : 1;
    if (bytes + len > byte) {
      // `byte` falls inside (or at the start of) this character.
      return bytes === byte || !end ? i : i + units;
    }
    bytes += len;
    i += units;
  }
  return s.length;
}

export function highlightSegments(
  snippet: string,
  ranges: ReadonlyArray<readonly [number, number]>,
): Segment[] {
  const spans = ranges
    .map(([a, b]) => [byteToUtf16(snippet, a), byteToUtf16(snippet, b, true)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of merged) {
    if (a > at) out.push({ text: snippet.slice(at, a), mark: false });
    out.push({ text: snippet.slice(a, b), mark: true });
    at = b;
  }
  if (at < snippet.length) out.push({ text: snippet.slice(at), mark: false });
  return out;
}
