// A new person's first week, through the real window: create the journal (the recovery key is
// shown once), add a purpose and a challenge (time, lower is better, a difficulty), log twelve
// sessions with feedback on a learning curve, see the fitted curve and an explanation that names
// its ceiling, write a reflection, search by word prefixes and see the highlight, lock and
// unlock. Every screen is scanned with axe-core and photographed into test-output/e2e/.
//
// Hooks (ui/TESTING.md): nav buttons [data-nav=…], fields by the core's field names [name=…],
// buttons [data-action=…], and a few [data-testid=…].
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

let app;
let s; // the WebDriver session
const step = steps(() => s);
const { $, click, fill, nav, accessible, texts } = ui(() => s);
before(async () => {
  app = await launch({ name: "first-week" });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
});

// A learning curve, lower is better: 20 + 25·e^(−0.25·i), with a little fixed noise.
const NOISE = [0.4, -0.3, 0.2, -0.5, 0.3, -0.1, 0.2, -0.2, 0.1, -0.3, 0.2, -0.1];
const performance = (i) => (20 + 25 * Math.exp(-0.25 * i) + NOISE[i]).toFixed(2);

step("first run: the window offers to create a journal", async () => {
  await $('[data-action="create-journal"]');
  await screenshot(s, "first-run");
  await accessible("first run");
});

step("create the journal: the recovery key is shown once", async () => {
  await click('[data-action="create-journal"]');
  const key = await $('[data-testid="recovery-key"]');
  const shown = (await key.text()).trim();
  assert.ok(shown.replace(/[^A-Z0-9]/gi, "").length >= 32, "a recovery key of at least 32 characters is shown");
  await screenshot(s, "recovery-key");
  await accessible("recovery key");
  await click('[name="wrote_it_down"]');
  await click('[data-action="recovery-done"]');
  await $('[data-nav="today"]');
});

step("Today is interactive (and the app said when)", async () => {
  await $('[data-testid="today-items"]');
  await screenshot(s, "today");
  await accessible("today");
  assert.match(app.log(), /asymptote: ready \d+ ms/, "the app prints `asymptote: ready <N> ms` to stderr");
});

step("add a purpose", async () => {
  await nav("purposes");
  await fill("title", "Help my team ship calmly");
  await fill("whom", "my team");
  await fill("why", "Calm teams make fewer mistakes");
  await click('[data-action="add-purpose"]');
  await waitFor("the purpose in the list", async () =>
    (await texts('[data-testid="purpose"]')).some((t) => t.includes("Help my team ship calmly")),
  );
  await screenshot(s, "purposes");
  await accessible("purposes");
});

step("add a challenge: time in minutes, lower is better, difficulty 3, for that purpose", async () => {
  await nav("challenges");
  await fill("skill", "Code review");
  await fill("goal", "400 lines in 20 minutes");
  await fill("measure_name", "time");
  await fill("measure_unit", "min");
  await fill("difficulty", "3");
  const higher = await $('main [name="higher_is_better"]');
  if (await higher.property("checked")) await higher.click();
  assert.equal(await higher.property("checked"), false, "lower is better");
  await click('main [name="purpose_ids"] option:nth-child(2)');
  await click('[data-action="add-challenge"]');
  await waitFor("the challenge in the list", async () =>
    (await texts('[data-testid="challenge"]')).some((t) => t.includes("Code review")),
  );
  await screenshot(s, "challenges");
  await accessible("challenges");
});

