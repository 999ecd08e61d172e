// Installable and offline: Chromium finds nothing missing to install Loam; after one visit the
// app works with no network at all (reload, notes, edits, review, a shared link's import); a new
// deployment is offered with a banner and Reload brings it, never mixing the files of two
// versions; Settings shows the storage used and whether it is persistent.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  distDir,
  serve,
  launchBrowser,
  launchPersistent,
  freshProfileDir,
  desktop,
  watch,
  assertNoProblems,
  openStart,
  createNote,
  openNote,
  done,
  textBox,
  noteText,
  noteHeading,
  waitForSaved,
  openReview,
  waitForCounts,
  waitForQuestion,
  answerCard,
  studyNav,
  waitFor,
  axeViolations,
  goToRoute,
} from './harness.mjs';

const precacheScript = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/precache.mjs',
);

const banner = (page) =>
  page.getByRole('status').filter({ hasText: 'A new version of Loam is ready' });
const reloadButton = (page) => banner(page).getByRole('button', { name: 'Reload', exact: true });

/** Waits until a service worker controls the page, i.e. the app shell is cached. */
async function waitForWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
    timeout: 15_000,
    message: 'a service worker controlling the page',
  });
}

/** Names of the caches of app shell versions. */
const shellCaches = (page) =>
  page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('loam-shell-')));

/** The text of `file` as the page gets it (through the service worker, if one serves it). */
const fetchText = (page, file) =>
  page.evaluate(async (address) => (await fetch(address)).text(), file);

/** Cuts the page off the network three ways: server gone, browser offline, requests refused. */
async function goOffline(context, server) {
  await server.close();
  await context.setOffline(true);
  await context.route('**/*', (route) => route.abort('internetdisconnected'));
}

/** A copy of the built app in a temporary folder, to modify as a new deployment. */
async function copyOfDist() {
  const dir = await mkdtemp(path.join(tmpdir(), 'loam-e2e-dist-'));
  await cp(distDir, dir, { recursive: true });
  return dir;
}

const sha384 = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/**
 * Turns the copy in `dir` into a new version: the app's JavaScript file gets new bytes under
 * the same name (as Trunk does when only the final bytes change), index.html a marker, and the
 * precache list is generated again by the build's own script.
 */
async function makeNewVersion(dir, marker) {
  const js = (await readdir(dir)).find((name) => /^loam-.*\.js$/.test(name));
  const jsPath = path.join(dir, js);
  const oldJs = await readFile(jsPath);
  const newJs = Buffer.concat([oldJs, Buffer.from(`\n// ${marker}\n`)]);
  await writeFile(jsPath, newJs);
  const indexPath = path.join(dir, 'index.html');
  const index = (await readFile(indexPath, 'utf8'))
    .replace(sha384(oldJs), sha384(newJs))
    .replace('<title>', `<meta name="loam-version" content="${marker}" />\n    <title>`);
  await writeFile(indexPath, index);
  await promisify(execFile)('node', [precacheScript, dir]);
  return js;
}

const versionMarker = (page) =>
  page.evaluate(() => document.querySelector('meta[name="loam-version"]')?.content ?? null);

