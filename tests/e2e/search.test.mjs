// Search (the sidebar box and the search page) and the quick switcher (Ctrl/Cmd+K), used through
// roles, labels and the keyboard as a person would.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  edit,
  done,
  noteIdFromUrl,
  goToRoute,
  sidebarTitles,
  titleBox,
  textBox,
  noteHeading,
  waitFor,
  waitForText,
  waitForSaved,
  axeViolations,
  desktop,
  phone,
  showSidebar,
} from './harness.mjs';

// ---------------------------------------------------------------------------------------------
// The sidebar's search box

const searchLandmark = (page) =>
  page.getByRole('search').filter({
    has: page.getByRole('searchbox', { name: 'Search notes', exact: true }),
  });
const searchBox = (page) =>
  searchLandmark(page).getByRole('searchbox', { name: 'Search notes', exact: true });
const quickResults = (page) =>
  searchLandmark(page).getByRole('list', { name: 'Search results', exact: true });
const quickNoMatch = (page) => searchLandmark(page).getByText('No notes match.', { exact: true });

// ---------------------------------------------------------------------------------------------
// The search page

const searchPage = (page) => page.getByRole('main');
const pageBox = (page) =>
  searchPage(page).getByRole('searchbox', { name: 'Search all notes', exact: true });
const pageResults = (page) =>
  searchPage(page).getByRole('list', { name: 'Search results', exact: true });
const countLine = (page) =>
  searchPage(page).getByText(
    /^(\d+ notes?|No notes match\.|Type words to search titles and text\.)$/,
  );

/** The query in the address (`#/search/<urlencoded query>`), or null on another page. */
function queryFromUrl(page) {
  const match = /#\/search\/?([^?#]*)$/.exec(page.url());
  return match ? decodeURIComponent(match[1]) : null;
}

// ---------------------------------------------------------------------------------------------
// Reading results

/**
 * The results of a "Search results" list, in order: the title link's text and its `<mark>`ed
 * words, and the snippet paragraph's text and its `<mark>`ed words (null when there is none).
 */
async function results(list) {
  if ((await list.count()) === 0) return [];
  return list.getByRole('listitem').evaluateAll((items) =>
    items.map((item) => {
      const marks = (element) =>
        element ? [...element.querySelectorAll('mark')].map((mark) => mark.textContent) : [];
      const link = item.querySelector('a[href]');
      const snippet = item.querySelector('p');
      return {
        title: link ? link.textContent.trim() : null,
        titleMarks: marks(link),
        snippet: snippet ? snippet.textContent.trim() : null,
        snippetMarks: marks(snippet),
      };
    }),
  );
}

const resultTitles = async (list) => (await results(list)).map((result) => result.title);

/**
 * Waits until `list` shows exactly the notes `expected`, in that order (in any order with
 * `anyOrder`, for results the contract does not rank against each other). Returns the results.
 */
async function waitForResults(list, expected, { anyOrder = false, message } = {}) {
  const key = (titles) => JSON.stringify(anyOrder ? [...titles].sort() : titles);
  let seen = [];
  await waitFor(
    async () => {
      seen = await results(list);
      return key(seen.map((result) => result.title)) === key(expected);
    },
    { message: message ?? `results ${JSON.stringify(expected)}${anyOrder ? ' in any order' : ''}` },
  ).catch((error) => {
    error.message += ` (titles seen: ${JSON.stringify(seen.map((result) => result.title))})`;
    throw error;
  });
  return seen;
}

/** Types `query` into the sidebar box (replacing what was there) and waits for `expected`
 * (titles in order unless `anyOrder`; an empty array means "No notes match."). Returns the
 * results. */
async function searchFor(page, query, expected, { anyOrder = false } = {}) {
  await searchBox(page).fill(query);
  if (expected.length === 0) {
    await quickNoMatch(page).waitFor();
    assert.equal(await quickResults(page).count(), 0, `no result list for "${query}"`);
    return [];
  }
  return waitForResults(quickResults(page), expected, {
    anyOrder,
    message: `results for "${query}": ${JSON.stringify(expected)}${anyOrder ? ' in any order' : ''}`,
  });
}

/** True when `locator`'s element has the keyboard focus. */
const isFocused = (locator) => locator.evaluate((element) => element === document.activeElement);

