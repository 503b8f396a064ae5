// Flags for Debian's headless Chromium in the tests and the benchmark: no sandbox (CI runs as
// root), and nothing that reaches out on its own (updates, sync, metrics), so any request the
// tests see comes from the page.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--metrics-recording-only', '--mute-audio',
];
