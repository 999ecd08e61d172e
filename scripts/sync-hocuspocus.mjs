// A Hocuspocus sync server for Loam that asks for a token and keeps each document in a file:
// for a deployment (put it behind TLS) and for the end-to-end tests.
//   LOAM_SYNC_TOKEN=<secret, 16+ characters> HOST=127.0.0.1 PORT=1234 LOAM_SYNC_DIR=sync-data \
//     node scripts/sync-hocuspocus.mjs

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const { HOST = '127.0.0.1', PORT = '1234', LOAM_SYNC_TOKEN: token, LOAM_SYNC_DIR: dir = 'sync-data' } = process.env;
if (!token || token.length < 16) {
  console.error('Set LOAM_SYNC_TOKEN to a secret of at least 16 characters.');
  process.exit(1);
}
await mkdir(dir, { recursive: true });
// Loam's document names are hex digests; anything else is encoded into a safe file name.
const fileOf = (name) => path.join(dir, `${encodeURIComponent(name)}.yjs`);

const server = new Server({
  address: HOST,
  port: Number(PORT),
  quiet: true,
  async onAuthenticate({ token: given }) {
    if (given !== token) throw { reason: 'The sync token is wrong.' };
  },
  async onLoadDocument({ document, documentName }) {
    try {
      Y.applyUpdate(document, await readFile(fileOf(documentName)));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    return document;
  },
  async onStoreDocument({ document, documentName }) {
    // Written whole, then renamed: a crash mid-write leaves the previous state.
    const file = fileOf(documentName);
    await writeFile(`${file}.part`, Y.encodeStateAsUpdate(document));
    await rename(`${file}.part`, file);
  },
});
await server.listen();
console.log(`Loam sync (Hocuspocus) running at ${HOST}:${PORT}`);
