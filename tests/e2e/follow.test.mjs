// Following a course from where its author published it: the author publishes an encrypted file
// on a host (here the loopback server) and later publishes updates to the same address with the
// same key; the learner who opened the link follows the course, checks for updates on its page
// and by itself once a day, and keeps their history; every check that finds no update says why
// and leaves IndexedDB byte for byte as it was.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import {
  describeApp,
  assertNoProblems,
  createNote,
  openNote,
  edit,
  textBox,
  waitForSaved,
  done,
  noteCards,
  openReview,
  waitForCounts,
  answerCard,
  comeBackAt,
  waitFor,
  dumpDatabase,
  DAY,
  later,
  newProfile,
  shareDialog,
  shareLink,
  closeShare,
  previewSummary,
  openLink,
  importNow,
  goToRoute,
  axeViolations,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');
const hostedPath = '/hosted/spanish-follow.loam';

/** The author's course: a root note linking to a note of two cards. */
async function writeCourse(page) {
  await createNote(page, 'Numbers', 'Uno :: One ^uno\n\nDos :: Two ^dos');
  await createNote(page, 'Spanish basics', 'Start with [[Numbers]].');
}

/** Publishes the open course at `address` for the first time: the sealed file and its link. */
async function publish(page, address) {
  await shareLink(page);
  const dialog = shareDialog(page);
  await dialog.getByText('Encrypted file on a web host', { exact: true }).click();
  await dialog.getByRole('textbox', { name: 'Address where you will put the file' }).fill(address);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download encrypted file' }).click(),
  ]);
  const sealed = await readFile(await download.path());
  const link = await dialog.getByRole('textbox', { name: 'Link to the hosted file' }).inputValue();
  await closeShare(page);
  return { sealed, link };
}

/** Publishes an update of the open course where it was published: the sealed file and link. */
async function publishUpdate(page, address) {
  await shareLink(page);
  const dialog = shareDialog(page);
  await dialog.getByText(`Published at ${address}`).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'the share dialog of a published course');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Publish an update', exact: true }).click(),
  ]);
  const sealed = await readFile(await download.path());
  const link = await dialog.getByRole('textbox', { name: 'Link to the hosted file' }).inputValue();
  await closeShare(page);
  return { sealed, link };
}

async function rewrite(page, title, body) {
  await openNote(page, title);
  await edit(page);
  await textBox(page).fill(body);
  await waitForSaved(page, { sawSaving: true });
  await done(page, title);
}

const updates = (page) => page.getByRole('region', { name: 'Updates', exact: true });

async function openCourse(page) {
  await goToRoute(page, '/');
  await page.getByRole('list', { name: 'Your courses' }).getByRole('link', { name: 'Spanish basics' }).click();
  await updates(page).waitFor();
}

/** Checks for updates on the course page and returns what it says (or null for a preview). */
async function checkNow(page) {
  await updates(page).getByRole('button', { name: /^(Check for updates|See the update)$/ }).click();
  // Read in one go: the course page leaves when the preview opens.
  const answer = () =>
    page.evaluate(() => {
      const heading = document.querySelector('h1')?.textContent ?? '';
      if (heading.startsWith('Import the course')) return { preview: true };
      const said = document.querySelector('.course-source [role=status]')?.textContent.trim();
      return said ? { said } : null;
    });
  const found = await waitFor(answer, { message: 'the check answered' });
  return found.preview ? null : found.said;
}

