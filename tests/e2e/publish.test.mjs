// Published in a folder: the same build that runs at `/` starts, saves, reloads, installs its
// service worker and works offline at `/some/deep/path/`, and a link shared there opens there.
// Also what a host needs: precompressed copies beside the files, and the link-preview tags.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  distDir,
  serve,
  launchBrowser,
  desktop,
  watch,
  assertNoProblems,
  openStart,
  createNote,
  openNote,
  noteText,
  noteHeading,
  waitForSaved,
  waitFor,
} from './harness.mjs';

const BASE = '/some/deep/path/';

describe('published in a folder', () => {
  let server;
  let browser;
  before(async () => {
    server = await serve(distDir, new Map(), { base: BASE });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts, saves, reloads, works offline and shares links that open there', { timeout: 90_000 }, async () => {
    assert.ok(server.url.endsWith(BASE), server.url);
    const context = await browser.newContext({ viewport: desktop });
    context.setDefaultTimeout(10_000);
    try {
      const page = await context.newPage();
      const problems = watch(page);
      await openStart(page, server.url);
      await createNote(page, 'Capitals', 'Capital of France :: Paris');
      await waitForSaved(page);
      await page.reload();
      await openNote(page, 'Capitals');
      assert.equal(await noteText(page), 'Capital of France :: Paris');

      // The service worker is the folder's own, and serves the app with no network.
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      assert.equal(scope, server.url);
      await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 15_000,
        message: 'a service worker controlling the page',
      });
      // Offline only once the shell's cache holds the page and its wasm.
      await waitFor(
        () =>
          page.evaluate(async () => {
            for (const name of await caches.keys()) {
              const urls = (await (await caches.open(name)).keys()).map((r) => r.url);
              if (urls.some((u) => u.endsWith('/index.html')) && urls.some((u) => u.endsWith('_bg.wasm'))) return true;
            }
            return false;
          }),
        { timeout: 15_000, message: 'the app shell cached' },
      );
      await context.setOffline(true);
      await page.reload();
      await noteHeading(page, 'Welcome to Loam').or(page.getByRole('heading', { level: 1 })).first().waitFor({ timeout: 15_000 });
      await openNote(page, 'Capitals');
      await context.setOffline(false);

      // A shared link names the folder, and opens the app there.
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Share', exact: true });
      const link = await dialog.getByRole('textbox', { name: 'Share link', exact: true }).inputValue();
      assert.ok(link.startsWith(server.url + '#/'), link);
      const other = await browser.newContext({ viewport: desktop });
      try {
        const learner = await other.newPage();
        const learnerProblems = watch(learner);
        await learner.goto(link);
        await learner.getByRole('heading', { level: 1, name: /^Import / }).waitFor();
        await learner.getByRole('button', { name: 'Import', exact: true }).click();
        await noteHeading(learner, 'Capitals').waitFor();
        assertNoProblems(learnerProblems, 'the learner page');
      } finally {
        await other.close();
      }
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('ships precompressed copies and tags for link previews', async () => {
    const names = await readdir(distDir);
    const compressible = names.filter((name) => /\.(html|js|css|wasm|svg|webmanifest)$/.test(name));
    assert.ok(compressible.some((name) => name.endsWith('.wasm')), 'a wasm file');
    for (const name of compressible) {
      const original = await readFile(path.join(distDir, name));
      assert.ok(names.includes(`${name}.gz`), `${name}.gz`);
      assert.ok(names.includes(`${name}.br`), `${name}.br`);
      assert.ok(gunzipSync(await readFile(path.join(distDir, `${name}.gz`))).equals(original), `${name}.gz holds ${name}`);
      assert.ok(
        brotliDecompressSync(await readFile(path.join(distDir, `${name}.br`))).equals(original),
        `${name}.br holds ${name}`,
      );
    }
    const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
    assert.match(html, /<meta[^>]+name=description/);
    assert.match(html, /property=og:title/);
    assert.match(html, /property=og:description/);
    // Every address in the page is relative: it starts from whatever folder it is published in.
    const addresses = [...html.matchAll(/(?:src|href|data-loam-js|data-loam-wasm)=("[^"]*"|[^\s>]+)/g)].map((m) =>
      m[1].replace(/"/g, ''),
    );
    assert.ok(addresses.length >= 5, JSON.stringify(addresses));
    for (const address of addresses) assert.ok(!address.startsWith('/'), `${address} is relative`);
  });
});
