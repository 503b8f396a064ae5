// What the browser suites share: where the CLI is and how they run it. Each suite compares the
// page with the CLI's answer for the same file and options.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The `orgsync` binary the suites compare the page with (`cargo build` makes it). */
export const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/debug/orgsync');

/** Runs the CLI; exit 1 (errors found) is an answer, any other failure throws. */
export function cli(args) {
  const r = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`orgsync ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r;
}
