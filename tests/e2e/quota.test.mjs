// Storage full: when the browser refuses a write for lack of space, the note being typed stays on
// screen, the status says storage is full, and saving resumes by itself once there is room again.
//
// The refusal is a real one: the site's quota is limited through the DevTools protocol
// (Storage.overrideQuotaForOrigin) and another database of the same site fills it, so Chromium
// aborts the app's write with a QuotaExceededError. Two facts of Chromium shape the test:
// - IndexedDB asks the quota manager for the space left and then trusts that figure, decaying, for
//   up to 30 seconds. The quota is therefore limited before the first page load, when no figure is
//   held yet; limited later, it would only bite half a minute after the site's last check.
// - navigator.storage.estimate() reports usage plus a fixed 10 GiB whatever the real quota (to
//   hide the disk's size), so it cannot show the limit; Storage.getUsageAndQuota does.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  edit,
  textBox,
  noteText,
  saveStatus,
  waitForText,
  waitForSaved,
  dumpDatabase,
  sidebarTitles,
  waitFor,
} from './harness.mjs';

// Room for the app and its offline copy (about 1.5 MB); the filler takes the rest.
const QUOTA = 16 * 1024 * 1024;
const FULL = 'Not saved: Storage is full: free some space (or allow more) and Loam will save again.';
const FILLER = 'quota-test-filler';

/** Limits the site's storage to `QUOTA` before anything is stored; returns the DevTools session
 * (the limit lasts as long as it does) and the site's origin. */
async function limitQuota({ page, context, url }) {
  const cdp = await context.newCDPSession(page);
  const origin = new URL(url).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
  return { cdp, origin };
}

/**
 * Fills what is left of the quota with random bytes in a database of its own (as another part of
 * the site would), in ever smaller writes until even a small one is refused. Returns the bytes
 * stored and the names of the errors the refused writes ended with.
 */
function fillStorage(page, name = FILLER) {
  return page.evaluate(async (name) => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onupgradeneeded = () => open.result.createObjectStore('filler', { autoIncrement: true });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // Random, so nothing compresses; under 64 KB a value, so none is turned into a blob.
    const bytes = (size) => {
      const array = new Uint8Array(size);
      for (let at = 0; at < size; at += 65_536) {
        crypto.getRandomValues(array.subarray(at, Math.min(size, at + 65_536)));
      }
      return array;
    };
    const put = (size, count) =>
      new Promise((resolve) => {
        const tx = db.transaction('filler', 'readwrite');
        for (let i = 0; i < count; i++) tx.objectStore('filler').put(bytes(size));
        tx.oncomplete = () => resolve(null);
        tx.onabort = () => resolve(tx.error?.name ?? 'abort without an error');
      });
    let size = 60_000;
    let count = 16;
    let stored = 0;
    const refusals = new Set();
    while (size >= 256) {
      const refused = await put(size, count);
      if (!refused) {
        stored += size * count;
      } else {
        refusals.add(refused);
        if (count > 1) count /= 2;
        else size = Math.floor(size / 2);
      }
    }
    db.close();
    return { stored, refusals: [...refusals] };
  }, name);
}

/** Deletes the filler database: the space it took is free again. */
function freeStorage(page, name = FILLER) {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error('deleting the filler is blocked'));
      }),
    name,
  );
}

/** The body of the note titled `title` as IndexedDB holds it. */
async function storedBody(page, title) {
  const { notes } = JSON.parse(await dumpDatabase(page));
  return notes.find((note) => note.title === title)?.body;
}

/** Waits until the service worker has stored its offline copy, so it is not caught by the limit. */
async function waitForOfflineCopy(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** A note at the limit: its text is typed, refused, kept, and (after `makeRoom`) saved. */
async function typeWhileFull(page, makeRoom) {
  await waitForOfflineCopy(page);
  await createNote(page, 'Shopping', 'eggs');

  const filled = await fillStorage(page);
  assert.ok(filled.stored > 0, 'the filler stored something before the limit');
  assert.deepEqual(filled.refusals, ['QuotaExceededError'], 'the browser refuses writes over the quota');

  await edit(page);
  const text = `eggs\n\n${'Milk, flour, butter and a dozen lemons for the tart. '.repeat(40)}`;
  await textBox(page).fill(text);
  await waitForText(saveStatus(page), FULL, { timeout: 10_000 });
  assert.equal(await textBox(page).inputValue(), text, 'the typed text stays in the editor');
  assert.equal(await storedBody(page, 'Shopping'), 'eggs', 'nothing was stored meanwhile');

  // The app tries again every few seconds; still full, it still says so and keeps the text.
  await page.waitForTimeout(4_000);
  assert.equal((await saveStatus(page).innerText()).trim(), FULL);
  assert.equal(await textBox(page).inputValue(), text);

  await makeRoom();
  await waitForSaved(page, { timeout: 10_000 });
  assert.equal(await storedBody(page, 'Shopping'), text, 'the text is stored once there is room');
  assert.equal(await textBox(page).inputValue(), text);

  await page.reload();
  await waitFor(async () => (await sidebarTitles(page)).includes('Shopping'), {
    message: 'the notes listed after the reload',
  });
  await openNote(page, 'Shopping');
  assert.equal(await noteText(page), text, 'the text is there after a reload');
}

describeApp('storage full', (test) => {
  let limit;
  const beforeStart = async (env) => {
    limit = await limitQuota(env);
  };

  test(
    'a write refused for lack of space keeps the text, says storage is full, and saves once space is freed',
    async ({ page }) => {
      await typeWhileFull(page, () => freeStorage(page));
    },
    { beforeStart },
  );

  test(
    'saving resumes when the browser allows more space',
    async ({ page }) => {
      await typeWhileFull(page, async () => {
        // Without quotaSize the override is lifted: the site has its usual quota again.
        await limit.cdp.send('Storage.overrideQuotaForOrigin', { origin: limit.origin });
      });
    },
    { beforeStart },
  );

  test(
    'an import refused for lack of space changes nothing, in storage or on screen',
    async ({ page }) => {
      await waitForOfflineCopy(page);
      await createNote(page, 'Mine', 'my own note');
      const before = await dumpDatabase(page);
      await fillStorage(page);
      await page.evaluate(() => (window.location.hash = '#/import-export'));
      const files = Array.from({ length: 40 }, (_, i) => ({
        name: `Imported ${i}.md`,
        mimeType: 'text/markdown',
        buffer: Buffer.from(`Note ${i} links to [[Imported ${(i + 1) % 40}]].\n\nQ${i} :: A${i}\n`.repeat(20)),
      }));
      await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles(files);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Nothing was imported.' });
      await alert.waitFor({ timeout: 10_000 });
      assert.match(await alert.innerText(), /^Storage is full/);
      assert.equal(await dumpDatabase(page), before, 'nothing was stored');
      await freeStorage(page);
      // A new note redraws the list from memory: it must hold what is stored, nothing imported.
      await createNote(page, 'After', 'written once there is room');
      assert.deepEqual((await sidebarTitles(page)).sort(), ['After', 'Mine']);
      await page.reload();
      await waitFor(async () => (await sidebarTitles(page)).length === 2, { message: 'the library after a reload' });
      assert.deepEqual((await sidebarTitles(page)).sort(), ['After', 'Mine']);
    },
    { beforeStart },
  );
});
