// The manager's side of one-on-ones, through the real window. A person's journal is prepared
// with the CLI (the same core as the window): a challenge, ten sessions with feedback on a
// learning curve, a shared reflection and a PRIVATE one holding a canary word; they export
// the last month as a JSON bundle, signed and encrypted to a passphrase. A second person's
// journal signs a file of its own (foreign), and a copy of the good file has one byte changed
// (tampered, original signature kept).
//
// The manager, on a fresh data folder, creates a journal in the window, adds the person,
// trusts their key, is refused the tampered and the foreign file (nothing imported), is asked
// for the passphrase, imports the good file, reads it (chart, explanation, no canary), sees
// the timeline, prepares the agenda (points, an action, a note), closes a point, marks the
// one-on-one held (the open point carries forward), locks and unlocks. Finally, from outside
// the window, the CLI's view of the manager's data and the raw files are searched for the
// canary (and the raw files for a shared word: the store is encrypted).
//
// Hooks (ui/TESTING.md, "One-on-ones"): [data-testid="people|person|trusted-keys|import|bundles|
// bundle|bundle-view|timeline|timeline-day|timeline-item|agenda|agenda-point|carried|
// agenda-action|agenda-note|their-questions"], fields by name, buttons by [data-action].
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const PERSON = "Alex Rivera";
const PASSPHRASE = "orchard-lantern-42";
const CANARY = "quillfenwickprivate"; // only in the person's PRIVATE reflection
const SHARED_WORD = "tangerinesync"; // in their shared reflection: readable in the window only
const NOTE_WORD = "bramblenote"; // the manager's own note: never in plain text on disk

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-manager-"));
const personDir = join(work, "person");
const otherDir = join(work, "other-person");
const managerDir = join(work, "manager");
const files = {
  pub: join(work, "alex.pub"),
  good: join(work, "good", "alex-bundle.json"),
  tampered: join(work, "tampered", "alex-bundle.json.age"),
  foreign: join(work, "foreign", "alex-bundle.json"),
};

