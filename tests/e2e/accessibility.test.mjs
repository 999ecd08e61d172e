// axe-core finds no serious or critical accessibility problems on the main screens.

import assert from 'node:assert/strict';
import {
  describeApp,
  phone,
  axeViolations,
  createNote,
  edit,
  showSidebar,
} from './harness.mjs';

describeApp('accessibility', (test) => {
  test('start page, note view and note editor pass axe', async ({ page }) => {
    assert.deepEqual(await axeViolations(page), [], 'start page');
    await createNote(page, 'Target', 'Linked from elsewhere.');
    await createNote(page, 'Readable', '## Part\n\nSee [[Target]] and [[Nowhere]].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] task');
    assert.deepEqual(await axeViolations(page), [], 'note in view mode');
    await edit(page);
    assert.deepEqual(await axeViolations(page), [], 'note in edit mode');
  });

  test('phone layout with the sidebar open passes axe', async ({ page }) => {
    assert.deepEqual(await axeViolations(page), [], 'phone start page');
    await showSidebar(page);
    assert.deepEqual(await axeViolations(page), [], 'phone with the sidebar open');
  }, { viewport: phone });

  test('share dialog, import preview, course page and backup settings pass axe', async ({ page }) => {
    await createNote(page, 'Part two', 'Dos :: Two');
    await createNote(page, 'Course start', 'Go on with [[Part two]].\n\nUno :: One');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await page.getByRole('textbox', { name: 'Share link', exact: true }).inputValue();
    assert.deepEqual(await axeViolations(page), [], 'share dialog');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // The same profile opening its own course: every note is unchanged, but the pages are the same.
    await page.goto('about:blank');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: /^Import the course/ }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'import preview');
    await page.getByRole('button', { name: 'Open it', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Course start', exact: true }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'course page');
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByRole('heading', { level: 2, name: 'Backup', exact: true }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'settings with backup');
  });

  test('import and export page, with an import report and preview, passes axe', async ({ page }) => {
    await page.evaluate(() => (window.location.hash = '#/import-export'));
    await page.getByRole('heading', { level: 1, name: 'Import and export', exact: true }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'import and export page');
    await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles([
      { name: 'Cards.csv', mimeType: 'text/csv', buffer: Buffer.from('front,back\nQ,A\n') },
      { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8]) },
    ]);
    await page.getByRole('heading', { name: 'Import 1 note', exact: true }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'import report and preview');
  }, { viewport: phone });
});
