// Issue #5's "done when", as a person and their manager would do it, window to window:
// the person picks the month, previews it (their private reflection is not in it), exports an
// encrypted and signed bundle and saves their signing key; the manager, on another data
// folder, trusts that key, verifies and imports the file, reads it, prepares the next
// one-on-one's agenda and marks it held so an open point carries forward. Nothing the person
// kept private appears anywhere in the manager's data (checked through the CLI and on disk).
//
// The person's journal is prepared with the `asym` CLI (keyring mode: the window unlocks by
// itself); everything after that happens in the window. Hooks: ui/TESTING.md.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { dayOfThisMonth, run, steps, ui } from "./lib/ui.mjs";

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-1on1-"));
const personDir = join(work, "person");
const managerDir = join(work, "manager");
const outbox = join(work, "outbox");
mkdirSync(outbox);
const CANARY = "wombatprivate";
const SHARED_WORD = "calmerreviews";
const PASS = "tuesday lantern orchard";
const QUESTION = "Can I lead the next design review?";
const file = join(outbox, "ada-month.json");
const keyFile = join(outbox, "ada.pub");

const asym = (dir, ...args) => run(asymBin, ["--data-dir", dir, ...args]);
const asymJson = (dir, ...args) => JSON.parse(asym(dir, "--json", ...args));

const ids = {};
function preparePerson() {
  asym(personDir, "init");
  ids.challenge = asymJson(
    personDir, "challenge", "add", "--skill", "Design review", "--measure", "time", "--unit", "min",
    "--lower-is-better", "--difficulty", "3",
  ).id;
  // A learning curve, lower is better, one session a day up to today.
  for (let i = 0; i < 10; i += 1) {
    asym(
      personDir, "session", "add", "--challenge", ids.challenge,
      "--performance", (18 + 20 * Math.exp(-0.3 * i)).toFixed(2), "--duration", "30",
      "--attempts", "10", "--successes", String(7 + (i % 3)),
      "--feedback", "peer; worked=clear structure; change=ask for examples; delay=20",
      "--at", dayOfThisMonth(9 - i),
    );
  }
  asym(personDir, "reflection", "add", "--shared", "--text", `Preparing an agenda made our ${SHARED_WORD} happen.`, "--at", dayOfThisMonth(1));
  ids.canary = asymJson(personDir, "reflection", "add", "--text", `Thinking of leaving: ${CANARY}.`, "--at", dayOfThisMonth(0)).id;
}

let app;
const session = () => app?.session;
const step = steps(session);
const { $, click, texts, fill, setValue, nav, accessible, show, statusIn } = ui(session);