describeApp('following a course', (test) => {
  test('an author publishes updates to one address; the learner follows, checks and keeps their history', async ({ page: author, env }) => {
    await writeCourse(author);
    await openNote(author, 'Spanish basics');
    const address = `${env.url}${hostedPath.slice(1)}`;
    const first = await publish(author, address);
    env.hosted.set(hostedPath, first.sealed);

    const learner = await newProfile(env, { clock: T0 });
    try {
      const { page } = learner;
      await openLink(page, first.link);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await updates(page).getByText(`Followed from ${address}`).waitFor();
      await updates(page).getByText(/^Last checked /).waitFor();
      assert.deepEqual(await axeViolations(page), [], 'the course page of a followed course');
      await page.getByRole('button', { name: 'Add 2 cards to my reviews' }).click();
      await openReview(page);
      await waitForCounts(page, '0 due · 2 new');
      await answerCard(page, '3');
      await answerCard(page, '3');
      await openNote(page, 'Numbers');
      const before = await noteCards(page);

      // Nothing new yet: said, and nothing stored.
      await openCourse(page);
      const stored = await dumpDatabase(page);
      assert.equal(await checkNow(page), 'No update: the published file holds the version you have.');
      assert.equal(await dumpDatabase(page), stored, 'a check that found nothing stored nothing');

      // The author changes a card and adds one, and publishes an update: same link, new file.
      await rewrite(author, 'Numbers', 'Uno :: One (1) ^uno\n\nDos :: Two ^dos\n\nTres :: Three ^tres');
      await openNote(author, 'Spanish basics');
      const second = await publishUpdate(author, address);
      assert.equal(second.link, first.link, 'the link learners have keeps working');
      assert.equal(second.sealed.subarray(0, 5).toString(), 'LOAMX');
      assert.notDeepEqual(second.sealed.subarray(5, 17), first.sealed.subarray(5, 17), 'a fresh IV');
      env.hosted.set(hostedPath, second.sealed);

      assert.equal(await checkNow(page), null, 'the update opens its preview');
      assert.deepEqual(await previewSummary(page), ['1 note updated', '1 note unchanged', '3 cards in these notes']);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await openNote(page, 'Numbers');
      const after = await noteCards(page);
      assert.deepEqual(after.map((c) => c.front), ['Uno', 'Dos', 'Tres']);
      assert.equal(after[0].status, before[0].status, 'the changed card kept its schedule');
      assert.equal(after[1].status, before[1].status);
      assert.equal(after[2].status, 'not in your deck');

      // A third version; the learner's own start of the day finds it, at most once a day.
      await rewrite(author, 'Numbers', 'Uno :: One (1) ^uno\n\nDos :: Two (2) ^dos\n\nTres :: Three ^tres');
      await openNote(author, 'Spanish basics');
      env.hosted.set(hostedPath, (await publishUpdate(author, address)).sealed);
      const fetched = [];
      page.on('request', (request) => {
        if (request.url().endsWith(hostedPath)) fetched.push(request.url());
      });
      await comeBackAt(page, later(T0, 60 * 60 * 1000));
      await openCourse(page);
      await page.waitForTimeout(500);
      assert.deepEqual(fetched, [], 'checked today already: no check at start');
      await comeBackAt(page, later(T0, DAY + 60 * 1000));
      await openCourse(page);
      await updates(page).getByText('A newer version of this course is published.').waitFor();
      assert.equal(fetched.length, 1, 'one check at the start of the day');
      assert.equal(await checkNow(page), null, 'See the update opens its preview');
      assert.deepEqual(await previewSummary(page), ['1 note updated', '1 note unchanged', '3 cards in these notes']);
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      env.hosted.clear();
      await learner.context.close();
    }
  }, { timeout: 180_000 });

  test('a host away, a wrong key, a file that is no bundle and an older version each say so and change nothing', async ({ page: author, env }) => {
    await writeCourse(author);
    await openNote(author, 'Spanish basics');
    const address = `${env.url}${hostedPath.slice(1)}`;
    const first = await publish(author, address);
    await rewrite(author, 'Numbers', 'Uno :: One (1) ^uno\n\nDos :: Two ^dos');
    await openNote(author, 'Spanish basics');
    const second = await publishUpdate(author, address);
    // The same course published elsewhere: another key.
    const elsewhere = await (async () => {
      await shareLink(author);
      const dialog = shareDialog(author);
      await dialog.getByRole('textbox', { name: 'Or publish at another address (a new link)' }).fill(`${env.url}hosted/other.loam`);
      const [download] = await Promise.all([
        author.waitForEvent('download'),
        dialog.getByRole('button', { name: 'Download encrypted file' }).click(),
      ]);
      const sealed = await readFile(await download.path());
      await closeShare(author);
      return sealed;
    })();
    env.hosted.set(hostedPath, second.sealed);

    const learner = await newProfile(env, { clock: T0 });
    try {
      const { page } = learner;
      await openLink(page, first.link);
      assert.deepEqual(await previewSummary(page), ['2 notes new', '2 cards in these notes']);
      await importNow(page);
      await updates(page).waitFor();
      const stored = await dumpDatabase(page);

      const unreachable = (route) => route.abort('connectionrefused');
      const cases = [
        ['the host cannot be reached', () => page.route(`**${hostedPath}`, unreachable), /could not be fetched/],
        ['the host has no file', () => page.unroute(`**${hostedPath}`, unreachable).then(() => env.hosted.delete(hostedPath)), /answered 404/],
        ['a wrong key', () => env.hosted.set(hostedPath, elsewhere), /does not open the course file/],
        ['not a bundle', () => env.hosted.set(hostedPath, randomBytes(300)), /not a Loam bundle/],
        ['an older version', () => env.hosted.set(hostedPath, first.sealed), /older version than the one you have/],
      ];
      for (const [name, arrange, message] of cases) {
        await arrange();
        await openCourse(page);
        const said = await checkNow(page);
        assert.match(said ?? 'a preview', message, name);
        assert.match(said, /Nothing was changed\.$/, name);
        assert.equal(await dumpDatabase(page), stored, `${name}: IndexedDB as it was`);
      }

      // Stopping keeps the notes and cards.
      await updates(page).getByRole('button', { name: 'Stop following', exact: true }).click();
      await updates(page).waitFor({ state: 'hidden' });
      await openNote(page, 'Numbers');
      assert.equal((await noteCards(page)).length, 2);
      // The refused connection and the 404 asked for above are the console errors expected.
      learner.problems.consoleErrors = learner.problems.consoleErrors.filter(
        (e) => !/404 \(Not Found\)|ERR_CONNECTION_REFUSED|Failed to fetch/.test(e),
      );
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      env.hosted.clear();
      await learner.context.close();
    }
  }, { timeout: 120_000 });
});
