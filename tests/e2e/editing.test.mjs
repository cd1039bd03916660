// Correcting and removing entries where they were written: a journal prepared with the `asym`
// CLI (a purpose, a challenge, three sessions, a reflection, a check-in, two audit items) is
// opened in the real window, which edits a session's performance, a purpose's title, a
// reflection's text and privacy, and a check-in's rating; cancels a delete (the item stays),
// then confirms one (it goes); deletes an audit item; and shows a failed edit's sentence while
// keeping what was typed. The CLI then reads the journal from outside: the edits persisted, the
// fields the forms do not show (feedback, links, tags, when) survived, the deleted items are
// gone. Every state is photographed and scanned with axe-core, confirmations included.
//
// Hooks (ui/TESTING.md): [data-action="edit-…|delete-…|save-…|cancel-edit|confirm-delete|
// cancel-delete"], list items [data-testid=…][data-id=<the item's id>].
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { Key, waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const scratch = mkdtempSync(join(tmpdir(), "asymptote-e2e-editing-"));
const dataDir = join(scratch, "journal");

/** Runs `asym --data-dir DIR --json …` and returns its parsed output. */
function asym(...args) {
  const out = execFileSync(asymBin, ["--data-dir", dataDir, "--json", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: CLI_TIMEOUT_MS });
  return out.trim() ? JSON.parse(out) : null;
}

// The journal, prepared with the CLI (ids filled in by `before`).
const FEEDBACK = { source: "peer", delay_min: 30, worked: "clear comments", change: "read the tests first" };
const ids = {};
let before_ = {}; // the items as the CLI wrote them, to compare with afterwards

let app;
let s; // the WebDriver session
const step = steps(() => s);
const { $, click, fill, nav, accessible } = ui(() => s);
before(async () => {
  asym("init"); // keyring mode: the window unlocks it by itself
  const purpose = asym("purpose", "add", "--title", "Help my team ship calmly", "--whom", "my team", "--why", "Calm teams make fewer mistakes");
  const challenge = asym("challenge", "add", "--skill", "Code review", "--measure", "time", "--unit", "min", "--lower-is-better", "--difficulty", "3", "--purpose", purpose.id);
  const session = (at, performance) =>
    asym("session", "add", "--challenge", challenge.id, "--at", at, "--performance", performance, "--attempts", "10", "--successes", "7",
      "--duration", "30", "--feedback", "peer; worked=clear comments; change=read the tests first; delay=30", "--next-step", "start from the tests");
  const s1 = session("2026-01-05T09:00", "31.5");
  const s2 = session("2026-01-06T09:00", "28.25");
  const s3 = session("2026-01-07T09:00", "27");
  const reflection = asym("reflection", "add", "--text", "Reviews felt rushed today.", "--tag", "review", "--tag", "calm",
    "--challenge", challenge.id, "--purpose", purpose.id, "--session", s1.id, "--private");
  const checkin = asym("checkin", "add", "--task", "3", "--time", "4", "--technique", "5", "--team", "2", "--note", "busy week");
  const bonus = asym("audit", "add", "--kind", "reward", "--description", "Bonus per story point", "--contingency", "if 40 points then bonus", "--task-type", "heuristic", "--note", "from HR");
  const review = asym("audit", "add", "--kind", "task", "--description", "Quarterly review write-up", "--task-type", "algorithmic");
  const spare = asym("challenge", "add", "--skill", "Touch typing"); // made by mistake: no practice logged
  Object.assign(ids, { spare: spare.id, purpose: purpose.id, challenge: challenge.id, s1: s1.id, s2: s2.id, s3: s3.id, reflection: reflection.id, checkin: checkin.id, bonus: bonus.id, review: review.id });
  before_ = { purpose, s1, reflection, checkin, review };

  app = await launch({ name: "editing", dataDir });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const value = async (name, scope = "main") => (await $(`${scope} [name="${name}"]`)).property("value");
const item = (testid, id) => `[data-testid="${testid}"][data-id="${id}"]`;
const present = async (css) => (await s.findAll(css)).length > 0;
const textOf = async (css) => (await $(css)).text();
/** The focused element's data-action (or name), to check where the keyboard is. */
const focused = () => s.execute("const e = document.activeElement; return e ? (e.dataset.action || e.getAttribute('name') || e.tagName) : null;");

step("the prepared journal opens by itself", async () => {
  await $('[data-testid="today-items"]');
  await screenshot(s, "editing-today");
});

step("Practice: edit a session's performance; the form fills, Save, the list shows the new value", async () => {
  await nav("practice");
  const row = item("session", ids.s1);
  await waitFor("the first session in the list", async () => (await textOf(row)).includes("31.5"));
  await click(`${row} [data-action="edit-session"]`);
  await waitFor("the form filled with the session", async () => (await value("performance")) === "31.5");
  assert.equal(await focused(), "performance", "focus starts on the performance");
  assert.equal(await value("attempts"), "10");
  assert.equal(await value("worked", '[data-testid="feedback-row"]'), "clear comments", "the feedback is in the form");
  assert.ok(await present('[data-action="save-session"]') && !(await present('[data-action="log-session"]')), "the submit reads Save");
  await screenshot(s, "editing-session-form");
  await accessible("practice, editing a session");
  await fill("performance", "29.75");
  await click('[data-action="save-session"]');
  await waitFor("the new value in the list", async () => (await textOf(row)).includes("29.75"));
  await $('[data-action="log-session"]');
  assert.equal(await value("performance"), "", "the form is back to logging a new session");
  assert.equal(await focused(), "edit-session", "focus returns to the item's Edit");
  await screenshot(s, "editing-session-saved");
});

step("Practice: an edit that fails keeps the typed values and says why", async () => {
  const row = item("session", ids.s3);
  await click(`${row} [data-action="edit-session"]`);
  await waitFor("the form filled with the session", async () => (await value("performance")) === "27");
  asym("session", "delete", ids.s3, "--yes"); // meanwhile, from outside the window
  await fill("performance", "26.5");
  await click('[data-action="save-session"]');
  const alert = await waitFor("the failure sentence", async () => {
    const t = (await s.findAll('main [role="alert"]')).length ? await textOf('main [role="alert"]') : "";
    return t.trim() ? t : null;
  });
  assert.match(alert, /\.$/, `one sentence: ${alert}`);
  assert.equal(await value("performance"), "26.5", "what was typed is kept");
  assert.ok(await present('[data-action="save-session"]'), "still editing");
  await waitFor("the vanished session to leave the list", async () => !(await present(row)));
  await screenshot(s, "editing-session-failed");
  await accessible("practice, a failed edit");
  await click('[data-action="cancel-edit"]');
  await $('[data-action="log-session"]');
});

step("Practice: cancel a delete (the session stays), then confirm one (it goes)", async () => {
  const row = item("session", ids.s2);
  await click(`${row} [data-action="delete-session"]`);
  const question = await textOf(`${row} [data-testid="confirm-delete"]`);
  assert.match(question, /Delete this session\? It cannot be undone\./);
  assert.equal(await focused(), "cancel-delete", "focus moves to the safe choice");
  await screenshot(s, "editing-session-confirm-delete");
  await accessible("practice, confirming a delete");
  await click(`${row} [data-action="cancel-delete"]`);
  await waitFor("the Delete button back", () => present(`${row} [data-action="delete-session"]`));
  assert.equal(await focused(), "delete-session", "focus returns to Delete");
  assert.ok(await present(row), "the session stays");
  // Escape cancels too.
  await click(`${row} [data-action="delete-session"]`);
  await $(`${row} [data-action="confirm-delete"]`);
  await s.keys([Key.Escape]);
  await waitFor("Escape to cancel the delete", async () => !(await present(`${row} [data-action="confirm-delete"]`)));
  assert.ok(await present(row), "the session stays after Escape");
  await click(`${row} [data-action="delete-session"]`);
  await click(`${row} [data-action="confirm-delete"]`);
  await waitFor("the session to go", async () => !(await present(row)));
  assert.ok(await present(item("session", ids.s1)), "the other session stays");
  await screenshot(s, "editing-session-deleted");
});

step("Purpose: edit the title; Enter on Edit and Enter in the form work from the keyboard", async () => {
  await nav("purposes");
  const card = item("purpose", ids.purpose);
  await click(`${card} [data-action="edit-purpose"]`);
  await waitFor("the form filled with the purpose", async () => (await value("title")) === "Help my team ship calmly");
  assert.equal(await value("whom"), "my team");
  await fill("title", "Help my team ship calmly and kindly");
  await screenshot(s, "editing-purpose-form");
  await accessible("purposes, editing");
  await click('[data-action="save-purpose"]');
  await waitFor("the new title in the list", async () => (await textOf(`${card} h2`)) === "Help my team ship calmly and kindly");
  await $('[data-action="add-purpose"]');
  // Keyboard only: focus is back on Edit; Enter opens the edit, Enter in the title saves.
  assert.equal(await focused(), "edit-purpose");
  await s.keys([Key.Enter]);
  await waitFor("the edit to open from the keyboard", async () => (await focused()) === "title");
  await s.keys([Key.Enter]);
  await waitFor("Enter to save", () => present('[data-action="add-purpose"]'));
  assert.equal(await textOf(`${card} h2`), "Help my team ship calmly and kindly");
  // The delete confirmation names what goes with it.
  await click(`${card} [data-action="delete-purpose"]`);
  assert.match(await textOf(`${card} [data-testid="confirm-delete"]`), /Delete this purpose\?.*It cannot be undone\./);
  await screenshot(s, "editing-purpose-confirm-delete");
  await accessible("purposes, confirming a delete");
  await click(`${card} [data-action="cancel-delete"]`);
  assert.ok(await present(card), "the purpose stays");
});

step("Reflections: edit the text and make it shareable", async () => {
  await nav("reflections");
  const card = item("reflection", ids.reflection);
  await waitFor("the reflection, marked private", async () => (await textOf(card)).includes("private"));
  await click(`${card} [data-action="edit-reflection"]`);
  await waitFor("the form filled with the reflection", async () => (await value("text")) === "Reviews felt rushed today.");
  assert.equal(await value("tags"), before_.reflection.tags.join(", "));
  const priv = await $('main [name="private"]');
  assert.equal(await priv.property("checked"), true, "the private box shows the reflection's flag");
  await fill("text", "Reviews felt rushed; reading the tests first calmed them.");
  await priv.click();
  await screenshot(s, "editing-reflection-form");
  await accessible("reflections, editing");
  await click('[data-action="save-reflection"]');
  await waitFor("the new text in the list", async () => (await textOf(card)).includes("reading the tests first calmed them"));
  assert.ok(!(await textOf(card)).includes("private"), "no longer private");
  await $('main [data-action="add-reflection"]');
  assert.equal(await value("text"), "", "the form is back to a new reflection");
  await click(`${card} [data-action="delete-reflection"]`);
  await $(`${card} [data-action="confirm-delete"]`);
  await screenshot(s, "editing-reflection-confirm-delete");
  await accessible("reflections, confirming a delete");
  await click(`${card} [data-action="cancel-delete"]`);
  assert.ok(await present(card), "the reflection stays");
  await screenshot(s, "editing-reflection-saved");
});

step("Autonomy: edit a check-in's rating", async () => {
  await nav("autonomy");
  const row = item("checkin", ids.checkin);
  await click(`${row} [data-action="edit-checkin"]`);
  await waitFor("the form filled with the check-in", async () => (await value("team")) === "2");
  assert.equal(await value("task"), "3");
  assert.equal(await value("note"), "busy week");
  await fill("team", "6");
  await screenshot(s, "editing-checkin-form");
  await accessible("autonomy, editing a check-in");
  await click('[data-action="save-checkin"]');
  await waitFor("the new rating in the list", async () => (await textOf(`${row} [data-testid="rating-team"]`)) === "6");
  await $('[data-action="add-checkin"]');
});

step("Autonomy: delete an audit item after confirming", async () => {
  const card = item("audit-item", ids.bonus);
  await click(`${card} [data-action="delete-audit-item"]`);
  assert.match(await textOf(`${card} [data-testid="confirm-delete"]`), /Delete this audit item\? It cannot be undone\./);
  await screenshot(s, "editing-audit-confirm-delete");
  await accessible("autonomy, confirming a delete");
  await click(`${card} [data-action="confirm-delete"]`);
  await waitFor("the audit item to go", async () => !(await present(card)));
  assert.ok(await present(item("audit-item", ids.review)), "the other audit item stays");
  await screenshot(s, "editing-audit-deleted");
});

step("Challenges: one with practice logged is kept, with the reason; one without is deleted", async () => {
  await nav("challenges");
  const kept = item("challenge", ids.challenge);
  await click(`${kept} [data-action="delete-challenge"]`);
  await click(`${kept} [data-action="confirm-delete"]`);
  const why = await waitFor("the refusal", async () => {
    const found = await s.findAll(`${kept} [role="alert"]`);
    return found.length ? found[0].text() : null;
  });
  assert.match(why, /not deleted/, why);
  assert.match(why, /done or paused/, `the refusal says what to do instead: ${why}`);
  assert.ok(await present(kept), "the challenge with sessions stays");
  await screenshot(s, "editing-challenge-kept");
  await accessible("challenges, a refused delete");
  const spare = item("challenge", ids.spare);
  await click(`${spare} [data-action="delete-challenge"]`);
  await click(`${spare} [data-action="confirm-delete"]`);
  await waitFor("the spare challenge to go", async () => !(await present(spare)));
  const left = asym("challenge", "list").map((c) => c.id);
  assert.deepEqual(left, [ids.challenge], "only the challenge with practice is left");
});

step("the CLI reads the edits, the untouched fields and the deletions from the journal", async () => {
  const sessions = asym("session", "list");
  assert.deepEqual(sessions.map((x) => x.id), [ids.s1], "only the edited session is left");
  const s1 = sessions[0];
  assert.equal(s1.performance, 29.75, "the new performance");
  assert.deepEqual(s1.feedback, [FEEDBACK], "the feedback survived the edit");
  assert.deepEqual(s1.when, before_.s1.when, "the session keeps its time");
  for (const k of ["challenge_id", "attempts", "successes", "duration_min", "next_step", "private", "created_at"])
    assert.deepEqual(s1[k], before_.s1[k], `the session's ${k} survived`);

  const [purpose] = asym("purpose", "list");
  assert.equal(purpose.title, "Help my team ship calmly and kindly");
  assert.equal(purpose.whom, "my team");
  assert.equal(purpose.why, "Calm teams make fewer mistakes");
  assert.deepEqual(purpose.challenge_ids, [ids.challenge], "the challenge is still linked");

  const [r] = asym("reflection", "list");
  assert.equal(r.text, "Reviews felt rushed; reading the tests first calmed them.");
  assert.equal(r.private, false, "made shareable");
  assert.deepEqual(r.tags, before_.reflection.tags, "the tags survived");
  assert.deepEqual(r.session_ids, [ids.s1], "the linked session survived");
  assert.deepEqual(r.challenge_ids, [ids.challenge]);
  assert.deepEqual(r.purpose_ids, [ids.purpose]);
  assert.deepEqual(r.when, before_.reflection.when);

  const [c] = asym("checkin", "list");
  assert.deepEqual(c.ratings, { task: 3, time: 4, technique: 5, team: 6 });
  assert.equal(c.note, "busy week");
  assert.deepEqual(c.when, before_.checkin.when);

  const audit = asym("audit", "list");
  assert.deepEqual(audit.map((x) => x.id), [ids.review], "the deleted audit item is gone, the other stays");
  assert.deepEqual(audit[0], before_.review, "the untouched audit item is unchanged");
});
