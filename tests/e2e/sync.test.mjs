// Sync through a stock @y/websocket-server on 127.0.0.1 (started here, as the setup script
// installs it), between separate browser profiles: edits arrive within 2 s; joining merges two
// libraries; offline edits on both sides are both kept; rename against edit and delete against
// edit both hold; a restarted server loses nothing; a wiped one deletes nothing and is filled
// again; changes made offline survive a reload; answers to one card on two devices are all kept
// and the card's schedule is replayed from them; a suspension and settings reach the other device;
// attached files reach the other device, survive a reload and go up again to a wiped server;
// a Hocuspocus server with a token works the same, and refuses a wrong token.

import assert from 'node:assert/strict';
import {
  describeApp,
  newProfile,
  assertNoProblems,
  createNote,
  openNote,
  edit,
  done,
  textBox,
  titleBox,
  waitForSaved,
  article,
  sidebarTitles,
  waitFor,
  startSyncServer,
  turnSyncOn,
  waitForSynced,
  syncStatus,
  noteHeading,
  goToRoute,
  openReview,
  answerCard,
  dumpDatabase,
  cardRow,
  later,
  MINUTE,
} from './harness.mjs';

const bodyOf = async (page) => (await article(page).innerText()).trim();

// A 1x1 PNG; bytes after its end are ignored by decoders, so each `variant` is another file.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const png = (variant) => Buffer.concat([PNG, Buffer.from(variant)]);

/** Writes a note `title` whose text embeds a picture attached through the editor. */
async function noteWithPicture(page, title, name, bytes) {
  await createNote(page, title);
  await edit(page);
  await page.getByLabel('Attach a file').setInputFiles({ name, mimeType: 'image/png', buffer: bytes });
  await waitFor(async () => (await textBox(page).inputValue()).includes(`![[${name}]]`), {
    message: `the embed of ${name}`,
  });
  await waitForSaved(page, { sawSaving: true });
  await done(page, title);
}

/** Waits until the open note `title` in `page` shows its pictures, loaded from storage. */
async function waitForPicture(page, title, timeout = 10_000) {
  await openNote(page, title);
  await waitFor(
    async () => {
      const widths = await article(page)
        .locator('img.file')
        .evaluateAll((images) => images.map((i) => (i.complete && i.src.startsWith('blob:') ? i.naturalWidth : 0)));
      return widths.length > 0 && widths.every((w) => w > 0);
    },
    { timeout, message: `the picture in "${title}"` },
  );
}

/** The stored file records of `page`'s library: name and fingerprint, by name. */
async function storedFiles(page) {
  const dump = JSON.parse(await dumpDatabase(page));
  return {
    files: dump.files.map((f) => `${f.name} ${f.hash}`).sort(),
    contents: dump.contents.map((c) => c.id).sort(),
  };
}

/** Waits until the note `title` shows in `page`'s sidebar. */
async function waitForTitle(page, title, timeout = 5_000) {
  await waitFor(async () => (await sidebarTitles(page)).includes(title), {
    timeout,
    message: `"${title}" in the sidebar`,
  });
}

/** Opens `title` and waits until its text is `expected`. */
async function waitForBody(page, title, expected, timeout = 5_000) {
  await openNote(page, title);
  await waitFor(async () => (await bodyOf(page)) === expected, {
    timeout,
    message: `the text of "${title}" to be ${JSON.stringify(expected)}`,
  });
}

/** Rewrites the text of the open note `title` and waits for the save. */
async function rewrite(page, title, text) {
  await openNote(page, title);
  await edit(page);
  await textBox(page).fill(text);
  await waitForSaved(page, { sawSaving: true });
  await done(page, title);
}

