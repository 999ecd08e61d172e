// Card syntax without false cards: prose with colons (C++ names, times, Dataview fields) makes no
// card, every real form still does, and a note tagged #flashcards may write `Question::Answer`.

import assert from 'node:assert/strict';
import { describeApp, createNote, noteCards, waitFor, article } from './harness.mjs';

const prose = `\
Use std::vector when the array grows.

We meet at 10::30 tomorrow.

Status:: done
rating:: 5
`;

const realForms = `\
Capital of France :: Paris ^fr

Largest ocean ::: Pacific

Which rivers cross Paris?
?
The Seine

The {{C1::Seine}} flows through {{c2::Paris}}.

Mount ==Everest== is the highest mountain.
`;

describeApp('card syntax', (test) => {
  test('prose with colons makes no card; every real form still does', async ({ page }) => {
    await createNote(page, 'Mixed', `${prose}\n${realForms}`);
    await waitFor(async () => (await noteCards(page)).length >= 7, { message: 'the real cards listed' });
    const cards = await noteCards(page);
    assert.equal(cards.length, 7, `seven cards: ${JSON.stringify(cards)}`);
    const everything = JSON.stringify(cards);
    for (const lookAlike of ['vector', '10', 'Status', 'rating']) {
      assert.ok(!everything.includes(lookAlike), `"${lookAlike}" is not a card: ${everything}`);
    }
    // The upper-case cloze is a card and is marked in the note as the others are.
    assert.ok(cards.some((c) => c.kind === 'cloze' && c.front.includes('[...] flows')), everything);
    const marked = await article(page).locator('mark').allTextContents();
    assert.ok(marked.includes('Seine') && marked.includes('Paris'), `marked: ${JSON.stringify(marked)}`);
    // The prose shows no card separator.
    const separators = await article(page).locator('.card-sep').count();
    assert.equal(separators, 3, 'separators only on the three basic forms (::, :::, ?)');
  });

  test('a note tagged #flashcards may write compact cards', async ({ page }) => {
    await createNote(page, 'Compact', '#flashcards\n\nQuestion::Answer\n\nSun:::Star');
    await waitFor(async () => (await noteCards(page)).length === 3, { message: 'three compact cards' });
    const fronts = (await noteCards(page)).map((c) => c.front).sort();
    assert.deepEqual(fronts, ['Question', 'Star', 'Sun']);
  });

  test('the import preview says how many cards each note makes', async ({ page }) => {
    await page.evaluate(() => (window.location.hash = '#/import-export'));
    await page.getByRole('heading', { level: 1, name: 'Import and export', exact: true }).waitFor();
    await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles([
      { name: 'Fields.md', mimeType: 'text/markdown', buffer: Buffer.from(prose) },
      { name: 'Real.md', mimeType: 'text/markdown', buffer: Buffer.from(realForms) },
    ]);
    await page.getByRole('heading', { name: 'Import 2 notes', exact: true }).waitFor();
    await page.getByText('Notes to import', { exact: true }).click();
    const rows = await page.locator('.import-notes li').allInnerTexts();
    const flat = rows.map((r) => r.replace(/\s+/g, ' ').trim());
    assert.ok(flat.some((r) => /^Fields\b.*\b0 cards\b/.test(r)), JSON.stringify(flat));
    assert.ok(flat.some((r) => /^Real\b.*\b7 cards\b/.test(r)), JSON.stringify(flat));
  });
});
