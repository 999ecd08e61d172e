// Cards written in notes: every form is recognised (and look-alikes are not), a card keeps its
// history through edits and while its text is gone, and Suspend and Reset reach the review.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  openReview,
  noteCards,
  cardRow,
  waitForCardStatus,
  rewriteNote,
  waitForCounts,
  waitForQuestion,
  answerCard,
  reviewCard,
  waitFor,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');
const fixedClock = { clock: T0, timezoneId: 'UTC' };

const fence = '```';
const everyForm = (franceBack = 'Paris', riversBack = 'The Seine\nand the Bièvre') => `\
Capital of France :: ${franceBack} ^fr

Largest ocean ::: Pacific

Which rivers cross Paris?
?
${riversBack}

The {{c1::Seine::river}} flows through {{c2::Paris}}.

Mount ==Everest== is the highest mountain.

Type \`a :: b\` in a shell, see https://example.com/x::y or <https://example.org/p::q>.

${fence}
fenced :: not a card
{{c1::not a cloze}} and ==not a highlight==
${fence}
`;

/** The note's cards as "kind: front", sorted, so the check does not depend on their order. */
async function cardSummary(page) {
  const cards = await noteCards(page);
  return cards.map((card) => `${card.kind}: ${card.front}`).sort();
}

const reviewStatus = /^due in \d+ d, recall \d+%$/;

