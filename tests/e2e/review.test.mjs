// Reviewing by keyboard alone with the clock held still and moved by hand: counts, Show answer,
// the intervals on the buttons, rating, learning steps, undo, reload, days later; what cloze and
// reverse cards ask; and an accessibility pass over the review page.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  openReview,
  comeBackAt,
  later,
  MINUTE,
  DAY,
  reviewBadge,
  reviewCard,
  answerRegion,
  undoButton,
  waitForCounts,
  waitForQuestion,
  question,
  showAnswer,
  ratingLabels,
  rateWith,
  answerCard,
  waitForCardStatus,
  axeViolations,
  waitFor,
  goToRoute,
  dumpDatabase,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');
const fixedClock = { clock: T0, timezoneId: 'UTC' };

const allDone = (page) => page.getByRole('heading', { name: 'All done for now', exact: true });

/** The days in a button label like "Easy 8 d", or NaN. */
const days = (label) => Number(/ (\d+) d$/.exec(label)?.[1]);

/** Asserts the labels of the four rating buttons: exact texts for the first ones, and for the
 * last ones a number of days within [min, max] (fuzzing may move them a little). */
function assertIntervals(labels, exact, dayRanges) {
  assert.equal(labels.length, 4, `four rating buttons: ${JSON.stringify(labels)}`);
  assert.deepEqual(labels.slice(0, exact.length), exact, `intervals on ${JSON.stringify(labels)}`);
  const rest = labels.slice(exact.length);
  const names = ['Again', 'Hard', 'Good', 'Easy'].slice(exact.length);
  rest.forEach((label, i) => {
    const [min, max] = dayRanges[i];
    assert.ok(label.startsWith(names[i] + ' '), `button ${i + exact.length + 1} is ${names[i]}: ${label}`);
    const n = days(label);
    assert.ok(n >= min && n <= max, `${names[i]} in ${min} to ${max} days: ${label}`);
  });
}

