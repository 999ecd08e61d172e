// Deleting a note asks first; "Cancel" keeps it, "Delete" removes it for good.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  goToRoute,
  sidebarTitles,
  article,
  noteHeading,
  waitFor,
} from './harness.mjs';

const confirmDialog = (page) => page.getByRole('dialog', { name: /^Delete/ });

describeApp('delete', (test) => {
  test('"Cancel" in the confirmation keeps the note', async ({ page }) => {
    await createNote(page, 'Maybe', 'Not sure yet.');
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await confirmDialog(page).waitFor();
    await confirmDialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirmDialog(page).waitFor({ state: 'hidden' });

    await noteHeading(page, 'Maybe').waitFor();
    assert.deepEqual(await sidebarTitles(page), ['Maybe']);
    await page.reload();
    await noteHeading(page, 'Maybe').waitFor();
    assert.deepEqual(await sidebarTitles(page), ['Maybe']);
  });

  test('"Delete" removes the note and marks links to it missing', async ({ page }) => {
    const doomedId = await createNote(page, 'Doomed', 'Short-lived.');
    await createNote(page, 'Keeper', 'Points at [[Doomed]].');

    await openNote(page, 'Doomed');
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    const dialog = confirmDialog(page);
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();

    await noteHeading(page, 'Welcome to Loam').waitFor();
    await waitFor(() => new URL(page.url()).hash === '#/', { message: 'the start page URL #/' });
    await waitFor(async () => !(await sidebarTitles(page)).includes('Doomed'), {
      message: '"Doomed" gone from the sidebar',
    });
    assert.deepEqual(await sidebarTitles(page), ['Keeper']);

    await openNote(page, 'Keeper');
    const link = article(page).locator('a.wikilink').filter({ hasText: 'Doomed' });
    await waitFor(() => link.evaluate((a) => a.classList.contains('missing')), {
      message: 'the link to the deleted note marked missing',
    });

    // It stays deleted after a reload, and its old address says it does not exist.
    await page.reload();
    await noteHeading(page, 'Keeper').waitFor();
    assert.deepEqual(await sidebarTitles(page), ['Keeper']);
    await goToRoute(page, `/note/${encodeURIComponent(doomedId)}`);
    await page.getByText('This note does not exist').waitFor();
  });
});
