// The embedded checker: an iframe of the Org Sync Preflight page (dist/) with the portal's options
// in the URL fragment, and a listener for the counts it posts back when a check completes.
// Independent of portal.js (the JavaScript API): either works without the other.
const frame = document.getElementById('orgsync-frame');
const counts = document.getElementById('embedded-counts');

// Where the checker is hosted, and therefore the only origin whose messages we accept.
const checker = new URL(frame.dataset.checker, location.href);
const options = new URLSearchParams({
  groups: frame.dataset.groups ?? '',        // known group names, for rule R008
  licenses: frame.dataset.licenses ?? '',    // license headers for the template tool
  theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  parent: location.origin,                   // without it the page posts nothing
});
checker.hash = options.toString();
frame.src = checker.href;

window.addEventListener('message', (event) => {
  // Only the checker's origin, only from our frame, only the message we know.
  if (event.origin !== checker.origin || event.source !== frame.contentWindow) return;
  if (event.data?.type !== 'orgsync:checked') return;
  const summary = event.data.summary;
  for (const dd of counts.querySelectorAll('[data-count]')) {
    dd.textContent = Number(summary[dd.dataset.count] ?? 0).toLocaleString();
  }
  counts.hidden = false;
});
