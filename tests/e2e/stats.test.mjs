// Statistics after answers given over several days: cards by state, answers per day and today,
// true retention per period (all computed here from the answers given) and the due forecast.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openNote,
  openReview,
  goToRoute,
  comeBackAt,
  later,
  DAY,
  MINUTE,
  reviewCard,
  question,
  showAnswer,
  rateWith,
  cardRow,
  waitForCardStatus,
  waitForCounts,
  waitFor,
  answerCard,
  newProfile,
  shareLink,
  openLink,
  importNow,
  axeViolations,
  phone,
  assertNoProblems,
} from './harness.mjs';

const T0 = new Date('2026-01-05T09:00:00Z');

/**
 * Where a card stands after an answer (1 Again, 2 Hard, 3 Good, 4 Easy) with the default
 * learning steps 1m 10m and relearning step 10m, as the reference scheduler moves it.
 */
function standingAfter(standing, rating) {
  switch (standing) {
    case 'new':
    case 'learning, step 1':
      return { 1: 'learning, step 1', 2: 'learning, step 1', 3: 'learning, step 2', 4: 'review' }[rating];
    case 'learning, step 2':
      return { 1: 'learning, step 1', 2: 'learning, step 2', 3: 'review', 4: 'review' }[rating];
    case 'review':
      return rating === 1 ? 'relearning' : 'review';
    case 'relearning':
      return rating <= 2 ? 'relearning' : 'review';
    default:
      throw new Error(`unknown standing ${standing}`);
  }
}

/** What the test knows of the learner's deck: each card's standing and every answer given. */
class Learner {
  constructor(questions) {
    this.standing = new Map(questions.map((q) => [q, 'new']));
    this.suspended = new Set();
    this.answers = [];
  }

  answered(asked, rating, time) {
    const before = this.standing.get(asked);
    assert.ok(before, `a card the test wrote: ${JSON.stringify(asked)}`);
    this.answers.push({ time: time.getTime(), rating, reviewState: before === 'review' });
    this.standing.set(asked, standingAfter(before, rating));
  }

  counts() {
    const counts = { New: 0, Learning: 0, Review: 0, Relearning: 0, Suspended: 0 };
    for (const [asked, standing] of this.standing) {
      if (this.suspended.has(asked)) counts.Suspended += 1;
      else if (standing === 'new') counts.New += 1;
      else if (standing.startsWith('learning')) counts.Learning += 1;
      else if (standing === 'review') counts.Review += 1;
      else counts.Relearning += 1;
    }
    return counts;
  }

  /** Answers on each of the last 30 days (UTC), oldest first. */
  perDay(now) {
    const today = Math.floor(now.getTime() / DAY);
    const counts = Array(30).fill(0);
    for (const { time } of this.answers) {
      const ago = today - Math.floor(time / DAY);
      if (ago >= 0 && ago < 30) counts[29 - ago] += 1;
    }
    return counts;
  }

  /** The true retention table: answers to cards in review that were not Again, per period. */
  retention(now) {
    const todayStart = Math.floor(now.getTime() / DAY) * DAY;
    const periods = [
      ['Today', todayStart],
      ['Last 7 days', todayStart - 6 * DAY],
      ['Last 30 days', todayStart - 29 * DAY],
      ['Last 365 days', todayStart - 364 * DAY],
      ['All time', -Infinity],
    ];
    return Object.fromEntries(
      periods.map(([label, since]) => {
        const counted = this.answers.filter((a) => a.reviewState && a.time >= since);
        const passed = counted.filter((a) => a.rating !== 1).length;
        const rate = counted.length ? `${((100 * passed) / counted.length).toFixed(1)}%` : '–';
        return [label, [rate, `${passed} of ${counted.length}`]];
      }),
    );
  }
}

/** The numbers listed at the end of a chart's label ("...: 0, 2, 1"). */
const numbersIn = (label) => label.slice(label.lastIndexOf(':') + 1).split(',').map((n) => Number(n.trim()));

