// An address that leads nowhere (mistyped, or a link cut short when copied) shows a "Nothing
// here" page with the address and a way back, at desktop and phone width; no address at all is
// the start page.

import assert from 'node:assert/strict';
import { describeApp, goToRoute, noteHeading, axeViolations, phone, desktop } from './harness.mjs';

const nothingHere = (page) => page.getByRole('heading', { level: 1, name: 'Nothing here', exact: true });

describeApp('an address that leads nowhere', (test) => {
  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
    test(`shows "Nothing here" with a way back (${width})`, async ({ page }) => {
      for (const address of ['/nope', '/open?url=&key=abc', '/note/%zz']) {
        await goToRoute(page, address);
        await nothingHere(page).waitFor();
        assert.match(await page.locator('main, body').first().innerText(), new RegExp(`#${address.replace(/[?%]/g, '\\$&')}`));
      }
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole('link', { name: 'Back to the start page', exact: true }).click();
      await noteHeading(page, 'Welcome to Loam').waitFor();
      // A reload at a bad address comes back to the same page, not the start page.
      await goToRoute(page, '/nope');
      await nothingHere(page).waitFor();
      await page.reload();
      await nothingHere(page).waitFor();
      // No address at all is the start page.
      await goToRoute(page, '/');
      await noteHeading(page, 'Welcome to Loam').waitFor();
    }, { viewport });
  }
});