describeApp('review', (test) => {
  test('by keyboard alone: show, rate, learning steps, undo, reload, days later', async ({ page }) => {
    await createNote(
      page,
      'Capitals',
      'Capital of France :: Paris ^fr\n\nCapital of Italy :: Rome\n\nCapital of Spain :: Madrid',
    );
    await waitFor(async () => (await reviewBadge(page)) === '3 cards to review', {
      message: 'the Review link saying "3 cards to review"',
    });

    await openReview(page);
    await waitForCounts(page, '0 due · 3 new');
    await waitForQuestion(page, 'Capital of France');
    assert.equal(
      await reviewCard(page).getByRole('link', { name: 'Capitals', exact: true }).count(),
      1,
      'the card says which note it is from, with a link',
    );
    assert.ok(await undoButton(page).isDisabled(), 'nothing to undo yet');
    assert.equal(await answerRegion(page).count(), 0, 'the answer is hidden');
    assert.ok(!(await reviewCard(page).innerText()).includes('Paris'), 'the answer is not on the card yet');

    // Space shows the answer; a new card's buttons: the learning steps 1 min and 10 min, Hard
    // between them, Easy straight to days.
    assert.equal(await showAnswer(page, 'Space'), 'Paris');
    assertIntervals(await ratingLabels(page), ['Again 1 min', 'Hard 6 min', 'Good 10 min'], [[3, 20]]);

    // 3 = Good: the card waits 10 minutes in learning, the next new card comes.
    await rateWith(page, '3');
    await waitForQuestion(page, 'Capital of Italy');
    await waitForCounts(page, '0 due · 2 new · 1 learning');
    assert.ok(await undoButton(page).isEnabled(), 'the answer can be undone');

    // Ctrl+Z takes it back: the same card, question side, and the counts before.
    await page.keyboard.press('Control+z');
    await waitForQuestion(page, 'Capital of France');
    await waitForCounts(page, '0 due · 3 new');
    assert.equal(await answerRegion(page).count(), 0, 'the card is shown question side up');
    await waitFor(() => undoButton(page).isDisabled(), { message: 'Undo disabled again' });

    await showAnswer(page, 'Space');
    await rateWith(page, '3');
    await waitForQuestion(page, 'Capital of Italy');
    // Enter shows the answer too; 4 = Easy sends the card days away.
    assert.equal(await showAnswer(page, 'Enter'), 'Rome');
    await rateWith(page, '4');
    await waitForQuestion(page, 'Capital of Spain');
    await waitForCounts(page, '0 due · 1 new · 1 learning');

    // A reload keeps where the review stands.
    await page.reload();
    await waitForCounts(page, '0 due · 1 new · 1 learning');
    await waitForQuestion(page, 'Capital of Spain');

    // Space on the answer side means Good.
    assert.equal(await showAnswer(page, 'Space'), 'Madrid');
    await rateWith(page, 'Space');
    await waitForCounts(page, '0 due · 0 new · 2 learning');

    // The learning cards wait their 10 minutes: nothing is waiting for the sidebar yet...
    await openNote(page, 'Capitals');
    await waitForCardStatus(page, 'Capital of France', 'learning, due in 10 min');
    await waitForCardStatus(page, 'Capital of Spain', 'learning, due in 10 min');
    await waitForCardStatus(page, 'Capital of Italy', /^due in \d+ d, recall 100%$/);
    assert.equal(await reviewBadge(page), null, 'no badge while the learning cards wait');

    // ...ten minutes later they are due, the earlier answered first, on their second step.
    await comeBackAt(page, later(T0, 10 * MINUTE));
    await waitForCardStatus(page, 'Capital of France', 'learning, due now');
    assert.equal(await reviewBadge(page), '2 cards to review');
    await openReview(page);
    await waitForCounts(page, '2 due · 0 new');
    await waitForQuestion(page, 'Capital of France');
    await showAnswer(page);
    assertIntervals(await ratingLabels(page), ['Again 1 min', 'Hard 10 min'], [[1, 15], [1, 30]]);
    await rateWith(page, '3');
    await waitForQuestion(page, 'Capital of Spain');
    await showAnswer(page);
    await rateWith(page, '3');
    await allDone(page).waitFor();
    await waitForCounts(page, '0 due · 0 new');
    await page.getByText(/^The next card is due in \d+ d\.$/).waitFor();

    // A month later every card is due again; a review card forgotten relearns in 10 minutes.
    await comeBackAt(page, later(T0, 30 * DAY));
    assert.equal(await reviewBadge(page), '3 cards to review');
    await waitForCounts(page, '3 due · 0 new');
    await showAnswer(page);
    const labels = await ratingLabels(page);
    assert.equal(labels[0], 'Again 10 min', `the relearning step on ${JSON.stringify(labels)}`);
    for (const [i, name] of ['Hard', 'Good', 'Easy'].entries()) {
      assert.match(labels[i + 1], new RegExp(`^${name} \\d+(\\.\\d)? (d|mo|y)$`));
    }
    await rateWith(page, '1');
    await waitForCounts(page, '2 due · 0 new · 1 learning');
    await waitFor(async () => (await question(page)).startsWith('Capital of'), { message: 'the next card' });
  }, fixedClock);

  test('cloze, highlight, reverse and multi-line cards ask and answer the right thing', async ({ page }) => {
    await createNote(
      page,
      'Rivers',
      [
        'Largest ocean ::: Pacific',
        'The {{c1::Seine::river}} flows through {{c2::Paris}}.',
        'Mount ==Everest== is the highest mountain.',
        'Which rivers cross Paris?\n?\nThe Seine\nand the Bièvre',
      ].join('\n\n'),
    );
    await openReview(page);
    await waitForCounts(page, '0 due · 6 new');
    const seen = new Map();
    for (let i = 0; i < 6; i += 1) {
      await reviewCard(page).waitFor();
      const asked = await question(page);
      seen.set(asked, (await showAnswer(page)).replace(/\s+/g, ' '));
      await rateWith(page, '4');
    }
    await allDone(page).waitFor();

    const answerTo = (asked) => {
      assert.ok(seen.has(asked), `a card asking ${JSON.stringify(asked)}; asked: ${JSON.stringify([...seen.keys()])}`);
      return seen.get(asked);
    };
    assert.equal(answerTo('Largest ocean'), 'Pacific');
    assert.equal(answerTo('Pacific'), 'Largest ocean', 'the reverse card asks the back');
    assert.match(answerTo('The [river] flows through Paris.'), /The Seine flows through Paris\./);
    assert.match(answerTo('The Seine flows through [...].'), /The Seine flows through Paris\./);
    assert.match(answerTo('Mount [...] is the highest mountain.'), /Mount Everest is the highest mountain\./);
    assert.equal(answerTo('Which rivers cross Paris?'), 'The Seine and the Bièvre');
  });

  test('the review page passes axe, question and answer side and when done', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await openReview(page);
    await waitForQuestion(page, 'Capital of France');
    assert.deepEqual(await axeViolations(page), [], 'question side');
    await showAnswer(page);
    assert.deepEqual(await axeViolations(page), [], 'answer side');
    await rateWith(page, '4');
    await allDone(page).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'nothing left to review');
  });

  test('the statistics and settings pages pass axe', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris\n\nCapital of Italy :: Rome');
    await openReview(page);
    await answerCard(page, '3');
    await goToRoute(page, '/stats');
    await page.getByRole('heading', { name: 'Statistics', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'True retention' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'statistics');
    await goToRoute(page, '/settings');
    await page.getByRole('textbox', { name: 'Desired retention' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'settings');
  });

  test('an answer survives a reload right after it', async ({ page }) => {
    const body = Array.from({ length: 8 }, (_, i) => `Question ${i} :: Answer ${i}`).join('\n\n');
    await createNote(page, 'Quick answers', body);
    for (let answered = 1; answered <= 8; answered++) {
      await openReview(page);
      await reviewCard(page).waitFor();
      await showAnswer(page);
      // Rated and gone at once: no time for the write to land before the page is replaced.
      await page.keyboard.press('4');
      await page.reload();
      await page.getByRole('navigation', { name: 'Study', exact: true }).waitFor();
      await waitFor(async () => JSON.parse(await dumpDatabase(page)).reviews.length === answered, {
        message: `${answered} answers in the review log`,
      });
    }
    await openReview(page);
    await waitForCounts(page, '0 due · 0 new');
  });

  test('an answer kept in the journal by a page that closed too early is stored at the next start', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await openReview(page);
    await answerCard(page, '3');
    await waitFor(async () => JSON.parse(await dumpDatabase(page)).reviews.length === 1, {
      message: 'the answer stored',
    });
    // Make it as if the write never landed: the log entry gone, the answer only in the journal.
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('loam');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['cards', 'reviews'], 'readwrite');
            const cards = tx.objectStore('cards').getAll();
            const reviews = tx.objectStore('reviews').getAll();
            tx.oncomplete = () => {
              const card = cards.result.find((c) => c.id === reviews.result[0].card_id);
              localStorage.setItem('loam.answers', JSON.stringify([[card, reviews.result[0]]]));
              const clear = db.transaction('reviews', 'readwrite');
              clear.objectStore('reviews').clear();
              clear.oncomplete = () => {
                db.close();
                resolve();
              };
            };
          };
        }),
    );
    assert.equal(JSON.parse(await dumpDatabase(page)).reviews.length, 0);
    await page.reload();
    await page.getByRole('navigation', { name: 'Study', exact: true }).waitFor();
    const stored = await waitFor(
      async () => {
        const dump = JSON.parse(await dumpDatabase(page));
        return dump.reviews.length === 1 && dump;
      },
      { message: 'the journaled answer stored again' },
    );
    assert.equal(stored.cards[0].schedule.last_review, stored.reviews[0].time);
    await waitFor(async () => (await page.evaluate(() => localStorage.getItem('loam.answers'))) === null, {
      message: 'the journal emptied once the answer is stored',
    });
    await openReview(page);
    await waitForCounts(page, '0 due · 0 new · 1 learning');
  });
});
