// A person changes the journal's keys over the years in the real window, Settings → Keys:
// from the keyring to a passphrase, a new passphrase, a new recovery key (shown once), and a
// new database key. After each step `asym`, from outside, opens the journal with the key it
// should and refuses the one it should no longer take; every entry is there and the check is
// clean at the end. Hooks: ui/TESTING.md, "Settings" → Keys.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-keys-"));
const dataDir = join(work, "journal");
const FIRST = "a long first passphrase for the journal";
const SECOND = "a different and equally long passphrase";

/** `asym ARGS` with `env`: its exit code and output. */
function run(args, env = {}) {
  try {
    const stdout = execFileSync(asymBin, ["--data-dir", dataDir, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: CLI_TIMEOUT_MS,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout };
  } catch (e) {
    if (typeof e.status !== "number") throw e;
    return { code: e.status, stdout: String(e.stdout ?? ""), stderr: String(e.stderr ?? "") };
  }
}
const opensWith = (passphrase) => run(["--json", "unlock"], { ASYMPTOTE_PASSPHRASE: passphrase }).code;
function recoveryOpens(key) {
  const f = join(work, "rk.txt");
  writeFileSync(f, key);
  return run(["--json", "unlock", "--recovery-key-file", f], { ASYMPTOTE_PASSPHRASE: "" }).code;
}

let app;
let s;
let firstRecovery;
const step = steps(() => s);
const { $, click, fill, nav, accessible, show, statusIn } = ui(() => s);
before(async () => {
  firstRecovery = JSON.parse(run(["--json", "init"]).stdout).recovery_key;
  assert.equal(run(["reflection", "add", "--text", "Kept through every key"]).code, 0);
  app = await launch({ name: "keys", dataDir });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

step("from the keyring to a passphrase", async () => {
  await $('[data-nav="today"]');
  await nav("settings");
  await fill("new_passphrase", FIRST);
  await fill("new_passphrase_again", FIRST);
  await click('[data-action="to-passphrase"]');
  await statusIn("main", /now behind your passphrase/);
  await waitFor("the key mode to read passphrase", async () =>
    /behind your passphrase/.test(await (await $('[data-testid="key-mode"]')).text()) ? true : null,
  );
  assert.equal(opensWith(FIRST), 0, "the passphrase opens it from outside");
  await accessible("settings keys");
});

step("a new passphrase: the old one stops opening the journal", async () => {
  await fill("current_passphrase", FIRST);
  await fill("new_passphrase", SECOND);
  await fill("new_passphrase_again", SECOND);
  await click('[data-action="change-passphrase"]');
  await statusIn("main", /Passphrase changed/);
  assert.equal(opensWith(SECOND), 0, "the new passphrase opens it");
  assert.equal(opensWith(FIRST), 10, "the old passphrase no longer does");
});

let newRecovery;
step("a new recovery key, shown once: the old one stops opening the journal", async () => {
  await click('[data-action="rotate-recovery"]');
  newRecovery = await waitFor("the new recovery key", async () => {
    const shown = await s.findAll('[data-testid="new-recovery-key"] .recovery-key');
    return shown.length ? (await shown[0].text()).trim() : null;
  });
  assert.notEqual(newRecovery, firstRecovery);
  await show('[data-testid="new-recovery-key"]', "center");
  await screenshot(s, "keys-new-recovery-key");
  // Nothing wider than the window: the key wraps rather than push the screen sideways.
  const wide = await s.execute(
    `const w = document.documentElement.clientWidth;
     return [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > w + 1).map((e) => e.tagName + " “" + (e.textContent || "").slice(0, 40) + "” ends at " + Math.round(e.getBoundingClientRect().right) + " px").slice(0, 5);`,
  );
  assert.deepEqual(wide, [], "elements wider than the window");
  assert.equal(recoveryOpens(newRecovery), 0, "the new recovery key opens it");
  assert.equal(recoveryOpens(firstRecovery), 10, "the old recovery key no longer does");
  await click('[data-action="wrote-it-down"]');
  await waitFor("the key to be hidden", async () => ((await s.findAll('[data-testid="new-recovery-key"]')).length === 0 ? true : null));
});

step("a new database key: the same passphrase and recovery key open it, every entry there", async () => {
  await fill("rekey_recovery_key", newRecovery);
  await fill("rekey_passphrase", SECOND);
  await click('[data-action="rekey"]');
  await statusIn("main", /re-encrypted under a new key/);
  assert.equal(opensWith(SECOND), 0);
  assert.equal(recoveryOpens(newRecovery), 0);
  const listed = JSON.parse(run(["--json", "reflection", "list"], { ASYMPTOTE_PASSPHRASE: SECOND }).stdout);
  assert.deepEqual(listed.map((r) => r.text), ["Kept through every key"]);
  const check = run(["check"], { ASYMPTOTE_PASSPHRASE: SECOND });
  assert.equal(check.code, 0, check.stderr);
  assert.doesNotMatch(check.stdout, /damaged/);
});