describeApp('cards in notes', (test) => {
  test('a note lists exactly the cards written in it, of every form', async ({ page }) => {
    await createNote(page, 'Geography', everyForm());
    await waitFor(async () => (await noteCards(page)).length >= 7, {
      message: 'the cards of the note listed',
    });
    const cards = await noteCards(page);
    assert.equal(cards.length, 7, `seven cards, got ${JSON.stringify(cards, null, 1)}`);
    assert.deepEqual(
      cards.map((card) => card.status),
      Array(7).fill('new'),
      'every card starts new',
    );

    const byKind = (kind) => cards.filter((card) => card.kind === kind).map((card) => card.front);
    assert.deepEqual(
      byKind('basic').sort(),
      ['Capital of France', 'Largest ocean', 'Which rivers cross Paris?'],
      'basic cards: the one-line card, the first of the two-way pair, the multi-line card',
    );
    assert.deepEqual(byKind('reverse'), ['Pacific'], 'the other way of `:::` asks the back');
    const clozes = byKind('cloze');
    assert.equal(clozes.length, 2, `one cloze card per number: ${JSON.stringify(clozes)}`);
    const c1 = clozes.find((front) => front.includes('[river]'));
    const c2 = clozes.find((front) => front.includes('[...]'));
    assert.ok(c1 && !c1.includes('Seine'), `c1 hides "Seine" behind its hint: ${JSON.stringify(clozes)}`);
    assert.ok(c2 && c2.includes('Seine') && !c2.includes('Paris'), `c2 hides "Paris": ${JSON.stringify(clozes)}`);
    const highlights = byKind('highlight');
    assert.equal(highlights.length, 1, `one card per highlight: ${JSON.stringify(highlights)}`);
    assert.ok(
      highlights[0].includes('[...]') && !highlights[0].includes('Everest'),
      `the highlight is hidden: ${highlights[0]}`,
    );
    assert.deepEqual(
      cards.filter((card) => !['basic', 'reverse', 'cloze', 'highlight'].includes(card.kind)),
      [],
      'no card of another kind (code spans, code blocks and URLs are not cards)',
    );
    const everything = JSON.stringify(cards);
    for (const lookAlike of ['a :: b', 'x::y', 'p::q', 'fenced', 'not a cloze', 'not a highlight']) {
      assert.ok(!everything.includes(lookAlike), `"${lookAlike}" is not a card`);
    }
  });

  test('a card keeps its history when its back is edited, and while its text is gone', async ({ page }) => {
    await createNote(page, 'Geography', everyForm());
    await waitFor(async () => (await noteCards(page)).length === 7, { message: 'seven cards' });

    // Learn the first four new cards: the two one-line basic cards, the reverse and the
    // multi-line card all come before the clozes in the note.
    await openReview(page);
    await waitForCounts(page, '0 due · 7 new');
    const learned = [];
    for (let i = 0; i < 4; i += 1) learned.push(await answerCard(page, '4'));
    await waitForCounts(page, '0 due · 3 new');
    assert.ok(learned.includes('Capital of France'), `learned: ${JSON.stringify(learned)}`);
    assert.ok(learned.includes('Which rivers cross Paris?'), `learned: ${JSON.stringify(learned)}`);

    await openNote(page, 'Geography');
    const before = await waitForCardStatus(page, 'Capital of France', reviewStatus);
    await waitForCardStatus(page, 'Which rivers cross Paris?', reviewStatus);

    // New backs: the anchored card and the multi-line one (same front) are the same cards.
    await rewriteNote(
      page,
      'Geography',
      everyForm('Paris, on the Seine', 'The Seine\nand the Bièvre, now underground'),
    );
    await waitFor(async () => (await noteCards(page)).length === 7, { message: 'still seven cards' });
    assert.equal(
      await waitForCardStatus(page, 'Capital of France', reviewStatus),
      before,
      'the anchored card keeps its schedule after its back changed',
    );
    await waitForCardStatus(page, 'Which rivers cross Paris?', reviewStatus);
    assert.deepEqual(
      (await noteCards(page)).map((card) => card.status).filter((status) => status === 'new'),
      Array(3).fill('new'),
      'only the three cards never studied are new',
    );

    // Its text leaves the note: the card is retired, out of review.
    const withoutFrance = everyForm().replace('Capital of France :: Paris ^fr\n\n', '');
    await rewriteNote(page, 'Geography', withoutFrance);
    await waitForCardStatus(page, 'Capital of France', 'retired (its text left the note)');
    assert.equal(
      await cardRow(page, 'Capital of France').getByRole('button').count(),
      0,
      'a retired card offers no Suspend or Reset',
    );

    // The text comes back: so does the card, with its history.
    await rewriteNote(page, 'Geography', everyForm());
    assert.equal(
      await waitForCardStatus(page, 'Capital of France', reviewStatus),
      before,
      'the card is back with its schedule',
    );
    assert.equal((await noteCards(page)).length, 7, 'no duplicate card');
  }, fixedClock);

  test('Suspend and Reset in the note take effect in the review', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris ^fr\n\nCapital of Italy :: Rome');
    await waitForCardStatus(page, 'Capital of France', 'new');
    await waitForCardStatus(page, 'Capital of Italy', 'new');

    await cardRow(page, 'Capital of France').getByRole('button', { name: 'Suspend', exact: true }).click();
    await waitForCardStatus(page, 'Capital of France', 'suspended');
    await cardRow(page, 'Capital of France').getByRole('button', { name: 'Resume', exact: true }).waitFor();

    // Only the other card is offered.
    await openReview(page);
    await waitForCounts(page, '0 due · 1 new');
    await waitForQuestion(page, 'Capital of Italy');
    await answerCard(page, '4');
    await waitForCounts(page, '0 due · 0 new');
    await page.getByRole('heading', { name: 'All done for now' }).waitFor();
    assert.equal(await reviewCard(page).count(), 0, 'the suspended card is not shown');

    // Resumed, it is new again in the review.
    await openNote(page, 'Capitals');
    await cardRow(page, 'Capital of France').getByRole('button', { name: 'Resume', exact: true }).click();
    await waitForCardStatus(page, 'Capital of France', 'new');
    await openReview(page);
    await waitForCounts(page, '0 due · 1 new');
    await waitForQuestion(page, 'Capital of France');
    await answerCard(page, '4');
    await waitForCounts(page, '0 due · 0 new');

    // Reset forgets its progress: new again, and back in today's review.
    await openNote(page, 'Capitals');
    await waitForCardStatus(page, 'Capital of France', reviewStatus);
    await cardRow(page, 'Capital of France').getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForCardStatus(page, 'Capital of France', 'new');
    await waitForCardStatus(page, 'Capital of Italy', reviewStatus);
    await openReview(page);
    await waitForCounts(page, '0 due · 1 new');
    await waitForQuestion(page, 'Capital of France');
  }, fixedClock);
});
