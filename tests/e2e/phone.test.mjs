// On a phone-sized screen the sidebar hides behind a "Notes" button in the top bar.

import assert from 'node:assert/strict';
import {
  describeApp,
  phone,
  createNote,
  openNote,
  sidebar,
  sidebarTitles,
  noteHeading,
  waitFor,
} from './harness.mjs';

describeApp('phone width', (test) => {
  test('the sidebar is hidden until "Notes" is pressed', async ({ page }) => {
    const toggle = page.getByRole('button', { name: 'Notes', exact: true });
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await sidebar(page).isVisible(), false, 'sidebar hidden at 390 px');
    assert.equal(
      await page.getByRole('button', { name: 'New note', exact: true }).isVisible(),
      false,
      '"New note" hidden with the sidebar',
    );

    await toggle.click();
    await waitFor(async () => (await toggle.getAttribute('aria-expanded')) === 'true', {
      message: 'aria-expanded="true" on "Notes"',
    });
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).waitFor();

    // The whole flow works at this width: create two notes and move between them.
    await createNote(page, 'Pocket', 'Written on a phone.');
    await createNote(page, 'Second', 'Also on a phone.');
    assert.deepEqual(await sidebarTitles(page), ['Second', 'Pocket']);
    await openNote(page, 'Pocket');
    await noteHeading(page, 'Pocket').waitFor();

    // Nothing sticks out sideways.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow} px`);
  }, { viewport: phone });
});