function asym(dataDir, args, env = {}) {
  return execFileSync(asymBin, ["--data-dir", dataDir, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: CLI_TIMEOUT_MS,
  });
}
const isoDay = (daysAgo) => {
  const d = new Date(Date.now() - daysAgo * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};
const NOISE = [0.4, -0.3, 0.2, -0.5, 0.3, -0.1, 0.2, -0.2, 0.1, -0.3];
const performance = (i) => (20 + 25 * Math.exp(-0.3 * i) + NOISE[i]).toFixed(2);

/** Every file under `dir` that can be listed (others' folders are skipped). */
function walkQuietly(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walkQuietly(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** A person's journal with shareable practice and one private reflection; returns nothing. */
function preparePerson(dir, { canary }) {
  asym(dir, ["init"]);
  const challenge = JSON.parse(
    asym(dir, ["--json", "challenge", "add", "--skill", "Code review", "--goal", "400 lines in 20 minutes",
      "--measure", "time", "--unit", "min", "--lower-is-better", "--difficulty", "3", "--at", `${isoDay(12)}T08:00`]),
  );
  for (let i = 0; i < 10; i += 1) {
    asym(dir, ["session", "add", "--challenge", challenge.id, "--performance", performance(i), "--duration", "30",
      "--attempts", "10", "--successes", String([7, 8, 8, 9][i % 4]), "--difficulty", "3",
      "--feedback", "peer; worked=clear comments; change=read the tests first; delay=30",
      "--next-step", "start from the tests", "--at", `${isoDay(10 - i)}T09:00`]);
  }
  asym(dir, ["reflection", "add", "--shared", "--at", `${isoDay(3)}T18:00`,
    "--text", `Reading the tests first made reviews calmer (${SHARED_WORD}).`]);
  if (canary) {
    asym(dir, ["reflection", "add", "--private", "--at", `${isoDay(2)}T21:00`,
      "--text", `Private: I am thinking about ${canary} and nobody else needs to know.`]);
  }
}

before(() => {
  // The person, and their public key.
  preparePerson(personDir, { canary: CANARY });
  asym(personDir, ["keys", "export-public", files.pub]);
  mkdirSync(join(work, "good"));
  asym(personDir, ["share", "export", "--from", isoDay(30), "--to", "today", "--format", "json",
    "--out", files.good, "--sign", "--encrypt-passphrase", "--for", "Sam",
    "--agenda", "Can we talk about my review load?"], { ASYMPTOTE_AGE_PASSPHRASE: PASSPHRASE });
  files.good += ".age"; // age adds its suffix; the signature is beside it (.age.minisig)
  assert.ok(statSync(`${files.good}.minisig`).size > 0, "the export is signed");
  // A copy with one byte changed in the middle, keeping the original signature.
  mkdirSync(join(work, "tampered"));
  const bytes = readFileSync(files.good);
  const i = Math.floor(bytes.length / 2);
  bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41; // inside the armored base64: still a well-formed file
  writeFileSync(files.tampered, bytes);
  copyFileSync(`${files.good}.minisig`, `${files.tampered}.minisig`);
  // A file signed by another journal's key.
  preparePerson(otherDir, { canary: null });
  mkdirSync(join(work, "foreign"));
  asym(otherDir, ["share", "export", "--from", isoDay(30), "--to", "today", "--format", "json",
    "--out", files.foreign, "--sign", "--encrypt-passphrase"], { ASYMPTOTE_AGE_PASSPHRASE: PASSPHRASE });
  files.foreign += ".age";
});

let app;
let s; // the WebDriver session
const step = steps(() => s);
const { $, click, fill, nav, accessible, texts } = ui(() => s);
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Scrolls the element matching `css` to the middle of the window (for the screenshots). */
async function show(css, block = "center") {
  await s.execute("const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView({ block: arguments[1] });", css, block);
}
/** Pastes `text` into a field at once, as a paste does (WebKitWebDriver drops typed newlines). */
async function paste(name, text, scope = "main") {
  await $(`${scope} [name="${name}"]`);
  await s.execute(
    `const el = document.querySelector(arguments[0]);
     el.focus();
     el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true }));`,
    `${scope} [name="${name}"]`,
    text,
  );
}
const pageText = () => s.execute("return document.body.innerText;");
/** Waits for a [role=alert] in `scope` whose text matches `re`, and returns that text. */
async function alertIn(scope, re) {
  return waitFor(`an alert in ${scope} matching ${re}`, async () => {
    const found = await texts(`${scope} [role="alert"]`);
    return found.find((t) => re.test(t)) ?? null;
  });
}
const personSel = `[data-testid="person"][data-name="${PERSON}"]`;
async function importFile(path, passphrase) {
  await fill("import_path", path, '[data-testid="import"]');
  await fill("import_passphrase", passphrase, '[data-testid="import"]');
  await click('[data-action="import"]');
}
async function bundleCount() {
  return (await s.findAll('[data-testid="bundles"] [data-testid="bundle"]')).length;
}

step("the manager creates a journal in the window, on a fresh data folder", async () => {
  app = await launch({ name: "manager", dataDir: managerDir });
  s = app.session;
  await click('[data-action="create-journal"]');
  await $('[data-testid="recovery-key"]');
  await click('[name="wrote_it_down"]');
  await click('[data-action="recovery-done"]');
  await $('[data-nav="today"]');
});

step("One-on-ones explains the first steps", async () => {
  await nav("manager");
  const lead = await pageText();
  assert.match(lead, /read-only/i, "the lead says what they send is read-only");
  assert.match(lead, /never leave with anyone's export/i, "the lead says the agenda never leaves");
  const empty = await (await $('[data-testid="manager-empty"]')).text();
  assert.match(empty, /fingerprint/i, `the empty state explains the steps: ${empty}`);
  await screenshot(s, "manager-empty");
  await accessible("one-on-ones (empty)");
});

step("add the person and trust their key", async () => {
  await fill("person_name", PERSON);
  await click('[data-action="add-person"]');
  await $(personSel);
  await $('[data-testid="trusted-keys"]'); // the new person opens
  const heading = await (await $("#person-title")).text();
  assert.equal(heading.trim(), PERSON);
  await screenshot(s, "person-new");
  await accessible("one-on-ones (new person)");
  const pub = readFileSync(files.pub, "utf8");
  const keyId = /minisign public key ([0-9A-F]{16})/.exec(pub)?.[1];
  assert.ok(keyId, "the .pub file names its key id");
  await paste("public_key", pub, '[data-testid="trusted-keys"]');
  const advice = await (await $('[data-testid="trusted-keys"]')).text();
  assert.match(advice, /in person or by phone/i, "the manager is told to compare the fingerprint");
  await click('[data-action="trust-key"]');
  await waitFor("the trusted key in the list", async () =>
    (await s.findAll(`[data-testid="trusted-key"][data-key-id="${keyId}"]`)).length === 1,
  );
  await waitFor("the person's button names the key", async () => (await (await s.find(personSel)).text()).includes(keyId.slice(0, 4)));
  await screenshot(s, "key-trusted");
  await accessible("one-on-ones (key trusted)");
});

step("a tampered file is refused before any passphrase is asked, and nothing is imported", async () => {
  // No passphrase typed: the signature is checked first, so the refusal comes before the ask.
  await importFile(files.tampered, "");
  const msg = await alertIn('[data-testid="import"]', /nothing was imported/);
  assert.match(msg, /changed/i, `the refusal says the file was changed: ${msg}`);
  assert.equal(await bundleCount(), 0, "no bundle was stored");
  assert.match(await (await s.find(personSel)).text(), /0 bundles/);
  // The form keeps what was typed.
  assert.equal(await (await s.find('[name="import_path"]')).property("value"), files.tampered);
  await show('[data-testid="import"] [role="alert"]');
  await screenshot(s, "refused-tampered");
  await accessible("one-on-ones (refused)");
});

step("a file signed by another journal's key is refused", async () => {
  await importFile(files.foreign, "");
  const msg = await alertIn('[data-testid="import"]', /key.*nothing was imported/i);
  assert.match(msg, /unknown key|not by the key you trust/i, `the refusal names the key: ${msg}`);
  assert.equal(await bundleCount(), 0, "no bundle was stored");
  assert.match(await (await s.find(personSel)).text(), /0 bundles/);
  await show('[data-testid="import"] [role="alert"]');
  await screenshot(s, "refused-foreign");
});

step("the good file without its passphrase: the window asks for it", async () => {
  await importFile(files.good, "");
  const msg = await alertIn('[data-testid="import"]', /passphrase/i);
  assert.match(msg, /nothing was imported/);
  const focused = await s.execute("return document.activeElement && document.activeElement.name;");
  assert.equal(focused, "import_passphrase", "the caret moves to the passphrase field");
  assert.equal(await bundleCount(), 0);
  await show('[data-testid="import"] [role="alert"]');
  await screenshot(s, "needs-passphrase");
  await accessible("one-on-ones (needs passphrase)");
});

step("with the passphrase: verified and imported", async () => {
  await fill("import_passphrase", PASSPHRASE, '[data-testid="import"]');
  await click('[data-action="import"]');
  const ok = await waitFor("the import's confirmation", async () => {
    const found = await texts('[data-testid="import"] [role="status"]');
    return found.find((t) => /imported/i.test(t)) ?? null;
  });
  assert.match(ok, /signed by key/i, ok);
  await waitFor("one bundle received", async () => (await bundleCount()) === 1);
  await waitFor("the person's count", async () => /1 bundle\b/.test(await (await s.find(personSel)).text()));
  assert.equal(await (await s.find('[name="import_passphrase"]')).property("value"), "", "the passphrase is not kept in the form");
});

step("read the bundle: chart, explanation, sessions with feedback — and no private word", async () => {
  // The bundle just imported opens by itself; close it and open it from the list.
  await $('[data-testid="bundle-view"]');
  await click('[data-testid="bundle-view"] [data-action="close-bundle"]');
  await waitFor("the bundle view to close", async () => (await s.findAll('[data-testid="bundle-view"]')).length === 0);
  await click('[data-testid="bundle"] [data-action="open-bundle"]');
  await $('[data-testid="bundle-view"]');
  const chart = await $('[data-testid="bundle-view"] [data-testid="bundle-chart"]');
  await waitFor("the chart to draw", async () => (await chart.find("canvas")) !== null);
  const explanation = await (await $('[data-testid="bundle-explanation"]')).text();
  assert.match(explanation, /ceiling|floor|asymptote/i, `the explanation names a ceiling: ${explanation}`);
  const sessions = await texts('[data-testid="bundle-session"]');
  assert.equal(sessions.length, 10, "ten sessions");
  assert.ok(sessions.every((t) => /clear comments/.test(t)), "each with its feedback");
  const text = await pageText();
  assert.ok(text.includes(SHARED_WORD), "the shared reflection is there");
  assert.ok(text.includes("Can we talk about my review load?"), "their question is there");
  assert.ok(!text.includes(CANARY), "the private reflection is nowhere on the page");
  assert.ok(!(await s.source()).includes(CANARY), "nor in the page's markup");
  await show('[data-testid="bundle-view"]', "start");
  await screenshot(s, "bundle-view");
  await show('[data-testid="bundle-view"] [data-testid="bundle-sessions"]', "start");
  await screenshot(s, "bundle-view-sessions");
  await accessible("one-on-ones (bundle)");
});

step("the timeline lists the days they shared", async () => {
  await $('[data-testid="timeline"]');
  const days = await s.findAll('[data-testid="timeline-day"]');
  assert.ok(days.length >= 10, `at least the ten practice days: ${days.length}`);
  const sessions = await s.findAll('[data-testid="timeline-item"][data-kind="session"]');
  assert.equal(sessions.length, 10);
  const reflections = await texts('[data-testid="timeline-item"][data-kind="reflection"]');
  assert.equal(reflections.length, 1, "only the shared reflection");
  assert.ok(!(await texts('[data-testid="timeline"]')).join(" ").includes(CANARY));
  await show('[data-testid="timeline"]', "start");
  await screenshot(s, "timeline");
  await accessible("one-on-ones (timeline)");
});

/** Sets a date input (typing into WebKitGTK's date field is unreliable) as a person's input would. */
async function setDate(name, iso) {
  await s.execute(
    `const el = document.querySelector('main [name="${name}"]');
     el.value = arguments[0];
     el.dispatchEvent(new Event('input', { bubbles: true }));
     el.dispatchEvent(new Event('change', { bubbles: true }));`,
    iso,
  );
}
async function addAgenda(kind, text, { owner, due } = {}) {
  await click(`[name="agenda_kind"] option[value="${kind}"]`);
  await fill("agenda_text", text, '[data-testid="agenda"]');
  if (kind === "action") {
    await fill("owner", owner, '[data-testid="agenda"]');
    await setDate("due", due);
  }
  await click('[data-action="add-agenda-item"]');
}

step("prepare the agenda: two points, actions with owners and due dates, a note", async () => {
  const questions = await (await $('[data-testid="their-questions"]')).text();
  assert.match(questions, /review load/, "their own question is on the agenda");
  await addAgenda("point", "How the review load is spread across the team");
  await addAgenda("point", "Pairing on the flaky tests");
  await waitFor("two points", async () => (await s.findAll('[data-testid="agenda-point"]')).length === 2);
  // An action without a due date is refused in one sentence, and the form keeps its text.
  await click('[name="agenda_kind"] option[value="action"]');
  await fill("agenda_text", "Draft a review checklist", '[data-testid="agenda"]');
  await fill("owner", "Alex", '[data-testid="agenda"]');
  await click('[data-action="add-agenda-item"]');
  await alertIn('[data-testid="agenda"]', /due date/);
  assert.equal(await (await s.find('[name="agenda_text"]')).property("value"), "Draft a review checklist");
  await setDate("due", isoDay(-7));
  await click('[data-action="add-agenda-item"]');
  await addAgenda("action", "Send Alex the onboarding notes", { owner: "me", due: isoDay(2) });
  await waitFor("two actions", async () => (await s.findAll('[data-testid="agenda-action"]')).length === 2);
  const actions = await texts('[data-testid="agenda-action"]');
  assert.match(actions[0], /onboarding notes/, "soonest due first");
  assert.match(actions[0], /overdue by 2 days/, `an overdue action says so: ${actions[0]}`);
  assert.match(actions[1], /Owner: Alex/);
  assert.equal((await s.findAll('[data-testid="agenda-action"][data-due="overdue"]')).length, 1);
  await addAgenda("note", `Seemed tired on Tuesday; ask how the on-call week went (${NOTE_WORD}).`);
  await waitFor("the note", async () => (await texts('[data-testid="agenda-note"]')).some((t) => t.includes(NOTE_WORD)));
  await show('[data-testid="agenda"]', "start");
  await screenshot(s, "agenda");
  await accessible("one-on-ones (agenda)");
});

step("close a point, mark the one-on-one held: the open point carries forward", async () => {
  const points = await s.findAll('[data-testid="agenda-point"]');
  const rows = await texts('[data-testid="agenda-point"]');
  const idx = rows.findIndex((t) => t.includes("flaky tests"));
  await (await points[idx].find('[data-action="close-item"]')).click();
  await waitFor("one point left", async () => (await s.findAll('[data-testid="agenda-point"]')).length === 1);
  await click('[data-action="mark-held"]');
  const carried = await waitFor("the carried-forward mark", async () => {
    const found = await texts('[data-testid="agenda-point"] [data-testid="carried"]');
    return found[0] ?? null;
  });
  assert.equal(carried.trim(), "carried forward 1×");
  assert.match(await (await s.find('[data-testid="agenda-point"]')).text(), /review load/);
  assert.match(await (await s.find('[data-testid="last-held"]')).text(), /today/);
  assert.equal(await (await s.find('[data-action="mark-held"]')).property("disabled"), true, "held once a day");
  await click('[name="show_closed"]');
  await waitFor("the closed point listed", async () =>
    (await texts('[data-testid="agenda-closed-item"]')).some((t) => t.includes("flaky tests")),
  );
  await show('[data-testid="agenda"]', "start");
  await screenshot(s, "agenda-held");
  await accessible("one-on-ones (held)");
});

step("lock and unlock: the agenda is still there", async () => {
  await click('[data-action="lock"]');
  await waitFor("the locked screen", async () => (await s.findAll('[data-nav="today"]')).length === 0);
  const unlock = await s.findAll('[data-action="unlock"]');
  if (unlock.length > 0) await unlock[0].click();
  await $('[data-nav="today"]');
  await nav("manager");
  await click(personSel);
  await waitFor("the point after unlocking", async () =>
    (await texts('[data-testid="agenda-point"]')).some((t) => t.includes("review load") && t.includes("carried forward 1×")),
  );
  assert.equal((await s.findAll('[data-testid="agenda-action"]')).length, 2);
  assert.ok((await texts('[data-testid="agenda-note"]')).some((t) => t.includes(NOTE_WORD)));
  assert.equal(await bundleCount(), 1);
  await screenshot(s, "unlocked");
  await accessible("one-on-ones (after unlocking)");
});

step("the canary is nowhere in the manager's data; the store holds no plain text", async () => {
  await app.close();
  app = null;
  s = null;
  const timeline = asym(managerDir, ["--json", "manager", "timeline", PERSON]);
  const agenda = asym(managerDir, ["--json", "manager", "agenda", PERSON, "--all"]);
  assert.ok(timeline.includes(SHARED_WORD), "the CLI reads the shared reflection (the check below means something)");
  assert.ok(agenda.includes(NOTE_WORD), "the CLI reads the manager's note");
  assert.ok(!timeline.includes(CANARY), "no canary in the timeline");
  assert.ok(!agenda.includes(CANARY), "no canary in the agenda");
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const raw = walk(managerDir);
  assert.ok(raw.some((f) => f.endsWith("journal.db")), `the manager's folder holds the journal: ${raw.join(", ")}`);
  for (const f of raw) {
    const bytes = readFileSync(f);
    for (const word of [CANARY, SHARED_WORD, NOTE_WORD]) {
      assert.equal(bytes.includes(Buffer.from(word)), false, `${word} in plain text in ${f}`);
    }
  }
  // Nor did the window leave the shared words in memory-backed temporary files.
  for (const f of walkQuietly("/dev/shm")) {
    let bytes;
    try {
      bytes = readFileSync(f);
    } catch {
      continue; // not ours to read
    }
    for (const word of [CANARY, SHARED_WORD, NOTE_WORD]) {
      assert.equal(bytes.includes(Buffer.from(word)), false, `${word} in ${f}`);
    }
  }
});
