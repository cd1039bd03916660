// Starts the real app under tauri-driver (which starts WebKitWebDriver, which starts the app)
// on a fresh temporary journal folder, and gives the tests a WebDriver session on its window.
//
// Expects to run inside a display (Xvfb) and a Secret Service (scripts/with-secret-service.sh):
// scripts/e2e.sh arranges both. Paths come from the environment so the script stays the one
// place that knows the layout:
//   ASYMPTOTE_APP       the app binary (default: target/debug/asymptote)
//   ASYM_BIN            the CLI (default: target/debug/asym)
//   TAURI_DRIVER        tauri-driver (default: .tools/bin/tauri-driver)
//   E2E_OUT             where screenshots and logs go (default: test-output/e2e)
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Session, waitFor } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../../..");
export const out = resolve(repo, process.env.E2E_OUT ?? "test-output/e2e");
const app = resolve(repo, process.env.ASYMPTOTE_APP ?? "target/debug/asymptote");
const driver = resolve(repo, process.env.TAURI_DRIVER ?? ".tools/bin/tauri-driver");
/**
 * How long a command line tool may take in a test. A Secret Service that stopped answering
 * (a D-Bus-activated, locked gnome-keyring after the test's own daemon died) makes the
 * keyring wait for a prompt no one can see: the call then fails instead of hanging the run.
 */
export const CLI_TIMEOUT_MS = 60_000;
/** The `asym` CLI, to prepare journals and to check files from outside the window. */
export const asymBin = resolve(repo, process.env.ASYM_BIN ?? "target/debug/asym");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A free TCP port on localhost (another engineer's tauri-driver may hold 4444). */
function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/**
 * Launches the app on `dataDir` (a fresh temp folder by default) and opens a session.
 * Returns { session, dataDir, log(), close() }; `log()` is everything the driver and the app
 * wrote to stderr so far (the app's `asymptote: …` lines land there).
 */
export async function launch({ name, dataDir } = {}) {
  mkdirSync(out, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "asymptote-e2e-"));
  dataDir ??= join(scratch, "journal");
  const [port, nativePort] = [await freePort(), await freePort()];
  const logPath = join(out, `${name ?? "app"}.log`);
  // The driver's and the app's stderr go to a file, not a pipe: an app left behind by a
  // crashed driver must not keep this process waiting on a pipe.
  const logFd = openSync(logPath, "w");
  const child = spawn(
    driver,
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { stdio: ["ignore", logFd, logFd], env: { ...process.env, WEBKIT_DISABLE_DMABUF_RENDERER: "1", LIBGL_ALWAYS_SOFTWARE: "1" } },
  );
  const exited = new Promise((ok) => child.on("exit", ok));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`tauri-driver on ${base}`, async () => (await fetch(`${base}/status`)).ok, { timeout: 20000 });
  const session = await Session.create(base, {
    "tauri:options": { application: app, args: ["--data-dir", dataDir] },
  });
  await session.setTimeouts({ implicit: 0, script: 30000, pageLoad: 30000 });
  return {
    session,
    dataDir,
    log: () => readFileSync(logPath, "utf8"),
    async close() {
      await session.delete();
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      // WebKitWebDriver closes the app with the session; if the driver died first, the app is
      // an orphan: find it by its own pid (its command line holds this run's unique folder).
      for (const pid of appPids(dataDir)) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
      closeSync(logFd);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The pids of the app processes started on `dataDir` (this run's unique temp folder). */
function appPids(dataDir) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv.includes(dataDir) && argv.includes("--data-dir")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Saves the window as test-output/e2e/NN-name.png and returns the path. WebDriver's
 * takeScreenshot first; with the Svelte window it never answers under Xvfb (WebKitWebDriver
 * 2.4x: the snapshot waits for a paint that is not reported), so after one timeout the rest
 * are taken from the X server (ImageMagick `import`), cropped to the window's rectangle as
 * WebDriver reports it — the same pixels a person would see.
 */
let shotCount = 0;
let webdriverShots = true;
export async function screenshot(session, name) {
  shotCount += 1;
  const path = join(out, `${String(shotCount).padStart(2, "0")}-${name}.png`);
  if (webdriverShots) {
    const timedOut = Symbol("timeout");
    const png = await Promise.race([
      session.screenshot(),
      new Promise((r) => setTimeout(() => r(timedOut), 8000)),
    ]);
    if (png !== timedOut) {
      writeFileSync(path, png);
      return path;
    }
    webdriverShots = false;
    console.log("note: WebDriver takeScreenshot did not answer in 8 s; screenshots come from the X server from now on");
  }
  const r = await session.call("GET", "/window/rect");
  execFileSync("import", ["-window", "root", "-crop", `${r.width}x${r.height}+${r.x}+${r.y}`, "+repage", path]);
  return path;
}

/** Every axe result of every screen scanned so far, for the summary. */
export const axeResults = [];
const FAILING = new Set(["serious", "critical"]);

/**
 * Runs axe-core on the current screen (injected once per page through executeScript, which
 * WebDriver runs outside the page's CSP) and returns the violations that fail the test.
 */
export async function scanAccessibility(session, screen) {
  const injected = await session.execute("return typeof window.axe === 'object';");
  if (!injected) await session.execute(`${axeSource}\nreturn true;`);
  const result = await session.executeAsync(`
    const done = arguments[arguments.length - 1];
    window.axe
      .run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })
      .then((r) => done({ violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      })) }))
      .catch((e) => done({ error: String(e && e.stack || e) }));
  `);
  if (result.error) throw new Error(`axe-core failed on ${screen}: ${result.error}`);
  axeResults.push({ screen, violations: result.violations });
  return result.violations.filter((v) => FAILING.has(v.impact));
}

/** One line per screen and one per violation; also written to test-output/e2e/axe.json. */
export function axeSummary() {
  writeFileSync(join(out, "axe.json"), JSON.stringify(axeResults, null, 2));
  const lines = [];
  let failing = 0;
  let other = 0;
  for (const { screen, violations } of axeResults) {
    const bad = violations.filter((v) => FAILING.has(v.impact));
    failing += bad.length;
    other += violations.length - bad.length;
    lines.push(`axe: ${screen}: ${bad.length} serious/critical, ${violations.length - bad.length} minor/moderate`);
    for (const v of violations) {
      lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}×: ${v.nodes.slice(0, 3).map((n) => n.target).join(", ")})`);
    }
  }
  lines.push(`axe summary: ${axeResults.length} screens scanned, ${failing} serious/critical violations, ${other} minor/moderate`);
  return lines.join("\n");
}