before(async () => {
  preparePerson();
  app = await launch({ name: "one-on-one-person", dataDir: personDir });
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

step("the person picks this month and previews it: the private reflection stays home", async () => {
  await $('[data-nav="today"]');
  await nav("share");
  await click('[data-action="period-this-month"]');
  const shown = await waitFor("the month's sessions in the preview", async () => {
    const kinds = await Promise.all((await session().findAll('[data-testid="preview-item"]')).map((e) => e.attribute("data-kind")));
    return kinds.filter((k) => k === "session").length === 10 ? kinds : null;
  });
  assert.ok(shown.includes("challenge") && shown.includes("reflection"), `the challenge and the shared reflection: ${shown}`);
  assert.ok(!(await (await $('[data-testid="preview"]')).text()).includes(CANARY), "the private words are not in the preview");
  await $(`[data-testid="candidate"][data-id="${ids.canary}"][data-private="true"]`);
  await fill("agenda", QUESTION);
  // The question is kept as a draft in the journal: leaving the screen does not lose it.
  await nav("today");
  await nav("share");
  await waitFor("the question restored", async () => (await (await $('main [name="agenda"]')).property("value")) === QUESTION);
  await click('[data-action="period-this-month"]');
  await fill("recipient", "Sam");
  await waitFor("the question in the preview", async () => (await (await $('[data-testid="preview"]')).text()).includes(QUESTION));
  await screenshot(session(), "person-preview");
  await accessible("share (the person's month)");
});

step("the person exports the month: a JSON bundle, encrypted to a passphrase and signed", async () => {
  await setValue("format", "json");
  await click('main input[name="encryption"][value="passphrase"]');
  await fill("age_passphrase", PASS);
  await fill("age_passphrase_confirm", PASS);
  await fill("path", file);
  assert.equal(await (await $('main input[name="sign"]')).property("checked"), true, "signed by default");
  await click('[data-action="export"]');
  const said = await waitFor("the export's result", async () => {
    for (const t of await texts('main [role="alert"]')) if (t) throw new Error(`the window said: ${t}`);
    const r = await texts('[data-testid="export-result"]');
    return r.find((t) => t.includes("ada-month.json.age")) ?? null;
  });
  assert.match(said, /minisig/, said);
  assert.ok(existsSync(`${file}.age`) && existsSync(`${file}.age.minisig`), "the file and its signature");
  assert.ok(!existsSync(file), "no plaintext copy beside it");
  await show('[data-testid="signing-key"]');
  await click('[data-action="show-key"]');
  await fill("key_path", keyFile);
  await click('[data-action="save-key"]');
  await waitFor("the key file", async () => existsSync(keyFile));
  // Anyone can check the signature with the standard tool.
  run("minisign", ["-Vm", `${file}.age`, "-p", keyFile]);
  await screenshot(session(), "person-exported");
  await app.close();
  app = null;
});

step("the manager, on another data folder, creates a journal and adds the person", async () => {
  app = await launch({ name: "one-on-one-manager", dataDir: managerDir });
  await click('[data-action="create-journal"]');
  await $('[data-testid="recovery-key"]');
  await click('[name="wrote_it_down"]');
  await click('[data-action="recovery-done"]');
  await $('[data-nav="today"]');
  await nav("manager");
  await fill("person_name", "Ada");
  await click('[data-action="add-person"]');
  await $('[data-testid="person"][data-name="Ada"]');
  const pub = readFileSync(keyFile, "utf8");
  const keyId = /minisign public key ([0-9A-F]{16})/.exec(pub)?.[1];
  await setValue("public_key", pub, '[data-testid="trusted-keys"]');
  await click('[data-action="trust-key"]');
  await $(`[data-testid="trusted-key"][data-key-id="${keyId}"]`);
});

step("the manager verifies and imports the file, and reads it", async () => {
  await fill("import_path", `${file}.age`, '[data-testid="import"]');
  await fill("import_passphrase", PASS, '[data-testid="import"]');
  await click('[data-action="import"]');
  const ok = await statusIn('[data-testid="import"]', /imported/i);
  assert.match(ok, /signed by key/i, ok);
  const view = await $('[data-testid="bundle-view"]');
  const chart = await $('[data-testid="bundle-view"] [data-testid="bundle-chart"]');
  await waitFor("the chart to draw", async () => (await chart.find("canvas")) !== null);
  const viewText = await view.text();
  assert.match(viewText, /Design review/);
  assert.ok(viewText.includes(QUESTION), "the person's question");
  assert.ok(viewText.includes(SHARED_WORD), "the shared reflection");
  assert.match(await (await $('[data-testid="bundle-explanation"]')).text(), /ceiling|floor|asymptote/i);
  assert.ok(!(await session().source()).includes(CANARY), "the private reflection is nowhere in the window");
  await show('[data-testid="bundle-view"]');
  await screenshot(session(), "manager-reads");
  await accessible("one-on-ones (received)");
});

step("the manager prepares the agenda and holds the one-on-one: the open point carries forward", async () => {
  const agenda = '[data-testid="agenda"]';
  await $(agenda);
  assert.ok((await (await $('[data-testid="their-questions"]')).text()).includes(QUESTION), "their question is on the agenda");
  for (const point of ["Growth path for next quarter", "Design review rota"]) {
    await setValue("agenda_kind", "point", agenda);
    await fill("agenda_text", point, agenda);
    await click('[data-action="add-agenda-item"]');
    await waitFor(`the point "${point}"`, async () => (await texts('[data-testid="agenda-point"]')).some((t) => t.includes(point)));
  }
  const rows = await texts('[data-testid="agenda-point"]');
  const points = await session().findAll('[data-testid="agenda-point"]');
  await (await points[rows.findIndex((t) => t.includes("rota"))].find('[data-action="close-item"]')).click();
  await waitFor("one point left", async () => (await session().findAll('[data-testid="agenda-point"]')).length === 1);
  await click('[data-action="mark-held"]');
  const carried = await waitFor("the carried-forward mark", async () => (await texts('[data-testid="agenda-point"] [data-testid="carried"]'))[0] ?? null);
  assert.equal(carried.trim(), "carried forward 1×");
  assert.match(await (await $('[data-testid="agenda-point"]')).text(), /Growth path/);
  await show(agenda);
  await screenshot(session(), "manager-agenda");
  await accessible("one-on-ones (agenda)");
  await app.close();
  app = null;
});

step("nothing the person kept private is anywhere in the manager's data", async () => {
  const timeline = asym(managerDir, "--json", "manager", "timeline", "Ada");
  assert.ok(timeline.includes(SHARED_WORD), "the CLI reads the manager's journal (control)");
  assert.ok(!timeline.includes(CANARY) && !timeline.includes(ids.canary), "no private words or ids in the timeline");
  const agenda = asym(managerDir, "--json", "manager", "agenda", "Ada", "--all");
  assert.ok(!agenda.includes(CANARY), "nor on the agenda");
  // On disk the manager's journal is encrypted: neither the private nor the shared words.
  for (const name of readdirSync(managerDir, { recursive: true })) {
    const path = join(managerDir, String(name));
    let bytes;
    try {
      bytes = readFileSync(path);
    } catch {
      continue; // a folder
    }
    for (const word of [CANARY, SHARED_WORD]) {
      assert.ok(!bytes.includes(Buffer.from(word)), `${name} holds "${word}"`);
    }
  }
});
