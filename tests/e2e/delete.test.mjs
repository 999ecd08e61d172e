// Deleting a note asks first (saying what goes with it); "Cancel" keeps it, "Delete" moves it to
// the Trash with its cards and their history: Ctrl/Cmd+Z or Undo right after brings it back, the
// Trash restores it for 30 days, and emptying the Trash asks first.

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
  openReview,
  answerCard,
  noteCards,
  setClock,
  later,
  DAY,
  axeViolations,
  showSidebar,
  studyNav,
  desktop,
  phone,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');
const toast = (page) => page.locator('.toast');

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

  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
  test(`a deleted note waits in the Trash with its card history; Ctrl+Z, Undo and Restore bring it back (${width})`, async ({ page }) => {
    await createNote(page, 'Doomed', 'Capital of Peru :: Lima');
    await openReview(page);
    await answerCard(page, '4');
    await openNote(page, 'Doomed');
    const studied = await noteCards(page);
    assert.match(studied[0].status, /^due in/);

    // The dialog says what goes with the note.
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    assert.match(await confirmDialog(page).innerText(), /its 1 card go to the Trash with their review history/);
    await confirmDialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await waitFor(async () => !(await sidebarTitles(page)).includes('Doomed'), { message: 'gone from the list' });
    assert.match(await toast(page).innerText(), /“Doomed” is in the Trash\./);

    // Ctrl+Z right after brings it back, history and all.
    await page.keyboard.press('Control+z');
    await noteHeading(page, 'Doomed').waitFor();
    assert.deepEqual(await noteCards(page), studied);
    assert.equal(await toast(page).count(), 0);

    // The Undo button does the same.
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await confirmDialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await toast(page).getByRole('button', { name: 'Undo' }).click();
    await noteHeading(page, 'Doomed').waitFor();

    // In the Trash it is listed and restored; it survives a reload there.
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await confirmDialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.reload();
    await noteHeading(page, 'Welcome to Loam').waitFor();
    await showSidebar(page);
    await studyNav(page).getByRole('link', { name: /^Trash/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Trash' }).waitFor();
    assert.match(await page.locator('.trash-list').innerText(), /Doomed\s+Deleted .* · kept until /);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Restore “Doomed”' }).click();
    await noteHeading(page, 'Doomed').waitFor();
    assert.deepEqual(await noteCards(page), studied);
    assert.deepEqual(await sidebarTitles(page), ['Doomed']);

    // Emptying asks; Cancel keeps, confirming removes for good.
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await confirmDialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await goToRoute(page, '/trash');
    await page.getByRole('button', { name: 'Empty the Trash' }).click();
    const emptying = page.getByRole('dialog', { name: 'Empty the Trash of 1 note?' });
    await emptying.getByRole('button', { name: 'Cancel', exact: true }).click();
    assert.equal(await page.getByRole('button', { name: 'Restore “Doomed”' }).count(), 1);
    await page.getByRole('button', { name: 'Empty the Trash' }).click();
    await emptying.getByRole('button', { name: 'Empty the Trash', exact: true }).click();
    await page.getByText('The Trash is empty.').waitFor();
    await page.reload();
    await page.getByText('The Trash is empty.').waitFor();
  }, { clock: T0, timezoneId: 'UTC', viewport });
  }

  test('the Trash keeps a note for 30 days', async ({ page }) => {
    await createNote(page, 'Old', 'Kept a while.');
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await confirmDialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await noteHeading(page, 'Welcome to Loam').waitFor();
    const comeBackOnTheTrash = async (time) => {
      await setClock(page, time);
      await goToRoute(page, '/');
      await page.reload();
      await noteHeading(page, 'Welcome to Loam').waitFor();
      await goToRoute(page, '/trash');
      await page.getByRole('heading', { level: 1, name: 'Trash' }).waitFor();
    };
    await comeBackOnTheTrash(later(T0, 29 * DAY));
    await page.getByRole('button', { name: 'Restore “Old”' }).waitFor();
    await comeBackOnTheTrash(later(T0, 31 * DAY));
    await page.getByText('The Trash is empty.').waitFor();
  }, { clock: T0, timezoneId: 'UTC' });
});