/** A short description of the focused element, for messages. */
const describeFocus = (page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'the page itself (no control)';
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30);
    return `${element.tagName.toLowerCase()} "${name}"`;
  });

// ---------------------------------------------------------------------------------------------
// The quick switcher

const switcher = (page) => page.getByRole('dialog', { name: 'Quick switcher', exact: true });
const switcherInput = (page) =>
  switcher(page).getByRole('combobox', { name: 'Go to note', exact: true });
const switcherList = (page) => switcher(page).getByRole('listbox', { name: 'Notes', exact: true });
const switcherOptions = (page) => switcherList(page).getByRole('option');

/** The options' texts, in order, and which one is active (aria-selected and pointed at by the
 * combobox's aria-activedescendant; `consistent` is false when the two disagree). */
async function switcherState(page) {
  const options = await switcherOptions(page).evaluateAll((items) =>
    items.map((item) => ({
      id: item.id,
      text: item.textContent.trim(),
      selected: item.getAttribute('aria-selected') === 'true',
    })),
  );
  const descendant = await switcherInput(page).getAttribute('aria-activedescendant');
  const selected = options.filter((option) => option.selected);
  const pointed = options.findIndex((option) => option.id && option.id === descendant);
  return {
    texts: options.map((option) => option.text),
    active: pointed,
    consistent: selected.length === 1 && pointed >= 0 && options[pointed].selected,
  };
}

/** Waits until the switcher lists exactly `expected` (texts in order). */
async function waitForOptions(page, expected) {
  let seen = [];
  await waitFor(
    async () => {
      seen = (await switcherState(page)).texts;
      return JSON.stringify(seen) === JSON.stringify(expected);
    },
    { message: `switcher options ${JSON.stringify(expected)}` },
  ).catch((error) => {
    error.message += ` (options seen: ${JSON.stringify(seen)})`;
    throw error;
  });
}

/** Waits until the option at `index` is the active one, and the only one marked so. */
async function waitForActive(page, index) {
  let seen;
  await waitFor(
    async () => {
      seen = await switcherState(page);
      return seen.consistent && seen.active === index;
    },
    { message: `option ${index} active` },
  ).catch((error) => {
    error.message += ` (state seen: ${JSON.stringify(seen)})`;
    throw error;
  });
}

/** Opens the switcher with Ctrl+K and waits until its combobox has the focus. */
async function openSwitcher(page, shortcut = 'Control+k') {
  await page.keyboard.press(shortcut);
  await switcher(page).waitFor();
  await waitFor(() => isFocused(switcherInput(page)), {
    message: 'the focus in "Go to note"',
  });
}

const createOption = (query) => `Create note “${query}”`;

// ---------------------------------------------------------------------------------------------

