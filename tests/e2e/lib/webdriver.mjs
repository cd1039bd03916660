// A minimal W3C WebDriver client over Node's built-in fetch: the dozen endpoints these tests
// use, no dependencies. (The `webdriver`/`webdriverio` packages now need Node 22.19; the
// project supports Node 20.19.) https://www.w3.org/TR/webdriver2/
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> ${status}: ${value?.error ?? ""} ${value?.message ?? JSON.stringify(value)}`);
    this.code = value?.error;
  }
}

async function call(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(method, path, response.status, { message: text.slice(0, 300) });
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, json.value);
  return json.value;
}

export class Element {
  constructor(session, id, selector) {
    this.session = session;
    this.id = id;
    this.selector = selector;
  }
  #call(method, suffix, body) {
    return this.session.call(method, `/element/${this.id}${suffix}`, body);
  }
  click() {
    return this.#call("POST", "/click", {});
  }
  clear() {
    return this.#call("POST", "/clear", {});
  }
  /** Types `text` into the element, as key events (so the page sees real input events). */
  type(text) {
    return this.#call("POST", "/value", { text: String(text) });
  }
  text() {
    return this.#call("GET", "/text");
  }
  attribute(name) {
    return this.#call("GET", `/attribute/${encodeURIComponent(name)}`);
  }
  property(name) {
    return this.#call("GET", `/property/${encodeURIComponent(name)}`);
  }
  displayed() {
    return this.#call("GET", "/displayed");
  }
  tagName() {
    return this.#call("GET", "/name");
  }
  find(css) {
    return this.#call("POST", "/element", { using: "css selector", value: css }).then(
      (v) => new Element(this.session, v[ELEMENT], css),
    );
  }
  toJSON() {
    return { [ELEMENT]: this.id };
  }
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }
  static async create(base, capabilities) {
    const value = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: capabilities },
    });
    return new Session(base, value.sessionId);
  }
  call(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }
  async find(css) {
    const v = await this.call("POST", "/element", { using: "css selector", value: css });
    return new Element(this, v[ELEMENT], css);
  }
  async findAll(css) {
    const list = await this.call("POST", "/elements", { using: "css selector", value: css });
    return list.map((v) => new Element(this, v[ELEMENT], css));
  }
  /** Runs `script` (a function body; `arguments` holds `args`) in the page, returns its value. */
  execute(script, ...args) {
    return this.call("POST", "/execute/sync", { script, args });
  }
  executeAsync(script, ...args) {
    return this.call("POST", "/execute/async", { script, args });
  }
  /** A PNG of the window's web view, as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.call("GET", "/screenshot"), "base64");
  }
  title() {
    return this.call("GET", "/title");
  }
  source() {
    return this.call("GET", "/source");
  }
  /** Presses keys (e.g. "\uE009" Control) through the Actions API. */
  async keys(...chords) {
    const actions = [];
    for (const chord of chords) {
      const list = [...chord];
      for (const k of list) actions.push({ type: "keyDown", value: k });
      for (const k of list.reverse()) actions.push({ type: "keyUp", value: k });
    }
    await this.call("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.call("DELETE", "/actions");
  }
  setTimeouts(t) {
    return this.call("POST", "/timeouts", t);
  }
  async delete() {
    try {
      await this.call("DELETE", "");
    } catch {
      // The app may already be gone; nothing to clean.
    }
  }
}

export const Key = {
  Enter: "\uE007",
  Control: "\uE009",
  Tab: "\uE004",
  Escape: "\uE00C",
};

/** Polls `probe` until it returns a truthy value (or stops throwing), else fails naming `what`. */
export async function waitFor(what, probe, { timeout = 30000, interval = 150 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
