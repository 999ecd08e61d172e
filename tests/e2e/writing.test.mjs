// Writing as comfortable as Obsidian: [[ and # suggest titles, headings, card anchors and tags by
// keyboard; maths, callouts, comments, tags and anchors show as Obsidian shows them.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  edit,
  done,
  textBox,
  article,
  waitFor,
  waitForSaved,
  noteHeading,
  axeViolations,
} from './harness.mjs';

const suggestions = (page) => page.getByRole('listbox', { name: 'Suggestions', exact: true });
const options = (page) => suggestions(page).getByRole('option');

async function optionTexts(page) {
  await suggestions(page).waitFor();
  return options(page).allInnerTexts();
}

describeApp('writing', (test) => {
  test('[[ suggests titles, then headings and card anchors; # suggests tags; keys pick', async ({ page }) => {
    await createNote(page, 'Photosynthesis', '## Light reactions\n\nWhat makes sugar? :: Calvin cycle ^calvin\n\n#biology');
    await createNote(page, 'Physics', 'Forces. #physics');
    await createNote(page, 'Notes', '');
    await edit(page);
    const box = textBox(page);
    await box.click();
    await box.pressSequentially('See [[pho');
    assert.deepEqual(await optionTexts(page), ['Photosynthesis']);
    assert.equal(await box.getAttribute('aria-activedescendant'), 'suggestion-0');
    // The list opens just under the line being written, inside the text box.
    const [list, area] = [await suggestions(page).boundingBox(), await box.boundingBox()];
    assert.ok(list.y > area.y + 10 && list.y < area.y + 80, `list at ${list.y}, text box at ${area.y}`);
    assert.ok(list.x >= area.x && list.x < area.x + area.width, `list at ${list.x}, text box at ${area.x}`);
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'See [[Photosynthesis]]');
    assert.ok(await suggestions(page).isHidden(), 'the list closes after a pick');

    // A heading of that note, by arrows.
    await box.pressSequentially(' and [[Photosynthesis#');
    assert.deepEqual(await optionTexts(page), ['Light reactions']);
    await box.press('Tab');
    assert.equal(await box.inputValue(), 'See [[Photosynthesis]] and [[Photosynthesis#Light reactions]]');

    // A card anchor.
    await box.pressSequentially(' [[Photosynthesis#^');
    assert.deepEqual(await optionTexts(page), ['calvin']);
    await box.press('Enter');
    assert.ok((await box.inputValue()).endsWith('[[Photosynthesis#^calvin]]'));

    // Escape closes without changing the text; arrows move the choice.
    await box.pressSequentially(' [[ph');
    assert.equal((await optionTexts(page)).length, 2);
    await box.press('ArrowDown');
    assert.equal(await box.getAttribute('aria-activedescendant'), 'suggestion-1');
    const second = await options(page).nth(1).innerText();
    assert.equal(await options(page).nth(1).getAttribute('aria-selected'), 'true');
    await box.press('Escape');
    assert.ok(await suggestions(page).isHidden());
    assert.ok((await box.inputValue()).endsWith(' [[ph'));
    await box.press('Backspace');
    await box.press('h');
    await box.press('ArrowDown');
    await box.press('Enter');
    assert.ok((await box.inputValue()).endsWith(`[[${second}]]`));

    // Tags.
    await box.press('End');
    await box.pressSequentially('\n\n#bio');
    assert.deepEqual(await optionTexts(page), ['biology']);
    await box.press('Enter');
    assert.ok((await box.inputValue()).endsWith('#biology '));
    await waitForSaved(page);
    await done(page, 'Notes');
    await article(page).getByRole('link', { name: '#biology', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Notes tagged #biology' }).waitFor();
    const listed = await page.locator('.tag-page ul li').allInnerTexts();
    assert.deepEqual(listed, ['Notes', 'Photosynthesis']);
  });

  test('maths, callouts, comments, tags and anchors show as in Obsidian', async ({ page }) => {
    const body = [
      'Energy $E = mc^2$ and',
      '',
      '$$\\int_0^1 x^2 \\, dx = \\frac{1}{3}$$',
      '',
      '> [!tip] Remember',
      '> Light first, then sugar.',
      '',
      '> [!warning]- Careful',
      '> Folded away.',
      '',
      'Seen %%hidden remark%% text.',
      '',
      'Capital of France :: Paris ^fr',
      'Largest ocean :: Pacific',
      '',
      'Tagged #geography',
    ].join('\n');
    await createNote(page, 'Showcase', body);
    const view = article(page);
    await waitFor(async () => (await view.locator('math').count()) === 2, { message: 'two formulas' });
    assert.equal(await view.locator('math[display="block"]').count(), 1);
    assert.ok((await view.locator('math mfrac').count()) >= 1, 'a fraction in MathML');
    const tip = view.locator('.callout-tip');
    assert.equal(await tip.locator('.callout-title').innerText(), 'Remember');
    assert.ok((await tip.innerText()).includes('Light first, then sugar.'));
    const folded = view.locator('details.callout-warning');
    assert.equal(await folded.getAttribute('open'), null, 'a "-" callout starts folded');
    assert.ok(await folded.getByText('Folded away.').isHidden());
    await folded.locator('summary').click();
    assert.ok(await folded.getByText('Folded away.').isVisible());
    const text = await view.innerText();
    assert.ok(!text.includes('hidden remark') && !text.includes('%%'), 'comments are not shown');
    assert.ok(!text.includes('^fr'), 'anchors are not shown as text');
    assert.equal(await view.locator('#block-fr').count(), 1, 'the anchor is a place to link to');
    // Cards on consecutive lines stay apart.
    assert.ok(/Paris\s*\n\s*Largest ocean/.test(text), `cards on their own lines: ${text}`);
    assert.equal(await view.getByRole('link', { name: '#geography', exact: true }).count(), 1);
    assert.deepEqual(await axeViolations(page), [], 'the note passes axe in light mode');

    // The same note passes axe in dark mode (clozes and highlights keep their contrast).
    await edit(page);
    await textBox(page).fill(`${body}\n\nThe {{c1::Seine}} and ==Everest==.`);
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Showcase');
    await page.emulateMedia({ colorScheme: 'dark' });
    await noteHeading(page, 'Showcase').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the note passes axe in dark mode');
    await edit(page);
    assert.deepEqual(await axeViolations(page), [], 'the editor passes axe in dark mode');
  });

  test('maths in a card shows in review', async ({ page }) => {
    await createNote(page, 'Maths', 'Derivative of $x^2$ :: $2x$');
    await page.evaluate(() => (window.location.hash = '#/review'));
    const card = page.getByRole('article', { name: 'Card', exact: true });
    await card.waitFor();
    await waitFor(async () => (await card.locator('math').count()) >= 1, { message: 'maths in the question' });
  });
});
