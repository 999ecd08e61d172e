// Sharing between two separate browser profiles: an author shares a course (link, file,
// encrypted hosted file), a learner previews, imports, adds the cards and reviews; the author
// updates the course and the learner keeps their history; conflicts are resolved by choice.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import {
  goToRoute,
  describeApp,
  assertNoProblems,
  createNote,
  openNote,
  edit,
  textBox,
  waitForSaved,
  done,
  noteText,
  noteCards,
  cardRow,
  openReview,
  waitForCounts,
  answerCard,
  comeBackAt,
  waitFor,
  waitForText,
  sidebarTitles,
  DAY,
  later,
  newProfile,
  shareDialog,
  shareLink,
  closeShare,
  previewSummary,
  openLink,
  importNow,
  phone,
  axeViolations,
} from './harness.mjs';

const T0 = new Date('2026-03-02T09:00:00Z');


/** The course page's figures: { Cards, 'In your reviews', Studied, 'Average recall' }. */
async function courseFigures(page) {
  const figures = page.getByRole('definition');
  await figures.first().waitFor();
  const terms = await page.getByRole('term').allInnerTexts();
  const values = await figures.allInnerTexts();
  return Object.fromEntries(terms.map((t, i) => [t.trim(), values[i].trim()]));
}

async function rewrite(page, body) {
  await edit(page);
  await textBox(page).fill(body);
  await waitForSaved(page, { sawSaving: true });
}

const courseNotes = {
  'Spanish basics': 'Welcome! Start with [[Greetings]], then [[Numbers]].\n\nHola :: Hello ^hola',
  Greetings: 'Buenos días :: Good morning ^bd',
  Numbers: 'Uno :: One ^uno\n\nDos :: Two ^dos',
};

async function writeCourse(page) {
  for (const [title, body] of Object.entries(courseNotes).reverse()) {
    await createNote(page, title, body);
  }
  await openNote(page, 'Spanish basics');
}

