// Starts the page's wasm. Trunk's own loader is an inline script, which the page's
// Content-Security-Policy forbids, so index.html loads this file instead (Trunk.toml:
// inject_scripts = false, filehash = false keep these names stable).
import init from './web.js';

init({ module_or_path: './web_bg.wasm' }).catch((error) => {
  console.error('Org Sync Preflight could not start:', error);
  document.body.setAttribute('data-ready', 'failed');
});
