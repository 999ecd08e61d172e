// Scheduling fitted to the learner, in the optimizer worker: too little history says how much
// more is needed; the fit of the fixture history equals the native fit; Accept changes the
// intervals on the answer buttons, a reload keeps them, Restore brings the earlier ones back;
// 20,000 reviews fit while the page keeps painting, Cancel stops a fit; the workload simulator
// draws its chart with the learner's retention marked.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  describeApp,
  storedMeta,
  createNote,
  openReview,
  answerCard,
  showAnswer,
  ratingLabels,
  reviewCard,
  comeBackAt,
  goToRoute,
  DAY,
  waitFor,
  axeViolations,
} from './harness.mjs';

const fixturePath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/fit_history.json',
);

const T0 = new Date('2027-03-01T09:00:00Z');

const optimizeButton = (page) => page.getByRole('button', { name: 'Optimize my scheduling', exact: true });
const fitTable = (page) => page.getByRole('table').filter({ hasText: 'Log loss' });

async function openSettings(page) {
  await goToRoute(page, '/settings');
  await page.getByRole('heading', { level: 2, name: 'Scheduling fitted to you' }).waitFor();
}

/** Writes review-log entries straight into the app's database, as years of reviews would. */
function storeReviews(page, reviews) {
  return page.evaluate(
    (records) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('loam');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('reviews', 'readwrite');
          for (const record of records) tx.objectStore('reviews').put(record);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    reviews,
  );
}

/** A stored review-log entry from the fixture's compact form. */
const record = ([card, time, rating, before]) => ({
  id: `${card}@${time}`,
  card_id: card,
  rating: ['again', 'hard', 'good', 'easy'][rating - 1],
  time,
  state_before: before,
  state_after: 'review',
  elapsed_days: null,
  interval_ms: DAY,
});

/** `count` reviews of cards learnt over two years, recalled as a forgetting curve would have
 * it (a small generator of its own, seeded: the same history every run). */
function generatedReviews(count) {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const reviews = [];
  const start = Date.parse('2025-01-01T08:00:00Z');
  for (let card = 0; reviews.length < count; card++) {
    let time = start + Math.floor(random() * 300) * DAY + Math.floor(random() * 8 * 3600_000);
    let stability = 1 + random() * 3;
    let before = 'learning';
    for (let n = 0; n < 12 && reviews.length < count; n++) {
      const recalled = n === 0 ? random() > 0.25 : random() < Math.pow(0.9, 1 / Math.max(stability, 0.1));
      const rating = recalled ? (random() < 0.15 ? 4 : random() < 0.2 ? 2 : 3) : 1;
      reviews.push(record([`gen-${card}`, time, rating, before]));
      stability = recalled ? stability * (2 + random()) : Math.max(1, stability * 0.3);
      before = recalled ? 'review' : 'relearning';
      time += Math.max(1, Math.round(stability)) * DAY + Math.floor(random() * 3600_000);
    }
  }
  return reviews;
}

/** The wait the Easy button offers for the new card on screen, in days: the first stability
 * the parameters give an Easy answer. Fuzzing moves review intervals by a few percent each time
 * the buttons are drawn, so callers compare loosely. */
async function easyDays(page) {
  await openReview(page);
  await reviewCard(page).waitFor();
  await showAnswer(page);
  const easy = (await ratingLabels(page)).find((label) => label.startsWith('Easy '));
  const [, amount, unit] = /^Easy ([\d.]+) (min|h|d|mo|y)$/.exec(easy) ?? [];
  const days = { min: 1 / 1440, h: 1 / 24, d: 1, mo: 30.4375, y: 365.25 }[unit];
  assert.ok(days, `an Easy interval: ${easy}`);
  return Number(amount) * days;
}

/** Whether two intervals are the same up to fuzzing and rounding in the label. */
const same = (a, b) => Math.abs(a - b) <= 0.25 * Math.max(a, b) + 2;

