// A person whose journal has a damaged page repairs it in the real window: after unlocking,
// the page check says a page is damaged and offers the repair; the repair puts back every
// entry, the ones on the damaged page from the newest backup, and says so; from outside the
// journal then lists every entry, its check is clean, and the damaged file is kept aside.
// Hooks: ui/TESTING.md, "Health and repair".
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-repair-"));
const dataDir = join(work, "journal");
const ENTRIES = 16;

function run(...args) {
  try {
    return { code: 0, stdout: execFileSync(asymBin, ["--data-dir", dataDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: CLI_TIMEOUT_MS }) };
  } catch (e) {
    if (typeof e.status !== "number") throw e;
    return { code: e.status, stdout: String(e.stdout ?? ""), stderr: String(e.stderr ?? "") };
  }
}
function asym(...args) {
  const r = run(...args);
  assert.equal(r.code, 0, `asym ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Damages pages from the end until one hides reflections from a list; returns it. */
function damageAPageOfReflections() {
  const db = join(dataDir, "journal.db");
  const intact = readFileSync(db);
  for (let page = intact.length / 4096 - 1; page >= 2; page--) {
    const b = Buffer.from(intact);
    for (let i = 0; i < 8; i++) b[(page - 1) * 4096 + 200 + i] ^= 0xa5;
    writeFileSync(db, b);
    const r = run("--json", "reflection", "list");
    if (r.code === 11 && JSON.parse(r.stdout).length < ENTRIES) return page;
  }
  throw new Error("no page holds reflections");
}

let app;
let s;
const step = steps(() => s);
const { $, click, accessible, show } = ui(() => s);
before(async () => {
  asym("init");
  const long = "steady hands, slow breath, clear eyes ".repeat(40);
  for (let i = 1; i <= ENTRIES; i++) {
    asym("reflection", "add", "--text", `Entry ${i}: ${long}`, "--at", `2026-03-${String(i + 1).padStart(2, "0")}`);
  }
  asym("backup", "now");
  damageAPageOfReflections();
  app = await launch({ name: "repair", dataDir });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

step("after unlocking, the damaged page is said and the repair offered", async () => {
  await $('[data-nav="today"]');
  const said = await waitFor("the health alert", async () => {
    const alerts = await s.findAll('[data-testid="health"]');
    return alerts.length ? await alerts[0].text() : null;
  });
  assert.match(said, /damaged/i);
  await $('[data-testid="health"] [data-action="repair"]');
  await show('[data-testid="health"]', "center");
  await screenshot(s, "repair-offered");
  await accessible("repair offered");
});

step("the repair puts every entry back and says what it did", async () => {
  await click('[data-testid="health"] [data-action="repair"]');
  const said = await waitFor("the repair's summary", async () => {
    const done = await s.findAll('[data-testid="repaired"]');
    return done.length ? await done[0].text() : null;
  }, { timeout: 60000 });
  assert.match(said, /The journal was repaired/);
  assert.match(said, /added from the backup/);
  assert.match(said, /nothing is known to be lost/);
  assert.equal((await s.findAll('[data-testid="health"]')).length, 0, "the alert is gone");
  await screenshot(s, "repair-done");
});

step("from outside, every entry is there, the check is clean and the damaged file is kept", async () => {
  assert.equal(JSON.parse(asym("--json", "reflection", "list")).length, ENTRIES);
  assert.doesNotMatch(asym("check"), /damaged/);
  const replaced = join(dataDir, "replaced");
  assert.ok(existsSync(replaced), "replaced/ exists");
  const kept = readdirSync(replaced);
  assert.equal(kept.length, 1, "one damaged journal is kept");
  assert.ok(existsSync(join(replaced, kept[0], "journal.db")));
  assert.deepEqual(readdirSync(dataDir).filter((f) => /repair|salvage|read-around/.test(f)), [], "nothing of the work is left");
});
