// A first visit downloads a small module with the start page and a shared course's preview and
// import; any other page goes on in the whole app in the same tab, keeping what was made; a
// visit once the files are cached starts the whole app at once.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  distDir,
  describeApp,
  studyNav,
  textBox,
  titleBox,
  noteText,
  noteHeading,
  showSidebar,
  sidebar,
  sidebarTitles,
  closeDrawer,
  waitForSaved,
  waitFor,
  watch,
  assertNoProblems,
} from './harness.mjs';

/** The app modules `page` has asked for, by name: `first` (loam-<hash>) and `whole` (loam_full). */
function modulesAskedFor(page) {
  const asked = new Set();
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/^loam-.*_bg\.wasm$/.test(name)) asked.add('first');
    if (name === 'loam_full_bg.wasm') asked.add('whole');
  });
  return asked;
}

describeApp('a first visit', (test) => {
  let asked;
  const listen = ({ page }) => {
    asked = modulesAskedFor(page);
  };

  test('starts the small module; a new note opens for editing in the whole app, where the tab stays', async ({ page }) => {
    // Nothing controlled the first page, so the small module started.
    assert.deepEqual([...asked], ['first']);

    await showSidebar(page);
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await titleBox(page).waitFor();
    assert.ok(asked.has('whole'), 'the whole app was fetched');
    // Open for editing with its title box focused, as a note made in the whole app is.
    await waitFor(() => titleBox(page).evaluate((box) => box === document.activeElement), {
      message: 'the title box focused',
    });
    await page.keyboard.type('Draft');
    await page.keyboard.press('Enter');
    await textBox(page).fill('Written in the whole app');
    await waitFor(async () => (await sidebarTitles(page)).join() === 'Draft', { message: 'one note, "Draft"' });

    // The tab stays in the whole app: Statistics opens with no second hand-over.
    const loads = [];
    page.on('load', () => loads.push(page.url()));
    await showSidebar(page);
    await studyNav(page).getByRole('link', { name: 'Statistics', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
    assert.deepEqual(loads, []);
    await page.goBack();
    await waitFor(async () => (await noteText(page).catch(() => '')) === 'Written in the whole app', {
      message: 'the note written',
    });
  }, { beforeStart: listen });

  test('keeps a note made just before the hand-over whose write has not landed', async ({ page }) => {
    // Every write transaction from here on stays open for 6.5 seconds, as a slow disk would
    // keep it, longer than the hand-over waits for it (5 seconds): the reload aborts it, and the
    // journal keeps the note.
    await page.evaluate(() => {
      window.holdWrites = true;
    });
    await showSidebar(page);
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await waitFor(() => page.evaluate(() => window.heldWrites > 0), { message: 'a write under way' });
    await titleBox(page).waitFor({ timeout: 30_000 });
    await closeDrawer(page);
    await titleBox(page).fill('Held');
    await titleBox(page).press('Enter');
    await waitForSaved(page);
    await page.reload();
    await showSidebar(page);
    await waitFor(async () => (await sidebarTitles(page)).join() === 'Held', { message: 'one note, "Held"' });
  }, {
    beforeStart: async ({ page }) => {
      await page.addInitScript(() => {
        // The app ends its transactions with commit(): a held one ends when its requests do.
        const commit = IDBTransaction.prototype.commit;
        IDBTransaction.prototype.commit = function () {
          if (!this.held) commit.call(this);
        };
        const open = IDBDatabase.prototype.transaction;
        IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
          const tx = open.call(this, stores, mode, ...rest);
          if (mode === 'readwrite' && window.holdWrites) {
            window.heldWrites = (window.heldWrites ?? 0) + 1;
            tx.held = true;
            const store = tx.objectStore(tx.objectStoreNames[0]);
            const until = performance.now() + 6_500;
            const hold = () => {
              if (performance.now() < until) store.count().onsuccess = hold;
            };
            hold();
          }
          return tx;
        };
      });
    },
  });

  test('paints the start page before its module arrives, and nothing of it stays', async ({ env, url }) => {
    // Nothing in the page asks for the module before boot.js does, after the first paint.
    const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /rel="?(module)?preload/);

    // Without a service worker, so every load asks the network (where the module is held).
    const context = await env.browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      const problems = watch(page);
      const held = async (address, check) => {
        let release;
        let passed;
        const gate = new Promise((resolve) => {
          release = resolve;
        });
        const through = new Promise((resolve) => {
          passed = resolve;
        });
        await page.route(/_bg\.wasm$/, async (route) => {
          await gate;
          await route.continue();
          passed();
        });
        await page.goto(url + address);
        await check();
        release();
        await through;
        await page.unroute(/_bg\.wasm$/);
      };
      const shell = page.locator('#shell');

      await held('#/', async () => {
        await shell.locator('h1', { hasText: 'Welcome to Loam' }).waitFor();
        assert.ok(await shell.locator('.lede').isVisible());
        // The shell is for the eyes only: nothing in it is in the accessibility tree.
        assert.equal(await page.getByRole('heading', { name: 'Welcome to Loam' }).count(), 0);
      });
      await noteHeading(page, 'Welcome to Loam').waitFor();
      assert.equal(await shell.count(), 0);
      assert.equal(await page.locator('h1').count(), 1);

      // Elsewhere than the start page, the shell says only that Loam is opening.
      await page.goto('about:blank');
      await held('#/review', async () => {
        await shell.getByText('Opening Loam…').waitFor();
        assert.equal(await shell.locator('#shell-start h1').isVisible(), false);
      });
      await shell.waitFor({ state: 'detached' });

      // A shared link says what it opens.
      await page.goto('about:blank');
      await held('#/import/not-a-course', async () => {
        await shell.locator('h1', { hasText: 'Opening what was shared with you…' }).waitFor();
        assert.match(await shell.locator('#shell-shared p').innerText(), /^Cards are not added to your reviews/);
      });
      await shell.waitFor({ state: 'detached' });
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('starts the whole app once the service worker serves the files', async ({ page, context, url }) => {
    await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 15_000,
      message: 'a service worker controlling the page',
    });
    const again = await context.newPage();
    const whole = modulesAskedFor(again);
    await again.goto(url + '#/settings');
    await again.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    assert.ok(whole.has('whole'), 'the whole app started');
    await again.close();
  });
});
