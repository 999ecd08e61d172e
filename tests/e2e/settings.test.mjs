// Review settings: a wrong value is refused with an alert naming the field and changes nothing;
// a smaller daily limit of new cards holds on the next day.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  openReview,
  goToRoute,
  comeBackAt,
  later,
  DAY,
  studyNav,
  reviewBadge,
  waitForCounts,
  waitForQuestion,
  answerCard,
  question,
  waitFor,
  waitForText,
  axeViolations,
  phone,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');

const fields = [
  'Desired retention',
  'Maximum interval (days)',
  'New cards per day',
  'Learning steps',
  'Relearning steps',
];
const field = (page, name) => page.getByRole('textbox', { name, exact: true });
const saveButton = (page) => page.getByRole('button', { name: 'Save settings', exact: true });

async function openSettings(page) {
  await studyNav(page).getByRole('link', { name: 'Settings', exact: true }).click();
  await field(page, 'Desired retention').waitFor();
}

/** Every field's value, by its label. */
async function readSettings(page) {
  const values = {};
  for (const name of fields) values[name] = await field(page, name).inputValue();
  return values;
}

/** Types `value` into the field `name`, saves, and returns the alert's text (null if none). */
async function trySave(page, name, value) {
  await field(page, name).fill(value);
  await saveButton(page).click();
  const alert = page.getByRole('alert');
  const saved = page.getByRole('status').filter({ hasText: 'Settings saved.' });
  await waitFor(async () => (await alert.count()) > 0 || (await saved.count()) > 0, {
    message: `an alert or "Settings saved." after saving ${name} = ${JSON.stringify(value)}`,
  });
  return (await alert.count()) ? (await alert.innerText()).trim() : null;
}

describeApp('settings', (test) => {
  test('a wrong value is refused with an alert naming the field, and nothing changes', async ({ page }) => {
    await openSettings(page);
    const defaults = await readSettings(page);
    assert.equal(Number(defaults['Desired retention']), 0.9, 'desired retention 0.90 by default');
    assert.equal(defaults['New cards per day'], '20');
    assert.equal(defaults['Learning steps'], '1m 10m');
    assert.equal(defaults['Relearning steps'], '10m');

    const wrong = [
      ['Desired retention', '1.5', /desired retention/i],
      ['Maximum interval (days)', '-3', /maximum interval/i],
      ['New cards per day', 'many', /new cards per day/i],
      ['Learning steps', '10x', /learning steps?/i],
      ['Relearning steps', 'soon', /relearning steps?/i],
    ];
    // Every wrong value is tried; the problems are reported together.
    const problems = [];
    for (const [name, value, named] of wrong) {
      await page.reload();
      await field(page, name).waitFor();
      const alert = await trySave(page, name, value);
      const what = `${name} = ${JSON.stringify(value)}`;
      if (!alert) problems.push(`${what}: no alert`);
      else if (!named.test(alert)) problems.push(`${what}: the alert does not name the field: ${alert}`);

      await page.reload();
      await field(page, name).waitFor();
      const after = await readSettings(page);
      if (JSON.stringify(after) !== JSON.stringify(defaults)) {
        problems.push(`${what}: the settings changed to ${JSON.stringify(after)}`);
      }
    }
    assert.deepEqual(problems, [], 'each wrong value refused with an alert naming its field');
  });

  test('every wrong field is marked and described, and the first comes into view with the focus', async ({ page }) => {
    await goToRoute(page, '/settings');
    await field(page, 'Desired retention').waitFor();
    await field(page, 'Desired retention').fill('2');
    await field(page, 'New cards per day').fill('many');
    await field(page, 'Relearning steps').fill('soon');
    await saveButton(page).scrollIntoViewIfNeeded();
    await saveButton(page).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /^3 fields need a fix: Desired retention .* New cards per day .* Relearning steps/);
    for (const [name, wrong] of [
      ['Desired retention', true],
      ['Maximum interval (days)', false],
      ['New cards per day', true],
      ['Learning steps', false],
      ['Relearning steps', true],
    ]) {
      const input = field(page, name);
      assert.equal(await input.getAttribute('aria-invalid'), wrong ? 'true' : null, `${name} marked`);
      if (wrong) {
        const described = await input.evaluate((el) =>
          el.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent).join(' '),
        );
        assert.match(described, new RegExp(name.split(' ')[0], 'i'), `${name} described: ${described}`);
      }
    }
    assert.equal(await field(page, 'Desired retention').evaluate((el) => el === document.activeElement), true, 'the first wrong field has the focus');
    const inView = await field(page, 'Desired retention').evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.ok(inView, 'the first wrong field is in view');
    assert.deepEqual(await axeViolations(page), []);
    // Fixed, the marks go.
    await field(page, 'Desired retention').fill('0.9');
    await field(page, 'New cards per day').fill('20');
    await field(page, 'Relearning steps').fill('10m');
    await saveButton(page).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    assert.equal(await field(page, 'Desired retention').getAttribute('aria-invalid'), null);
  }, { viewport: phone });

  test('saved settings are kept, back on the page and after a reload', async ({ page }) => {
    await openSettings(page);
    const defaults = await readSettings(page);
    assert.equal(await trySave(page, 'New cards per day', '7'), null, 'a whole number is accepted');
    await waitForText(page.getByRole('status'), 'Settings saved.');
    const changed = { ...defaults, 'New cards per day': '7' };
    await goToRoute(page, '/');
    await openSettings(page);
    assert.deepEqual(await readSettings(page), changed, 'the saved value, back on the page');
    await page.reload();
    await field(page, 'New cards per day').waitFor();
    await waitFor(async () => (await field(page, 'New cards per day').inputValue()) === '7', {
      timeout: 2_000,
      message: 'the saved value after reloading the settings page',
    });
    assert.deepEqual(await readSettings(page), changed, 'the saved value after a reload');
  });

  test('one new card per day holds the next day', async ({ page }) => {
    await createNote(
      page,
      'Numbers',
      ['One :: 1', 'Two :: 2', 'Three :: 3', 'Four :: 4'].join('\n\n'),
    );
    // Today: the default limit lets all four in; learn one.
    await openReview(page);
    await waitForCounts(page, '0 due · 4 new');
    await waitForQuestion(page, 'One');
    await answerCard(page, '4');
    await waitForCounts(page, '0 due · 3 new');

    await openSettings(page);
    assert.equal(await trySave(page, 'New cards per day', '1'), null, 'the limit is saved');

    // One card was started today: that is today's one.
    await openReview(page);
    await waitForCounts(page, '0 due · 0 new');
    await page.getByRole('heading', { name: 'All done for now', exact: true }).waitFor();

    // Tomorrow: one new card of the three left, and then no more.
    await comeBackAt(page, later(T0, DAY));
    assert.match((await reviewBadge(page)) ?? '', /^1 cards? to review$/);
    await goToRoute(page, '/');
    await openReview(page);
    await waitForCounts(page, '0 due · 1 new');
    assert.equal(await question(page), 'Two');
    await answerCard(page, '4');
    await waitForCounts(page, '0 due · 0 new');
    await page.getByRole('heading', { name: 'All done for now', exact: true }).waitFor();
  }, { clock: T0, timezoneId: 'UTC' });
});
