// Rough edges a new user meets: a skip link lets keyboard users pass the sidebar, at desktop and
// phone width, without changing the address; the settings' step fields open a text keyboard on
// phones, the number fields a numeric one; file pickers say what they pick and are reached by Tab
// with a visible focus.

import assert from 'node:assert/strict';
import { describeApp, createNote, goToRoute, noteHeading, axeViolations, phone, desktop } from './harness.mjs';

describeApp('keyboard and phone keyboards', (test) => {
  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
    test(`the first Tab reaches "Skip to the page", which moves past the sidebar (${width})`, async ({ page }) => {
      await createNote(page, 'Capitals', 'Capital of France :: Paris');
      const address = page.url();
      // A fresh load: the first Tab starts from the top of the page.
      await page.reload();
      await noteHeading(page, 'Capitals').waitFor();
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
      assert.equal(focused, 'Skip to the page');
      assert.ok(await page.getByRole('link', { name: 'Skip to the page' }).isVisible(), 'visible while focused');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      assert.equal(page.url(), address, 'the address is unchanged');
      await noteHeading(page, 'Capitals').waitFor();
      // The next Tab goes on inside the page, not back into the sidebar.
      await page.keyboard.press('Tab');
      assert.ok(
        await page.evaluate(() => document.getElementById('main').contains(document.activeElement)),
        'focus stays in the page',
      );
      assert.deepEqual(await axeViolations(page), []);
    }, { viewport });
  }

  test('settings ask phones for the keyboard each field needs', async ({ page }) => {
    await goToRoute(page, '/settings');
    const mode = (name) => page.getByRole('textbox', { name, exact: true }).getAttribute('inputmode');
    assert.equal(await mode('Desired retention'), 'decimal');
    assert.equal(await mode('Maximum interval (days)'), 'numeric');
    assert.equal(await mode('New cards per day'), 'numeric');
    assert.equal(await mode('Learning steps'), 'text');
    assert.equal(await mode('Relearning steps'), 'text');
  }, { viewport: phone });

  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
    test(`file pickers say what they pick and take the keyboard's focus (${width})`, async ({ page }) => {
      const buttons = async () => (await page.locator('.file-button').allInnerTexts()).map((t) => t.trim());
      await goToRoute(page, '/import-export');
      await page.getByRole('heading', { level: 1, name: 'Import and export' }).waitFor();
      assert.deepEqual(await buttons(), ['Choose files', 'Choose a folder']);
      const folder = page.getByLabel('Choose a folder (a vault or graph)', { exact: true });
      assert.equal(await folder.evaluate((input) => input.webkitdirectory), true, 'the folder picker picks folders');
      await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)', { exact: true }).focus();
      await page.keyboard.press('Tab');
      assert.equal(await folder.evaluate((input) => input === document.activeElement), true, 'Tab reaches the folder picker');
      const outline = await page.locator('.file-button', { hasText: 'Choose a folder' }).evaluate((b) => getComputedStyle(b).outlineStyle);
      assert.notEqual(outline, 'none', 'its button shows the focus');
      assert.deepEqual(await axeViolations(page), []);
      await goToRoute(page, '/import');
      await page.getByRole('heading', { level: 1, name: 'Open a shared file' }).waitFor();
      assert.deepEqual(await buttons(), ['Choose a bundle file']);
      await goToRoute(page, '/settings');
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      assert.deepEqual(await buttons(), ['Restore from a backup file']);
      assert.deepEqual(await axeViolations(page), []);
    }, { viewport });
  }
});