describeApp('scheduling fitted to you', (test) => {
  test('too little history says how many more answers are needed', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await openReview(page);
    await answerCard(page, '3');
    await openSettings(page);
    await optimizeButton(page).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /at least 400 answers .* so 400 more are needed/);
    assert.deepEqual(await axeViolations(page), []);
  });

  test('a browser that cannot run the worker is told so, and nothing runs on the page instead', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await openSettings(page);
    await optimizeButton(page).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /cannot run work in the background .* so it cannot here/);
    assert.equal(await fitTable(page).count(), 0);
  }, {
    // An old browser: no web workers at all.
    beforeStart: ({ page }) => page.addInitScript(() => delete window.Worker),
  });

  test('the worker finds the native fit; Accept changes the intervals, a reload keeps them, Restore brings the earlier ones', async ({ page }) => {
    const fixture = JSON.parse(await readFile(fixturePath, 'utf8'));
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await storeReviews(page, fixture.reviews.map(record));
    await comeBackAt(page, T0);
    const before = await easyDays(page);

    await openSettings(page);
    await optimizeButton(page).click();
    await fitTable(page).waitFor({ timeout: 60_000 });
    const figures = await fitTable(page).innerText();
    assert.match(figures, new RegExp(`${fixture.items} to learn from`));
    assert.match(figures, new RegExp(`Fitted to you\\s+${fixture.log_loss.toFixed(4)}`), figures);
    await page.getByRole('button', { name: 'Use the fitted parameters', exact: true }).click();
    await page.getByText('In use: parameters fitted to your own answers.').waitFor();
    const stored = await waitFor(async () => {
      const settings = await storedMeta(page, 'review_settings');
      return settings?.earlier_params?.length === 1 && settings;
    }, { message: 'the fitted parameters stored' });
    // Fitted in the browser as natively: the same parameters, to float rounding.
    assert.equal(stored.scheduler.params.length, 21);
    stored.scheduler.params.forEach((p, i) =>
      assert.ok(Math.abs(p - fixture.params[i]) < 1e-3, `parameter ${i}: ${p} in the browser, ${fixture.params[i]} natively`),
    );

    const fitted = await easyDays(page);
    assert.ok(!same(fitted, before), `the fitted parameters give another interval: ${fitted} d, not ${before} d`);
    await comeBackAt(page, T0);
    const reloaded = await easyDays(page);
    assert.ok(same(reloaded, fitted), `a reload keeps the fitted parameters: ${reloaded} d, ${fitted} d`);

    await openSettings(page);
    await page.getByRole('button', { name: 'Restore the earlier parameters', exact: true }).click();
    await page.getByText("In use: FSRS's default parameters, made from many learners' reviews.").waitFor();
    const restored = await easyDays(page);
    assert.ok(same(restored, before), `the earlier interval is back: ${restored} d, ${before} d`);
    console.log(`# optimize: Easy on a new card: ${before.toFixed(1)} d by default, ${fitted.toFixed(1)} d fitted`);
  }, { clock: T0, timezoneId: 'UTC', timeout: 120_000 });

  test('20,000 reviews fit while the page keeps painting; the workload chart marks the retention in use', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await storeReviews(page, generatedReviews(20_000));
    await openSettings(page);

    // Frames are timed from the click until the figures are shown: reading the snapshot and
    // sending it happen on the page, the rest in the worker.
    await page.evaluate(() => {
      window.frameGaps = [];
      let last = performance.now();
      const tick = (now) => {
        window.frameGaps.push(now - last);
        last = now;
        if (!window.stopFrames) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const started = Date.now();
    await optimizeButton(page).click();
    await page.getByRole('progressbar').or(fitTable(page)).first().waitFor();
    // The page answers while the worker fits: the learner can go and review meanwhile.
    await openReview(page);
    await reviewCard(page).waitFor();
    await openSettings(page);
    await fitTable(page).waitFor({ timeout: 120_000 });
    const gaps = await page.evaluate(() => {
      window.stopFrames = true;
      return window.frameGaps;
    });
    console.log(
      `# optimize: 20,000 reviews read, fitted and measured in ${Date.now() - started} ms from the click; ` +
        `${gaps.length} frames, longest gap ${Math.round(Math.max(...gaps))} ms`,
    );
    assert.ok(gaps.length > 5, `frames painted while it ran: ${gaps.length}`);
    assert.ok(Math.max(...gaps) < 100, `no gap between frames over 100 ms: ${Math.max(...gaps)}`);
    assert.match(await fitTable(page).innerText(), /In use now/);

    await page.getByRole('button', { name: 'Simulate', exact: true }).click();
    const chart = page.getByRole('img', { name: /^Reviews a day for desired retention from 70% to 97%/ });
    await chart.waitFor({ timeout: 60_000 });
    assert.match(await chart.getAttribute('aria-label'), /your choice, 90%, is marked/);
    await page.getByText(/^At your desired retention of 90%: about [\d.]+ reviews a day/).waitFor();
    assert.deepEqual(await axeViolations(page), []);
  }, { timeout: 240_000 });

  test('Cancel stops a fit of 100,000 reviews; run again, it finishes', async ({ page }) => {
    await createNote(page, 'Capitals', 'Capital of France :: Paris');
    await storeReviews(page, generatedReviews(100_000));
    await openSettings(page);
    await optimizeButton(page).click();
    await page.getByRole('progressbar').waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await optimizeButton(page).waitFor();
    await page.waitForTimeout(500);
    assert.equal(await fitTable(page).count(), 0, 'a cancelled fit offers nothing');
    const started = Date.now();
    await optimizeButton(page).click();
    await fitTable(page).waitFor({ timeout: 180_000 });
    console.log(`# optimize: 100,000 reviews read, fitted and measured in ${Date.now() - started} ms from the click`);
  }, { timeout: 300_000 });
});
