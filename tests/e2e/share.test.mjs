// A person prepares a one-on-one through the real window: the month's practice is in the
// preview and a private reflection is not (it waits among the items staying home); they
// untick a session, pick an audit item, try the private reflection and put it back, type an
// agenda question, take their signing key, write a PDF brief encrypted to a passphrase and
// signed, then a signed JSON bundle, then Markdown encrypted to the manager's age key and
// unsigned. The files are checked from outside with the standard tools (minisign, age under
// a pty, age -i, pdftotext, JSON.parse), a second export to the same path is refused and
// leaves the file alone, and the share log lists the exports.
//
// The journal is prepared quickly with the `asym` CLI (keyring mode, so the window unlocks
// by itself). Hooks: ui/TESTING.md, "Share".
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_TIMEOUT_MS, asymBin, axeSummary, launch, screenshot } from "./lib/harness.mjs";
import { waitFor } from "./lib/webdriver.mjs";
import { steps, ui } from "./lib/ui.mjs";

const work = mkdtempSync(join(tmpdir(), "asymptote-e2e-share-"));
const dataDir = join(work, "journal");
const files = join(work, "files");
mkdirSync(files);
const CANARY = "quokkacanary";
const PASS = "correct horse battery staple";
const QUESTION = "Could I get two hours a week for code review?";

function asym(...args) {
  return execFileSync(asymBin, ["--data-dir", dataDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: CLI_TIMEOUT_MS });
}
const asymJson = (...args) => JSON.parse(asym("--json", ...args));

