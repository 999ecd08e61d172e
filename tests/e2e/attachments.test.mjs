// Images and other files attached to notes: pasted, dropped or picked in the editor, stored in
// the browser, shown in the note and in review, listed in Settings, and refused when hostile or
// too large.

import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  describeApp,
  createNote,
  edit,
  done,
  textBox,
  article,
  openNote,
  waitFor,
  waitForSaved,
  dumpDatabase,
  goToRoute,
  openReview,
  showAnswer,
  newProfile,
  shareLink,
  shareDialog,
  openLink,
  importNow,
  previewSummary,
  assertNoProblems,
  answerRegion,
} from './harness.mjs';

// A 1x1 PNG; bytes after its end are ignored by decoders, so each `variant` is another file.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const OLD_NOTE = {
  id: 'old-note-1',
  title: 'Kept from before',
  body: 'Capital of France :: Paris',
  created: 1_700_000_000_000,
  updated: 1_700_000_000_000,
};
const png = (variant = '') => Buffer.concat([PNG, Buffer.from(variant)]);

/** Hands `files` ({ name, type, bytes }) to the editor's text as a paste or a drop would. */
async function putInEditor(page, how, files) {
  await textBox(page).evaluate(
    (area, { how, files }) => {
      const transfer = new DataTransfer();
      for (const f of files) {
        transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      }
      if (how === 'paste') {
        area.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
        );
      } else {
        const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
        area.dispatchEvent(new DragEvent('dragover', init));
        area.dispatchEvent(new DragEvent('drop', init));
      }
    },
    { how, files: files.map((f) => ({ ...f, bytes: [...f.bytes] })) },
  );
}

const noteHeadingOf = (page, title) => page.getByRole('heading', { level: 1, name: title, exact: true });
const attachStatus = (page) => page.locator('.attach-status');

/** Waits until every file image in the note has loaded, and returns their natural widths. */
async function shownImages(scope) {
  return waitFor(
    async () => {
      const widths = await scope
        .locator('img.file')
        .evaluateAll((images) => images.map((i) => (i.complete ? i.naturalWidth : 0)));
      return widths.length > 0 && widths.every((w) => w > 0) && widths;
    },
    { message: 'attached images shown' },
  );
}

async function storedFiles(page) {
  const dump = JSON.parse(await dumpDatabase(page));
  return { files: dump.files, contents: dump.contents.map((c) => c.id) };
}

/** Imports a picked folder holding one note, checking the preview's lines when given, and waits
 * for the note `title` to open. */
async function importFolder(page, folder, title, summary) {
  await goToRoute(page, '/import-export');
  await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(folder);
  await page.getByRole('heading', { name: 'Import 1 note', exact: true }).waitFor();
  if (summary) assert.deepEqual(await previewSummary(page), summary);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await noteHeadingOf(page, title).waitFor();
}

/** The types the stored contents are served as. */
async function storedTypes(page) {
  return (await storedContents(page)).map((c) => c.type);
}

/** Every stored contents as { id, type, bytes (base64) }, by hash. */
function storedContents(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('loam');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('contents').objectStore('contents').getAll();
          request.onsuccess = async () => {
            open.result.close();
            const out = [];
            for (const record of request.result) {
              const bytes = new Uint8Array(await record.blob.arrayBuffer());
              let text = '';
              for (const b of bytes) text += String.fromCharCode(b);
              out.push({ id: record.id, type: record.blob.type, bytes: btoa(text) });
            }
            resolve(out.sort((a, b) => a.id.localeCompare(b.id)));
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

async function downloadBackup(page) {
  await goToRoute(page, '/settings');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download a backup', exact: true }).click(),
  ]);
  return download.path();
}

