// Drops the preload links Trunk writes for the app's module from the built index.html, so the
// page paints its shell before the module's download starts (public/boot.js starts it after
// the first paint). Trunk runs it first after each build (Trunk.toml); it can also be run on a
// built folder: `node scripts/first-paint.mjs dist`.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist');
const file = path.join(dir, 'index.html');
const html = await readFile(file, 'utf8');
const preload = /<link\b[^>]*\brel="?(?:modulepreload|preload)"?[^>]*>/g;
const dropped = html.match(preload) ?? [];
await writeFile(file, html.replace(preload, ''));
console.log(`first-paint: ${dropped.length} preload links dropped`);