/** A local day of this month, `back` days before today (never before the 1st). */
function dayOfThisMonth(back) {
  const t = new Date();
  const d = new Date(t.getFullYear(), t.getMonth(), Math.max(1, t.getDate() - back));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// The journal: a purpose, a challenge, six sessions this month, a shared and a private
// reflection, an audit item and a check-in.
const ids = {};
function prepare() {
  asym("init");
  asym("purpose", "add", "--title", "Help my team ship calmly", "--whom", "my team", "--why", "Calm teams make fewer mistakes");
  ids.challenge = asymJson(
    "challenge", "add", "--skill", "Code review", "--goal", "400 lines in 20 minutes",
    "--measure", "time", "--unit", "min", "--lower-is-better", "--difficulty", "3",
  ).id;
  ids.sessions = [];
  for (let i = 0; i < 6; i += 1) {
    ids.sessions.push(
      asymJson(
        "session", "add", "--challenge", ids.challenge, "--performance", String(40 - 3 * i),
        "--attempts", "10", "--successes", String(7 + (i % 3)), "--duration", "30", "--difficulty", "3",
        "--feedback", "peer; worked=clear comments; change=read the tests first; delay=30",
        "--at", dayOfThisMonth(6 - i),
      ).id,
    );
  }
  ids.shared = asymJson("reflection", "add", "--shared", "--text", "Reading the tests first made reviews calmer.", "--at", dayOfThisMonth(1)).id;
  ids.canary = asymJson("reflection", "add", "--text", `I worry about the reorg; ${CANARY} stays with me.`, "--at", dayOfThisMonth(0)).id;
  ids.audit = asymJson(
    "audit", "add", "--kind", "reward", "--description", "Bonus for closed tickets",
    "--contingency", "if the tickets close then a bonus", "--task-type", "algorithmic", "--at", dayOfThisMonth(0),
  ).id;
  asym("checkin", "add", "--task", "5", "--time", "4", "--technique", "6", "--team", "3", "--at", dayOfThisMonth(2));
}

let app;
let s; // the WebDriver session
const step = steps(() => s);
const { $, click, fill, nav, accessible } = ui(() => s);
before(async () => {
  prepare();
  app = await launch({ name: "share", dataDir });
  s = app.session;
});
after(async () => {
  console.log(axeSummary());
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

async function attrs(css, name) {
  return Promise.all((await s.findAll(css)).map((e) => e.attribute(name)));
}
const previewIds = () => attrs('[data-testid="preview-item"]', "data-id");
const candidateIds = () => attrs('[data-testid="candidate"]', "data-id");
async function scrollTo(css) {
  const el = await $(css);
  await s.execute("arguments[0].scrollIntoView({ block: 'start' });", el);
  await new Promise((r) => setTimeout(r, 150));
}
/**
 * Chooses an option of a <select>. Clicking a second option of the same select opens
 * WebKitGTK's native pop-up, which then swallows the next clicks under Xvfb, so the value is
 * set as the keyboard would and the change event the page listens to is sent.
 */
async function choose(name, value) {
  const select = await $(`main select[name="${name}"]`);
  await s.execute(
    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
    select,
    value,
  );
  await waitFor(`${name} = ${value}`, async () => (await select.property("value")) === value);
}
/** Waits for the export's result naming `file`; an alert instead fails with its sentence. */
async function exported(file) {
  return waitFor(`the export's result naming ${file}`, async () => {
    for (const el of await s.findAll('main p[role="alert"]')) {
      const t = await el.text();
      if (t) throw new Error(`the window said: ${t}`);
    }
    const r = await s.findAll('[data-testid="export-result"]');
    const t = r.length ? await r[0].text() : "";
    return t.includes(file) ? r[0] : null;
  });
}
/** Runs `tool` and returns its output; a failure names the tool and what it said. */
function run(tool, args) {
  try {
    return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: CLI_TIMEOUT_MS });
  } catch (e) {
    throw new Error(`${tool} ${args.join(" ")} failed (exit ${e.status}): ${e.stderr || e.stdout}`);
  }
}
/** `age -d` reads a passphrase only from a terminal: run it under `script` (a pty) and type it. */
function ageDecrypt(input, output, passphrase) {
  return new Promise((ok, fail) => {
    const child = spawn("script", ["-qec", `age -d -o '${output}' '${input}'`, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let said = "";
    child.stdout.on("data", (d) => (said += d));
    child.stderr.on("data", (d) => (said += d));
    const typing = setTimeout(() => {
      child.stdin.write(`${passphrase}\n`);
      child.stdin.end();
    }, 1500);
    const limit = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", fail);
    child.on("exit", (code) => {
      clearTimeout(typing);
      clearTimeout(limit);
      ok({ code, said });
    });
  });
}

step("the journal opens by itself and Share shows this month", async () => {
  await $('[data-nav="today"]');
  await nav("share");
  const ids6 = await waitFor("the six sessions in the preview", async () => {
    const shown = await previewIds();
    return ids.sessions.every((id) => shown.includes(id)) ? shown : null;
  });
  assert.ok(ids6.includes(ids.challenge), "the challenge is in the preview");
  assert.ok(ids6.includes(ids.shared), "the shared reflection is in the preview");
  assert.ok(!ids6.includes(ids.canary), "the private reflection is not in the preview");
  assert.ok(!ids6.includes(ids.audit), "the audit item is not in the preview");
  const previewText = await (await $('[data-testid="preview"]')).text();
  assert.ok(!previewText.includes(CANARY), "the private reflection's words are not in the preview");
  const canary = await $(`[data-testid="candidate"][data-id="${ids.canary}"]`);
  assert.equal(await canary.attribute("data-private"), "true", "the private reflection stays home, marked private");
  assert.equal(await (await canary.find('input[name="include"]')).property("checked"), false);
  assert.ok((await candidateIds()).includes(ids.audit), "the audit item stays home unless picked");
  const today = new Date();
  const first = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-01`;
  assert.equal(await (await $('main input[name="from"]')).property("value"), first, "the period starts on the 1st");
  assert.equal(await (await $('main select[name="format"]')).property("value"), "pdf", "a PDF brief by default");
  await screenshot(s, "share-preview");
  await accessible("share");
});

step("last month holds nothing (said in a sentence); this month again", async () => {
  await click('[data-action="period-last-month"]');
  await waitFor("the empty preview", async () => {
    const t = await (await s.find('[data-testid="preview"]')).text();
    return /Nothing would leave/.test(t) && (await s.findAll('[data-testid="preview-item"]')).length === 0;
  });
  const from = await (await $('main input[name="from"]')).property("value");
  assert.match(from, /^\d{4}-\d{2}-01$/);
  await click('[data-action="period-this-month"]');
  await waitFor("the sessions back", async () => (await previewIds()).includes(ids.sessions[0]));
});

step("untick a session: it leaves the preview and stays home", async () => {
  const gone = ids.sessions[1];
  await click(`[data-testid="preview-item"][data-id="${gone}"] input[name="include"]`);
  await waitFor("the session to leave the preview", async () => !(await previewIds()).includes(gone));
  await waitFor("the session among the items staying home", async () => (await candidateIds()).includes(gone));
  assert.equal((await previewIds()).filter((id) => ids.sessions.includes(id)).length, 5);
});

step("pick the audit item; try the private reflection, see it tagged, put it back", async () => {
  await click(`[data-testid="candidate"][data-id="${ids.audit}"] input[name="include"]`);
  await waitFor("the audit item in the preview", async () => (await previewIds()).includes(ids.audit));
  await click(`[data-testid="candidate"][data-id="${ids.canary}"] input[name="include"]`);
  const item = await $(`[data-testid="preview-item"][data-id="${ids.canary}"]`);
  assert.match(await item.text(), /private/, "a private item leaving is tagged private");
  await scrollTo('[data-testid="preview"]');
  await screenshot(s, "share-private-picked");
  await click(`[data-testid="preview-item"][data-id="${ids.canary}"] input[name="include"]`);
  await waitFor("the private reflection back home", async () => {
    const el = (await s.findAll(`[data-testid="candidate"][data-id="${ids.canary}"]`))[0];
    return el && !(await previewIds()).includes(ids.canary);
  });
});

step("for whom and an agenda question show in the preview", async () => {
  await fill("recipient", "Sam");
  await fill("agenda", QUESTION);
  await waitFor("the preview to name Sam and the question", async () => {
    const t = await (await s.find('[data-testid="preview"]')).text();
    return t.includes("for Sam") && t.includes(QUESTION) && /1 agenda question/.test(t);
  });
  await scrollTo('[data-testid="preview"]');
  await screenshot(s, "share-agenda");
});

const keyFile = join(work, "signing-key.pub");
step("the signing key: shown on request, fingerprint and .pub, saved to a file", async () => {
  await scrollTo('[data-testid="signing-key"]');
  assert.equal((await s.findAll('[data-testid="key-id"]')).length, 0, "no key is made before asking");
  await click('[data-action="show-key"]');
  const keyId = (await (await $('[data-testid="key-id"]')).text()).trim();
  assert.match(keyId, /^[0-9A-F]{16}$/, `a minisign key id: ${keyId}`);
  const pub = await (await $('main [name="public_key"]')).property("value");
  assert.match(pub, /^untrusted comment: .*\n[A-Za-z0-9+/=]{56}\s*$/, "a minisign .pub");
  await fill("key_path", keyFile);
  await click('[data-action="save-key"]');
  await waitFor("the key file", async () => existsSync(keyFile));
  assert.equal(readFileSync(keyFile, "utf8").trim(), pub.trim(), "the file holds the key shown");
  await screenshot(s, "share-signing-key");
  await accessible("share: signing key");
});

const brief = join(files, "brief.pdf");
step("a PDF brief, encrypted to a passphrase and signed", async () => {
  await click('main input[name="encryption"][value="passphrase"]');
  await fill("age_passphrase", PASS);
  await fill("age_passphrase_confirm", "correct horse battery stapler");
  await fill("path", brief);
  assert.equal(await (await $('main input[name="sign"]')).property("checked"), true, "signed by default");
  await waitFor("the two files named before writing", async () =>
    /brief\.pdf\.age and brief\.pdf\.age\.minisig/.test(await (await s.find('[data-testid="export-targets"]')).text()),
  );
  await click('[data-action="export"]');
  const alert = await $('main p[role="alert"]');
  assert.match(await alert.text(), /differ/, "two different passphrases are refused in one sentence");
  assert.ok(!existsSync(`${brief}.age`), "nothing was written");
  await scrollTo('main input[name="encryption"]');
  await screenshot(s, "share-passphrases-differ");
  await fill("age_passphrase_confirm", PASS);
  await click('[data-action="export"]');
  const result = await exported("brief.pdf.age");
  const said = await result.text();
  assert.match(said, /brief\.pdf\.age/, said);
  assert.match(said, /brief\.pdf\.age\.minisig/, said);
  assert.match(said, /encrypted with age/, said);
  assert.equal(await result.attribute("role"), "status");
  await scrollTo('[data-action="export"]');
  await screenshot(s, "share-pdf-written");
  await accessible("share: written");

  // From outside, with the standard tools: the signature, then the decryption, then the text.
  run("minisign", ["-Vm", `${brief}.age`, "-p", keyFile]);
  assert.match(readFileSync(`${brief}.age`, "utf8"), /^-----BEGIN AGE ENCRYPTED FILE-----/);
  const clear = join(files, "brief-decrypted.pdf");
  const age = await ageDecrypt(`${brief}.age`, clear, PASS);
  assert.equal(age.code, 0, `age -d: ${age.said}`);
  assert.equal(readFileSync(clear).subarray(0, 5).toString(), "%PDF-", "a PDF comes out");
  const text = run("pdftotext", [clear, "-"]);
  assert.match(text, /Code review/, "the brief names the challenge");
  assert.ok(!text.includes(CANARY), "the private reflection is not in the brief");
});

const bundle = join(files, "bundle.json");
step("a signed JSON bundle, checked by minisign and parsed", async () => {
  await scrollTo('main select[name="format"]');
  await choose("format", "csv");
  const note = await waitFor("the CSV note", async () => {
    const n = await s.findAll('[data-testid="format-note"]');
    return n.length ? n[0].text() : null;
  });
  assert.match(note, /session/i, `the CSV note says it holds sessions: ${note}`);
  await waitFor("only sessions in a CSV preview", async () =>
    (await attrs('[data-testid="preview-item"]', "data-kind")).every((k) => k === "session"),
  );
  await choose("format", "json");
  await waitFor("the typed path to follow the format", async () =>
    (await (await s.find('main input[name="path"]')).property("value")) === join(files, "brief.json"),
  );
  await click('main input[name="encryption"][value="none"]');
  await fill("path", bundle);
  await click('[data-action="export"]');
  await exported("bundle.json");
  run("minisign", ["-Vm", bundle, "-p", keyFile]);
  const raw = readFileSync(bundle, "utf8");
  const b = JSON.parse(raw);
  assert.deepEqual(b.agenda, [QUESTION]);
  assert.equal(b.selection.recipient, "Sam");
  assert.ok(!raw.includes(CANARY), "the private reflection is not in the bundle");
  assert.ok(!raw.includes(ids.canary), "not even its id");
  assert.ok(!raw.includes(ids.sessions[1]), "the unticked session is not in the bundle");
  assert.equal(b.sessions.length, 5);
  assert.ok(raw.includes(ids.audit), "the picked audit item is in the bundle");
  await scrollTo('[data-action="export"]');
  await screenshot(s, "share-json-written");
});

step("writing to the same path again without Replace is refused and changes nothing", async () => {
  const before = readFileSync(bundle);
  const mtime = statSync(bundle).mtimeMs;
  assert.equal(await (await $('main input[name="replace"]')).property("checked"), false);
  await click('[data-action="export"]');
  const alert = await waitFor("the refusal", async () => {
    for (const el of await s.findAll('main p[role="alert"]')) {
      const t = await el.text();
      if (/already exists/.test(t)) return t;
    }
    return null;
  });
  assert.match(alert, /bundle\.json already exists/);
  assert.ok(readFileSync(bundle).equals(before), "the file is byte-for-byte unchanged");
  assert.equal(statSync(bundle).mtimeMs, mtime);
  assert.equal(await (await $('main input[name="path"]')).property("value"), bundle, "the form keeps its values");
  assert.equal(await (await $('main select[name="format"]')).property("value"), "json");
  await screenshot(s, "share-exists");
  await accessible("share: refused");
});

step("Markdown to the manager's age key, unsigned: only age with their identity opens it", async () => {
  const identity = join(work, "manager-identity.txt");
  run("age-keygen", ["-o", identity]);
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(readFileSync(identity, "utf8"))[1];
  await choose("format", "markdown");
  await click('main input[name="encryption"][value="age_key"]');
  await fill("age_recipient", "age1notakey");
  await click('[data-action="export"]');
  // The previous step's alert may still be on screen for a moment: wait for this one.
  const refused = await waitFor("the malformed key's refusal", async () => {
    const t = await (await $('main p[role="alert"]')).text();
    return /age public key/.test(t) ? t : null;
  });
  assert.match(refused, /age public key/, "a malformed key is refused in one sentence");
  await fill("age_recipient", recipient);
  const sign = await $('main input[name="sign"]');
  await sign.click();
  assert.equal(await sign.property("checked"), false);
  const notes = join(files, "notes.md");
  await fill("path", notes);
  await click('[data-action="export"]');
  const said = await (await exported("notes.md.age")).text();
  assert.match(said, /Not signed; encrypted with age/, said);
  assert.ok(!existsSync(`${notes}.age.minisig`), "no signature when unsigned");
  const clear = join(files, "notes-decrypted.md");
  run("age", ["-d", "-i", identity, "-o", clear, `${notes}.age`]);
  // The Markdown escapes every punctuation mark of the person's text (\?), so read it unescaped.
  const md = readFileSync(clear, "utf8").replace(/\\([!-/:-@[-`{-~])/g, "$1");
  assert.match(md, /Code review/);
  assert.ok(md.includes(QUESTION), "the agenda question is in the Markdown");
  assert.ok(!md.includes(CANARY), "the private reflection is not in the Markdown");
  await scrollTo('[data-action="export"]');
  await screenshot(s, "share-markdown-age-key");
});

step("the share log lists the three exports, newest first", async () => {
  await scrollTo('[data-testid="share-log"]');
  const records = await waitFor("three records", async () => {
    const r = await s.findAll('[data-testid="share-record"]');
    return r.length === 3 ? r : null;
  });
  const [newest, json, pdf] = await Promise.all(records.map((r) => r.text()));
  assert.match(newest, /Markdown for Sam: notes\.md\.age/, newest);
  assert.match(json, /JSON bundle for Sam: bundle\.json/, json);
  assert.match(pdf, /PDF brief for Sam: brief\.pdf\.age/, pdf);
  assert.match(json, /\b10 items and 1 question/, json);
  await screenshot(s, "share-log");
  // The CLI reads the same log.
  const log = asymJson("share", "log");
  assert.equal(log.length, 3);
});