describeApp('Attachments', (test) => {
  test('a pasted and a dropped image are stored, embedded at the caret and shown after a reload', async ({ page }) => {
    await createNote(page, 'Europe');
    await edit(page);
    await textBox(page).fill('Capitals\n');
    await putInEditor(page, 'paste', [{ name: 'image.png', type: 'image/png', bytes: png('a') }]);
    await waitFor(async () => /^Capitals\n!\[\[Pasted image \d{14}\.png\]\]\n$/.test(await textBox(page).inputValue()), {
      message: 'the pasted image embedded',
    });
    assert.match(await attachStatus(page).textContent(), /^Attached Pasted image \d{14}\.png\.$/);
    await putInEditor(page, 'drop', [{ name: '../../Map of Europe.png', type: 'text/html', bytes: png('b') }]);
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[Map of Europe.png]]'), {
      message: 'the dropped image embedded',
    });
    await waitForSaved(page);
    await done(page, 'Europe');
    assert.equal((await shownImages(article(page))).length, 2);

    const { files, contents } = await storedFiles(page);
    assert.equal(files.length, 2);
    assert.equal(contents.length, 2);
    const map = files.find((f) => f.name === 'Map of Europe.png');
    assert.equal(map.kind, 'png', 'the kind is read from the bytes, not the declared type');
    assert.equal(map.size, PNG.length + 1);
    assert.match(map.hash, /^[0-9a-f]{64}$/);

    await page.reload();
    await openNote(page, 'Europe');
    assert.equal((await shownImages(article(page))).length, 2);
    const sources = await article(page).locator('img.file').evaluateAll((i) => i.map((e) => e.src));
    assert.ok(sources.every((s) => s.startsWith('blob:')), 'shown through object URLs');
  });

  test('the same picture attached twice is stored once; a taken name gets a number', async ({ page }) => {
    await createNote(page, 'Twice');
    await edit(page);
    await putInEditor(page, 'drop', [{ name: 'map.png', type: 'image/png', bytes: png('x') }]);
    await waitFor(async () => (await attachStatus(page).textContent()) === 'Attached map.png.');
    await putInEditor(page, 'drop', [{ name: 'copy.png', type: 'image/png', bytes: png('x') }]);
    await putInEditor(page, 'drop', [{ name: 'map.png', type: 'image/png', bytes: png('y') }]);
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[map 2.png]]'), {
      message: 'the second map named "map 2.png"',
    });
    await waitForSaved(page);
    assert.equal(await textBox(page).inputValue(), '![[map.png]]\n![[map.png]]\n![[map 2.png]]\n');
    const { files, contents } = await storedFiles(page);
    assert.deepEqual(files.map((f) => f.name).sort(), ['map 2.png', 'map.png']);
    assert.equal(contents.length, 2);
  });

  test('an image on the back of a card shows in review, sized as written', async ({ page }) => {
    await createNote(page, 'Flags');
    await edit(page);
    await textBox(page).fill('Flag of Japan :: ');
    await textBox(page).press('End');
    await putInEditor(page, 'paste', [{ name: 'image.png', type: 'image/png', bytes: png('jp') }]);
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[Pasted image'));
    // One line: the card's answer is the embed, at 120 pixels wide.
    const text = (await textBox(page).inputValue()).replace('\n![[', '![[').replace(']]\n', '|120]]');
    await textBox(page).fill(text);
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Flags');
    await openReview(page);
    await showAnswer(page);
    const widths = await shownImages(answerRegion(page));
    assert.equal(widths.length, 1);
    assert.equal(await answerRegion(page).locator('img.file').getAttribute('width'), '120');
  });

  test('an SVG is shown as an image and its scripts never run', async ({ page }) => {
    const svg = Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.parent.pwned=1">' +
        '<script>window.parent.pwned=2; document.title="pwned"</script><rect width="10" height="10"/></svg>',
    );
    await createNote(page, 'Drawing');
    await edit(page);
    await page.getByLabel('Attach a file').setInputFiles({ name: 'drawing.png', mimeType: 'image/png', buffer: svg });
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[drawing.png]]'));
    await waitForSaved(page);
    await done(page, 'Drawing');
    assert.deepEqual(await shownImages(article(page)), [10]);
    const { files } = await storedFiles(page);
    assert.equal(files[0].kind, 'svg');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.notEqual(await page.title(), 'pwned');
    assert.equal(await article(page).locator('svg, script, object, iframe, embed').count(), 0);
  });

  test('a file over the limit is refused with a message and nothing is stored', async ({ page }) => {
    await createNote(page, 'Big');
    await edit(page);
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 7);
    await page.getByLabel('Attach a file').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: big });
    await waitFor(async () => (await attachStatus(page).textContent()) === '“huge.bin” is larger than 20 MB and was not attached.');
    assert.equal(await textBox(page).inputValue(), '');
    assert.deepEqual(await storedFiles(page), { files: [], contents: [] });
  });

  test('audio plays with the browser controls and other files are downloads', async ({ page }) => {
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]);
    const html = Buffer.from('<!doctype html><script>parent.pwned=1</script>');
    await createNote(page, 'Sounds');
    await edit(page);
    await page.getByLabel('Attach a file').setInputFiles([
      { name: 'hello.ogg', mimeType: 'audio/ogg', buffer: ogg },
      { name: 'page.html', mimeType: 'text/html', buffer: html },
    ]);
    await waitFor(async () => (await attachStatus(page).textContent()) === 'Attached 2 files.');
    await waitForSaved(page);
    await done(page, 'Sounds');
    const audio = article(page).locator('audio.file');
    await waitFor(async () => (await audio.getAttribute('src'))?.startsWith('blob:'));
    assert.equal(await audio.getAttribute('controls'), '');
    const download = article(page).locator('a.file.download');
    await waitFor(async () => (await download.getAttribute('href'))?.startsWith('blob:'));
    assert.equal(await download.getAttribute('download'), 'page.html');
    const types = await storedTypes(page);
    assert.deepEqual(types.sort(), ['application/octet-stream', 'audio/ogg'], 'a page is kept as bytes, never served as one');
  });

  test('a backup carries every file and restores them into an empty profile exactly', async ({ page, env }) => {
    await createNote(page, 'Atlas');
    await edit(page);
    await page.getByLabel('Attach a file').setInputFiles([
      { name: 'europe.png', mimeType: 'image/png', buffer: png('europe') },
      { name: 'hello.ogg', mimeType: 'audio/ogg', buffer: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40, 1)]) },
    ]);
    await waitFor(async () => (await attachStatus(page).textContent()) === 'Attached 2 files.');
    await waitForSaved(page);
    await done(page, 'Atlas');
    const files = (await storedFiles(page)).files;
    const contents = await storedContents(page);
    const file = await downloadBackup(page);
    const bytes = await readFile(file);

    const { page: other, context: otherContext, problems } = await newProfile(env);
    try {
      await other.goto(env.url + '#/settings');
      await other.getByLabel('Restore from a backup file').setInputFiles(file);
      const preview = other.getByRole('list', { name: 'What the restore would do' });
      await preview.getByText('2 attached files (2 new)').waitFor();
      await other.getByRole('button', { name: 'Restore', exact: true }).click();
      await other.getByText('The backup is restored.').waitFor();
      assert.deepEqual((await storedFiles(other)).files, files);
      assert.deepEqual(await storedContents(other), contents);
      await other.goto(env.url + '#/');
      await other.reload();
      await openNote(other, 'Atlas');
      assert.equal((await shownImages(article(other))).length, 1);

      // One byte of a picture changed: the whole backup is refused and nothing is stored.
      const damaged = Buffer.from(bytes);
      damaged[damaged.length - 5] ^= 0xff;
      const { page: third, context: thirdContext } = await newProfile(env);
      try {
        const path = file + '-damaged';
        await writeFile(path, damaged);
        await third.goto(env.url + '#/settings');
        // A new profile marks its (empty) library's cards derived once, after it opens.
        const before = await waitFor(async () => {
          const dump = await dumpDatabase(third);
          return dump.includes('cards_derived') && dump;
        });
        await third.getByLabel('Restore from a backup file').setInputFiles(path);
        await third.getByText(/is damaged: its contents do not match their fingerprint\. Nothing was restored\./).waitFor();
        assert.equal(await dumpDatabase(third), before);
      } finally {
        await thirdContext.close();
      }
      assertNoProblems(problems, 'the restored profile');
    } finally {
      await otherContext.close();
    }
  }, { timeout: 120_000 });

  test('a course with a picture travels by link, by file and by encrypted file', async ({ page, env }) => {
    await createNote(page, 'Flags');
    await edit(page);
    await textBox(page).fill('Flag of Japan :: ');
    await textBox(page).press('End');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'japan.png', mimeType: 'image/png', buffer: png('japan') });
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[japan.png]]'));
    await textBox(page).fill('Flag of Japan :: ![[japan.png]]\n\nSee [[Colours]].');
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Flags');
    await createNote(page, 'Colours', 'Red and white.');
    await openNote(page, 'Flags');

    const link = await shareLink(page, { scope: 'A course: this note and the notes it links to', author: 'Ann' });
    const dialog = shareDialog(page);
    await dialog.getByText('2 notes, 1 card, 1 attached file').waitFor();
    assert.equal(await dialog.getByText(/The link leaves out/).count(), 0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download bundle file' }).click(),
    ]);
    const file = await download.path();
    const address = `${env.url}hosted/flags.loam`;
    await dialog.getByText('Encrypted file on a web host', { exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Address where you will put the file' }).fill(address);
    const [sealedDownload] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download encrypted file' }).click(),
    ]);
    const hostedLink = await dialog.getByRole('textbox', { name: 'Link to the hosted file' }).inputValue();
    env.hosted.set('/hosted/flags.loam', await readFile(await sealedDownload.path()));
    const picture = (await storedContents(page))[0];

    const routes = [
      ['link', (learner) => openLink(learner, link)],
      ['file', async (learner) => {
        await learner.getByRole('navigation', { name: 'Study' }).getByRole('link', { name: 'Open a shared file' }).click();
        await learner.getByRole('heading', { level: 1, name: 'Open a shared file' }).waitFor();
        await learner.getByLabel('Bundle file').setInputFiles(file);
        await learner.getByRole('heading', { level: 1, name: /^Import / }).waitFor();
      }],
      ['encrypted file', (learner) => openLink(learner, hostedLink)],
    ];
    try {
      for (const [way, open] of routes) {
        const { page: learner, context, problems } = await newProfile(env);
        try {
          await open(learner);
          assert.deepEqual(await previewSummary(learner), ['2 notes new', '1 card in these notes', '1 attached file'], way);
          await importNow(learner);
          await learner.getByRole('heading', { level: 1, name: 'Flags', exact: true }).waitFor();
          assert.deepEqual(await storedContents(learner), [picture], `the picture, byte for byte, by ${way}`);
          await openNote(learner, 'Flags');
          assert.equal((await shownImages(article(learner))).length, 1, way);
          assertNoProblems(problems, `the learner's page (${way})`);
        } finally {
          await context.close();
        }
      }
    } finally {
      env.hosted.clear();
    }
  }, { timeout: 180_000 });

  test('a file too large for a link is left out of it, and the link says so', async ({ page, env }) => {
    await createNote(page, 'Big picture');
    await edit(page);
    // Random bytes do not compress: 40 kB cannot fit in a 32,000-character link.
    const noise = Buffer.alloc(40_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    await page.getByLabel('Attach a file').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, noise]) });
    await waitFor(async () => (await textBox(page).inputValue()).includes('![[noise.png]]'));
    await waitForSaved(page);
    await done(page, 'Big picture');
    const link = await shareLink(page);
    await shareDialog(page).getByText('The link leaves out 1 attached file: with them it would be too long. Share the file or an encrypted file to include them.').waitFor();
    const { page: learner, context, problems } = await newProfile(env);
    try {
      await openLink(learner, link);
      assert.deepEqual(await previewSummary(learner), ['1 note new', '0 cards in these notes']);
      await importNow(learner);
      await learner.getByRole('heading', { level: 1, name: 'Big picture', exact: true }).waitFor();
      await article(learner).locator('.file.missing', { hasText: 'noise.png' }).waitFor();
      assertNoProblems(problems, "the learner's page");
    } finally {
      await context.close();
    }
  });

  test('vaults, graphs and decks bring their pictures, sound and PDFs, and the Markdown export takes them along', async ({ page, env }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'loam-attach-'));
    try {
      const put = async (relative, data) => {
        await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
        await writeFile(path.join(dir, relative), data);
      };
      // An Obsidian vault like its help vault: attachments in a folder, embeds by name.
      await put('Help/Start here.md', '# Start\n\n![[diagram.png]]\n\n![[Diagram.png|120]]\n\n![A photo](attachments/photo%20one.png)\n\n![[voice.mp3]]\n\n[[manual.pdf]]\n');
      await put('Help/attachments/diagram.png', png('diagram'));
      await put('Help/attachments/photo one.png', png('photo'));
      await put('Help/voice.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.alloc(20)]));
      await put('Help/manual.pdf', Buffer.from('%PDF-1.4\n%test'));
      await put('Help/installer.exe', Buffer.from('MZ'));
      await put('Help/.obsidian/app.json', '{}');
      await importFolder(page, path.join(dir, 'Help'), 'Start here', ['1 note new', '0 cards in these notes', '4 attached files']);
      assert.equal((await shownImages(article(page))).length, 3);
      assert.equal(await article(page).locator('img.file').nth(1).getAttribute('width'), '120');
      await waitFor(async () => (await article(page).locator('audio.file').getAttribute('src'))?.startsWith('blob:'));
      await waitFor(async () => (await article(page).locator('a.file.download').getAttribute('href'))?.startsWith('blob:'));
      assert.equal(await article(page).locator('.file.missing').count(), 0);

      // A CrowdAnki export with its media folder: the picture on the card's back.
      await put('Spanish/deck.json', JSON.stringify({
        __type__: 'Deck', crowdanki_uuid: 'd-1', name: 'Spanish', media_files: ['perro.jpg'],
        note_models: [{ __type__: 'NoteModel', crowdanki_uuid: 'm', name: 'Basic', type: 0,
          flds: [{ name: 'Front', ord: 0 }, { name: 'Back', ord: 1 }], tmpls: [{ name: 'Card 1' }] }],
        notes: [{ __type__: 'Note', fields: ['el perro', 'the dog<br><img src="perro.jpg">'], guid: 'g', note_model_uuid: 'm', tags: [] }],
        children: [],
      }));
      await put('Spanish/media/perro.jpg', png('perro'));
      await importFolder(page, path.join(dir, 'Spanish'), 'Spanish', ['1 note new', '1 card in these notes', '1 attached file']);
      assert.equal((await shownImages(article(page))).length, 1);

      // A Logseq graph: pages reach their assets with a relative path.
      await put('Graph/logseq/config.edn', '{}');
      await put('Graph/pages/Cells.md', '- A cell:\n  ![cell](../assets/cell_1.png)\n');
      await put('Graph/assets/cell_1.png', png('cell'));
      await importFolder(page, path.join(dir, 'Graph'), 'Cells');
      assert.equal((await shownImages(article(page))).length, 1);

      const { files } = await storedFiles(page);
      assert.deepEqual(files.map((f) => [f.name, f.kind]).sort(), [
        ['cell_1.png', 'png'], ['diagram.png', 'png'], ['manual.pdf', 'pdf'],
        ['perro.jpg', 'png'], ['photo one.png', 'png'], ['voice.mp3', 'mp3'],
      ]);

      // The Markdown export writes the files beside the notes; imported elsewhere, they return.
      await goToRoute(page, '/import-export');
      const [zipDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download notes as Markdown (.zip)' }).click(),
      ]);
      const zipPath = path.join(dir, 'export.zip');
      await zipDownload.saveAs(zipPath);
      const { page: other, context, problems } = await newProfile(env);
      try {
        await goToRoute(other, '/import-export');
        await other.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles(zipPath);
        await other.getByRole('heading', { name: /^Import \d+ notes$/ }).waitFor();
        assert.ok((await previewSummary(other)).includes('6 attached files'));
        await other.getByRole('button', { name: 'Import', exact: true }).click();
        await other.waitForURL(/#\/note\//);
        const names = (await storedFiles(other)).files.map((f) => [f.name, f.hash]).sort();
        assert.deepEqual(names, files.map((f) => [f.name, f.hash]).sort());
        assert.deepEqual(await storedContents(other), await storedContents(page));
        await openNote(other, 'Start here');
        assert.equal((await shownImages(article(other))).length, 3);
        assertNoProblems(problems, 'the profile the export went to');
      } finally {
        await context.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, { timeout: 150_000 });

  test('a file the storage has no room for is not attached, says so, and stores nothing', async ({ page }) => {
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await createNote(page, 'Scans', 'Before');
    await edit(page);
    // Under the 20 MB limit for one file, over the 16 MB the site may use.
    const big = Buffer.concat([PNG, Buffer.alloc(18 * 1024 * 1024, 3)]);
    await page.getByLabel('Attach a file').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: big });
    await waitFor(
      async () => (await attachStatus(page).textContent()).startsWith('Not attached: Storage is full'),
      { timeout: 15_000, message: 'the storage-full message' },
    );
    assert.equal(await textBox(page).inputValue(), 'Before', 'no link to a file that is not stored');
    assert.deepEqual(await storedFiles(page), { files: [], contents: [] });
    await goToRoute(page, '/settings');
    await page.getByRole('region', { name: 'Files', exact: true }).getByText('No files are attached yet.', { exact: false }).waitFor();
  }, {
    timeout: 60_000,
    beforeStart: async ({ page, context, url }) => {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(url).origin, quotaSize: 16 * 1024 * 1024 });
    },
  });

  test('a remote image in a note from someone else is not fetched until the reader allows it', async ({ page, env }) => {
    const pixel = `${env.url}hosted/pixel.png`;
    env.hosted.set('/hosted/pixel.png', png('pixel'));
    try {
      const requested = (p) => {
        const seen = [];
        p.on('request', (request) => {
          if (request.url().includes('/hosted/pixel.png')) seen.push(request.url());
        });
        return seen;
      };
      const own = requested(page);
      await createNote(page, 'Tracked', `A picture from elsewhere:\n\n![pixel](${pixel})`);
      await waitFor(async () => own.length > 0, { message: "the author's own note loads its image" });
      const link = await shareLink(page);

      const { page: learner, context, problems } = await newProfile(env);
      try {
        const theirs = requested(learner);
        await openLink(learner, link);
        await importNow(learner);
        await noteHeadingOf(learner, 'Tracked').waitFor();
        const ask = article(learner).getByRole('button', { name: `Show image “pixel” from ${new URL(env.url).host}` });
        await ask.waitFor();
        await learner.waitForTimeout(500);
        assert.deepEqual(theirs, [], 'nothing was requested before the reader chose');
        assert.equal(await article(learner).locator('img').count(), 0);
        await ask.click();
        await waitFor(async () => theirs.length > 0, { message: 'the image requested once allowed' });
        await waitFor(async () => (await article(learner).locator('img').evaluate((i) => i.complete && i.naturalWidth)) > 0);
        assertNoProblems(problems, "the learner's page");
      } finally {
        await context.close();
      }
    } finally {
      env.hosted.clear();
    }
  });

  test('a library kept before files existed opens with every record as it was, and gains the file stores', async ({ page }) => {
    await noteHeadingOf(page, 'Welcome to Loam').waitFor();
    const dump = JSON.parse(await dumpDatabase(page));
    assert.deepEqual(dump.notes, [OLD_NOTE]);
    assert.deepEqual(dump.meta.find((m) => m.key === 'author'), { key: 'author', value: 'Ann' });
    assert.deepEqual(dump.files, []);
    assert.deepEqual(dump.contents, []);
    const version = await page.evaluate(
      () => new Promise((resolve) => {
        const open = indexedDB.open('loam');
        open.onsuccess = () => {
          resolve(open.result.version);
          open.result.close();
        };
      }),
    );
    assert.equal(version, 3);
    await openNote(page, 'Kept from before');
    await article(page).getByText('Paris').waitFor();
  }, {
    beforeStart: async ({ page, context, url }) => {
      await context.route(/\/__blank$/, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
      await page.goto(`${url}__blank`);
      await page.evaluate(
        (note) => new Promise((resolve, reject) => {
          // The schema of the version before files: notes, cards, reviews, meta.
          const open = indexedDB.open('loam', 2);
          open.onupgradeneeded = () => {
            for (const name of ['notes', 'cards', 'reviews']) open.result.createObjectStore(name, { keyPath: 'id' });
            open.result.createObjectStore('meta', { keyPath: 'key' });
          };
          open.onsuccess = () => {
            const tx = open.result.transaction(['notes', 'meta'], 'readwrite');
            tx.objectStore('notes').put(note);
            tx.objectStore('meta').put({ key: 'data_version', value: 1 });
            tx.objectStore('meta').put({ key: 'author', value: 'Ann' });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
        OLD_NOTE,
      );
    },
  });

  test('the Files view lists files with their notes and removes only unused ones', async ({ page }) => {
    await createNote(page, 'Uses it');
    await edit(page);
    await page.getByLabel('Attach a file').setInputFiles([
      { name: 'kept.png', mimeType: 'image/png', buffer: png('k') },
      { name: 'spare.png', mimeType: 'image/png', buffer: png('s') },
    ]);
    await waitFor(async () => (await attachStatus(page).textContent()) === 'Attached 2 files.');
    await textBox(page).fill('![[kept.png]]');
    await waitForSaved(page, { sawSaving: true });
    await done(page, 'Uses it');
    await goToRoute(page, '/settings');
    const files = page.getByRole('region', { name: 'Files', exact: true });
    await files.getByText('2 files attached').waitFor();
    const kept = files.locator('.file-row', { hasText: 'kept.png' });
    await kept.getByRole('link', { name: 'Uses it' }).waitFor();
    assert.equal(await kept.getByRole('button').count(), 0, 'a used file cannot be removed');
    await files.getByRole('button', { name: 'Remove spare.png' }).click();
    await waitFor(async () => (await files.locator('.file-row').count()) === 1);
    await waitFor(async () => (await storedFiles(page)).files.length === 1);
    const { files: left, contents } = await storedFiles(page);
    assert.equal(left[0].name, 'kept.png');
    assert.deepEqual(contents, [left[0].hash]);
  });
});
