// Studying what you choose: one tag, one note with the notes it links to, one folder and one
// course, each from its own page with the count of cards waiting, and only its cards in the
// session; the whole queue is still one click away. During review a card's note is edited (and
// the same card comes back), a card suspended or buried until tomorrow, by key or button, and
// Undo takes each back. At desktop and phone width, axe on the page.

import assert from 'node:assert/strict';
import {
  describeApp,
  phone,
  createNote,
  openNote,
  goToRoute,
  waitForCounts,
  waitForQuestion,
  answerCard,
  reviewCard,
  cardsSection,
  axeViolations,
  newProfile,
  shareLink,
  openLink,
  importNow,
  assertNoProblems,
  closeDrawer,
  openReview,
  showAnswer,
  textBox,
  waitForSaved,
  undoButton,
  comeBackAt,
  later,
  DAY,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');

/** Notes with cards: two tagged #spanish (one linking to a third), two in a folder and its
 * subfolder, and one apart. */
async function writeNotes(page) {
  await createNote(page, 'Verbs', '#spanish\n\nSer :: to be\n\nSee [[Nouns]].');
  await createNote(page, 'Nouns', 'Casa :: house');
  await createNote(page, 'Adjectives', '#spanish\n\nAlto :: tall');
  await createNote(page, 'Rivers', '---\nfolder: "Geo"\n---\nLoire :: France');
  await createNote(page, 'Peaks', '---\nfolder: "Geo/Alps"\n---\nMont Blanc :: 4808 m');
  await createNote(page, 'Sky', 'Sun :: a star');
}

const study = (page, label) => page.getByRole('link', { name: new RegExp(`^${label} · `) });

/** Answers every card of the session as Easy, returning the questions asked, in order. */
async function answerAll(page) {
  const asked = [];
  for (;;) {
    await page.locator('.review-done, article[aria-label="Card"]').first().waitFor();
    if ((await reviewCard(page).count()) === 0) break;
    asked.push(await answerCard(page, '4'));
  }
  return asked.sort();
}

async function studyEachScope(page, { narrow = false } = {}) {
  await writeNotes(page);
  if (narrow) await closeDrawer(page);

  // A tag: its two notes' cards, not the note one of them links to.
  await goToRoute(page, '/tag/spanish');
  await study(page, 'Study #spanish').getByText('2 waiting').waitFor();
  await study(page, 'Study #spanish').click();
  await page.getByText('Notes tagged #spanish · Review everything').waitFor();
  await waitForCounts(page, '0 due · 2 new');
  assert.deepEqual(await axeViolations(page), [], 'a scoped review');
  assert.deepEqual(await answerAll(page), ['Alto', 'Ser']);
  await page.getByRole('link', { name: 'Review everything (4 waiting)' }).waitFor();

  // A note and what it links to: Verbs is done, Nouns is left.
  await openNote(page, 'Verbs');
  await study(cardsSection(page), 'Study this note and its links').getByText('1 waiting').waitFor();
  await study(cardsSection(page), 'Study this note and its links').click();
  await page.getByText('“Verbs” and the notes it links to').waitFor();
  await waitForQuestion(page, 'Casa');
  assert.deepEqual(await answerAll(page), ['Casa']);

  // A folder takes its subfolder.
  await openNote(page, 'Rivers');
  await page.getByText('In the folder Geo').waitFor();
  await study(page, 'Study this folder').click();
  await page.getByText('The folder “Geo”').waitFor();
  await waitForCounts(page, '0 due · 2 new');
  assert.deepEqual(await answerAll(page), ['Loire', 'Mont Blanc']);

  // Everything: what no scope took.
  await page.getByRole('link', { name: 'Review everything (1 waiting)' }).click();
  await waitForCounts(page, '0 due · 1 new');
  await waitForQuestion(page, 'Sun');
  assert.equal(await page.locator('.review-scope').count(), 0, 'the whole queue names no scope');
}

describeApp('studying what you choose', (test) => {
  test('a tag, a note with its links and a folder each study only their cards', async ({ page }) => {
    await studyEachScope(page);
  });

  test('the same at phone width', async ({ page }) => {
    await studyEachScope(page, { narrow: true });
  }, { viewport: phone });

  test('a course is studied from its page once its cards are in the reviews', async ({ page: author, env }) => {
    await createNote(author, 'Numbers', 'Uno :: One\n\nDos :: Two');
    await createNote(author, 'Spanish basics', 'Start with [[Numbers]].');
    const link = await shareLink(author);

    const learner = await newProfile(env);
    try {
      const { page } = learner;
      await createNote(page, 'Mine', 'Tree :: árbol');
      await openLink(page, link);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await study(page, 'Study this course').getByText('nothing waiting').waitFor();
      await page.getByRole('button', { name: 'Add 2 cards to my reviews' }).click();
      await study(page, 'Study this course').getByText('2 waiting').waitFor();
      assert.deepEqual(await axeViolations(page), [], 'the course page');
      await study(page, 'Study this course').click();
      await page.getByText('The course “Spanish basics”').waitFor();
      await waitForCounts(page, '0 due · 2 new');
      assert.deepEqual(await answerAll(page), ['Dos', 'Uno']);
      await page.getByRole('link', { name: 'Review everything (1 waiting)' }).waitFor();
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      await learner.context.close();
    }
  });

  for (const [width, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', phone]]) {
  test(`in review a card is suspended, buried or its note edited, and Undo takes each back (${width})`, async ({ page }) => {
    await createNote(page, 'Capitals', 'France :: Paris\n\nSpain :: Madrid\n\nItaly :: Rome');
    await openReview(page);
    await waitForCounts(page, '0 due · 3 new');
    await waitForQuestion(page, 'France');
    assert.deepEqual(await axeViolations(page), [], 'the review page with its card tools');

    // Suspend by key, then undo.
    await page.keyboard.press('s');
    await waitForCounts(page, '0 due · 2 new');
    await waitForQuestion(page, 'Spain');
    await page.keyboard.press('Control+z');
    await waitForCounts(page, '0 due · 3 new');
    await waitForQuestion(page, 'France');

    // Bury by button, undo by button; then bury for good.
    await page.getByRole('button', { name: 'Bury until tomorrow' }).click();
    await waitForCounts(page, '0 due · 2 new');
    await undoButton(page).click();
    await waitForQuestion(page, 'France');
    await page.keyboard.press('b');
    await waitForCounts(page, '0 due · 2 new');
    await waitForQuestion(page, 'Spain');

    // Edit the card's note, come back to the same card with its new answer.
    await page.keyboard.press('e');
    await textBox(page).waitFor();
    await textBox(page).fill('France :: Paris\n\nSpain :: Madrid, since 1561\n\nItaly :: Rome');
    await waitForSaved(page, { sawSaving: true });
    await page.getByRole('link', { name: 'Back to review', exact: true }).click();
    await waitForQuestion(page, 'Spain');
    assert.equal(await showAnswer(page), 'Madrid, since 1561');
    await page.keyboard.press('4');
    await waitForQuestion(page, 'Italy');
    await page.getByRole('button', { name: 'Show answer' }).click();
    await page.keyboard.press('4');
    await page.getByRole('heading', { name: 'All done for now' }).waitFor();

    // The buried card is back the next day.
    await comeBackAt(page, later(T0, DAY));
    await openReview(page);
    await waitForQuestion(page, 'France');
  }, { clock: T0, timezoneId: 'UTC', viewport });
  }
});
