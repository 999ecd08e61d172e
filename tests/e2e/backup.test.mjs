// Backups: everything into one file; restored into an empty profile it gives the same library
// (notes, cards, review log, settings); into a non-empty one it merges with the conflict choices
// of shared imports; a foreign or broken file is refused and changes nothing.

import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  describeApp,
  watch,
  assertNoProblems,
  openStart,
  setClock,
  createNote,
  openNote,
  edit,
  textBox,
  waitForSaved,
  done,
  openReview,
  answerCard,
  waitForCounts,
  goToRoute,
  dumpDatabase,
  sidebarTitles,
  waitFor,
  article,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');

async function openSettings(page) {
  await goToRoute(page, '/settings');
  await page.getByRole('heading', { level: 2, name: 'Backup', exact: true }).waitFor();
}

async function downloadBackup(page) {
  await openSettings(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download a backup', exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^Loam backup \d{4}-\d{2}-\d{2}\.loambackup$/);
  return download.path();
}

async function chooseBackup(page, file) {
  await openSettings(page);
  await page.getByLabel('Restore from a backup file').setInputFiles(file);
}

/** The stores a backup must carry, and the settings, from a dump of the database. */
function carried(dump) {
  const all = JSON.parse(dump);
  return {
    notes: all.notes,
    cards: all.cards,
    reviews: all.reviews,
    settings: all.meta.find((m) => m.key === 'review_settings')?.value,
  };
}

describeApp('backup', (test) => {
  test('a backup restored into an empty profile gives the same library', async ({ page, env }) => {
    await createNote(page, 'Alpha', 'Capital of France :: Paris\n\nLargest ocean ::: Pacific');
    await createNote(page, 'Beta', 'See [[Alpha]].\n\nThe {{c1::Seine}} flows through Paris.');
    await openReview(page);
    await waitForCounts(page, '0 due · 4 new');
    for (let i = 0; i < 3; i++) await answerCard(page, '3');
    await goToRoute(page, '/settings');
    await page.getByLabel('New cards per day').fill('15');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const original = carried(await dumpDatabase(page));
    assert.equal(original.reviews.length, 3);
    const file = await downloadBackup(page);

    const context = await env.browser.newContext({ timezoneId: 'UTC' });
    try {
      const other = await context.newPage();
      const problems = watch(other);
      await setClock(other, T0);
      await openStart(other, env.url);
      await chooseBackup(other, file);
      const preview = other.getByRole('list', { name: 'What the restore would do' });
      await preview.waitFor();
      assert.deepEqual((await preview.getByRole('listitem').allInnerTexts()).map((t) => t.trim()), [
        '2 notes new',
        '0 notes already here',
        '4 cards new, 0 with more history',
        '3 new answers in the review log',
      ]);
      await other.getByRole('button', { name: 'Restore', exact: true }).click();
      await other.getByText('The backup is restored.').waitFor();
      assert.deepEqual(carried(await dumpDatabase(other)), original);
      assert.equal(await other.getByLabel('New cards per day').inputValue(), '15');
      await other.reload();
      await openNote(other, 'Beta');
      await article(other).getByRole('link', { name: 'Alpha' }).waitFor();
      assertNoProblems(problems, 'the restored profile');
    } finally {
      await context.close();
    }
  }, { timeout: 120_000 });

  test('restoring into a library that changed since: conflicts are chosen, nothing is dropped', async ({ page }) => {
    await createNote(page, 'Alpha', 'alpha as backed up');
    await createNote(page, 'Beta', 'beta as backed up');
    const file = await downloadBackup(page);
    for (const [title, body] of [['Alpha', 'alpha edited since'], ['Beta', 'beta edited since']]) {
      await openNote(page, title);
      await edit(page);
      await textBox(page).fill(body);
      await waitForSaved(page, { sawSaving: true });
      await done(page, title);
    }
    await createNote(page, 'Gamma', 'new since the backup');
    await chooseBackup(page, file);
    const choose = (title, choice) =>
      page.getByRole('group', { name: `“${title}”` }).getByRole('radio', { name: choice }).check();
    await choose('Alpha', 'Keep mine');
    await choose('Beta', 'Keep both (theirs as a copy)');
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByText('The backup is restored.').waitFor();
    const bodies = {};
    for (const title of (await sidebarTitles(page)).sort()) {
      await openNote(page, title);
      bodies[title] = (await article(page).innerText()).trim();
    }
    assert.deepEqual(bodies, {
      Alpha: 'alpha edited since',
      Beta: 'beta edited since',
      'Beta (from backup)': 'beta as backed up',
      Gamma: 'new since the backup',
    });
  }, { timeout: 90_000 });

  test('a foreign, broken or shared-bundle file is refused and changes nothing', async ({ page }) => {
    await createNote(page, 'Mine', 'Local :: card');
    const before = await dumpDatabase(page);
    const dir = await mkdtemp(path.join(tmpdir(), 'loam-e2e-backup-'));
    try {
      const files = [
        ['notes.txt', Buffer.from('not a backup at all'), /not a Loam backup/],
        ['bundle.loam', Buffer.concat([Buffer.from('LOAM'), Buffer.from([1]), Buffer.from('xyz')]), /shared bundle, not a backup/],
        ['cut.loambackup', Buffer.from('LOAMBACKUP'), /cut off/],
      ];
      for (const [name, bytes, message] of files) {
        const file = path.join(dir, name);
        await writeFile(file, bytes);
        await chooseBackup(page, file);
        await waitFor(async () => message.test(await page.getByRole('alert').innerText()), {
          message: `${name}: ${message}`,
        });
        assert.match(await page.getByRole('alert').innerText(), /Nothing was restored\./);
        assert.equal(await dumpDatabase(page), before);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
