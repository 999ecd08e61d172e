// Writes the app shell's file list and content hashes into the built service worker (sw.js).
// Trunk runs it after each build (a post_build hook in Trunk.toml, on TRUNK_STAGING_DIR); it can
// also be run on a built folder: `node scripts/precache.mjs dist`.
//
// The worker names its cache after a hash of every file's bytes, because Trunk's hashed file
// names do not follow the final bytes. Any change to a built file therefore changes sw.js itself,
// which is what makes the browser install a new worker.

import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist');
const worker = 'sw.js';
// The line of sw.js that this script replaces; the source holds an empty placeholder.
const buildLine = /^const BUILD = .*;$/m;

/** Paths of every file under `root`, relative to it, with forward slashes, sorted. */
async function listFiles(root) {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .sort();
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const workerPath = path.join(dir, worker);
const source = await readFile(workerPath, 'utf8');
const matches = source.match(new RegExp(buildLine.source, 'gm')) ?? [];
if (matches.length !== 1) {
  console.error(`precache: ${workerPath} must have exactly one line "const BUILD = ...;"`);
  process.exit(1);
}

const files = [];
for (const name of await listFiles(dir)) {
  // Precompressed copies are for the host to serve; the browser caches what they decode to.
  if (name === worker || name.endsWith('.gz') || name.endsWith('.br')) continue;
  files.push({ url: name, sha256: sha256(await readFile(path.join(dir, name))) });
}
if (!files.some((file) => file.url === 'index.html')) {
  console.error(`precache: no index.html in ${dir}`);
  process.exit(1);
}
// The worker's own code counts too (without the line this script writes), so a change to it
// alone is a new version.
const template = source.replace(buildLine, 'const BUILD = null;');
const manifest = files.map((file) => `${file.sha256} ${file.url}\n`).join('');
const version = sha256(`${sha256(template)} ${worker}\n${manifest}`).slice(0, 16);

const build = JSON.stringify({ version, files });
await writeFile(workerPath, source.replace(buildLine, () => `const BUILD = ${build};`));
console.log(`precache: ${files.length} files, version ${version}`);
