// The first window: find the journal, unlock it, show today, add a reflection.
// Everything a person wrote is put on screen with textContent, never as HTML.
import {
  IpcError,
  addReflection,
  journalStatus,
  lock,
  today,
  unlock,
  type DayView,
  type Item,
  type JournalStatus,
} from "./ipc";

const app = requireElement("app");
const lockButton = requireElement("lock") as HTMLButtonElement;

function requireElement(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html lacks #${id}`);
  return found;
}

type Child = Node | string;

/** Builds an element; strings become text nodes, so nothing is ever parsed as HTML. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

function show(...nodes: Child[]): void {
  app.replaceChildren(...nodes);
}

function messageOf(error: unknown): string {
  if (error instanceof IpcError || error instanceof Error) return error.message;
  return String(error);
}

// ---- Views -------------------------------------------------------------------------------

function showProblem(title: string, detail: string): void {
  lockButton.hidden = true;
  const retry = el("button", { text: "Try again" });
  retry.type = "button";
  retry.addEventListener("click", () => void start());
  show(el("h1", { text: title }), el("p", { class: "muted", text: detail }), retry);
}

function showNoJournal(status: JournalStatus): void {
  lockButton.hidden = true;
  const retry = el("button", { text: "Try again" });
  retry.type = "button";
  retry.addEventListener("click", () => void start());
  show(
    el("h1", { text: "No journal here yet" }),
    el(
      "p",
      {},
      "Asymptote looks for its journal in ",
      el("code", { text: status.dataDir }),
      ", and there is none there yet. Create one in a terminal:",
    ),
    el("pre", { text: "asym init" }),
    el(
      "p",
      { class: "muted" },
      "Keep the recovery key it prints somewhere safe, then come back and choose Try again.",
    ),
    retry,
  );
}

function showPassphrase(status: JournalStatus): void {
  lockButton.hidden = true;
  const input = el("input");
  input.type = "password";
  input.id = "passphrase";
  input.autocomplete = "current-password";
  input.required = true;
  const label = el("label", { text: "Passphrase" });
  label.htmlFor = input.id;
  const error = el("p", { class: "error" });
  error.setAttribute("role", "alert");
  const submit = el("button", { text: "Unlock" });
  submit.type = "submit";
  const form = el("form", { class: "card" }, label, input, error, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    unlock(input.value)
      .then(() => {
        input.value = "";
        return showToday();
      })
      .catch((e: unknown) => {
        error.textContent = messageOf(e);
        submit.disabled = false;
        input.select();
      });
  });
  show(
    el("h1", { text: "Unlock your journal" }),
    el(
      "p",
      { class: "muted" },
      "The journal in ",
      el("code", { text: status.dataDir }),
      " is protected by a passphrase.",
    ),
    form,
  );
  input.focus();
}

/** A one-line label for an item whose exact shape belongs to the core. */
function labelOf(item: Item): string {
  const fields = ["text", "title", "skill", "description", "note", "notes", "name", "summary"];
  for (const field of fields) {
    const value = item[field];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return "(untitled)";
}

function itemList(items: Item[], className = ""): HTMLUListElement {
  const rows = items.map((item) => el("li", { class: className, text: labelOf(item) }));
  return el("ul", { class: "items" }, ...rows);
}

function formatDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  if (!y || !m || !d) return iso;
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

function renderDay(day: DayView): void {
  lockButton.hidden = false;

  const text = el("textarea");
  text.id = "reflection";
  text.placeholder = "What did today teach you?";
  const label = el("label", { text: "A reflection" });
  label.htmlFor = text.id;
  const error = el("p", { class: "error" });
  error.setAttribute("role", "alert");
  const submit = el("button", { text: "Add reflection" });
  submit.type = "submit";
  const hint = el("span", { class: "muted hint", text: "Ctrl+Enter adds it." });
  const actions = el("div", { class: "actions" }, submit, hint);
  const form = el("form", { class: "card" }, label, text, error, actions);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (text.value.trim() === "") {
      error.textContent = "Write a line first.";
      return;
    }
    submit.disabled = true;
    error.textContent = "";
    addReflection(text.value)
      .then(renderDay)
      .catch((e: unknown) => {
        error.textContent = messageOf(e);
        submit.disabled = false;
      });
  });

  const sections: Child[] = [];
  const groups: [string, Item[]][] = [
    ["Purposes", day.purposes],
    ["Challenges", day.challenges],
    ["Sessions", day.sessions],
    ["Check-ins", day.checkins],
    ["To review", day.audit_items],
  ];
  for (const [title, items] of groups) {
    if (items.length > 0) sections.push(el("h2", { text: title }), itemList(items));
  }

  show(
    el("h1", { text: formatDate(day.date) }),
    el("p", { class: "muted", text: "Today in your journal." }),
    form,
    el("h2", { text: "Reflections" }),
    day.reflections.length > 0
      ? itemList(day.reflections, "reflection")
      : el("p", { class: "muted", text: "No reflections yet today." }),
    ...sections,
  );
  text.focus();
}

async function showToday(): Promise<void> {
  renderDay(await today());
}

// ---- Flow --------------------------------------------------------------------------------

async function start(): Promise<void> {
  show(el("p", { class: "muted", text: "Opening your journal…" }));
  try {
    const status = await journalStatus();
    if (!status.exists) return showNoJournal(status);
    if (status.unlocked) return await showToday();
    if (status.keyMode === "passphrase") return showPassphrase(status);
    await unlock();
    await showToday();
  } catch (error) {
    showProblem("The journal could not be opened", messageOf(error));
  }
}

lockButton.addEventListener("click", () => {
  lock()
    .then(start)
    .catch((e: unknown) => showProblem("The journal could not be locked", messageOf(e)));
});

void start();