describeApp('search', (test) => {
  test('the sidebar box lists matching notes with highlighted titles and snippets', async ({ page }) => {
    const filler = (word, n) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
    const body = [
      'Opening sentence far away.',
      filler('lorem', 60),
      'The forgetting curve drops quickly without review.',
      filler('ipsum', 60),
      'Closing sentence far away.',
    ].join(' ');
    await createNote(page, 'Memory research', body);
    await createNote(page, 'Spaced repetition', 'Reviewing cards at growing intervals.');
    await createNote(page, 'Shopping', 'Bread and milk.');

    const box = searchBox(page);
    await box.waitFor();
    assert.equal(await quickResults(page).count(), 0, 'no results before typing');

    // A body match: the title is the link, the snippet shows the text around the match.
    const [bodyHit] = await searchFor(page, 'forgetting', ['Memory research']);
    assert.deepEqual(bodyHit.titleMarks, [], 'nothing marked in a title that does not match');
    assert.deepEqual(bodyHit.snippetMarks, ['forgetting']);
    assert.match(bodyHit.snippet, /forgetting curve/);
    assert.ok(
      !bodyHit.snippet.includes('Opening sentence') && !bodyHit.snippet.includes('Closing sentence'),
      `the snippet is the part of the body around the match, not all of it: ${JSON.stringify(bodyHit.snippet)}`,
    );

    // A title match: the matched word is marked inside the link, whose text is still the title.
    const [titleHit] = await searchFor(page, 'repetition', ['Spaced repetition']);
    assert.deepEqual(titleHit.titleMarks, ['repetition']);
    const link = quickResults(page).getByRole('link', { name: 'Spaced repetition', exact: true });
    assert.equal(await link.count(), 1, 'the result is a link named by the note title');

    // Nothing found.
    await searchFor(page, 'zeppelin', []);

    // Escape clears the box and the results.
    await searchFor(page, 'bread', ['Shopping']);
    await box.press('Escape');
    await waitFor(async () => (await box.inputValue()) === '', { message: 'the box cleared by Escape' });
    await quickResults(page).waitFor({ state: 'detached' });

    // Following a result opens the note and clears the box.
    await searchFor(page, 'forgetting', ['Memory research']);
    await quickResults(page).getByRole('link', { name: 'Memory research', exact: true }).click();
    await noteHeading(page, 'Memory research').waitFor();
    await waitFor(async () => (await box.inputValue()) === '', {
      message: 'the box cleared after following a result',
    });
    assert.equal(await quickResults(page).count(), 0, 'no results left after following one');
  });

  for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
  test(`snippets show the text, not front matter; arrow keys move from the box through the results (${width})`, async ({ page }) => {
    await createNote(page, 'Rivers', '---\nfolder: "Geography"\ntags: [water]\n---\nThe **Loire** is the longest river of France.');
    await createNote(page, 'Lakes', 'Geneva lake, a [[Rivers|river]] runs through it; the Loire does not.');
    await showSidebar(page);
    await searchBox(page).fill('loire');
    await quickResults(page).waitFor();
    const snippets = await searchLandmark(page).locator('.search-snippet').allInnerTexts();
    assert.ok(snippets.some((s) => s.startsWith('The Loire is the longest river')), snippets.join(' | '));
    assert.ok(snippets.every((s) => !/folder|tags|---|\*\*/.test(s)), snippets.join(' | '));
    // Front matter is still found.
    await searchBox(page).fill('geography');
    await quickResults(page).getByRole('link', { name: 'Rivers' }).waitFor();

    await searchBox(page).fill('loire');
    await quickResults(page).getByRole('link').first().waitFor();
    await searchBox(page).press('ArrowDown');
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    await waitFor(async () => (await focused()) === (await quickResults(page).getByRole('link').first().innerText()), { message: 'the first result focused' });
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => (await focused()) === (await quickResults(page).getByRole('link').nth(1).innerText()), { message: 'the second result focused' });
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => (await focused()) === 'All results', { message: 'All results focused' });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await waitFor(() => searchBox(page).evaluate((box) => box === document.activeElement), { message: 'back in the box' });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/note\//);
  }, { viewport });
  }

  test('all words must match, each as a word prefix, ignoring case and accents', async ({ page }) => {
    await createNote(page, 'Spaced repetition', 'Reviewing cards at growing intervals.');
    await createNote(page, 'Repetitive chores', 'Dishes and laundry.');
    await createNote(page, 'École normale', 'Une grande école à Paris.');
    await createNote(page, 'Coffee', 'A CAFÉ in Vienna serves Melange.');

    // Prefixes: the last word while typing, and every other word too.
    await searchFor(page, 'spac rep', ['Spaced repetition']);
    await searchFor(page, 'rep spac', ['Spaced repetition']);
    await searchFor(page, 'repet', ['Spaced repetition', 'Repetitive chores'], { anyOrder: true });
    // A word prefix, not any part of a word.
    await searchFor(page, 'petition', []);
    // AND: every word has to be in the note.
    await searchFor(page, 'spaced dishes', []);
    await searchFor(page, 'dishes laundry', ['Repetitive chores']);

    // Case and accents do not matter, in titles and bodies, either way round.
    await searchFor(page, 'SPACED REPETITION', ['Spaced repetition']);
    const [ecole] = await searchFor(page, 'ecole', ['École normale']);
    assert.deepEqual(ecole.titleMarks, ['École'], 'the accented title word is marked');
    await searchFor(page, 'ÉCOLE NORM', ['École normale']);
    const [cafe] = await searchFor(page, 'cafe melange', ['Coffee']);
    assert.deepEqual(cafe.snippetMarks, ['CAFÉ', 'Melange']);
    await searchFor(page, 'mélange', ['Coffee']);
  });

  test('Markdown syntax is not searchable but wiki-link targets and aliases are', async ({ page }) => {
    await createNote(
      page,
      'Keyboard',
      'Read the [manual](https://example.org/zebra-guide) and press <kbd>Ctrl</kbd>.\n\n' +
        'See [[Shortcut table|the quick reference]] too.',
    );
    await searchFor(page, 'manual', ['Keyboard']);
    await searchFor(page, 'ctrl', ['Keyboard']);
    await searchFor(page, 'shortcut table', ['Keyboard']);
    await searchFor(page, 'quick reference', ['Keyboard']);
    // A link's address and an HTML tag are syntax, not text.
    await searchFor(page, 'zebra', []);
    await searchFor(page, 'kbd', []);
  });

  test('title matches rank above body matches; rarer words count more', async ({ page }) => {
    // Created first so that the most recent notes come first wherever ranking is not applied.
    await createNote(page, 'Compost', 'Layers of brown and green.');
    await createNote(page, 'Kitchen scraps', 'Compost the scraps: compost bins, compost heaps, compost tea.');
    await createNote(page, 'Soil', 'A little compost helps.');
    const [title, ...bodies] = await searchFor(page, 'compost', ['Compost', 'Kitchen scraps', 'Soil'], {
      anyOrder: true,
    });
    assert.equal(title.title, 'Compost', 'the title match comes first');
    assert.deepEqual(title.titleMarks, ['Compost']);
    assert.ok(bodies.every((hit) => hit.snippetMarks.length > 0), 'body matches are marked');

    // "apple" is in four notes, "banana" in two: the note rich in the rare word ranks first.
    await createNote(page, 'Fruit bowl', 'banana banana banana and one apple.');
    await createNote(page, 'Fruit basket', 'apple apple apple and one banana.');
    await createNote(page, 'Orchard', 'An apple tree.');
    await createNote(page, 'Pie', 'Apple pie recipe.');
    await searchFor(page, 'apple banana', ['Fruit bowl', 'Fruit basket']);
  });

  test('results follow edits, renames and deletions', async ({ page }) => {
    await createNote(page, 'Umbrella', 'Useful in a drizzle.');
    await createNote(page, 'Weather log', 'Sunny morning.');
    await searchFor(page, 'sunny', ['Weather log']);

    // Edit the body while a query is on screen: the results follow once the note is saved.
    await edit(page);
    await searchFor(page, 'drizzle', ['Umbrella']);
    await textBox(page).fill('Light drizzle at noon.');
    await waitForSaved(page, { sawSaving: true });
    const hits = await waitForResults(quickResults(page), ['Weather log', 'Umbrella'], { anyOrder: true });
    assert.deepEqual(hits.find((hit) => hit.title === 'Weather log').snippetMarks, ['drizzle']);
    await done(page, 'Weather log');
    await searchFor(page, 'sunny', []);

    // Rename: the new title is found (and marked), the old one is not.
    await edit(page);
    await titleBox(page).fill('Climate diary');
    await titleBox(page).press('Enter');
    await waitFor(async () => (await sidebarTitles(page)).includes('Climate diary'), {
      message: '"Climate diary" in the sidebar',
    });
    await waitForSaved(page);
    await done(page, 'Climate diary');
    const [renamed] = await searchFor(page, 'climate', ['Climate diary']);
    assert.deepEqual(renamed.titleMarks, ['Climate']);
    await searchFor(page, 'weather', []);

    // Delete: the note disappears from the results; the other one stays.
    await searchBox(page).press('Escape');
    await page.getByRole('button', { name: 'Delete note', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: /^Delete/ });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await waitFor(async () => !(await sidebarTitles(page)).includes('Climate diary'), {
      message: '"Climate diary" gone from the sidebar',
    });
    await searchFor(page, 'drizzle', ['Umbrella']);
    await searchFor(page, 'climate', []);

    // The search page agrees.
    await searchBox(page).press('Enter');
    await pageBox(page).waitFor();
    await waitForText(countLine(page), 'No notes match.');
  });

  test('the search page: all results, a count, live typing and the address', async ({ page }) => {
    const trees = ['Apple', 'Birch', 'Cedar', 'Damson', 'Elder', 'Fig', 'Ginkgo', 'Hazel', 'Ivy'];
    for (const tree of trees) await createNote(page, tree, `Grows in the orchard by the ${tree.toLowerCase()} wall.`);
    await createNote(page, 'Pear tree', 'Planted last spring.');

    // The sidebar shows the best eight; "All results" opens the page with all nine.
    await searchBox(page).fill('orchard');
    let quick = [];
    await waitFor(async () => (quick = await resultTitles(quickResults(page))).length === 8, {
      message: 'eight results in the sidebar',
    }).catch((error) => {
      error.message += ` (titles seen: ${JSON.stringify(quick)})`;
      throw error;
    });
    assert.ok(quick.every((title) => trees.includes(title)), `only matching notes: ${JSON.stringify(quick)}`);
    assert.equal(new Set(quick).size, 8, 'no note twice');
    await searchLandmark(page).getByRole('link', { name: 'All results', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Search', exact: true }).waitFor();
    await waitFor(() => queryFromUrl(page) === 'orchard', { message: 'the address #/search/orchard' });
    assert.equal(await pageBox(page).inputValue(), 'orchard');
    await waitForText(countLine(page), '9 notes');
    assert.deepEqual(
      (await resultTitles(pageResults(page))).sort(),
      [...trees].sort(),
      'every matching note on the page',
    );
    const hits = await results(pageResults(page));
    assert.ok(
      hits.every((hit) => hit.snippetMarks.join() === 'orchard'),
      `each snippet marks "orchard": ${JSON.stringify(hits.map((hit) => hit.snippetMarks))}`,
    );

    // Typing updates results, count and address live, and the box keeps the focus.
    const box = pageBox(page);
    await box.focus();
    await box.press('Control+a');
    await box.press('Backspace');
    await waitForText(countLine(page), 'Type words to search titles and text.');
    assert.equal(await resultTitles(pageResults(page)).then((titles) => titles.length), 0);
    for (const key of 'pear tr') {
      await page.keyboard.type(key);
      assert.ok(await isFocused(box), `the focus stays in the box after typing "${key}" (focus is on ${await describeFocus(page)})`);
    }
    await waitForText(countLine(page), '1 note');
    const [pear] = await waitForResults(pageResults(page), ['Pear tree']);
    // The last word is a prefix: its mark may cover what was typed or the whole word.
    assert.equal(pear.titleMarks.length, 2, `two marks in the title: ${JSON.stringify(pear.titleMarks)}`);
    assert.equal(pear.titleMarks[0], 'Pear');
    assert.ok(['tr', 'tree'].includes(pear.titleMarks[1]), `"tree" marked: ${JSON.stringify(pear.titleMarks)}`);
    await waitFor(() => queryFromUrl(page) === 'pear tr', {
      message: `the address in step with "pear tr" (address: ${page.url()})`,
    });
    assert.ok(await isFocused(box), `the focus stays in the box (focus is on ${await describeFocus(page)})`);

    await page.keyboard.type('x');
    await waitForText(countLine(page), 'No notes match.');
    assert.equal((await resultTitles(pageResults(page))).length, 0);
    await waitFor(() => queryFromUrl(page) === 'pear trx', { message: 'the address #/search/pear%20trx' });

    // Opening an address with an encoded query fills the box with it.
    await goToRoute(page, `/search/${encodeURIComponent('wall ELDER')}`);
    await waitFor(async () => (await pageBox(page).inputValue()) === 'wall ELDER', {
      message: 'the box holding the query from the address',
    });
    await waitForText(countLine(page), '1 note');
    await waitForResults(pageResults(page), ['Elder']);

    // Enter in the sidebar box opens the page for its query.
    await searchBox(page).fill('spring');
    await searchBox(page).press('Enter');
    await waitFor(() => queryFromUrl(page) === 'spring', { message: 'the address #/search/spring' });
    await waitFor(async () => (await pageBox(page).inputValue()) === 'spring', {
      message: 'the page box holding "spring"',
    });
    await waitForText(countLine(page), '1 note');
    await waitForResults(pageResults(page), ['Pear tree']);

    // A result on the page opens its note.
    await pageResults(page).getByRole('link', { name: 'Pear tree', exact: true }).click();
    await noteHeading(page, 'Pear tree').waitFor();
  });

  test('the quick switcher works by keyboard alone', async ({ page }) => {
    // Created oldest first, so that recency alone would not give the expected order.
    await createNote(page, 'Alp');
    const capitalId = await createNote(page, 'Capital plan');
    await createNote(page, 'Alphabet soup');
    await createNote(page, 'Palace');
    await createNote(page, 'Alpha Centauri');
    await createNote(page, 'École normale');

    await openSwitcher(page);
    const input = switcherInput(page);
    assert.equal(
      await input.getAttribute('aria-controls'),
      await switcherList(page).getAttribute('id'),
      'the combobox controls the "Notes" listbox',
    );

    await page.keyboard.type('Alp');
    // The exact title, then titles starting with "Alp", then other matches; no "Create" option.
    let seen = [];
    await waitFor(async () => {
      seen = (await switcherState(page)).texts;
      return seen.length === 4;
    }, { message: 'four options for "Alp"' }).catch((error) => {
      error.message += ` (options seen: ${JSON.stringify(seen)})`;
      throw error;
    });
    assert.equal(seen[0], 'Alp', `the exact title first: ${JSON.stringify(seen)}`);
    assert.deepEqual(seen.slice(1, 3).sort(), ['Alpha Centauri', 'Alphabet soup'], `then titles starting with "Alp": ${JSON.stringify(seen)}`);
    assert.equal(seen[3], 'Capital plan', `then the other match: ${JSON.stringify(seen)}`);
    await waitForActive(page, 0);

    // Arrows move the active option and wrap around both ends.
    await page.keyboard.press('ArrowDown');
    await waitForActive(page, 1);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await waitForActive(page, 3);
    await page.keyboard.press('ArrowDown');
    await waitForActive(page, 0);
    await page.keyboard.press('ArrowUp');
    await waitForActive(page, 3);
    assert.ok(await isFocused(input), 'the focus stays in the combobox while moving');

    // Enter opens the active note and closes the switcher.
    await page.keyboard.press('Enter');
    await noteHeading(page, 'Capital plan').waitFor();
    await switcher(page).waitFor({ state: 'detached' });
    assert.equal(noteIdFromUrl(page), capitalId);

    // Accents and case are ignored; characters only need to come in order.
    await openSwitcher(page);
    await page.keyboard.type('ecole');
    await waitForOptions(page, ['École normale', createOption('ecole')]);
    await waitForActive(page, 0);
    await page.keyboard.press('Enter');
    await noteHeading(page, 'École normale').waitFor();

    await openSwitcher(page);
    await page.keyboard.type('acn');
    await waitFor(async () => (await switcherState(page)).texts[0] === 'Alpha Centauri', {
      message: '"acn" finding "Alpha Centauri" first',
    });
    const acn = (await switcherState(page)).texts;
    assert.ok(!acn.includes('Palace'), `"Palace" has no n after c: ${JSON.stringify(acn)}`);
    assert.equal(acn.at(-1), createOption('acn'));

    // Escape closes it without going anywhere.
    await page.keyboard.press('Escape');
    await switcher(page).waitFor({ state: 'detached' });
    await noteHeading(page, 'École normale').waitFor();
  });

  test('Ctrl+K and Meta+K open and close the switcher; Escape closes it', async ({ page }) => {
    await createNote(page, 'Somewhere', 'Text.');
    await openSwitcher(page, 'Control+k');
    await page.keyboard.press('Control+k');
    await switcher(page).waitFor({ state: 'detached' });
    await openSwitcher(page, 'Meta+k');
    await page.keyboard.press('Meta+k');
    await switcher(page).waitFor({ state: 'detached' });

    // A fresh start each time: the last query is not kept.
    await openSwitcher(page);
    await page.keyboard.type('some');
    await waitForOptions(page, ['Somewhere', createOption('some')]);
    await page.keyboard.press('Escape');
    await switcher(page).waitFor({ state: 'detached' });
    await noteHeading(page, 'Somewhere').waitFor();
    await openSwitcher(page);
    assert.equal(await switcherInput(page).inputValue(), '');
  });

  test('closing the switcher gives the focus back to where it was', async ({ page }) => {
    await createNote(page, 'Somewhere', 'Text.');
    const box = searchBox(page);
    await box.focus();
    await box.pressSequentially('tex');
    await quickResults(page).waitFor();

    const focusBackInBox = (how) =>
      waitFor(() => isFocused(box), {
        message: `the focus back in "Search notes" after ${how}`,
      }).catch(async (error) => {
        error.message += ` (focus is on ${await describeFocus(page)})`;
        throw error;
      });

    await openSwitcher(page);
    await page.keyboard.press('Escape');
    await switcher(page).waitFor({ state: 'detached' });
    await focusBackInBox('Escape');
    assert.equal(await box.inputValue(), 'tex', 'the search box kept its text');

    await openSwitcher(page);
    await page.keyboard.press('Control+k');
    await switcher(page).waitFor({ state: 'detached' });
    await focusBackInBox('Ctrl+K');
  });

  test('the switcher creates a note when the title is new', async ({ page }) => {
    await createNote(page, 'Garden planning', 'Beds and paths.');
    await openSwitcher(page);

    // An existing title typed in full offers no "Create".
    await page.keyboard.type('Garden planning');
    await waitForOptions(page, ['Garden planning']);

    // "Garden plan" names no note: the note it matches, then "Create" last.
    for (let i = 0; i < 'ning'.length; i += 1) await page.keyboard.press('Backspace');
    await waitForOptions(page, ['Garden planning', createOption('Garden plan')]);
    await waitForActive(page, 0);
    await page.keyboard.press('ArrowDown');
    await waitForActive(page, 1);
    await page.keyboard.press('Enter');

    // The new note opens in edit mode with its title set.
    await titleBox(page).waitFor();
    await switcher(page).waitFor({ state: 'detached' });
    await waitFor(async () => (await titleBox(page).inputValue()) === 'Garden plan', {
      message: 'the new note titled "Garden plan" in edit mode',
    });
    await waitFor(async () => (await sidebarTitles(page)).includes('Garden plan'), {
      message: '"Garden plan" in the sidebar',
    });
    assert.equal((await sidebarTitles(page)).length, 2, 'one note created');
    await textBox(page).fill('Tomatoes by the wall.');
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Garden plan');

    // A title matching nothing: "Create" is the only option, and active.
    await openSwitcher(page);
    await page.keyboard.type('Reading list');
    await waitForOptions(page, [createOption('Reading list')]);
    await waitForActive(page, 0);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await titleBox(page).inputValue()) === 'Reading list', {
      message: 'the new note titled "Reading list" in edit mode',
    });
    await waitFor(async () => (await sidebarTitles(page)).includes('Reading list'));

    // Both are real notes: search finds them and the switcher now opens them.
    await done(page, 'Reading list');
    await searchFor(page, 'tomatoes', ['Garden plan']);
    await searchBox(page).press('Escape');
    await openSwitcher(page);
    await page.keyboard.type('Garden plan');
    await waitFor(async () => (await switcherState(page)).texts[0] === 'Garden plan', {
      message: '"Garden plan" the first option now',
    });
    assert.ok(!(await switcherState(page)).texts.includes(createOption('Garden plan')));
    await page.keyboard.press('Enter');
    await noteHeading(page, 'Garden plan').waitFor();
  });

  test('the search page and the open switcher pass axe', async ({ page }) => {
    await createNote(page, 'Spaced repetition', 'Reviewing cards at growing intervals.');
    await createNote(page, 'Interval notes', 'Spacing the reviews.');

    await searchFor(page, 'interval', ['Interval notes', 'Spaced repetition']);
    assert.deepEqual(await axeViolations(page), [], 'sidebar results');

    await searchBox(page).press('Enter');
    await waitForText(countLine(page), '2 notes');
    assert.deepEqual(await axeViolations(page), [], 'search page with results');

    await pageBox(page).fill('nothing here');
    await waitForText(countLine(page), 'No notes match.');
    assert.deepEqual(await axeViolations(page), [], 'search page without results');

    await openSwitcher(page);
    await page.keyboard.type('rep');
    await waitFor(async () => (await switcherState(page)).texts.length >= 2, {
      message: 'options for "rep"',
    });
    assert.deepEqual(await axeViolations(page), [], 'quick switcher open');
  });
});