describeApp('sync', (test, env) => {
  test('an edit on one device appears on the other within 2 s, and joining merges both libraries', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await createNote(page, 'Paris', 'Capital of France.');
      const key = await turnSyncOn(page, server.url);
      await waitForSynced(page);

      // The second device has notes of its own before it joins.
      const two = await newProfile(env);
      await createNote(two.page, 'Rome', 'Capital of Italy.');
      await turnSyncOn(two.page, server.url, key);
      await waitForTitle(two.page, 'Paris');
      await waitForTitle(page, 'Rome');
      await waitForSynced(two.page);

      await openNote(page, 'Paris');
      await edit(page);
      await textBox(page).fill('Capital of France, on the Seine.');
      const typed = Date.now();
      await waitForBody(two.page, 'Paris', 'Capital of France, on the Seine.', 4_000);
      // Typing pauses 0.5 s before a save; from there the other device has it well within 2 s.
      assert.ok(Date.now() - typed < 2_500, `arrived after ${Date.now() - typed} ms`);
      await done(page, 'Paris');

      assert.deepEqual((await sidebarTitles(page)).sort(), ['Paris', 'Rome']);
      assert.deepEqual((await sidebarTitles(two.page)).sort(), ['Paris', 'Rome']);
      assertNoProblems(two.problems, 'the second device');
      await two.context.close();
    } finally {
      await server.close();
    }
  });

  test('edits made on both devices while the server is down are both kept, with rename and delete', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await createNote(page, 'Notes', 'first line\nsecond line');
      await createNote(page, 'Old name', 'text');
      await createNote(page, 'Doomed', 'text');
      const key = await turnSyncOn(page, server.url);
      const two = await newProfile(env);
      await turnSyncOn(two.page, server.url, key);
      await waitForTitle(two.page, 'Doomed');
      await waitForSynced(page);
      await waitForSynced(two.page);

      await server.stop();
      await waitFor(async () => (await syncStatus(page).innerText()).startsWith('Offline'), {
        timeout: 10_000,
        message: 'the first device to say it is offline',
      });
      await rewrite(page, 'Notes', 'first line, from one\nsecond line');
      await rewrite(two.page, 'Notes', 'first line\nsecond line, from two');
      // A rename on one, an edit on the other.
      await openNote(page, 'Old name');
      await edit(page);
      await titleBox(page).fill('New name');
      await titleBox(page).press('Enter');
      await done(page, 'New name');
      await rewrite(two.page, 'Old name', 'text, edited');
      // A delete on one, a later edit on the other: the edit wins.
      await openNote(page, 'Doomed');
      await page.getByRole('button', { name: 'Delete note', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
      await rewrite(two.page, 'Doomed', 'text, still wanted');
      await waitFor(async () => /kept here/.test(await syncStatus(page).innerText()), {
        message: 'changes kept while offline',
      });

      await server.start();
      await waitForSynced(page, { timeout: 20_000 });
      await waitForSynced(two.page, { timeout: 20_000 });
      const both = 'first line, from one\nsecond line, from two';
      for (const device of [page, two.page]) {
        await waitForBody(device, 'Notes', both, 8_000);
        await waitForBody(device, 'New name', 'text, edited', 8_000);
        await waitForBody(device, 'Doomed', 'text, still wanted', 8_000);
      }
      await waitFor(async () => /“Doomed” is back from the Trash/.test(await page.locator('body').innerText()), {
        message: 'a notice that the deleted note came back',
      });
      assertNoProblems(two.problems, 'the second device');
      await two.context.close();
    } finally {
      await server.close();
    }
  }, { timeout: 150_000 });

  test('a wiped server deletes nothing and is filled again; changes made offline survive a reload', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await createNote(page, 'Kept', 'kept text');
      const key = await turnSyncOn(page, server.url);
      await waitForSynced(page);

      // Wiped while connected: the library stays, and uploads again on reconnecting.
      await server.wipe();
      await waitForSynced(page, { timeout: 20_000 });
      assert.deepEqual(await sidebarTitles(page), ['Kept']);
      const three = await newProfile(env);
      await turnSyncOn(three.page, server.url, key);
      await waitForBody(three.page, 'Kept', 'kept text', 8_000);

      // Offline, edit, reload: the change waits in storage and goes out once the server is back.
      await server.stop();
      await rewrite(page, 'Kept', 'kept text, written offline');
      await page.reload();
      await noteHeading(page, 'Kept').waitFor();
      await waitFor(async () => (await syncStatus(page).innerText()).startsWith('Offline'), {
        timeout: 10_000,
        message: 'offline after the reload',
      });
      await server.start();
      await waitForBody(three.page, 'Kept', 'kept text, written offline', 20_000);
      assertNoProblems(three.problems, 'the third device');
      await three.context.close();
    } finally {
      await server.close();
    }
  }, { timeout: 150_000 });

  test('typing goes on while another device edits the same note: both kept, the caret stays', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await createNote(page, 'Shared', 'middle');
      const key = await turnSyncOn(page, server.url);
      const two = await newProfile(env);
      await turnSyncOn(two.page, server.url, key);
      await waitForTitle(two.page, 'Shared');
      await waitForSynced(page);
      await waitForSynced(two.page);

      // The second device types at the end, key by key, while the first adds a line at the start.
      await openNote(two.page, 'Shared');
      await edit(two.page);
      await textBox(two.page).focus();
      await textBox(two.page).press('End');
      await openNote(page, 'Shared');
      await edit(page);
      await textBox(page).fill('start\nmiddle');
      for (const key of ' end') {
        await textBox(two.page).press(key === ' ' ? 'Space' : key);
        await two.page.waitForTimeout(150);
      }
      let shown = '';
      await waitFor(async () => (shown = await textBox(two.page).inputValue()) === 'start\nmiddle end', {
        timeout: 8_000,
        message: 'both edits in the typing device',
      }).catch((error) => {
        throw new Error(`${error.message}; it shows ${JSON.stringify(shown)}`);
      });
      // The caret stayed at the end of what was typed.
      await textBox(two.page).press('!');
      assert.equal(await textBox(two.page).inputValue(), 'start\nmiddle end!');
      await waitFor(async () => (await textBox(page).inputValue()) === 'start\nmiddle end!', {
        timeout: 8_000,
        message: 'both edits on the first device',
      });
      assertNoProblems(two.problems, 'the second device');
      await two.context.close();
    } finally {
      await server.close();
    }
  });

  test('a wrong address or a short key is refused with a reason, and sync turns off cleanly', async ({ page }) => {
    await goToRoute(page, '#/settings');
    const section = page.getByRole('region', { name: 'Sync', exact: true });
    await section.getByRole('textbox', { name: 'Server address' }).fill('http://example.org');
    await section.getByRole('textbox', { name: 'Sync key' }).fill('short');
    await section.getByRole('button', { name: 'Turn sync on' }).click();
    await waitFor(async () => /must start with wss:\/\//.test(await section.getByRole('alert').innerText()), {
      message: 'the address refused',
    });
    const server = await startSyncServer();
    try {
      await createNote(page, 'Mine', 'my text');
      await turnSyncOn(page, server.url);
      await waitForSynced(page);
      await goToRoute(page, '#/settings');
      await section.getByRole('button', { name: 'Turn sync off' }).click();
      await section.getByRole('button', { name: 'Turn sync on' }).waitFor();
      assert.equal(await syncStatus(page).count(), 0);
      assert.deepEqual(await sidebarTitles(page), ['Mine']);
    } finally {
      await server.close();
    }
  });

  const T0 = new Date('2026-03-02T09:00:00Z');

  /** The review log and the cards `page` has stored. */
  const stored = async (page) => {
    const { reviews, cards } = JSON.parse(await dumpDatabase(page));
    return { reviews: reviews.map((r) => r.id).sort(), cards };
  };

  test('answers to one card on both offline devices are all kept and replayed; suspending and settings reach the other', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await createNote(page, 'Capitals', 'Capital of France :: Paris');
      const key = await turnSyncOn(page, server.url);
      await waitForSynced(page);
      const two = await newProfile(env, { clock: later(T0, 2 * MINUTE) });
      await turnSyncOn(two.page, server.url, key);
      await waitForTitle(two.page, 'Capitals');
      await waitForSynced(two.page);

      await server.stop();
      for (const device of [page, two.page]) {
        await waitFor(async () => (await syncStatus(device).innerText()).startsWith('Offline'), {
          timeout: 10_000,
          message: 'both devices to say they are offline',
        });
      }
      // The first device answers Good at T0, the second Again two minutes later.
      await openReview(page);
      assert.equal(await answerCard(page, '3'), 'Capital of France');
      await openReview(two.page);
      assert.equal(await answerCard(two.page, '1'), 'Capital of France');
      const mine = await stored(page);
      assert.equal(mine.reviews.length, 1);
      const alone = mine.cards[0].schedule;

      await server.start();
      await waitForSynced(page, { timeout: 20_000 });
      await waitForSynced(two.page, { timeout: 20_000 });
      let one, other;
      await waitFor(
        async () => {
          [one, other] = [await stored(page), await stored(two.page)];
          return one.reviews.length === 2 && other.reviews.length === 2;
        },
        { timeout: 8_000, message: 'both answers on both devices' },
      );
      assert.deepEqual(one.reviews, other.reviews);
      const [card] = one.cards;
      assert.deepEqual(card.schedule, other.cards[0].schedule, 'one schedule on both devices');
      assert.equal(card.schedule.last_review, later(T0, 2 * MINUTE).getTime(), 'the later answer counts last');
      assert.equal(card.schedule.step, 0, 'Again put it back to the first learning step');
      assert.notDeepEqual(card.schedule.stability, alone.stability, 'built on both answers, not one');
      assert.equal(card.introduced, T0.getTime(), 'first answered on the first device');

      // A suspension on one reaches the other, in its note's cards.
      await openNote(page, 'Capitals');
      await cardRow(page, 'Capital of France').getByRole('button', { name: 'Suspend', exact: true }).click();
      await openNote(two.page, 'Capitals');
      await cardRow(two.page, 'Capital of France')
        .getByRole('button', { name: 'Resume', exact: true })
        .waitFor({ timeout: 5_000 });
      assert.equal((await stored(two.page)).cards[0].suspended, true);

      // Settings changed on the second device reach the first.
      await goToRoute(two.page, '/settings');
      await two.page.getByLabel('New cards per day').fill('7');
      await two.page.getByRole('button', { name: 'Save settings' }).click();
      await two.page.getByText('Settings saved.').waitFor();
      await goToRoute(page, '/settings');
      await waitFor(async () => (await page.getByLabel('New cards per day').inputValue()) === '7', {
        message: 'the first device to show 7 new cards per day',
      });
      assertNoProblems(two.problems, 'the second device');
      await two.context.close();
    } finally {
      await server.close();
    }
  }, { clock: T0 });

  test('attached files reach the other device, stay through a reload, and go up again to a wiped server', async ({ page }) => {
    const server = await startSyncServer();
    try {
      await noteWithPicture(page, 'Japan', 'japan.png', png('japan'));
      const key = await turnSyncOn(page, server.url);
      await waitForSynced(page);

      const two = await newProfile(env);
      await turnSyncOn(two.page, server.url, key);
      await waitForTitle(two.page, 'Japan');
      await waitForPicture(two.page, 'Japan');
      // And the other way, while both are connected.
      await noteWithPicture(two.page, 'Korea', 'korea.png', png('korea'));
      await waitForTitle(page, 'Korea');
      await waitForPicture(page, 'Korea');
      await waitForSynced(page);
      await waitForSynced(two.page);
      const one = await storedFiles(page);
      assert.equal(one.files.length, 2);
      assert.equal(one.contents.length, 2);
      assert.deepEqual(await storedFiles(two.page), one, 'the same files and contents on both');

      await two.page.reload();
      await waitForPicture(two.page, 'Japan');

      // Wiped: the documents go up again and so do the contents, for a device joining after.
      await server.wipe();
      await waitForSynced(page, { timeout: 20_000 });
      await waitForSynced(two.page, { timeout: 20_000 });
      const three = await newProfile(env);
      await turnSyncOn(three.page, server.url, key);
      await waitForPicture(three.page, 'Japan', 20_000);
      await waitForPicture(three.page, 'Korea', 20_000);
      assert.deepEqual(await storedFiles(three.page), one);
      for (const device of [two, three]) assertNoProblems(device.problems, 'another device');
      await two.context.close();
      await three.context.close();
    } finally {
      await server.close();
    }
  }, { timeout: 150_000 });

  test('through a Hocuspocus server with a token: both libraries merge and edits arrive; a wrong token is refused', async ({ page }) => {
    const token = 'e2e-hocuspocus-token-0123';
    const server = await startSyncServer({ token });
    try {
      await createNote(page, 'Paris', 'Capital of France.');
      await noteWithPicture(page, 'Japan', 'japan.png', png('japan'));
      const key = await turnSyncOn(page, server.url, undefined, { token });
      await waitForSynced(page);
      const two = await newProfile(env);
      await createNote(two.page, 'Rome', 'Capital of Italy.');
      await turnSyncOn(two.page, server.url, key, { token });
      await waitForTitle(two.page, 'Paris');
      await waitForTitle(page, 'Rome');
      await waitForPicture(two.page, 'Japan');
      await rewrite(page, 'Paris', 'Capital of France, on the Seine.');
      await waitForBody(two.page, 'Paris', 'Capital of France, on the Seine.');
      assertNoProblems(two.problems, 'the second device');
      await two.context.close();

      // The right key with a wrong token: refused, with the server's reason; nothing moves.
      const three = await newProfile(env);
      await createNote(three.page, 'Madrid', 'Capital of Spain.');
      await turnSyncOn(three.page, server.url, key, { token: 'not-the-right-token' });
      await waitFor(async () => /The sync token is wrong/.test(await syncStatus(three.page).getAttribute('title')), {
        message: 'the refusal with its reason',
      });
      assert.deepEqual(await sidebarTitles(three.page), ['Madrid']);
      assert.ok(!(await sidebarTitles(page)).includes('Madrid'));
      await three.context.close();
    } finally {
      await server.close();
    }
  });
});
