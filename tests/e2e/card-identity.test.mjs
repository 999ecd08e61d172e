// A card keeps its id, schedule and review log when its text is edited in the editor: a typo
// fixed in the question or the answer, the card moved, `::` made `:::`, its text deleted and
// written again.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  openReview,
  noteCards,
  waitForCardStatus,
  rewriteNote,
  waitForCounts,
  answerCard,
  waitFor,
  dumpDatabase,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');
const fixedClock = { clock: T0, timezoneId: 'UTC' };
const reviewStatus = /^due in \d+ d, recall \d+%$/;

const GAS = 'What gas do plants take in? :: Carbon dioxide';
const FRANCE = 'Capital of France :: Paris';

/** The stored card whose front starts with `front`, and the review-log entries of its id. */
async function storedCard(page, front) {
  const db = JSON.parse(await dumpDatabase(page));
  const card = db.cards.find((c) => c.front.startsWith(front) && !c.retired);
  const reviews = card ? db.reviews.filter((r) => r.card_id === card.id) : [];
  return { card, reviews, cards: db.cards, allReviews: db.reviews };
}

/** What must not change about a card through an edit of its text. */
const history = ({ card, reviews }) => ({
  id: card.id,
  schedule: card.schedule,
  introduced: card.introduced,
  reviews: reviews.map((r) => JSON.stringify(r)).sort(),
});

describeApp('card identity through edits', (test) => {
  test('a typo fix, a move and a change of syntax keep the card and its history', async ({ page }) => {
    await createNote(page, 'Plants', `${GAS}\n\n${FRANCE}`);
    await waitFor(async () => (await noteCards(page)).length === 2, { message: 'two cards' });
    await openReview(page);
    await waitForCounts(page, '0 due · 2 new');
    await answerCard(page, '4');
    await answerCard(page, '4');
    await waitForCounts(page, '0 due · 0 new');

    await openNote(page, 'Plants');
    const status = await waitForCardStatus(page, 'What gas', reviewStatus);
    const learned = await storedCard(page, 'What gas');
    assert.ok(learned.card, 'the card is stored');
    assert.equal(learned.reviews.length, 1, 'one answer in its log');
    const kept = history(learned);

    const expectKept = async (front, what) => {
      assert.equal(await waitForCardStatus(page, front, reviewStatus), status, `${what}: same status`);
      const now = await storedCard(page, front);
      assert.deepEqual(history(now), kept, `${what}: same id, schedule and log`);
      assert.equal(
        (await noteCards(page)).filter((c) => c.status === 'new').length,
        0,
        `${what}: no new card`,
      );
      return now;
    };

    // A typo fixed in the question.
    const question = 'Which gas do plants take in? :: Carbon dioxide';
    await rewriteNote(page, 'Plants', `${question}\n\n${FRANCE}`);
    await expectKept('Which gas', 'question edited');

    // And in the answer.
    const answer = 'Which gas do plants take in? :: Carbon dioxide (CO2)';
    await rewriteNote(page, 'Plants', `${answer}\n\n${FRANCE}`);
    await expectKept('Which gas', 'answer edited');

    // Moved below the other card.
    await rewriteNote(page, 'Plants', `${FRANCE}\n\nSome prose between.\n\n${answer}`);
    await expectKept('Which gas', 'moved');

    // Made a two-way card: the first way is the same card, the other way is new.
    const twoWay = answer.replace(' :: ', ' ::: ');
    await rewriteNote(page, 'Plants', `${FRANCE}\n\n${twoWay}`);
    await waitFor(async () => (await noteCards(page)).length === 3, { message: 'three cards' });
    assert.equal(await waitForCardStatus(page, 'Which gas', reviewStatus), status, 'the first way keeps its status');
    assert.deepEqual(history(await storedCard(page, 'Which gas')), kept, 'two-way: same id, schedule and log');
    await waitForCardStatus(page, 'Carbon dioxide (CO2)', 'new');

    // Its text deleted: retired; written again: back with its history.
    await rewriteNote(page, 'Plants', FRANCE);
    await waitForCardStatus(page, 'Which gas', 'retired (its text left the note)');
    await rewriteNote(page, 'Plants', `${FRANCE}\n\n${answer}`);
    await expectKept('Which gas', 'text restored');

    const { allReviews } = await storedCard(page, 'Which gas');
    assert.equal(allReviews.length, 2, 'the review log still holds both answers');
  }, fixedClock);

  test('a card rewritten into a different question is a new card', async ({ page }) => {
    await createNote(page, 'Plants', GAS);
    await waitFor(async () => (await noteCards(page)).length === 1, { message: 'one card' });
    await openReview(page);
    await answerCard(page, '4');
    await openNote(page, 'Plants');
    await waitForCardStatus(page, 'What gas', reviewStatus);
    await rewriteNote(page, 'Plants', 'Capital of Peru :: Lima');
    await waitForCardStatus(page, 'Capital of Peru', 'new');
    await waitForCardStatus(page, 'What gas', 'retired (its text left the note)');
  }, fixedClock);
});
