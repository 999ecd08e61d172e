// Creating, editing, saving and reloading notes.

import assert from 'node:assert/strict';
import {
  describeApp,
  launchPersistent,
  freshProfileDir,
  watch,
  assertNoProblems,
  openStart,
  goToRoute,
  waitFor,
  waitForSaved,
  createNote,
  openNote,
  edit,
  done,
  noteText,
  noteIdFromUrl,
  sidebar,
  sidebarTitles,
  article,
  titleBox,
  textBox,
  noteHeading,
} from './harness.mjs';

describeApp('notes', (test) => {
  test('the start page welcomes the user and offers "New note"', async ({ page }) => {
    await noteHeading(page, 'Welcome to Loam').waitFor();
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).waitFor();
    assert.deepEqual(await sidebarTitles(page), []);
  });

  test('"New note" opens an Untitled note with its title focused and selected', async ({ page }) => {
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await titleBox(page).waitFor();
    assert.equal(await titleBox(page).inputValue(), 'Untitled');
    const selection = await titleBox(page).evaluate((input) => ({
      focused: document.activeElement === input,
      start: input.selectionStart,
      end: input.selectionEnd,
    }));
    assert.deepEqual(selection, { focused: true, start: 0, end: 'Untitled'.length });
    assert.ok(noteIdFromUrl(page), `URL is a note (${page.url()})`);

    // Typing replaces the selected title; Enter commits it.
    await page.keyboard.type('Groceries');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await sidebarTitles(page)).includes('Groceries'), {
      message: '"Groceries" in the sidebar',
    });
    await done(page, 'Groceries');

    // The next new notes are Untitled, then Untitled 2.
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await waitFor(async () => (await titleBox(page).inputValue()) === 'Untitled');
    await textBox(page).fill('first');
    await waitForSaved(page, { sawSaving: true });
    await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
    await waitFor(async () => (await titleBox(page).inputValue()) === 'Untitled 2', {
      message: 'a second new note titled "Untitled 2"',
    });
    await waitFor(async () => (await sidebarTitles(page)).includes('Untitled 2'));
    assert.deepEqual((await sidebarTitles(page)).sort(), ['Groceries', 'Untitled', 'Untitled 2']);
  });

  test('editing a note autosaves and shows it in view mode', async ({ page }) => {
    await createNote(page, 'Journal', 'First line.');
    await edit(page);
    assert.equal(await titleBox(page).inputValue(), 'Journal');
    assert.equal(await textBox(page).inputValue(), 'First line.');

    await textBox(page).press('End');
    await page.keyboard.type('\n\nSecond **paragraph**.');
    // "Saving…" while the save waits for typing to pause, then "Saved".
    await waitForSaved(page, { sawSaving: true });

    await done(page, 'Journal');
    await waitFor(async () => (await article(page).innerText()).includes('Second paragraph.'));
    assert.equal(await article(page).locator('strong').innerText(), 'paragraph');
    await page.getByRole('button', { name: 'Edit', exact: true }).waitFor();
  });

  test('Ctrl+E switches between edit and view mode', async ({ page }) => {
    await createNote(page, 'Shortcuts', 'Body');
    await page.keyboard.press('Control+e');
    await titleBox(page).waitFor();
    await textBox(page).waitFor();
    await page.keyboard.press('Control+e');
    await noteHeading(page, 'Shortcuts').waitFor();
    await article(page).waitFor();
    assert.equal(await titleBox(page).count(), 0, 'no title box in view mode');

    // A quick double press (or key repeat) must not break the app either.
    for (let round = 0; round < 5; round += 1) {
      await page.keyboard.press('Control+e');
      await page.keyboard.press('Control+e');
    }
    await page.waitForTimeout(300);
    await noteHeading(page, 'Shortcuts').waitFor();
    await article(page).waitFor();
  });

  test('the sidebar lists the most recently edited note first', async ({ page }) => {
    await createNote(page, 'One', 'one');
    await createNote(page, 'Two', 'two');
    await createNote(page, 'Three', 'three');
    assert.deepEqual(await sidebarTitles(page), ['Three', 'Two', 'One']);

    await openNote(page, 'One');
    await edit(page);
    await textBox(page).fill('one, edited');
    await waitForSaved(page, { sawSaving: true });
    await waitFor(async () => (await sidebarTitles(page))[0] === 'One', {
      message: '"One" first after editing it',
    });
    assert.deepEqual(await sidebarTitles(page), ['One', 'Three', 'Two']);
  });

  test('a reload keeps the title and the text', async ({ page }) => {
    const id = await createNote(page, 'Keep me', 'Words that must survive a reload.');
    await page.reload();
    await noteHeading(page, 'Keep me').waitFor();
    assert.equal(noteIdFromUrl(page), id);
    await waitFor(async () =>
      (await article(page).innerText()).includes('Words that must survive a reload.'),
    );
    assert.deepEqual(await sidebarTitles(page), ['Keep me']);
  });

  test('text typed just before the page is reloaded is kept', async ({ page }) => {
    await createNote(page, 'Hasty', 'Start.');
    await edit(page);
    await textBox(page).fill('Start. Typed right before leaving.');
    // No wait for "Saved": the page hides at once, and that must flush the pending save.
    await page.reload();
    await noteHeading(page, 'Hasty').waitFor();
    await waitFor(async () =>
      (await article(page).innerText()).includes('Typed right before leaving.'),
    { message: 'the text typed before the reload' });
  });

  test('a note id that does not exist says so', async ({ page }) => {
    await goToRoute(page, '/note/no-such-note-id');
    await page.getByText('This note does not exist').waitFor();
  });

  test('"#/new/<title>" creates the note with that title, or opens it', async ({ page }) => {
    const title = 'From a link & more';
    const route = '/new/' + encodeURIComponent(title);
    await goToRoute(page, route);
    await waitFor(async () => (await sidebarTitles(page)).includes(title), {
      message: `"${title}" in the sidebar`,
    });
    await waitFor(() => noteIdFromUrl(page), { message: 'a note URL' });
    const id = noteIdFromUrl(page);
    const showsTitle = async () =>
      (await noteHeading(page, title).isVisible()) ||
      ((await titleBox(page).isVisible()) && (await titleBox(page).inputValue()) === title);
    await waitFor(showsTitle, { message: `the note "${title}" open` });

    // The same route again opens that note rather than making a second one.
    await goToRoute(page, '/');
    await noteHeading(page, 'Welcome to Loam').waitFor();
    await goToRoute(page, route);
    await waitFor(() => noteIdFromUrl(page) === id, { message: `the existing note ${id}` });
    await waitFor(showsTitle, { message: `the note "${title}" open again` });
    assert.deepEqual(await sidebarTitles(page), [title]);
  });

  test('notes survive closing the browser and starting it again', async ({ url }) => {
    const profile = await freshProfileDir();
    let context;
    try {
      context = await launchPersistent(profile.dir);
      context.setDefaultTimeout(10_000);
      let page = context.pages()[0] ?? (await context.newPage());
      let problems = watch(page);
      await openStart(page, url);
      const id = await createNote(page, 'Across restarts', 'Still *here* after a restart.');
      assertNoProblems(problems, 'the first browser');
      await context.close();

      context = await launchPersistent(profile.dir);
      context.setDefaultTimeout(10_000);
      page = context.pages()[0] ?? (await context.newPage());
      problems = watch(page);
      await openStart(page, url);
      await waitFor(async () => (await sidebarTitles(page)).includes('Across restarts'), {
        message: 'the note in the sidebar after the restart',
      });
      await openNote(page, 'Across restarts');
      assert.equal(noteIdFromUrl(page), id);
      await waitFor(async () =>
        (await article(page).innerText()).includes('Still here after a restart.'),
      );
      assert.equal(await article(page).locator('em').innerText(), 'here');
      assert.equal(await noteText(page), 'Still *here* after a restart.');
      assertNoProblems(problems, 'the restarted browser');
    } finally {
      await context?.close();
      await profile.remove();
    }
  });
});
