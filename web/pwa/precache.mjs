// Trunk post_build hook (Trunk.toml): writes sw.js into the build from web/pwa/sw.template.js,
// with the build's version and the list of every file the build holds. Nothing is hand-kept: a
// file added to the build is precached, a file removed is not, and any change to any file gives
// a new version (a hash of every file's name and bytes), which the page then offers to load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const staging = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!staging) {
  console.error('precache: TRUNK_STAGING_DIR is not set (run by trunk build) and no folder was given');
  process.exit(2);
}

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
function files(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, root));
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

const list = files(staging).filter((f) => f !== 'sw.js');
const hash = createHash('sha256');
for (const f of list) {
  hash.update(f).update('\0').update(readFileSync(join(staging, f))).update('\0');
}
const version = hash.digest('hex').slice(0, 16);
// The page itself is cached under its folder's address ('') as well as index.html.
const precached = ['', ...list];
const template = readFileSync(join(HERE, 'sw.template.js'), 'utf8');
const sw = template
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('__FILES__', JSON.stringify(precached, null, 2));
if (sw.includes('__VERSION__') || sw.includes('__FILES__')) {
  console.error('precache: the template lost its placeholders');
  process.exit(1);
}
writeFileSync(join(staging, 'sw.js'), sw);
console.log(`precache: sw.js version ${version}, ${precached.length} entries`);
