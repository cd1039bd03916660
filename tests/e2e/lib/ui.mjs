// Small helpers over a WebDriver session for tests that talk to the window as a person does:
// steps that stop at the first failure, fields by their core names, nav buttons, axe checks.
// `ui(() => session)` takes a getter, so a test can relaunch the app (another data folder)
// and keep using the same helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { CLI_TIMEOUT_MS, scanAccessibility, screenshot } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

export function ui(session) {
  const s = () => session();
  const $ = (css) => waitFor(css, () => s().find(css));
  const click = async (css) => (await $(css)).click();
  const texts = async (css) => Promise.all((await s().findAll(css)).map((e) => e.text()));

  /** Replaces the value of the field named `name` (inside `scope`, a CSS prefix). */
  async function fill(name, value, scope = "main") {
    const field = await $(`${scope} [name="${name}"]`);
    await field.clear();
    if (value !== "") await field.type(String(value));
    // WebDriver's clear fires no input event: tell the page the field is empty now.
    else await s().execute("arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", field);
  }

  /**
   * Sets a field's value by script and sends `input` and `change`, as a paste would:
   * WebKitWebDriver drops typed newlines, types unreliably into date fields, and a second
   * click on a <select> opens a native pop-up that swallows later clicks under Xvfb.
   */
  async function setValue(name, value, scope = "main") {
    const field = await $(`${scope} [name="${name}"]`);
    await s().execute(
      `const [el, v] = arguments;
       el.value = v;
       el.dispatchEvent(new Event("input", { bubbles: true }));
       el.dispatchEvent(new Event("change", { bubbles: true }));`,
      field,
      value,
    );
    await waitFor(`${name} = ${value}`, async () => (await field.property("value")) === value);
  }

  async function nav(screen) {
    await click(`[data-nav="${screen}"]`);
    await waitFor(`the ${screen} screen to be current`, async () =>
      (await (await s().find(`[data-nav="${screen}"]`)).attribute("aria-current")) === "page",
    );
  }

  /** Fails if axe finds a serious or critical violation on this screen. */
  async function accessible(screen) {
    const failing = await scanAccessibility(s(), screen);
    assert.deepEqual(
      failing.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target).join(", ")}`),
      [],
      `axe-core: serious/critical violations on ${screen}`,
    );
  }

  /** Scrolls `css` into view (for a screenshot of that part of a long screen). */
  async function show(css, block = "start") {
    await s().execute("arguments[0].scrollIntoView({ block: arguments[1] });", await $(css), block);
    await new Promise((r) => setTimeout(r, 150));
  }

  /** Waits for an alert in `scope` and fails with its sentence, or returns the status text. */
  async function statusIn(scope, re) {
    return waitFor(`a status in ${scope} matching ${re}`, async () => {
      for (const t of await texts(`${scope} [role="alert"]`)) if (t) throw new Error(`the window said: ${t}`);
      return (await texts(`${scope} [role="status"]`)).find((t) => re.test(t)) ?? null;
    });
  }

  return { $, click, texts, fill, setValue, nav, accessible, show, statusIn };
}

/**
 * `step(name, fn)`: a test that is skipped once an earlier step failed (the report then
 * names the first real failure), and photographs the window when it fails.
 */
export function steps(session) {
  let broken = null;
  return function step(name, fn) {
    test(name, async (t) => {
      if (broken) return t.skip(`an earlier step failed: ${broken}`);
      try {
        await fn(t);
      } catch (error) {
        broken = name;
        const s = session();
        if (s) await screenshot(s, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`).catch(() => {});
        throw error;
      }
    });
  };
}

/** Runs a standard tool and returns its output; a failure names the tool and what it said. */
export function run(tool, args, env = {}) {
  try {
    return execFileSync(tool, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
      timeout: CLI_TIMEOUT_MS,
    });
  } catch (e) {
    throw new Error(`${tool} ${args.join(" ")} failed (exit ${e.status}): ${e.stderr || e.stdout}`);
  }
}

/** A local day of this month, `back` days before today (never before the 1st). */
export function dayOfThisMonth(back) {
  const t = new Date();
  const d = new Date(t.getFullYear(), t.getMonth(), Math.max(1, t.getDate() - back));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
