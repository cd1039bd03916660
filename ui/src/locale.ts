// WebKitGTK reports the POSIX locale "C" (LANG=C, common in containers and CI) as
// navigator.language, which is not a BCP 47 tag: `new Intl.NumberFormat("C")` throws, and
// uPlot calls exactly that when its module loads. Fall back to "en-US" for an invalid tag,
// before anything else is evaluated.
export function validLanguage(tag: string | undefined): string {
  if (!tag) return "en-US";
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? "en-US";
  } catch {
    return "en-US";
  }
}

const lang = validLanguage(navigator.language);
if (lang !== navigator.language) {
  Object.defineProperty(navigator, "language", { value: lang, configurable: true });
}