step("log twelve sessions, each with feedback", async () => {
  await nav("practice");
  let logged = 0;
  for (let i = 0; i < 12; i += 1) {
    await fill("performance", performance(i));
    await fill("attempts", 10);
    await fill("successes", [7, 8, 8, 9][i % 4]);
    await fill("duration_min", 30);
    await fill("difficulty", 3);
    await fill("effort", 6);
    await fill("challenge_rating", 6);
    await fill("skill_rating", 4 + Math.floor(i / 3));
    if ((await s.findAll('[data-testid="feedback-row"]')).length === 0) await click('[data-action="add-feedback"]');
    await click('[data-testid="feedback-row"] [name="source"] option[value="peer"]');
    await fill("worked", "clear comments", '[data-testid="feedback-row"]');
    await fill("change", "read the tests first", '[data-testid="feedback-row"]');
    await fill("delay_min", 30, '[data-testid="feedback-row"]');
    await fill("next_step", "start from the tests");
    const before = (await texts('[data-testid="recent-sessions"] li'))[0] ?? "";
    await click('[data-action="log-session"]');
    // The list shows the latest few, newest first: wait for a new first row with this value.
    await waitFor(`session ${i + 1} at the top of the recent list`, async () => {
      const first = (await texts('[data-testid="recent-sessions"] li'))[0] ?? "";
      return first !== before && first.includes(String(Number(performance(i))));
    });
    logged += 1;
    if (i === 0) await screenshot(s, "practice-first-session");
  }
  assert.equal(logged, 12);
  const recent = await texts('[data-testid="recent-sessions"] li');
  assert.ok(recent.length > 0 && recent.every((t) => /feedback/.test(t)), `every listed session kept its feedback: ${recent.join(" | ")}`);
  // The list is a page of the latest; older ones come on request.
  assert.equal(recent.length, 8, "the latest eight");
  await click('[data-action="older-sessions"]');
  await waitFor("all twelve listed", async () => (await texts('[data-testid="recent-sessions"] li')).length === 12);
  assert.equal((await s.findAll('[data-action="older-sessions"]')).length, 0, "no more to show");
  await screenshot(s, "practice");
  await accessible("practice");
});

step("Progress shows the fitted curve and names its ceiling", async () => {
  await nav("progress");
  const chart = await $('[data-testid="progress-chart"]');
  await waitFor("the chart to draw", async () => (await chart.find("canvas, svg")) !== null);
  const explanation = await (await $('[data-testid="progress-explanation"]')).text();
  assert.match(explanation, /ceiling|floor|asymptote/i, `the explanation names a ceiling: ${explanation}`);
  await screenshot(s, "progress");
  await accessible("progress");
});

step("write a reflection", async () => {
  await nav("reflections");
  await fill("text", "Practised feedback slowly; reading the tests first made reviews calmer.");
  await click('main [data-action="add-reflection"]');
  await waitFor("the reflection in the list", async () =>
    (await texts('[data-testid="reflection"]')).some((t) => t.includes("reading the tests first")),
  );
  await screenshot(s, "reflections");
  await accessible("reflections");
});

step("search with word prefixes and see the highlight", async () => {
  await nav("search");
  await fill("query", "prac feed");
  await click('[data-action="search"]');
  const marks = await waitFor("highlighted hits", async () => {
    const found = await texts('[data-testid="search-hit"] mark');
    return found.length > 0 ? found : null;
  });
  assert.ok(marks.some((m) => /^prac/i.test(m)), `a highlight starts with "prac": ${marks.join(", ")}`);
  assert.ok(marks.some((m) => /^feed/i.test(m)), `a highlight starts with "feed": ${marks.join(", ")}`);
  // Search also runs as you type (debounced): let that settle, then photograph the hits.
  await new Promise((r) => setTimeout(r, 1000));
  await waitFor("highlighted hits after the live search settled", async () =>
    (await s.findAll('[data-testid="search-hit"] mark')).length > 0,
  );
  await screenshot(s, "search");
  await accessible("search");
});

step("the other screens: autonomy and settings", async () => {
  for (const screen of ["autonomy", "settings"]) {
    await nav(screen);
    await screenshot(s, screen);
    await accessible(screen);
  }
});

step("lock, then unlock with the keyring", async () => {
  await click('[data-action="lock"]');
  await waitFor("the locked screen", async () => (await s.findAll('[data-nav="today"]')).length === 0);
  await screenshot(s, "locked");
  await accessible("locked");
  const unlock = await s.findAll('[data-action="unlock"]');
  if (unlock.length > 0) await unlock[0].click();
  await $('[data-nav="today"]');
  await nav("reflections");
  await waitFor("the reflection after unlocking", async () =>
    (await texts('[data-testid="reflection"]')).some((t) => t.includes("reading the tests first")),
  );
  await screenshot(s, "unlocked");
});
