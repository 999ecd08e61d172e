// Finding your way in the sidebar: notes that name a folder sit under their folders (nested,
// collapsible, with counts), the rest follow by last edit or by title as the learner chooses (and
// the choice is kept), and the tags are listed with their notes' counts. Desktop and phone.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  sidebar,
  showSidebar,
  axeViolations,
  phone,
  desktop,
  goToRoute,
  titleBox,
  waitFor,
  waitForSaved,
  sidebarTitles,
} from './harness.mjs';

/** The titles of the notes listed outside any folder, in order. */
const looseTitles = (page) =>
  sidebar(page)
    .locator('.note-list:not(.folder-list) > li > a')
    .evaluateAll((links) => links.map((a) => a.textContent.trim()));

/**
 * Holds back, on the next load of the page only, every answer of the transaction that reads
 * the notes, for `ms`: the library then takes that long to be read, as on a slow phone.
 */
const SLOW_READ = (ms) => `(() => {
  if (sessionStorage.getItem('loam-test-slow-read') !== '1') return;
  sessionStorage.removeItem('loam-test-slow-read');
  const until = new WeakMap();
  const getAll = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (...args) {
    if (this.name === 'notes' && !until.has(this.transaction)) until.set(this.transaction, performance.now() + ${ms});
    return getAll.apply(this, args);
  };
  const onsuccess = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'onsuccess');
  Object.defineProperty(IDBRequest.prototype, 'onsuccess', {
    configurable: true,
    get() { return onsuccess.get.call(this); },
    set(handler) {
      const at = this.transaction && until.get(this.transaction);
      if (!at || typeof handler !== 'function') return onsuccess.set.call(this, handler);
      const later = (event) => setTimeout(() => handler.call(this, event), Math.max(0, at - performance.now()));
      // A request of the held transaction may have answered before its handler was set.
      if (this.readyState === 'done') later(new Event('success'));
      else onsuccess.set.call(this, later);
    },
  });
})();`;

/** The titles of the sidebar's first notes as kept for the next start (a mark), if any. */
const storedFirstScreen = async (page) => {
  const kept = await page.evaluate(() => localStorage.getItem('loam-first-screen'));
  return kept ? JSON.parse(kept).notes.map((n) => n.title) : null;
};

const folder = (page, name) => sidebar(page).locator('details').filter({ has: page.locator(`summary .folder-name`, { hasText: name }) }).first();

describeApp('the sidebar', (test) => {
  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
    test(`folders as a tree, notes by last edit or title, and the tags (${width})`, async ({ page }) => {
      await createNote(page, 'Rivers', '---\nfolder: "Geo"\n---\nThe Loire.');
      await createNote(page, 'Peaks', '---\nfolder: "Geo/Alps"\n---\nMont Blanc.');
      await createNote(page, 'Zebra', 'Stripes.');
      await createNote(page, 'apple', 'A fruit. #fruit');
      await createNote(page, 'Banana', 'Another. #fruit');
      await showSidebar(page);

      // The folder, its count (its subfolder's notes too), and the subfolder inside it.
      const geo = folder(page, 'Geo');
      assert.equal((await geo.locator('> summary').innerText()).replace(/\s+/g, ' ').trim(), 'Geo 2');
      assert.ok(await geo.getByRole('link', { name: 'Rivers', exact: true }).isVisible());
      assert.ok(await folder(page, 'Alps').getByRole('link', { name: 'Peaks', exact: true }).isVisible());

      // The rest by last edit, then by title, remembered across a reload.
      assert.deepEqual(await looseTitles(page), ['Banana', 'apple', 'Zebra']);
      await sidebar(page).getByRole('button', { name: 'A–Z', exact: true }).click();
      assert.deepEqual(await looseTitles(page), ['apple', 'Banana', 'Zebra']);
      assert.equal(await sidebar(page).getByRole('button', { name: 'A–Z' }).getAttribute('aria-pressed'), 'true');
      await page.reload();
      await showSidebar(page);
      await sidebar(page).getByRole('link', { name: 'Zebra', exact: true }).waitFor();
      assert.deepEqual(await looseTitles(page), ['apple', 'Banana', 'Zebra'], 'the order is kept');

      // A folder closes and opens.
      await folder(page, 'Geo').locator('> summary').click();
      await sidebar(page).getByRole('link', { name: 'Rivers', exact: true }).waitFor({ state: 'hidden' });
      await folder(page, 'Geo').locator('> summary').click();
      await sidebar(page).getByRole('link', { name: 'Rivers', exact: true }).waitFor();

      // The tags, with how many notes carry each.
      const tags = page.getByRole('navigation', { name: 'Tags', exact: true });
      await tags.getByText('Tags', { exact: true }).click();
      const fruit = tags.getByRole('link', { name: /^#fruit/ });
      assert.equal((await fruit.innerText()).replace(/\s+/g, ' ').trim(), '#fruit 2');
      assert.deepEqual(await axeViolations(page), []);
      await fruit.click();
      await page.getByRole('heading', { level: 1, name: 'Notes tagged #fruit' }).waitFor();
      await goToRoute(page, '/');
    }, { viewport });
  }

  test('the notes listed last time show in the sidebar and on the start page while the library is read, and New note works then', async ({ page, context }) => {
    // The whole app keeps them (a first visit's module has no library to list before it is read).
    await page.evaluate(() => sessionStorage.setItem('loam-whole', '1'));
    await page.reload();
    await createNote(page, 'Rivers', '---\nfolder: "Geo"\n---\nThe Loire.');
    await createNote(page, 'Zebra', 'Stripes.');
    await waitFor(async () => (await storedFirstScreen(page))?.includes('Zebra'), {
      message: 'the first screen stored with "Zebra"',
    });
    assert.deepEqual(await storedFirstScreen(page), ['Zebra', 'Rivers']);

    // The next load reads the library slowly: the list shows before it is read.
    await context.addInitScript({ content: SLOW_READ(2500) });
    await page.evaluate(() => sessionStorage.setItem('loam-test-slow-read', '1'));
    await goToRoute(page, '/');
    await page.reload();
    // The start page lists the recently edited notes too (the first screen on a phone).
    const start = page.locator('section.home');
    await start.getByRole('link', { name: 'Zebra', exact: true }).waitFor();
    assert.deepEqual(await start.getByRole('link').allInnerTexts(), ['Zebra', 'Rivers']);
    await showSidebar(page);
    await sidebar(page).getByRole('link', { name: 'Zebra', exact: true }).waitFor();
    await folder(page, 'Geo').getByRole('link', { name: 'Rivers', exact: true }).waitFor();
    assert.ok(await page.getByText('Opening your library…').isVisible(), 'the library is still being read');

    // New note, pressed now, opens a new note once the library is read; nothing is lost.
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await titleBox(page).waitFor({ timeout: 10_000 });
    await titleBox(page).fill('Fresh');
    await titleBox(page).press('Enter');
    await waitForSaved(page);
    await page.reload();
    await showSidebar(page);
    await waitFor(async () => (await sidebarTitles(page)).length === 3, { message: 'three notes listed' });
    assert.deepEqual((await sidebarTitles(page)).sort(), ['Fresh', 'Rivers', 'Zebra']);
    await waitFor(async () => (await storedFirstScreen(page))?.includes('Fresh'), {
      message: 'the first screen stored with "Fresh"',
    });
  });
});
