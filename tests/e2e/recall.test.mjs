// Links to cards show the learner's recall of them: "new" before study, a percentage after that
// falls as time passes, "not in your deck" for an anchor with no card, and an average over the
// cards a note links to.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  openReview,
  comeBackAt,
  later,
  DAY,
  article,
  linkedCardsSection,
  waitForQuestion,
  answerCard,
  waitForCounts,
  waitFor,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');

const capitals = 'Capital of France :: Paris ^fr\n\nCapital of Italy :: Rome ^it';
const course = 'Learn [[Capitals#^fr]], then [[Capitals#^it]]. Also [[Capitals#^de]], not written yet.';

/** The recall badges on the card links of the rendered note, in order: the links to ^fr, ^it
 * and ^de. */
async function badgesInNote(page) {
  const badges = await article(page).locator('a span.recall').allInnerTexts();
  const [fr, it, de] = badges.map((badge) => badge.trim());
  return { fr, it, de };
}

/** The "Linked cards" section: each row's link, note and badge, and the average line. */
async function linkedCards(page) {
  const section = linkedCardsSection(page);
  await section.waitFor();
  const rows = await section.getByRole('listitem').evaluateAll((items) =>
    items.map((item) => {
      const parts = [...item.children].map((part) => part.textContent.trim());
      return {
        link: item.querySelector('a')?.textContent.trim(),
        note: parts[1],
        badge: parts[parts.length - 1],
      };
    }),
  );
  const average = (
    await section.getByText(/^(Your average recall of the studied ones: \d+%|You have not studied any of these yet\.)$/).innerText()
  ).trim();
  return { rows, average };
}

/** The badge of the row whose link mentions `text`. */
const badgeOf = (linked, text) => {
  const row = linked.rows.find((r) => r.link?.includes(text));
  assert.ok(row, `a linked card "${text}" in ${JSON.stringify(linked.rows)}`);
  return row.badge;
};

const percent = (badge) => {
  const match = /^(\d+)%$/.exec(badge);
  assert.ok(match, `a percentage, got ${JSON.stringify(badge)}`);
  return Number(match[1]);
};

describeApp('recall on links', (test) => {
  test('a link to a card shows new, then a recall that falls with time; a missing card is not in the deck', async ({ page }) => {
    await createNote(page, 'Capitals', capitals);
    await createNote(page, 'Course', course);

    // Nothing studied yet.
    await waitFor(async () => (await badgesInNote(page)).fr === 'new', { message: 'the ^fr link saying "new"' });
    assert.deepEqual(await badgesInNote(page), { fr: 'new', it: 'new', de: 'not in your deck' });
    let linked = await linkedCards(page);
    assert.equal(linked.rows.length, 3, `three linked cards: ${JSON.stringify(linked.rows)}`);
    assert.equal(badgeOf(linked, 'Capital of France'), 'new');
    assert.equal(badgeOf(linked, 'Capital of Italy'), 'new');
    assert.equal(badgeOf(linked, '^de'), 'not in your deck');
    for (const row of linked.rows) assert.match(row.note, /Capitals/, 'each row names the note');
    assert.equal(linked.average, 'You have not studied any of these yet.');

    // Study France today (Easy): just answered, it is fully recalled.
    await openReview(page);
    await waitForCounts(page, '0 due · 2 new');
    await waitForQuestion(page, 'Capital of France');
    await answerCard(page, '4');
    await openNote(page, 'Course');
    await waitFor(async () => (await badgesInNote(page)).fr === '100%', { message: 'the ^fr link at 100%' });
    linked = await linkedCards(page);
    assert.equal(badgeOf(linked, 'Capital of France'), '100%');
    assert.equal(badgeOf(linked, 'Capital of Italy'), 'new');
    assert.equal(linked.average, 'Your average recall of the studied ones: 100%', 'only studied cards count');

    // Four days later, study Italy too.
    await comeBackAt(page, later(T0, 4 * DAY));
    await openReview(page);
    await waitForQuestion(page, 'Capital of Italy');
    await answerCard(page, '4');

    // Eight days after the first answer: France has faded more than Italy.
    await comeBackAt(page, later(T0, 8 * DAY));
    await openNote(page, 'Course');
    await waitFor(async () => /^\d+%$/.test((await badgesInNote(page)).it ?? ''), { message: 'the ^it link with a percentage' });
    const inNote = await badgesInNote(page);
    linked = await linkedCards(page);
    const france = percent(badgeOf(linked, 'Capital of France'));
    const italy = percent(badgeOf(linked, 'Capital of Italy'));
    assert.equal(inNote.fr, `${france}%`, 'the link in the note shows the same recall');
    assert.equal(inNote.it, `${italy}%`, 'the link in the note shows the same recall');
    assert.equal(inNote.de, 'not in your deck');
    assert.ok(france >= 80 && france < 100, `France recalled at about 90% after 8 days: ${france}%`);
    assert.ok(italy > france && italy < 100, `Italy (studied later) recalled better: ${italy}% vs ${france}%`);
    assert.equal(
      linked.average,
      `Your average recall of the studied ones: ${Math.round((france + italy) / 2)}%`,
    );

    // Much later, both have faded further.
    await comeBackAt(page, later(T0, 200 * DAY));
    await openNote(page, 'Course');
    await waitFor(async () => percent((await badgesInNote(page)).fr) < france, { message: 'France fading' });
    linked = await linkedCards(page);
    const franceLater = percent(badgeOf(linked, 'Capital of France'));
    const italyLater = percent(badgeOf(linked, 'Capital of Italy'));
    assert.ok(franceLater < france && italyLater < italy, `both fall: ${franceLater}%, ${italyLater}%`);
    assert.equal(badgeOf(linked, '^de'), 'not in your deck');
  }, { clock: T0, timezoneId: 'UTC' });
});
