// Wiki-links between notes: following them, missing targets, backlinks, and renames.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  edit,
  done,
  noteText,
  noteIdFromUrl,
  sidebarTitles,
  article,
  titleBox,
  textBox,
  linkedMentions,
  noteHeading,
  waitFor,
  waitForSaved,
} from './harness.mjs';

const wikilink = (page, text) =>
  article(page).locator('a.wikilink').filter({ hasText: text });

describeApp('links', (test) => {
  test('a link to an existing note opens it; back and forward work', async ({ page }) => {
    const targetId = await createNote(page, 'Paris', 'Capital of France.');
    const sourceId = await createNote(page, 'Travel', 'Next stop: [[Paris|the city of light]].');

    const link = wikilink(page, 'the city of light');
    assert.equal(await link.count(), 1, 'the link shows its alias');
    assert.equal(await link.innerText(), 'the city of light');
    assert.ok(
      !(await link.evaluate((a) => a.classList.contains('missing'))),
      'a link to an existing note is not marked missing',
    );
    assert.ok(!(await article(page).innerText()).includes('[['), 'no raw link syntax');

    await link.click();
    await noteHeading(page, 'Paris').waitFor();
    assert.equal(noteIdFromUrl(page), targetId);

    await page.goBack();
    await noteHeading(page, 'Travel').waitFor();
    assert.equal(noteIdFromUrl(page), sourceId);

    await page.goForward();
    await noteHeading(page, 'Paris').waitFor();
    assert.equal(noteIdFromUrl(page), targetId);
  });

  test('a link to a missing note is marked and creates the note when clicked', async ({ page }) => {
    await createNote(page, 'Ideas', 'Someday: [[Garden plan]].');
    const link = wikilink(page, 'Garden plan');
    assert.ok(
      await link.evaluate((a) => a.classList.contains('missing')),
      'the link has class "missing"',
    );
    assert.deepEqual(await sidebarTitles(page), ['Ideas']);

    await link.click();
    await titleBox(page).waitFor();
    await waitFor(async () => (await titleBox(page).inputValue()) === 'Garden plan', {
      message: 'the new note in edit mode titled "Garden plan"',
    });
    await textBox(page).fill('Tomatoes by the wall.');
    await waitForSaved(page, { sawSaving: true });
    await waitFor(async () => (await sidebarTitles(page)).includes('Garden plan'));
    await done(page, 'Garden plan');

    // Back on the first note the link is no longer missing.
    await openNote(page, 'Ideas');
    await waitFor(
      async () => !(await wikilink(page, 'Garden plan').evaluate((a) => a.classList.contains('missing'))),
      { message: 'the link to "Garden plan" no longer missing' },
    );
    assert.deepEqual((await sidebarTitles(page)).sort(), ['Garden plan', 'Ideas']);
  });

  test('linked mentions list the notes that link here, with the line', async ({ page }) => {
    await createNote(page, 'Rust', 'A language.');
    const mentions = linkedMentions(page);
    await mentions.waitFor();
    await waitFor(async () => (await mentions.innerText()).includes('No other notes link here yet.'), {
      message: 'the empty state of "Linked mentions"',
    });

    await createNote(page, 'Wasm', 'Intro line.\nWe compile [[Rust]] to the browser.\nOther line.');
    await createNote(page, 'Tools', 'Cargo builds [[Rust|our code]] fast.');
    await openNote(page, 'Rust');

    await waitFor(async () => (await mentions.getByRole('link').count()) === 2, {
      message: 'two linked mentions',
    });
    const names = await mentions
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => (a.getAttribute('aria-label') ?? a.textContent).trim()));
    assert.deepEqual(names.sort(), ['Tools', 'Wasm']);
    const text = await mentions.innerText();
    assert.match(text, /We compile .*Rust.* to the browser\./, 'the line around the link');
    assert.match(text, /Cargo builds .*our code.* fast\./, 'the line around the aliased link');
    assert.ok(!text.includes('Intro line'), 'only the line with the link');
    assert.ok(!text.includes('No other notes link here yet.'));

    await mentions.getByRole('link', { name: 'Wasm', exact: true }).click();
    await noteHeading(page, 'Wasm').waitFor();
    await waitFor(async () =>
      (await linkedMentions(page).innerText()).includes('No other notes link here yet.'),
    );
  });

  test('after a reload straight onto a note, its linked mentions are all there', async ({ page }) => {
    await createNote(page, 'Soil', 'Loam is a kind of soil.');
    const soilUrl = page.url();
    await createNote(page, 'Garden', 'Beds of [[Soil]].');
    await createNote(page, 'Compost', 'It feeds the [[soil#Top|soil]].');
    await waitForSaved(page);
    // A fresh start reads the notes' links after listing them.
    await page.goto(soilUrl);
    await page.reload();
    await noteHeading(page, 'Soil').waitFor();
    const mentions = linkedMentions(page);
    await waitFor(async () => (await mentions.getByRole('link').count()) === 2, {
      message: 'both linked mentions after the reload',
    });
    const text = await mentions.innerText();
    assert.ok(!text.includes('No other notes link here yet.'));
    assert.ok(!text.includes('Looking for notes'));
  });

  test('renaming a note rewrites every form of link to it', async ({ page }) => {
    await createNote(page, 'Old name', '# Heading\nTarget text.');
    const refBody = [
      'Plain [[Old name]] link.',
      'Aliased [[Old name|shown text]] link.',
      'Section [[Old name#Heading]] link.',
      'Unrelated [[Old name extra]] link.',
    ].join('\n');
    await createNote(page, 'Referrer', refBody);

    await openNote(page, 'Old name');
    await edit(page);
    await titleBox(page).fill('New name');
    await titleBox(page).press('Enter');
    await waitFor(async () => (await sidebarTitles(page)).includes('New name'), {
      message: '"New name" in the sidebar',
    });
    await done(page, 'New name');
    assert.ok(!(await sidebarTitles(page)).includes('Old name'));

    await openNote(page, 'Referrer');
    const expected = [
      'Plain [[New name]] link.',
      'Aliased [[New name|shown text]] link.',
      'Section [[New name#Heading]] link.',
      'Unrelated [[Old name extra]] link.',
    ].join('\n');
    await waitFor(async () => (await noteText(page)) === expected, {
      message: 'the links in "Referrer" rewritten',
    });
    await done(page, 'Referrer');
    // The three rewritten links point at an existing note; the unrelated one is still missing.
    assert.equal(await article(page).locator('a.wikilink:not(.missing)').count(), 3);
    assert.equal(await article(page).locator('a.wikilink.missing').count(), 1);
  });

  test('a rename to a title that already exists is refused', async ({ page }) => {
    await createNote(page, 'Alpha', 'a');
    const betaId = await createNote(page, 'Beta', 'b');
    await edit(page);
    await titleBox(page).fill('ALPHA');
    await titleBox(page).press('Enter');
    const alert = page.getByRole('alert');
    await waitFor(async () => (await alert.allInnerTexts()).some((t) => t.includes('already exists')), {
      message: 'an alert saying the title already exists',
    });
    assert.deepEqual((await sidebarTitles(page)).sort(), ['Alpha', 'Beta']);

    await page.reload();
    await noteHeading(page, 'Beta').waitFor();
    assert.equal(noteIdFromUrl(page), betaId);
    assert.deepEqual((await sidebarTitles(page)).sort(), ['Alpha', 'Beta']);
  });
});
