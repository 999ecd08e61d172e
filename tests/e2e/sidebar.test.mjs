// Finding your way in the sidebar: notes that name a folder sit under their folders (nested,
// collapsible, with counts), the rest follow by last edit or by title as the learner chooses (and
// the choice is kept), and the tags are listed with their notes' counts. Desktop and phone.

import assert from 'node:assert/strict';
import { describeApp, createNote, sidebar, showSidebar, axeViolations, phone, desktop, goToRoute } from './harness.mjs';

/** The titles of the notes listed outside any folder, in order. */
const looseTitles = (page) =>
  sidebar(page)
    .locator('.note-list:not(.folder-list) > li > a')
    .evaluateAll((links) => links.map((a) => a.textContent.trim()));

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
});
