// Bundles from outside are hostile: every malformed, truncated, oversized or wrong link or file
// gets its own clear message and leaves local data byte for byte as it was; a bundle of
// script-injection payloads imports as inert text.

import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeApp, createNote, waitFor, sidebarTitles, openNote, article, dumpDatabase } from './harness.mjs';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** A bundle's bytes as docs/bundle-format.md describes them: magic, version, raw DEFLATE of JSON. */
function bundleBytes(json, { magic = 'LOAM', version = 1 } = {}) {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  return Buffer.concat([Buffer.from(magic), Buffer.from([version]), deflateRawSync(Buffer.from(text))]);
}

const linkFor = (url, bytes) => `${url}#/import/${Buffer.from(bytes).toString('base64url')}`;

const note = (id, title, body = 'text') => ({ id, title, body, created: 1, updated: 1 });
const good = { notes: [note('n1', 'Shared note', 'Front :: Back')] };

async function openLink(page, link) {
  await page.goto('about:blank');
  await page.goto(link);
}

describeApp('bundles from outside', (test) => {
  test('each bad link gets its own message and changes nothing', async ({ page, url }) => {
    await createNote(page, 'Mine', 'Local :: card');
    await createNote(page, 'Shared note', 'my own note with a title the bundle also uses');
    const before = await dumpDatabase(page);

    const real = bundleBytes({ notes: Array.from({ length: 5 }, (_, i) => note(`id${i}`, `Note ${i}`, `Body ${i} `.repeat(50))) });
    const corrupt = Buffer.from(real);
    for (let i = 8; i < corrupt.length; i += 7) corrupt[i] ^= 0x5a;
    const bomb = bundleBytes(Buffer.alloc(100 * 1024 * 1024, 0x20).toString());
    const cases = [
      ['malformed base64', `${url}#/import/@@not*base64!!`, /holds characters a Loam link never has/],
      ['wrong magic', linkFor(url, bundleBytes(good, { magic: 'NOPE' })), /not a Loam bundle/],
      ['newer version', linkFor(url, bundleBytes(good, { version: 9 })), /newer version of Loam \(format 9\)/],
      ['truncated', linkFor(url, real.subarray(0, Math.floor(real.length / 2))), /cut off/],
      ['corrupt compression', linkFor(url, corrupt), /damaged|cut off|not what Loam expects/],
      ['decompression bomb', linkFor(url, bomb), /too large once unpacked/],
      ['not JSON', linkFor(url, bundleBytes('this is { not json')), /contents are not what Loam expects/],
      ['wrong JSON shape', linkFor(url, bundleBytes({ notes: 5 })), /contents are not what Loam expects/],
      ['no notes', linkFor(url, bundleBytes({ notes: [] })), /holds no notes/],
      ['absurd size', linkFor(url, bundleBytes({ notes: [note('big', 'Big', 'x'.repeat(3 * 1024 * 1024))] })), /longer than 1 MiB/],
      ['duplicate ids', linkFor(url, bundleBytes({ notes: [note('same', 'One'), note('same', 'Two')] })), /Two notes in this bundle have the id “same”/],
      ['duplicate titles', linkFor(url, bundleBytes({ notes: [note('a', 'Twin'), note('b', 'twin')] })), /Two notes in this bundle have the title/],
      ['bad title', linkFor(url, bundleBytes({ notes: [note('a', 'Bad [[title]]')] })), /title Loam cannot use/],
      ['bad id', linkFor(url, bundleBytes({ notes: [note('../../etc', 'Path')] })), /id Loam cannot use/],
      ['impossible date', linkFor(url, bundleBytes({ notes: [{ ...note('a', 'When'), updated: -5 }] })), /impossible date/],
      ['bad course', linkFor(url, bundleBytes({ ...good, course: { id: 'c', title: 'C', author: '', version: 1, created: 1, root: 'nowhere' } })), /This bundle's course/],
      ['too long a link', `${url}#/import/${'A'.repeat(2_000_001)}`, /too long to be a Loam bundle/],
      ['damaged key', `${url}#/open?url=${encodeURIComponent(url + 'x.loam')}&key=short`, /key in this link is damaged/],
    ];
    for (const [name, link, message] of cases) {
      await openLink(page, link);
      await page.getByRole('heading', { level: 1, name: 'This cannot be imported' }).waitFor();
      const alert = await page.getByRole('alert').innerText();
      assert.match(alert, message, `${name}: ${alert}`);
      assert.equal(await dumpDatabase(page), before, `${name} left local data as it was`);
    }
    // A title that clashes with a local note is no error: the imported note is renamed.
    await openLink(page, linkFor(url, bundleBytes(good)));
    await page.getByText('You already have a note called “Shared note”: the imported one will be “Shared note (imported)”.').waitFor();
    assert.equal(await dumpDatabase(page), before, 'the preview stored nothing');
  }, { timeout: 180_000 });

  test('a bad file gets a message and changes nothing', async ({ page }) => {
    await createNote(page, 'Mine', 'text');
    const before = await dumpDatabase(page);
    const dir = await mkdtemp(path.join(tmpdir(), 'loam-e2e-files-'));
    try {
      await page.goto(page.url().split('#')[0] + '#/import');
      const files = [
        ['notes.txt', Buffer.from('just some text'), /not a Loam bundle/],
        ['cut.loam', bundleBytes(good).subarray(0, 9), /cut off|damaged/],
        ['empty.loam', Buffer.alloc(0), /not a Loam bundle/],
      ];
      for (const [name, bytes, message] of files) {
        const file = path.join(dir, name);
        await writeFile(file, bytes);
        await page.getByLabel('Bundle file').setInputFiles(file);
        await waitFor(async () => message.test(await page.getByRole('alert').innerText()), { message: `${name}: ${message}` });
        assert.match(await page.getByRole('alert').innerText(), new RegExp(name.replace('.', '\\.')));
        assert.equal(await dumpDatabase(page), before);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a bundle of script-injection payloads imports as inert text', async ({ page, url, problems }) => {
    const payloads = JSON.parse(await readFile(path.join(fixtures, 'xss-payloads.json'), 'utf8'));
    assert.ok(payloads.length >= 100);
    await page.addInitScript(() => {
      window.__ran = [];
      for (const name of ['alert', 'confirm', 'prompt', 'print']) {
        window[name] = (...args) => window.__ran.push([name, ...args]);
      }
    });
    // Hostile text in titles too, as far as titles allow.
    const notes = payloads.map((body, i) => note(`x${i}`, `Payload ${i} <img src=x onerror=alert(${i})>`, body));
    await openLink(page, linkFor(url, bundleBytes({ notes })));
    await page.getByRole('heading', { level: 1, name: `Import ${payloads.length} notes` }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await waitFor(async () => (await sidebarTitles(page)).length === payloads.length, { timeout: 15_000, message: 'every note imported' });
    for (let i = 0; i < payloads.length; i++) {
      await page.evaluate((id) => (window.location.hash = `#/note/${id}`), `x${i}`);
      await article(page).waitFor();
      // Follow every link the note rendered; none may run script.
      const links = await article(page).locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of links) {
        assert.ok(!/^\s*(javascript|vbscript|data):/i.test(href), `payload ${i} made a live link ${href}`);
      }
      const dangerous = await article(page).evaluate((el) =>
        [...el.querySelectorAll('*')].some(
          (n) => /^(SCRIPT|IFRAME|OBJECT|EMBED|svg|math)$/i.test(n.tagName) || [...n.attributes].some((a) => /^on/i.test(a.name)),
        ),
      );
      assert.equal(dangerous, false, `payload ${i} put live markup in the page`);
    }
    await openNote(page, `Payload 0 <img src=x onerror=alert(0)>`);
    assert.deepEqual(await page.evaluate(() => window.__ran), []);
    assert.deepEqual(problems.dialogs, []);
    // Allowed images (https, relative) that cannot load here are the only console errors expected.
    problems.consoleErrors = problems.consoleErrors.filter((e) => !/^Failed to load resource: .*\.png\)$/.test(e));
  }, { timeout: 240_000 });
});
