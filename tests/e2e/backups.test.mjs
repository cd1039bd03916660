// A person keeps their journal safe through the real window: Settings shows the backup the
// CLI took, "Back up now" takes a verified one, the list shows both, and a restore first
// shows what the backup holds against what the journal holds now, then puts it back: the
// purpose added after that backup is gone from the window, the journal opens from outside
// with the restored contents, and the file it replaced is kept aside. Nothing is said on
// unlocking (the page check passed). Hooks: ui/TESTING.md, "Settings" → Backups.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-backups-"));
const dataDir = join(work, "journal");
const KEPT = "Kept in the backup";
const LATER = "Added after the backup";

function asym(...args) {
  return execFileSync(asymBin, ["--data-dir", dataDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: CLI_TIMEOUT_MS });
}
const asymJson = (...args) => JSON.parse(asym("--json", ...args));

let app;
let s;
const step = steps(() => s);
const { $, click, texts, nav, accessible, show, statusIn } = ui(() => s);
before(async () => {
  asym("init");
  asym("purpose", "add", "--title", KEPT);
  asym("backup", "now");
  asym("purpose", "add", "--title", LATER);
  app = await launch({ name: "backups", dataDir });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

const purposeTitles = async () => (await texts('[data-testid="purpose"]')).join("\n");

step("Settings shows the last backup, and nothing is said on unlocking", async () => {
  await $('[data-nav="today"]');
  await nav("settings");
  const last = await waitFor("the last backup", async () => {
    const t = await (await $('[data-testid="last-backup"]')).text();
    return t.startsWith("Last backup") ? t : null;
  });
  assert.match(last, /taken by hand/, "the CLI's backup is the last one");
  assert.equal((await s.findAll('[data-testid="health"]')).length, 0, "no health alert after a clean page check");
  await accessible("settings");
});

step("Back up now takes a verified backup of what the journal holds", async () => {
  await click('[data-action="backup-now"]');
  const said = await statusIn("main", /Backed up and verified/);
  assert.match(said, /2 purposes/);
  assert.match(await (await $('[data-testid="last-backup"]')).text(), /taken by hand/);
});

step("a restore shows what it puts back, then puts it back", async () => {
  await click('[data-action="backup-list"]');
  const ids = await waitFor("the list of backups", async () => {
    const items = await s.findAll('[data-testid="backup-list"] li');
    if (items.length < 2) return null;
    const out = [];
    for (const li of items) out.push({ text: await li.text(), id: await (await li.find('[data-action="restore-preview"]')).attribute("data-id") });
    return out;
  });
  const older = ids.find((b) => /taken by hand/.test(b.text) && /1 purpose,/.test(b.text));
  assert.ok(older, `a hand-taken backup holding one purpose is listed: ${ids.map((b) => b.text).join(" | ")}`);
  await click(`[data-action="restore-preview"][data-id="${older.id}"]`);
  const preview = await (await $('[data-testid="restore-preview"]')).text();
  assert.match(preview, /It holds 1 purpose,/);
  assert.match(preview, /now holds 2 purposes,/);
  await show('[data-testid="restore-preview"]', "center");
  await screenshot(s, "backups-restore-preview");
  await click('[data-action="restore-confirm"]');
  const said = await statusIn("main", /Restored the backup from/);
  assert.match(said, /kept in .*replaced/);
  await nav("purposes");
  await waitFor("the restored purposes", async () => {
    const t = await purposeTitles();
    return t.includes(KEPT) && !t.includes(LATER) ? t : null;
  });
});

step("from outside, the journal holds the restored contents and the replaced file is kept", async () => {
  const titles = asymJson("purpose", "list").map((p) => p.title);
  assert.deepEqual(titles, [KEPT]);
  const replaced = join(dataDir, "replaced");
  assert.ok(existsSync(replaced), "replaced/ exists");
  const kept = readdirSync(replaced);
  assert.equal(kept.length, 1, "one replaced journal is kept");
  assert.ok(existsSync(join(replaced, kept[0], "journal.db")), "the replaced journal.db is kept");
});