describe('offline and installable', () => {
  let browser;
  const cleanups = [];
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /**
   * Each test: its own server (which it may stop), a fresh profile, the start page open.
   * `persistent` gives a profile on disk instead of an incognito one (where Chromium installs
   * nothing and never grants persistent storage).
   */
  const test = (name, fn, { root = distDir, persistent = false } = {}) =>
    it(name, { timeout: 120_000 }, async () => {
      const server = await serve(root);
      let context;
      if (persistent) {
        const profile = await freshProfileDir();
        cleanups.push(profile.remove);
        context = await launchPersistent(profile.dir);
      } else {
        context = await browser.newContext({ viewport: desktop });
      }
      context.setDefaultTimeout(10_000);
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const problems = watch(page);
        await openStart(page, server.url);
        await fn({ page, context, server, problems });
        assertNoProblems(problems);
      } finally {
        await context.close();
        await server.close();
        for (const cleanup of cleanups.splice(0)) await cleanup();
      }
    });

  test(
    'Chromium finds nothing missing to install Loam',
    async ({ page, context }) => {
      await waitForWorker(page);
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, [], 'no installability errors');

      const { errors, data } = await cdp.send('Page.getAppManifest');
      assert.deepEqual(errors, [], 'the manifest parses without errors');
      const manifest = JSON.parse(data);
      assert.equal(manifest.name, 'Loam');
      assert.equal(manifest.display, 'standalone');
      assert.equal(manifest.start_url, './');
      assert.equal(manifest.scope, './');
      const icons = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
      for (const wanted of ['192x192 any', '512x512 any', '512x512 maskable']) {
        assert.ok(icons.includes(wanted), `an icon ${wanted} (icons: ${icons.join(', ')})`);
      }
      // Every icon is a real image of the size it claims.
      for (const icon of manifest.icons.filter((icon) => icon.type === 'image/png')) {
        const size = await page.evaluate(async (src) => {
          const image = new Image();
          image.src = src;
          await image.decode();
          return `${image.naturalWidth}x${image.naturalHeight}`;
        }, icon.src);
        assert.equal(size, icon.sizes, `${icon.src} is ${icon.sizes}`);
      }
    },
    { persistent: true },
  );

  test('after one visit, Loam works with no network: reload, notes, edits, review', async ({
    page,
    context,
    server,
  }) => {
    await createNote(page, 'Rivers', 'The Loire :: France\n\nLong rivers run to the sea.');
    await waitForWorker(page);
    await goOffline(context, server);

    await page.reload();
    await noteHeading(page, 'Rivers').waitFor();
    await openNote(page, 'Rivers');
    assert.match(await noteText(page), /Long rivers run to the sea\./, 'the note opens offline');

    await textBox(page).fill('The Loire :: France\n\nWritten offline.');
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Rivers');
    await page.reload();
    await noteHeading(page, 'Rivers').waitFor();
    assert.match(await noteText(page), /Written offline\./, 'the offline edit survives a reload');

    await openReview(page);
    await waitForCounts(page, '0 due · 1 new');
    await waitForQuestion(page, 'The Loire');
    await answerCard(page, '3');
    await waitForCounts(page, '0 due · 0 new · 1 learning');
  });

  test('a shared link opened offline previews and imports', async ({ page, context, server }) => {
    // An author, online, shares a note as a link.
    const author = await (await browser.newContext({ viewport: desktop })).newPage();
    await openStart(author, server.url);
    await createNote(author, 'Tides', 'Spring tide :: the largest range, at new and full moon');
    await author.getByRole('button', { name: 'Share', exact: true }).click();
    const linkBox = author
      .getByRole('dialog', { name: 'Share', exact: true })
      .getByRole('textbox', { name: 'Share link', exact: true });
    const link = await linkBox.inputValue();
    assert.match(link, /#\/import\//);
    await author.context().close();

    // The learner has visited once; then the network goes away and the link is opened.
    await waitForWorker(page);
    await goOffline(context, server);
    await page.goto('about:blank');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: /^Import / }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await noteHeading(page, 'Tides').waitFor();
    await page.reload();
    await openNote(page, 'Tides');
    assert.match(await noteText(page), /Spring tide :: the largest range/);
  });

  test('the converters come only with the first import, and work offline after one visit', async ({
    page,
    context,
    server,
  }) => {
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.reload();
    await noteHeading(page, 'Welcome to Loam').waitFor();
    assert.ok(!fetched.some((name) => /converters/.test(name)), 'start fetches no converter');

    await waitForWorker(page);
    await goOffline(context, server);
    await page.reload();
    await goToRoute(page, '/import-export');
    await page.getByRole('heading', { level: 1, name: 'Import and export', exact: true }).waitFor();
    const drop = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Tide :: the sea rising and falling\n'], 'Sea.md'));
      return transfer;
    });
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: drop });
    await page.getByRole('heading', { name: 'Import 1 note', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await noteHeading(page, 'Sea').waitFor();
    assert.ok(fetched.some((name) => /converters_bg\.wasm$/.test(name)), 'the import fetched the converters');

    await goToRoute(page, '/import-export');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download notes as Markdown (.zip)' }).click();
    assert.match((await download).suggestedFilename(), /^Loam notes .*\.zip$/);
  });

  test('offline, the app also opens with a query in its address or as index.html', async ({
    page,
    context,
    server,
  }) => {
    await waitForWorker(page);
    await goOffline(context, server);
    const url = new URL(page.url());
    await page.goto(`${url.origin}/?from=elsewhere#/`);
    await noteHeading(page, 'Welcome to Loam').waitFor();
    await page.goto(`${url.origin}/index.html#/`);
    await noteHeading(page, 'Welcome to Loam').waitFor();
  });

  // The folder the server deploys, for the tests that deploy new versions (reset after each).
  let deployed = distDir;
  test(
    'a new version is offered with a banner, and Reload brings it without mixing files',
    async ({ page, problems }) => {
      const oldDir = await copyOfDist();
      const newDir = await copyOfDist();
      cleanups.push(() => rm(oldDir, { recursive: true, force: true }));
      cleanups.push(() => rm(newDir, { recursive: true, force: true }));
      cleanups.push(() => (deployed = distDir));
      deployed = oldDir;
      await createNote(page, 'Kept', 'Written before the update.');
      await waitForWorker(page);
      const [oldCache] = await shellCaches(page);
      assert.ok(oldCache, 'the first version has its cache');

      const js = await makeNewVersion(newDir, 'version two');
      deployed = newDir;
      // Coming back to the app lets the browser find the new worker; the page itself is still
      // the old version, from the old version's cache.
      await page.reload();
      await banner(page).waitFor({ timeout: 15_000 });
      assert.equal(await versionMarker(page), null, 'still the old page until Reload');
      assert.doesNotMatch(
        await fetchText(page, `/${js}`),
        /version two/,
        'the old version gets its own JavaScript, not the new file of the same name',
      );
      assert.deepEqual(await axeViolations(page), [], 'the banner passes axe');

      await reloadButton(page).click();
      await waitFor(async () => (await versionMarker(page)) === 'version two', {
        timeout: 15_000,
        message: 'the new version after Reload',
      });
      await noteHeading(page, 'Kept').waitFor();
      assert.match(await fetchText(page, `/${js}`), /version two/, 'the new JavaScript');
      assert.equal(await banner(page).count(), 0, 'no banner once up to date');
      const caches = await shellCaches(page);
      assert.equal(caches.length, 1, `one version cached (${caches.join(', ')})`);
      assert.notEqual(caches[0], oldCache, 'the old version is gone');
      await openNote(page, 'Kept');
      assert.match(await noteText(page), /Written before the update\./);
      assertNoProblems(problems, 'the updated app');
    },
    { root: () => deployed },
  );

  test(
    'a half-deployed version whose files do not match their hashes is not offered',
    async ({ page }) => {
      const oldDir = await copyOfDist();
      const badDir = await copyOfDist();
      cleanups.push(() => rm(oldDir, { recursive: true, force: true }));
      cleanups.push(() => rm(badDir, { recursive: true, force: true }));
      cleanups.push(() => (deployed = distDir));
      deployed = oldDir;
      await waitForWorker(page);
      const [oldCache] = await shellCaches(page);

      await makeNewVersion(badDir, 'version two');
      // The index changes after its hash was written into the worker: a mixed deployment.
      const indexPath = path.join(badDir, 'index.html');
      const index = await readFile(indexPath, 'utf8');
      await writeFile(indexPath, index.replace('version two', 'version three'));
      deployed = badDir;
      const state = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration.update();
        const worker = registration.installing;
        if (!worker) return 'no new worker';
        await new Promise((resolve) => {
          const settled = () => ['installed', 'redundant'].includes(worker.state);
          if (settled()) resolve();
          worker.addEventListener('statechange', () => settled() && resolve());
        });
        return worker.state;
      });
      assert.equal(state, 'redundant', 'the mismatched version fails to install');
      assert.equal(await banner(page).count(), 0, 'no banner');
      assert.deepEqual(await shellCaches(page), [oldCache], 'only the working version is cached');
      await page.reload();
      await noteHeading(page, 'Welcome to Loam').waitFor();
      assert.equal(await versionMarker(page), null, 'the old version still runs');
    },
    { root: () => deployed },
  );

  const storageRegion = (page) => page.getByRole('region', { name: 'Storage', exact: true });
  /** The figure after the term `name` in Settings' storage section. */
  async function storageFigure(page, name) {
    const figure = storageRegion(page).locator(`dt:text-is("${name}") + dd`);
    await figure.waitFor();
    return (await figure.innerText()).trim();
  }
  const openSettings = (page) =>
    studyNav(page).getByRole('link', { name: 'Settings', exact: true }).click();

  test('Settings shows the storage used, the quota, and whether it is persistent', async ({
    page,
  }) => {
    await createNote(page, 'Something', 'To take some space.');
    await waitForWorker(page);
    await openSettings(page);
    const used = await storageFigure(page, 'Space used');
    assert.match(
      used,
      /^\d+(\.\d)? (bytes|kB|MB|GB) of \d+(\.\d)? (kB|MB|GB|TB) \((less than 1|\d+)%\)$/,
      'usage of quota',
    );
    assert.doesNotMatch(used, /^0 bytes/, 'the notes and the cached app take some space');
    const persistent = await storageFigure(page, 'Persistent');
    assert.match(persistent, /^No: /, 'never granted in an incognito profile');
  });

  test(
    'Loam asks once at start for persistent storage, and Settings says when it is granted',
    async ({ page, context }) => {
      // Counts the app's requests; the browser decides without asking the person.
      await page.addInitScript(() => {
        const persist = StorageManager.prototype.persist;
        window.persistRequests = 0;
        StorageManager.prototype.persist = function () {
          window.persistRequests += 1;
          return persist.call(this);
        };
      });
      await page.reload();
      await noteHeading(page, 'Welcome to Loam').waitFor();
      await waitFor(() => page.evaluate(() => window.persistRequests === 1), {
        message: 'one request for persistent storage',
      });

      const cdp = await context.newCDPSession(page);
      await cdp.send('Browser.grantPermissions', {
        permissions: ['durableStorage'],
        origin: new URL(page.url()).origin,
      });
      await openSettings(page);
      assert.match(await storageFigure(page, 'Persistent'), /^Yes: /);
      assert.equal(await page.evaluate(() => window.persistRequests), 1, 'asked only once');
    },
    { persistent: true },
  );
});