/** Opens the statistics page and reads it. */
async function readStats(page) {
  await goToRoute(page, '/stats');
  await page.getByRole('heading', { level: 1, name: 'Statistics', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'True retention', exact: true }).waitFor();

  const counts = await page.getByLabel('Cards by state', { exact: true }).evaluate((list) =>
    Object.fromEntries(
      [...list.querySelectorAll('dt')].map((term) => [
        term.textContent.trim(),
        Number(term.nextElementSibling.textContent.trim()),
      ]),
    ),
  );

  await page.getByRole('heading', { name: 'Due in the next 30 days', exact: true }).waitFor();
  const nothingDue = page.getByText('No cards are due in the next 30 days.', { exact: true });
  const forecastChart = page.getByRole('img', { name: /due/i });
  let forecast = null;
  if ((await nothingDue.count()) === 0) {
    forecast = numbersIn(await forecastChart.getAttribute('aria-label'));
    assert.equal(forecast.length, 30, `30 days in the forecast: ${forecast}`);
  } else {
    assert.equal(await forecastChart.count(), 0, 'no forecast chart when nothing is due');
  }

  await page.getByRole('heading', { name: 'Reviews in the last 30 days', exact: true }).waitFor();
  const answersLine = (await page.getByText(/^\d+ answers, \d+ today$/).innerText()).trim();
  const answersChart = page.getByRole('img', { name: /answers/i });
  const perDay = (await answersChart.count())
    ? numbersIn(await answersChart.getAttribute('aria-label'))
    : null;

  await page.getByRole('heading', { name: 'The last year', exact: true }).waitFor();
  assert.equal(await page.getByRole('img', { name: /year/i }).count(), 1, 'a heatmap of the year');

  const retention = {};
  for (const row of await page.getByRole('table').getByRole('row').all()) {
    const header = (await row.getByRole('rowheader').allInnerTexts())[0]?.trim();
    if (!header) continue;
    retention[header] = (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
  }
  return { counts, forecast, answersLine, perDay, retention };
}

/**
 * Answers `count` cards on the review page by keyboard, the rating of each chosen by
 * `ratingFor(question, index)`; tells `learner` about each answer given at `now`.
 */
async function study(page, learner, now, count, ratingFor) {
  await openReview(page);
  for (let i = 0; i < count; i += 1) {
    await reviewCard(page).waitFor();
    const asked = await question(page);
    const rating = ratingFor(asked, i);
    await showAnswer(page);
    await rateWith(page, String(rating));
    learner.answered(asked, rating, now);
  }
}

function assertStats(stats, learner, now, where) {
  assert.deepEqual(stats.counts, learner.counts(), `cards by state, ${where}`);
  const perDay = learner.perDay(now);
  const total = perDay.reduce((a, b) => a + b, 0);
  assert.equal(stats.answersLine, `${total} answers, ${perDay[29]} today`, `answers, ${where}`);
  if (total > 0) assert.deepEqual(stats.perDay, perDay, `answers per day, ${where}`);
  assert.deepEqual(stats.retention, learner.retention(now), `true retention, ${where}`);
}

describeApp('statistics', (test) => {
  test('counts, answers per day, true retention and the forecast follow the answers', async ({ page }) => {
    const cards = ['Alpha', 'Beta', 'Gamma', 'Delta'];
    await createNote(page, 'Greek letters', cards.map((c, i) => `${c} :: letter ${i + 1}`).join('\n\n'));
    const learner = new Learner(cards);

    // Day 0: nothing studied, nothing due.
    let now = T0;
    let stats = await readStats(page);
    assertStats(stats, learner, now, 'before any answer');
    assert.equal(stats.forecast, null, 'new cards are not in the forecast');

    // Three straight to review (Easy), one into learning (Good).
    await study(page, learner, now, 4, (asked) => (asked === 'Delta' ? 3 : 4));
    stats = await readStats(page);
    assertStats(stats, learner, now, 'after the first day');
    assert.ok(stats.forecast, 'a forecast once cards are studied');
    assert.equal(stats.forecast[0], 1, `the learning card is due today: ${stats.forecast}`);
    assert.equal(
      stats.forecast.slice(3, 15).reduce((a, b) => a + b, 0),
      3,
      `the Easy cards due in about a week: ${stats.forecast}`,
    );

    // Day 12: all four are due, counted today in the forecast.
    now = later(T0, 12 * DAY);
    await comeBackAt(page, now);
    stats = await readStats(page);
    assert.deepEqual(stats.forecast?.slice(0, 1), [4], `everything due today: ${stats.forecast}`);
    await openReview(page);
    await waitForCounts(page, '4 due · 0 new');
    const day12 = { Alpha: 3, Beta: 1, Gamma: 2, Delta: 3 };
    await study(page, learner, now, 4, (asked) => day12[asked]);
    stats = await readStats(page);
    assertStats(stats, learner, now, 'on day 12');
    assert.equal(stats.forecast[0], 1, `only the forgotten card is due today: ${stats.forecast}`);
    const forecastTotal = stats.forecast.reduce((a, b) => a + b, 0);
    assert.ok(forecastTotal >= 1 && forecastTotal <= 4, `at most the four cards: ${stats.forecast}`);

    // An hour later the forgotten card is relearned.
    now = later(now, 60 * MINUTE);
    await comeBackAt(page, now);
    await study(page, learner, now, 1, () => 3);
    assertStats(await readStats(page), learner, now, 'on day 12, an hour later');

    // More than a year on: two answers (one forgotten), then two more five days later.
    now = later(T0, 400 * DAY);
    await comeBackAt(page, now);
    await study(page, learner, now, 2, (_, i) => [1, 3][i]);
    assertStats(await readStats(page), learner, now, 'on day 400');
    now = later(T0, 405 * DAY);
    await comeBackAt(page, now);
    await study(page, learner, now, 2, () => 3);
    stats = await readStats(page);
    assertStats(stats, learner, now, 'on day 405');
    assert.notDeepEqual(
      stats.retention['Last 365 days'],
      stats.retention['All time'],
      'answers more than a year old count only for all time',
    );

    // A suspended card is counted apart.
    await openNote(page, 'Greek letters');
    await cardRow(page, 'Alpha').getByRole('button', { name: 'Suspend', exact: true }).click();
    await waitForCardStatus(page, 'Alpha', 'suspended');
    learner.suspended.add('Alpha');
    assert.deepEqual((await readStats(page)).counts, learner.counts(), 'cards by state with one suspended');
  }, { clock: T0, timezoneId: 'UTC', timeout: 180_000 });

  /** The forecast chart's scale and day labels, and its bars' heights as shares of the plot. */
  async function readForecast(page) {
    const chart = page.locator('figure.bar-chart').first();
    await chart.waitFor();
    return chart.evaluate((figure) => {
      const svg = figure.querySelector('svg');
      const plot = svg.getBoundingClientRect().height;
      return {
        ticks: [...figure.querySelectorAll('.chart-y span')].map((s) => s.textContent.trim()),
        days: [...figure.querySelectorAll('.chart-x span')].map((s) => s.textContent.trim()),
        bars: [...svg.querySelectorAll('rect.bar')]
          .map((r) => r.getBoundingClientRect().height / plot)
          .filter((share) => share > 0),
        label: svg.getAttribute('aria-label'),
      };
    });
  }

  for (const [width, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', phone]]) {
  test(`charts have a scale a reader can check; the forecast can be of one course (${width})`, async ({ page: author, env }) => {
    await createNote(author, 'Numbers', 'Uno :: One\n\nDos :: Two\n\nTres :: Three');
    await createNote(author, 'Spanish basics', 'Start with [[Numbers]].');
    const link = await shareLink(author);

    const learner = await newProfile(env);
    try {
      const { page } = learner;
      await page.setViewportSize(viewport);
      await createNote(page, 'Mine', 'Tree :: árbol');
      await openLink(page, link);
      await importNow(page);
      await page.getByRole('button', { name: 'Add 3 cards to my reviews' }).click();
      await openReview(page);
      await waitForCounts(page, '0 due · 4 new');
      for (let i = 0; i < 4; i++) await answerCard(page, '4');

      await goToRoute(page, '/stats');
      await page.getByRole('heading', { name: 'True retention', exact: true }).waitFor();
      const all = await readForecast(page);
      assert.deepEqual(all.ticks, ['0', '1', '2', '3', '4']);
      assert.deepEqual(all.days, ['today', 'in 7 d', 'in 14 d', 'in 21 d', 'in 28 d']);
      const due = numbersIn(all.label);
      assert.equal(due.reduce((a, b) => a + b, 0), 4, `four cards in the forecast: ${due}`);
      // Each bar is as tall as its count on the scale of four.
      const counts = due.filter((n) => n > 0);
      all.bars.forEach((share, i) => assert.ok(Math.abs(share - counts[i] / 4) < 0.02, `bar ${i}: ${share} of the height for ${counts[i]}`));

      await page.getByLabel('Cards of').selectOption({ label: 'the course “Spanish basics”' });
      await waitFor(async () => numbersIn((await readForecast(page)).label).reduce((a, b) => a + b, 0) === 3, {
        message: "the course's three cards in the forecast",
      });
      assert.deepEqual(await axeViolations(page), []);
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      await learner.context.close();
    }
  });
  }
});
