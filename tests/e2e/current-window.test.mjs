// The harness, proven on the first window (before the full UI lands): a journal made with
// `asym init`, opened by the window through the OS keyring, a reflection typed and added.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { axeSummary, launch, repo, scanAccessibility, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";

after(() => console.log(axeSummary()));

test("the window unlocks a journal from the keyring and stores a typed reflection", async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "asymptote-e2e-cli-")), "journal");
  execFileSync(resolve(repo, "target/debug/asym"), ["--data-dir", dataDir, "init"], { stdio: ["ignore", "ignore", "pipe"] });
  const app = await launch({ name: "current-window", dataDir });
  try {
    const { session } = app;
    const box = await waitFor("the reflection box", () => session.find("textarea#reflection"));
    await screenshot(session, "today-empty");
    assert.deepEqual(await scanAccessibility(session, "today"), []);
    const line = "Practised scales <b>slowly</b>; the hard bar came together.";
    await box.type(line);
    await (await session.find("form button[type=submit]")).click();
    const item = await waitFor("the reflection in today's list", async () => {
      const items = await session.findAll("li.reflection");
      for (const li of items) if ((await li.text()) === line) return li;
      return null;
    });
    assert.ok(item, "the typed reflection is listed, as text (markup not executed)");
    assert.equal((await session.findAll("li.reflection b")).length, 0, "no <b> element was created from entry text");
    assert.match(app.log(), /asymptote: reflection added/);
    await screenshot(session, "today-reflection");
    await (await session.find("#lock")).click();
    await waitFor("today again after lock (keyring unlock)", async () => (await session.findAll("li.reflection")).length === 1);
  } finally {
    await app.close();
  }
});
