// Writes precompressed copies beside each text and wasm file of a built folder (`name.gz` and
// `name.br`), for hosts that serve them to browsers that ask (nginx gzip_static/brotli_static,
// Caddy precompressed, Netlify, Cloudflare Pages). Trunk runs it after precache.mjs (Trunk.toml);
// it can also be run on a built folder: `node scripts/compress.mjs dist`.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = path.resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist');
const compressible = /\.(html|js|mjs|css|wasm|svg|json|webmanifest|txt)$/;

let before = 0;
let gzipped = 0;
let brotli = 0;
for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !compressible.test(entry.name)) continue;
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  const bytes = await readFile(file);
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  await writeFile(`${file}.gz`, gz);
  await writeFile(`${file}.br`, br);
  before += bytes.length;
  gzipped += gz.length;
  brotli += br.length;
}
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`compress: ${kb(before)} as ${kb(gzipped)} gzipped, ${kb(brotli)} with Brotli`);