describeApp('sharing', (test) => {
  test('a course goes by link to a learner, who imports, studies, and keeps their history through an update', async ({ page: author, env }) => {
    await writeCourse(author);
    const link = await shareLink(author, { author: 'Ana Autora' });
    const dialog = shareDialog(author);
    await dialog.getByText(/^3 notes, 4 cards · [\d.]+ (bytes|KB)$/).waitFor();
    assert.match(link, /#\/import\/[A-Za-z0-9_-]+$/);
    await dialog.getByRole('img', { name: 'QR code of the share link' }).waitFor();
    await closeShare(author);

    const learner = await newProfile(env, { clock: T0 });
    try {
      const { page } = learner;
      await createNote(page, 'My own note', 'Mine :: mine');
      await openLink(page, link);
      await page.getByText(/^By Ana Autora · version of /).waitFor();
      assert.deepEqual(await previewSummary(page), ['3 notes new', '4 cards in these notes']);
      // Nothing is stored before the learner agrees.
      assert.deepEqual(await sidebarTitles(page), ['My own note']);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      assert.match(page.url(), /#\/course\//, 'the bundle left the address');
      assert.deepEqual(await courseFigures(page), {
        Cards: '4',
        'In your reviews': '0',
        Studied: '0',
        'Average recall': 'not studied',
      });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Add 4 cards to my reviews' }).click();
      await waitFor(async () => (await courseFigures(page))['In your reviews'] === '4', { message: 'cards added' });

      // The learner studies every card.
      await openReview(page);
      await waitForCounts(page, '0 due · 5 new');
      for (let i = 0; i < 5; i++) await answerCard(page, '4');
      await waitForCounts(page, '0 due · 0 new');
      await comeBackAt(page, later(T0, DAY));
      await openNote(page, 'Numbers');
      const before = await noteCards(page);
      assert.ok(before.every((c) => /^due in \d+ d, recall \d+%$/.test(c.status)), JSON.stringify(before));

      // The author updates a card, adds one and shares again.
      await openNote(author, 'Numbers');
      await rewrite(author, 'Uno :: One (1) ^uno\n\nDos :: Two ^dos\n\nTres :: Three ^tres');
      await done(author, 'Numbers');
      await openNote(author, 'Spanish basics');
      const link2 = await shareLink(author);
      assert.notEqual(link2, link);

      await openLink(page, link2);
      assert.deepEqual(await previewSummary(page), ['1 note updated', '2 notes unchanged', '5 cards in these notes']);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await openNote(page, 'Numbers');
      const after = await noteCards(page);
      assert.deepEqual(after.map((c) => c.front), ['Uno', 'Dos', 'Tres']);
      assert.equal(after[0].status, before[0].status, 'the changed card kept its schedule');
      assert.equal(after[1].status, before[1].status);
      assert.equal(after[2].status, 'not in your deck');
      assert.equal(await (await noteText(page)).includes('One (1)'), true);
      await done(page, 'Numbers');
      await cardRow(page, 'Tres').getByRole('button', { name: 'Add to reviews' }).click();
      await waitFor(async () => (await noteCards(page))[2].status === 'new', { message: 'Tres added' });
      assert.deepEqual((await sidebarTitles(page)).sort(), ['Greetings', 'My own note', 'Numbers', 'Spanish basics']);
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      await learner.context.close();
    }
  }, { timeout: 180_000 });

  test('a bundle file and an encrypted file on a web host carry a course too', async ({ page: author, env }) => {
    await writeCourse(author);
    await shareLink(author);
    const dialog = shareDialog(author);
    const [download] = await Promise.all([
      author.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download bundle file' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'Spanish basics.loam');
    const file = await download.path();

    // The encrypted copy, and the link that names where it will be hosted.
    const address = `${env.url}hosted/spanish.loam`;
    await dialog.getByText('Encrypted file on a web host', { exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Address where you will put the file' }).fill(address);
    const [sealedDownload] = await Promise.all([
      author.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download encrypted file' }).click(),
    ]);
    const sealed = await readFile(await sealedDownload.path());
    const hostedLink = await dialog.getByRole('textbox', { name: 'Link to the hosted file' }).inputValue();
    assert.ok(hostedLink.includes('#/open?url='), hostedLink);
    // The file alone gives nothing away.
    assert.equal(sealed.includes(Buffer.from('Buenos')), false);
    assert.equal(sealed.subarray(0, 5).toString(), 'LOAMX');

    const learner = await newProfile(env);
    try {
      const { page } = learner;
      await page.getByRole('navigation', { name: 'Study' }).getByRole('link', { name: 'Open a shared file' }).click();
      await page.getByRole('heading', { level: 1, name: 'Open a shared file' }).waitFor();
      // An encrypted file cannot be opened without its link.
      const sealedPath = await sealedDownload.path();
      await page.getByLabel('Bundle file').setInputFiles(sealedPath);
      await page.getByRole('alert').getByText(/is encrypted: open it with the link that came with it/).waitFor();
      await page.getByLabel('Bundle file').setInputFiles(file);
      await page.getByRole('heading', { name: 'Import the course “Spanish basics”' }).waitFor();
      assert.deepEqual(await previewSummary(page), ['3 notes new', '4 cards in these notes']);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('heading', { name: 'Welcome to Loam' }).waitFor();
      assert.deepEqual(await sidebarTitles(page), [], 'cancel imports nothing');

      // The same files picked on "Import and export" (where other tools' files go) are known
      // for what they are: the bundle opens its preview, the encrypted file says it is one.
      await goToRoute(page, '/import-export');
      const pickFiles = page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)');
      await pickFiles.setInputFiles(sealedPath);
      await page.getByRole('alert').getByText(/is encrypted: open it with the link that came with it/).waitFor();
      await pickFiles.setInputFiles(file);
      await page.getByRole('heading', { name: 'Import the course “Spanish basics”' }).waitFor();
      assert.deepEqual(await previewSummary(page), ['3 notes new', '4 cards in these notes']);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('heading', { name: 'Welcome to Loam' }).waitFor();
      assert.deepEqual(await sidebarTitles(page), [], 'cancel imports nothing');

      // Hosted, before the file is uploaded: the host answers 404.
      await openLink(page, hostedLink, 'This cannot be imported');
      await page.getByRole('alert').getByText(/answered 404/).waitFor();
      env.hosted.set('/hosted/spanish.loam', sealed);
      // With a wrong key the file stays closed.
      const wrongKey = hostedLink.replace(/key=([A-Za-z0-9_-])/, (_, c) => `key=${c === 'A' ? 'B' : 'A'}`);
      await openLink(page, wrongKey, 'This cannot be imported');
      await page.getByRole('alert').getByText(/does not open the course file/).waitFor();
      await openLink(page, hostedLink);
      assert.deepEqual(await previewSummary(page), ['3 notes new', '4 cards in these notes']);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      assert.deepEqual((await sidebarTitles(page)).sort(), ['Greetings', 'Numbers', 'Spanish basics']);
      // The 404 asked for above is the one console error expected.
      learner.problems.consoleErrors = learner.problems.consoleErrors.filter((e) => !/404 \(Not Found\).*hosted\/spanish\.loam/.test(e));
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      env.hosted.clear();
      await learner.context.close();
    }
  }, { timeout: 120_000 });

  test('edits on both sides: keep mine, take theirs, keep both; edits only on mine are kept', async ({ page: author, env }) => {
    await createNote(author, 'Alpha', 'alpha v1');
    await createNote(author, 'Beta', 'beta v1');
    await createNote(author, 'Gamma', 'gamma v1');
    await createNote(author, 'Delta', 'delta v1');
    await createNote(author, 'Course', 'See [[Alpha]], [[Beta]], [[Gamma]] and [[Delta]].');
    const link = await shareLink(author);
    await closeShare(author);

    const learner = await newProfile(env);
    try {
      const { page } = learner;
      await openLink(page, link);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Course', exact: true }).waitFor();
      for (const title of ['Alpha', 'Beta', 'Gamma', 'Delta']) {
        await openNote(page, title);
        await rewrite(page, `${title.toLowerCase()} mine`);
        await done(page, title);
      }
      for (const title of ['Alpha', 'Beta', 'Gamma']) {
        await openNote(author, title);
        await rewrite(author, `${title.toLowerCase()} v2`);
        await done(author, title);
      }
      await openNote(author, 'Course');
      const link2 = await shareLink(author);

      await openLink(page, link2);
      assert.deepEqual(await previewSummary(page), [
        '1 note unchanged',
        '1 note with your edits kept',
        '3 notes edited by you and by the author',
        '0 cards in these notes',
      ]);
      const choose = (title, choice) =>
        page.getByRole('group', { name: `“${title}”` }).getByRole('radio', { name: choice }).check();
      await choose('Alpha', 'Keep mine');
      await choose('Beta', 'Take theirs');
      await choose('Gamma', 'Keep both (theirs as a copy)');
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Course', exact: true }).waitFor();
      const bodies = {};
      for (const title of ['Alpha', 'Beta', 'Gamma', 'Gamma (their version)', 'Delta']) {
        await openNote(page, title);
        bodies[title] = await page.getByRole('article', { name: 'Note' }).innerText();
      }
      assert.deepEqual(bodies, {
        Alpha: 'alpha mine',
        Beta: 'beta v2',
        Gamma: 'gamma mine',
        'Gamma (their version)': 'gamma v2',
        Delta: 'delta mine',
      });
      // Kept mine stays mine at the next import of the same version: no conflict is asked again.
      await openLink(page, link2);
      assert.deepEqual(await previewSummary(page), [
        '2 notes unchanged',
        '3 notes with your edits kept',
        '0 cards in these notes',
      ]);
      assertNoProblems(learner.problems, "the learner's page");
    } finally {
      await learner.context.close();
    }
  }, { timeout: 150_000 });

  test('a bundle too large for a link says so and still offers the file', async ({ page }) => {
    // Text that barely compresses: a link cannot carry it.
    const noise = randomBytes(36_000).toString('base64');
    await createNote(page, 'Big', noise);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = shareDialog(page);
    await dialog.getByText(/^This is too large for a link \(links stay under 32000 characters\)/).waitFor();
    assert.equal(await dialog.getByRole('textbox', { name: 'Share link', exact: true }).count(), 0);
    await dialog.getByRole('button', { name: 'Download bundle file' }).waitFor();
  });

  test('a course that links into another course: named while missing, resolved by title once there', async ({ page: author, env }) => {
    await writeCourse(author);
    const basics = await shareLink(author);
    const author2 = await newProfile(env);
    const learner = await newProfile(env);
    try {
      // A second author builds on the first course.
      await openLink(author2.page, basics);
      await importNow(author2.page);
      await author2.page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await createNote(author2.page, 'Counting drills', 'Practise [[Numbers]] daily.\n\nCinco :: Five');
      const drills = await shareLink(author2.page, { scope: 'This note' });

      const { page } = learner;
      await openLink(page, drills);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Counting drills', exact: true }).waitFor();
      const note = page.getByRole('article', { name: 'Note' });
      await note.getByRole('link', { name: 'Numbers (in the course “Spanish basics”)', exact: true }).waitFor();

      await openLink(page, basics);
      await importNow(page);
      await page.getByRole('heading', { level: 1, name: 'Spanish basics', exact: true }).waitFor();
      await openNote(page, 'Counting drills');
      await note.getByRole('link', { name: 'Numbers', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Numbers', exact: true }).waitFor();
      for (const profile of [author2, learner]) assertNoProblems(profile.problems);
    } finally {
      await author2.context.close();
      await learner.context.close();
    }
  }, { timeout: 120_000 });

  for (const [width, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', phone]]) {
    test(`the share dialog fits the screen, offers a QR code only while it scans comfortably and says "Link copied" by its button (${width})`, async ({ page, context }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await createNote(page, 'Short', 'Sun :: a star');
      const link = await shareLink(page);
      const dialog = shareDialog(page);
      const qr = dialog.getByRole('img', { name: 'QR code of the share link' });
      await qr.waitFor();
      // Four pixels a module at least, where the screen allows.
      const qrWidth = await qr.evaluate((svg) => svg.getBoundingClientRect().width);
      const modules = await qr.evaluate((svg) => svg.viewBox.baseVal.width);
      assert.ok(qrWidth >= Math.min(modules * 4, viewport.width - 80), `${qrWidth}px for ${modules} modules`);
      await dialog.getByRole('button', { name: 'Copy link', exact: true }).click();
      const status = dialog.locator('.share-actions').getByRole('status');
      await waitForText(status, 'Link copied.');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
      const fits = await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= window.innerWidth);
      assert.ok(fits, 'no part of the dialog is off the screen');
      assert.deepEqual(await axeViolations(page), []);
      await closeShare(page);

      // Random text packs badly: a link still short enough to share, but a code too dense to scan.
      const words = Array.from({ length: 300 }, (_, i) => `w${(i * 7919).toString(36)}x${i}`).join(' ');
      await createNote(page, 'Long', `Moon :: ${words}`);
      const longLink = await shareLink(page);
      assert.ok(longLink.length > 1_000 && longLink.length < 32_000, `${longLink.length} characters`);
      await dialog.getByRole('button', { name: 'Copy link', exact: true }).waitFor();
      assert.equal(await qr.count(), 0, 'no QR code for a code too dense to scan');
      await closeShare(page);
    }, { viewport });
  }
});
