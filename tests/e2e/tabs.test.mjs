// Several tabs of one profile: edits, new notes and deletions show in the other tab within a
// second; two tabs saving the same note keep both versions, also when one tab's keys wait for a
// frame; a newer Loam upgrading the database in another tab is not blocked by this one, which asks
// to be reloaded.

import assert from 'node:assert/strict';
import {
  describeApp,
  watch,
  assertNoProblems,
  openStart,
  createNote,
  openNote,
  edit,
  textBox,
  waitForSaved,
  article,
  sidebarTitles,
  waitFor,
} from './harness.mjs';

async function secondTab(context, url) {
  const page = await context.newPage();
  const problems = watch(page);
  await openStart(page, url);
  return { page, problems };
}

const bodyOf = async (page) => (await article(page).innerText()).trim();

/**
 * After both tabs saved "Shared": whichever saved second kept the other version as its own note,
 * both tabs list it, and together the two notes hold both tabs' texts.
 */
async function bothVersionsKept(page, otherPage) {
  const copy = 'Shared (from another tab)';
  for (const tab of [page, otherPage]) {
    await waitFor(async () => (await sidebarTitles(tab)).includes(copy), {
      timeout: 3_000,
      message: 'the other version kept as its own note',
    });
  }
  await otherPage.getByRole('button', { name: 'Done', exact: true }).click();
  const texts = [];
  for (const title of ['Shared', copy]) {
    await openNote(otherPage, title);
    texts.push(await bodyOf(otherPage));
  }
  assert.deepEqual(texts.sort(), ['typed in the first tab', 'typed in the second tab']);
}

describeApp('several tabs', (test) => {
  test('an edit, a new note and a deletion in one tab show in the other within a second', async ({ page, context, url }) => {
    await createNote(page, 'Shared', 'first text');
    const other = await secondTab(context, url);
    await openNote(other.page, 'Shared');
    assert.equal(await bodyOf(other.page), 'first text');

    await edit(page);
    await textBox(page).fill('second text');
    await waitForSaved(page, { sawSaving: true });
    await waitFor(async () => (await bodyOf(other.page)) === 'second text', {
      timeout: 1_000,
      message: 'the edit in the other tab',
    });

    await createNote(page, 'Newcomer', 'hello');
    await waitFor(async () => (await sidebarTitles(other.page)).includes('Newcomer'), {
      timeout: 1_000,
      message: 'the new note in the other tab',
    });

    await openNote(page, 'Newcomer');
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await waitFor(async () => !(await sidebarTitles(other.page)).includes('Newcomer'), {
      timeout: 1_000,
      message: 'the deletion in the other tab',
    });
    assertNoProblems(other.problems, 'the other tab');
  });

  test('two tabs saving the same note keep both versions', async ({ page, context, url }) => {
    await createNote(page, 'Shared', 'original');
    const other = await secondTab(context, url);
    await openNote(other.page, 'Shared');
    await edit(page);
    await edit(other.page);
    // Both type before either autosave fires.
    await textBox(page).fill('typed in the first tab');
    await textBox(other.page).fill('typed in the second tab');
    await bothVersionsKept(page, other.page);
    const notices = [page, other.page].map((tab) =>
      tab.getByRole('alert').filter({ hasText: 'Both versions are kept' }),
    );
    assert.equal((await notices[0].count()) + (await notices[1].count()), 1, 'the tab that saved second says so');
    assertNoProblems(other.problems, 'the other tab');
  });

  test('keys a background tab has not taken yet are kept when another tab saves the same note', async ({ page, context, url }) => {
    await createNote(page, 'Shared', 'original');
    const other = await secondTab(context, url);
    await openNote(other.page, 'Shared');
    await edit(other.page);
    // A tab in the background gets few frames: the second tab's keys wait for one.
    await other.page.evaluate(() => {
      window.heldFrames = [];
      window.requestAnimationFrame = (callback) => window.heldFrames.push(callback);
    });
    await textBox(other.page).fill('typed in the second tab');
    await edit(page);
    await textBox(page).fill('typed in the first tab');
    await waitForSaved(page, { sawSaving: true });
    // The first tab's save reaches the second while its keys still wait.
    await other.page.waitForTimeout(300);
    assert.equal(await textBox(other.page).inputValue(), 'typed in the second tab', 'the keys stay on screen');
    await other.page.evaluate(() => {
      const held = window.heldFrames;
      window.heldFrames = [];
      for (const callback of held) callback(performance.now());
    });
    await bothVersionsKept(page, other.page);
    assertNoProblems(other.problems, 'the other tab');
  });

  test('a newer Loam upgrading the database in another tab is not blocked, and this tab asks to reload', async ({ page, context, url }) => {
    await createNote(page, 'Kept', 'stored text');
    await edit(page);
    await textBox(page).fill('typed just before the upgrade');
    const other = await context.newPage();
    await other.goto(url + 'icon.svg');
    // What a newer Loam does at start: open the database at a higher version.
    const upgraded = await other.evaluate(
      () =>
        new Promise((resolve) => {
          const request = indexedDB.open('loam', 99);
          const timer = setTimeout(() => resolve('blocked'), 5_000);
          request.onupgradeneeded = () => {};
          request.onsuccess = () => {
            clearTimeout(timer);
            request.result.close();
            resolve('upgraded');
          };
          request.onerror = () => resolve(String(request.error));
        }),
    );
    assert.equal(upgraded, 'upgraded');
    const banner = page.getByRole('alert').filter({ hasText: 'Loam was updated in another tab' });
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Reload', exact: true }).waitFor();
    // The text typed here is not lost: saved before the upgrade, or kept for the reload.
    const kept = await other.evaluate(
      () =>
        new Promise((resolve) => {
          const request = indexedDB.open('loam');
          request.onsuccess = () => {
            const all = request.result.transaction('notes').objectStore('notes').getAll();
            all.onsuccess = () => {
              request.result.close();
              resolve(JSON.stringify(all.result) + (localStorage.getItem('loam.unsaved') ?? ''));
            };
          };
        }),
    );
    assert.ok(kept.includes('typed just before the upgrade'), kept);
  });
});
