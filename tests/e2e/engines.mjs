// The two browser engines besides Chromium, behind one small interface, for engines.test.mjs and
// bench.mjs: Firefox (Debian's firefox-esr, driven headless over WebDriver BiDi by puppeteer-core)
// and WebKit (Debian's webkit2gtk-driver: WebKitWebDriver driving its MiniBrowser over W3C
// WebDriver, under Xvfb since MiniBrowser needs a display). Both start with a fresh profile and
// never download anything.
//
//   const b = await launch('firefox' | 'webkit', { userDataDir })
//   await b.open(url); await b.waitFor(css); await b.click(css); await b.upload(css, path)
//   await b.eval((a, b) => ..., a, b)   // runs in the page (or the frame entered with b.frame(css))
//   await b.screenshot(path); await b.close()
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Why an engine cannot run here, or null when it can. */
export function unavailable(engine) {
  if (engine === 'firefox') return existsSync(FIREFOX) ? null : `${FIREFOX} is missing (scripts/setup.sh installs firefox-esr)`;
  if (engine === 'webkit') {
    if (!existsSync(WEBKIT_DRIVER) || !existsSync(MINIBROWSER)) return `${WEBKIT_DRIVER} or ${MINIBROWSER} is missing (scripts/setup.sh installs webkit2gtk-driver)`;
    if (!process.env.DISPLAY) return 'MiniBrowser needs a display: run under xvfb-run (scripts/e2e.sh does)';
    return null;
  }
  return `unknown engine ${engine}`;
}

export async function launch(engine, { userDataDir, width = 1280, height = 800 } = {}) {
  if (engine === 'firefox') return Firefox.launch(userDataDir, width, height);
  if (engine === 'webkit') return WebKit.launch(width, height);
  throw new Error(`unknown engine ${engine}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (an async function returning a truthy value when done) until `timeout` ms. */
async function until(what, check, timeout) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(100);
  }
}

class Firefox {
  static async launch(userDataDir, width, height) {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir,
      defaultViewport: { width, height },
      // Nothing of its own: no updates, telemetry, captive-portal or connectivity checks.
      extraPrefsFirefox: {
        'app.update.enabled': false, 'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false, 'toolkit.telemetry.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false, 'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false, 'extensions.update.enabled': false,
      },
    });
    const page = (await browser.pages())[0] ?? await browser.newPage();
    const b = new Firefox();
    b.name = 'firefox';
    b.browser = browser;
    b.page = page;
    b.target = page;
    b.problems = [];
    page.on('console', (m) => { if (m.type() === 'error') b.problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => b.problems.push(`pageerror: ${e.message}`));
    b.version = await browser.version();
    return b;
  }
  async open(url) { this.target = this.page; await this.page.goto(url, { waitUntil: 'load' }); }
  async reload() { this.target = this.page; await this.page.reload({ waitUntil: 'load' }); }
  async waitFor(css, timeout = 60_000) { await this.target.waitForSelector(css, { timeout }); }
  async click(css) { await this.target.click(css); }
  async upload(css, path) { const input = await this.target.$(css); await input.uploadFile(path); }
  async eval(fn, ...args) { return this.target.evaluate(fn, ...args); }
  async frame(css) {
    if (css === null) { this.target = this.page; return; }
    const handle = await this.page.waitForSelector(css);
    this.target = await handle.contentFrame();
  }
  async screenshot(path) { await this.page.screenshot({ path }); }
  async close() { await this.browser.close(); }
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

class WebKit {
  static async launch(width, height) {
    const port = await freePort();
    const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    driver.stderr.on('data', (d) => { log += d; });
    const b = new WebKit();
    b.name = 'webkit';
    b.driver = driver;
    b.base = `http://127.0.0.1:${port}`;
    b.problems = [];
    await until('WebKitWebDriver', async () => (await fetch(`${b.base}/status`).then((r) => r.ok, () => false)), 20_000)
      .catch((e) => { throw new Error(`${e.message}: ${log}`); });
    const s = await b.cmd('POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    }, false);
    b.session = s.sessionId;
    b.version = `MiniBrowser (WebKitGTK ${s.capabilities.browserVersion})`;
    await b.cmd('POST', '/window/rect', { width, height });
    await b.cmd('POST', '/timeouts', { script: 120_000 });
    return b;
  }
  async cmd(method, path, body, inSession = true) {
    const url = inSession ? `${this.base}/session/${this.session}${path}` : `${this.base}${path}`;
    const r = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }
  async element(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return el[ELEMENT];
  }
  async open(url) { await this.cmd('POST', '/frame', { id: null }); await this.cmd('POST', '/url', { url }); }
  async reload() { await this.cmd('POST', '/frame', { id: null }); await this.cmd('POST', '/refresh', {}); }
  async waitFor(css, timeout = 60_000) {
    await until(css, () => this.eval((c) => document.querySelector(c) !== null, css).catch(() => false), timeout);
  }
  // WebKitWebDriver clicks at the element's centre as laid out when the command arrives; while the
  // page is still laying its results out the point can land beside the button (seen once in a
  // full CI run: a download click that reached nothing). The element's own click() runs the same
  // handler and cannot miss.
  async click(css) {
    const clicked = await this.eval((c) => {
      const el = document.querySelector(c);
      if (!el) return false;
      el.scrollIntoView({ block: 'center' });
      el.click();
      return true;
    }, css);
    if (!clicked) throw new Error(`no element matches ${css}`);
  }
  async upload(css, path) { await this.cmd('POST', `/element/${await this.element(css)}/value`, { text: path }); }
  async eval(fn, ...args) {
    // Awaits a returned promise (W3C WebDriver), and passes errors back as values so they are
    // reported with their message.
    const script = `return Promise.resolve((${fn}).apply(null, arguments)).then((v) => ({ v }), (e) => ({ e: String(e && e.stack || e) }));`;
    const r = await this.cmd('POST', '/execute/sync', { script, args });
    if (r && 'e' in r) throw new Error(`in the page: ${r.e}`);
    return r?.v;
  }
  async frame(css) {
    if (css === null) { await this.cmd('POST', '/frame', { id: null }); return; }
    await this.waitFor(css);
    await this.cmd('POST', '/frame', { id: { [ELEMENT]: await this.element(css) } });
  }
  async screenshot(path) { writeFileSync(path, Buffer.from(await this.cmd('GET', '/screenshot'), 'base64')); }
  async close() {
    try { await this.cmd('DELETE', ''); } catch { /* already gone */ }
    this.driver.kill();
  }
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** Installed in the page before a download: keeps the bytes of every file the page hands to the
 *  browser as a download (`<a download href="blob:…">` clicked), so a test can compare them with the
 *  CLI's in engines whose automation has no download events. It reads the Blob object itself
 *  (kept from URL.createObjectURL), so it asks nothing of the network or the page's CSP. The
 *  browser's own download is not started (MiniBrowser would open a dialog). */
export function captureDownloads() {
  if (window.__downloads) return;
  window.__downloads = [];
  const blobs = new Map();
  const create = URL.createObjectURL;
  URL.createObjectURL = function (blob) { const url = create.call(URL, blob); blobs.set(url, blob); return url; };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const blob = this.hasAttribute('download') ? blobs.get(this.href) : undefined;
    if (!blob) return click.call(this);
    const entry = { name: this.download, b64: null };
    window.__downloads.push(entry);
    blob.arrayBuffer().then((buf) => {
      let s = '';
      const bytes = new Uint8Array(buf);
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      entry.b64 = btoa(s);
    });
    return undefined;
  };
}

export { until, sleep, spawnSync };
