// Imported first, so that even a failure while the other modules load is said in the
// window (as text) instead of leaving a blank page.
export function showFatal(what: unknown): void {
  const box = document.createElement("pre");
  box.className = "fatal";
  box.setAttribute("role", "alert");
  box.textContent = `Something went wrong in the window: ${what instanceof Error ? `${what.message}\n${what.stack ?? ""}` : String(what)}`;
  document.body.append(box);
}
window.addEventListener("error", (e) => showFatal(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => showFatal(e.reason));
