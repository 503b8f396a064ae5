// Starts the page's wasm. Trunk's own loader is an inline script, which the page's
// Content-Security-Policy forbids, so index.html loads this file instead (Trunk.toml:
// inject_scripts = false, filehash = false keep these names stable).
//
// Then, where the browser allows it, it registers the page's service worker (sw.js, written at
// build time by web/pwa/precache.mjs) so the page works offline after one visit, offers a newer
// build with a "reload" notice instead of swapping code under a running check, and, in an
// installed app, opens the CSV files the system hands it ("Open with").
import init from './web.js';

const started = init({ module_or_path: './web_bg.wasm' }).then(
  () => true,
  (error) => {
    console.error('Org Sync Preflight could not start:', error);
    document.body.setAttribute('data-ready', 'failed');
    return false;
  },
);

/** Resolves when the page is ready for a file (body[data-ready="true"]), or false if it failed. */
function ready() {
  return started.then((ok) => ok && new Promise((resolve) => {
    const done = () => document.body.getAttribute('data-ready');
    if (done()) return resolve(done() === 'true');
    const watch = new MutationObserver(() => {
      if (done()) { watch.disconnect(); resolve(done() === 'true'); }
    });
    watch.observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
  }));
}

/** Hands files to the page as if the admin had picked them. */
async function open(files) {
  if (!files.length || !(await ready())) return;
  const input = document.querySelector('[data-testid="file-input"]');
  if (!input) return;
  const list = new DataTransfer();
  list.items.add(files[0]);
  input.files = list.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

// "Open with Org Sync Preflight" on a CSV, in the installed app (Chromium's File Handling API,
// declared by file_handlers in manifest.webmanifest). Other browsers have no launchQueue: the drop
// zone and the file picker are the way in there.
if ('launchQueue' in window && window.launchQueue) {
  window.launchQueue.setConsumer(async (params) => {
    const handles = params && params.files ? params.files : [];
    const files = [];
    for (const handle of handles) {
      if (handle && handle.kind !== 'directory' && typeof handle.getFile === 'function') files.push(await handle.getFile());
    }
    await open(files);
  });
}

let takingOver = false;

/** The "A new version is ready" notice. Its button lets the waiting build take over (the page
 *  reloads once it has), or just reloads when another tab already let it. */
function offer(waiting) {
  if (document.querySelector('[data-testid="update-ready"]')) return;
  const note = document.createElement('div');
  note.className = 'update-ready';
  note.setAttribute('role', 'status');
  note.setAttribute('data-testid', 'update-ready');
  const text = document.createElement('span');
  text.textContent = 'A new version of Org Sync Preflight is ready.';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button';
  button.textContent = 'Reload';
  button.setAttribute('data-testid', 'update-reload');
  button.addEventListener('click', () => {
    button.disabled = true;
    takingOver = true;
    if (waiting && waiting.state === 'installed') waiting.postMessage({ type: 'orgsync-take-over' });
    else window.location.reload();
  });
  note.append(text, ' ', button);
  document.body.append(note);
}

async function register() {
  // Service workers need a secure context (https, or http on localhost); a page opened from a
  // file:// folder or an old browser simply works online only.
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    document.body.setAttribute('data-offline', 'unsupported');
    return;
  }
  let registration;
  try {
    registration = await navigator.serviceWorker.register('./sw.js', { scope: './' });
  } catch (error) {
    // Blocked by the browser's settings (private windows, some embedded frames): online only.
    console.warn('Org Sync Preflight works online only here:', error && error.message);
    document.body.setAttribute('data-offline', 'unavailable');
    return;
  }
  const hadController = Boolean(navigator.serviceWorker.controller);
  const watch = (worker) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener('updatefound', () => { if (registration.installing) watch(registration.installing); });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The admin's "Reload": the new build has taken over, load it. The first visit's worker
    // claiming the page is not an update; a take-over asked for by another tab is offered here too.
    if (takingOver) window.location.reload();
    else if (hadController) offer(null);
  });
  await navigator.serviceWorker.ready;
  document.body.setAttribute('data-offline', 'ready');
}

started.then((ok) => { if (ok) register(); });
