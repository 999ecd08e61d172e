// Moving in and out: an Obsidian vault folder, a Logseq graph, zips (good, broken and hostile),
// previewed and imported with links resolved and cards in reviews; the Markdown export imported
// into an empty profile gives the same notes; the Anki export lists every card.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  describeApp,
  watch,
  assertNoProblems,
  openStart,
  goToRoute,
  dumpDatabase,
  sidebarTitles,
  openNote,
  article,
  waitFor,
  noteHeading,
} from './harness.mjs';
import { obsidianVault, logseqGraph, zipOf, ankiNotes, crowdAnkiDeck } from '../fixtures/import/vaults.mjs';

async function scratch() {
  return mkdtemp(path.join(tmpdir(), 'loam-import-'));
}

async function openImportExport(page) {
  await goToRoute(page, '/import-export');
  await page.getByRole('heading', { level: 1, name: 'Import and export', exact: true }).waitFor();
}

const report = (page) => page.locator('.import-report').getByRole('status');

/** Imports what is on the preview; waits for the first note to open. */
async function confirmImport(page) {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/#\/note\//);
}

function stored(dump) {
  const all = JSON.parse(dump);
  return {
    notes: all.notes,
    cards: all.cards.filter((c) => !c.retired),
    byTitle: Object.fromEntries(all.notes.map((n) => [n.title, n])),
  };
}

/** Whether the link named `name` in the open note is marked missing. */
async function isMissing(page, name) {
  const link = article(page).getByRole('link', { name, exact: true }).first();
  await link.waitFor();
  return link.evaluate((a) => a.classList.contains('missing'));
}

describeApp('import and export', (test) => {
  test('an Obsidian vault folder imports with links resolved, front matter hidden and cards in reviews', async ({ page }) => {
    const dir = await scratch();
    try {
      const vault = path.join(dir, 'My Vault');
      const expected = await obsidianVault(vault, { topics: 40 });
      // Stray files a vault often holds: left out like attachments, not failed imports.
      await writeFile(path.join(vault, 'todo.txt'), 'Remember to buy milk');
      await writeFile(path.join(vault, 'plugins.json'), '{"enabled": true}');
      await openImportExport(page);
      await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(vault);
      await page.getByRole('heading', { name: `Import ${expected.notes} notes`, exact: true }).waitFor();
      assert.equal((await report(page).innerText()).trim(), `${expected.notes} files read, 3 left out.`);
      await page.getByText(`${expected.notes} notes new`, { exact: true }).waitFor();
      await confirmImport(page);

      const data = stored(await dumpDatabase(page));
      assert.equal(data.notes.length, expected.notes);
      assert.equal(data.cards.length, expected.cards);
      assert.ok(data.cards.every((c) => c.in_deck), 'imported cards are in reviews');
      // The file name used in two folders is titled by its path; links follow.
      assert.ok(data.byTitle['Projects/Index'] && data.byTitle['Archive/Index']);
      assert.match(data.byTitle.Garden.body, /^---\nfolder: "Projects"\n---\n# About the garden/);
      assert.match(data.byTitle.Home.body, /\[\[Tools\]\]/);

      await openNote(page, 'Home');
      assert.equal(await isMissing(page, 'Garden'), false);
      assert.equal(await isMissing(page, 'soil notes'), false);
      assert.equal(await isMissing(page, 'Tools'), false);
      assert.equal(await isMissing(page, 'the project index'), false);
      assert.equal(await isMissing(page, 'Archive/Index'), false);
      assert.equal(await isMissing(page, 'Nowhere'), true);
      const text = await article(page).innerText();
      assert.ok(!text.includes('aliases'), 'front matter is not shown');
      await openNote(page, 'Garden');
      await page.getByText('In the folder Projects', { exact: true }).waitFor();
      await openNote(page, 'Home');
      await article(page).getByRole('link', { name: 'the project index', exact: true }).click();
      await noteHeading(page, 'Projects/Index').waitFor();
      assert.equal(await isMissing(page, 'Back home'), false, 'a Markdown link to a note resolves');

      // The same vault again: nothing new, nothing duplicated.
      await openImportExport(page);
      await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(vault);
      await page.getByText(`${expected.notes} notes unchanged`, { exact: true }).waitFor();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, { timeout: 120_000 });

  test('a Logseq graph: namespaces, journals, properties, block references and #card blocks', async ({ page }) => {
    const dir = await scratch();
    try {
      const graph = path.join(dir, 'graph');
      const expected = await logseqGraph(graph);
      await openImportExport(page);
      await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(graph);
      await page.getByRole('heading', { name: `Import ${expected.notes} notes`, exact: true }).waitFor();
      // Cancel goes back to choosing, having stored nothing.
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(graph);
      await page.getByRole('heading', { name: `Import ${expected.notes} notes`, exact: true }).waitFor();
      assert.equal(stored(await dumpDatabase(page)).notes.length, 0);
      await confirmImport(page);
      const data = stored(await dumpDatabase(page));
      assert.deepEqual(Object.keys(data.byTitle).sort(), ['Jan 15th, 2024', 'biology', 'biology/cells']);
      assert.equal(data.cards.length, expected.cards);
      assert.match(data.byTitle['biology/cells'].body, /^---\ntags: science, biology\n---\n/);

      await openNote(page, 'Jan 15th, 2024');
      const reference = article(page).getByRole('link', {
        name: 'The mitochondria is the powerhouse of the cell',
        exact: true,
      });
      assert.equal(await reference.evaluate((a) => a.classList.contains('missing')), false);
      assert.match(await article(page).innerText(), /\(\(00000000-0000-4000-8000-00000000dead\)\)/);
      assert.equal(await isMissing(page, 'biology'), false);
      await openNote(page, 'biology');
      assert.equal(await isMissing(page, 'biology/cells'), false);
      assert.equal(await isMissing(page, 'Jan 15th, 2024'), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an Anki text export, a CrowdAnki deck and a CSV, dropped together, become decks of cards in reviews', async ({ page }) => {
    const anki = ankiNotes();
    const crowd = crowdAnkiDeck();
    await openImportExport(page);
    // Dropped, as from a file manager.
    // A plain CSV as a spreadsheet writes it: comma-separated, quoted fields, a line break inside.
    const csv = '"Capital of Peru, in South America",Lima\r\n"A ""quoted"" word","with a\nsecond line"\r\n';
    const drop = await page.evaluateHandle(
      ([ankiText, deckJson, csvText]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([ankiText], 'French and history.txt', { type: 'text/plain' }));
        transfer.items.add(new File([deckJson], 'deck.json', { type: 'application/json' }));
        transfer.items.add(new File([csvText], 'Geography.csv', { type: 'text/csv' }));
        return transfer;
      },
      [anki.text, crowd.json, csv],
    );
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: drop });
    const notes = anki.notes + crowd.notes + 1;
    await page.getByRole('heading', { name: `Import ${notes} notes`, exact: true }).waitFor();
    await page.locator('.import-report details', { hasText: 'Read (3)' }).locator('summary').click();
    // The lines are drawn once the details open (the toggle event comes a task after the click).
    await page.locator('.import-report li').first().waitFor();
    const lines = (await page.locator('.import-report li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(lines, [
      "French and history.txt 35 cards in 2 notes; 1 row without a front and a back left out; 1 media file linked (pick the deck's media files too to keep them).",
      "deck.json 27 cards in 2 notes; 1 media file linked (pick the deck's media files too to keep them).",
      'Geography.csv 2 cards in 1 note.',
    ]);
    await page.getByText(`${anki.cards + crowd.cards + 2} cards in these notes`).waitFor();
    await confirmImport(page);
    const data = stored(await dumpDatabase(page));
    assert.deepEqual(
      Object.keys(data.byTitle).filter((t) => t !== 'Welcome to Loam').sort(),
      ['Geography', 'History', 'Spanish', 'Spanish / Verbs', 'Vocabulary / French'],
    );
    assert.equal(data.cards.length, anki.cards + crowd.cards + 2);
    assert.match(data.byTitle.Geography.body, /^Capital of Peru, in South America :: Lima\n\nA "quoted" word\n\?\nwith a\nsecond line\n$/);
    assert.ok(data.cards.every((c) => c.in_deck));
    assert.match(data.byTitle['Vocabulary / French'].body, /^---\ntags: \[french, lesson\/2/);
    await openNote(page, 'Vocabulary / French');
    const text = await article(page).innerText();
    assert.match(text, /word 1/);
    assert.ok(!text.includes('<b>'), 'HTML became Markdown');
  });

  test('bad files are reported one by one, the rest imported; a wholly bad pick changes nothing', async ({ page }) => {
    const dir = await scratch();
    try {
      // Once the app has stored what it writes at first start.
      const before = await waitFor(async () => {
        const dump = await dumpDatabase(page);
        return dump.includes('cards_derived') && dump;
      });
      const broken = path.join(dir, 'broken.zip');
      await writeFile(broken, Buffer.from('PK\u0003\u0004 this is not really a zip'));
      const latin = path.join(dir, 'Latin.md');
      await writeFile(latin, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      const wrong = path.join(dir, 'deck.json');
      await writeFile(wrong, JSON.stringify({ name: 'not a deck', cards: [1, 2] }));
      const huge = path.join(dir, 'Huge.md');
      await writeFile(huge, 'word '.repeat(300_000));
      await openImportExport(page);
      await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles([broken, latin, wrong, huge]);
      await page.getByText('Nothing in these files could be imported; your notes are as they were.').waitFor();
      const refused = page.locator('.import-report details[open] li');
      const lines = (await refused.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      assert.deepEqual(lines, [
        'broken.zip This is not a zip archive, or it was cut short.',
        'deck.json This is not a CrowdAnki deck: it has no list of notes.',
        'Latin.md It is not UTF-8 text, so it cannot be read as Markdown.',
        'Huge.md It is too large for a note (1.4 MB; a note holds at most 1 MB).',
      ]);
      assert.equal(await dumpDatabase(page), before);

      // A zip with a path that climbs out, a damaged entry and good notes.
      const good = zipOf([
        ['Vault/Good.md', 'Links to [[Other]].\n\nQ :: A\n'],
        ['Vault/../../escape.md', 'should never be read'],
        ['Vault/Other.md', 'fine'],
      ]);
      const hostile = path.join(dir, 'hostile.zip');
      await writeFile(hostile, good);
      await page.getByRole('button', { name: 'Choose other files' }).click();
      await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles(hostile);
      await page.getByRole('heading', { name: 'Import 2 notes', exact: true }).waitFor();
      assert.equal((await report(page).innerText()).trim(), '2 files read, 1 could not be read.');
      assert.match(
        await page.locator('.import-report details[open]').innerText(),
        /hostile\.zip\/Vault\/\.\.\/\.\.\/escape\.md\s+Left out: its path leaves the archive\./,
      );
      await confirmImport(page);
      const titles = await sidebarTitles(page);
      assert.ok(titles.includes('Good') && titles.includes('Other'), JSON.stringify(titles));
      assert.ok(!titles.includes('escape'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the Markdown export imports into an empty profile as the same notes; the Anki export lists the cards', async ({ page, env }) => {
    const dir = await scratch();
    try {
      const vault = path.join(dir, 'Vault');
      const expected = await obsidianVault(vault, { topics: 12 });
      await openImportExport(page);
      await page.getByLabel('Choose a folder (a vault or graph)').setInputFiles(vault);
      await confirmImport(page);
      const original = stored(await dumpDatabase(page));

      await openImportExport(page);
      const [zipDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download notes as Markdown (.zip)' }).click(),
      ]);
      assert.match(zipDownload.suggestedFilename(), /^Loam notes \d{4}-\d{2}-\d{2}\.zip$/);
      const zipPath = path.join(dir, zipDownload.suggestedFilename());
      await zipDownload.saveAs(zipPath);

      const [ankiDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download cards for Anki (.txt)' }).click(),
      ]);
      const anki = await readFile(await ankiDownload.path(), 'utf8');
      const rows = anki.split('\n').filter((line) => line && !line.startsWith('#'));
      assert.ok(anki.startsWith('#separator:tab\n'), anki.slice(0, 80));
      assert.ok(rows.length >= expected.notes - 5, `${rows.length} rows`);

      const context = await env.browser.newContext();
      try {
        const other = await context.newPage();
        const problems = watch(other);
        await openStart(other, env.url);
        await openImportExport(other);
        await other.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles(zipPath);
        await other.getByRole('heading', { name: `Import ${expected.notes} notes`, exact: true }).waitFor();
        await confirmImport(other);
        const again = stored(await dumpDatabase(other));
        const shape = (data) =>
          Object.values(data.byTitle)
            .filter((n) => n.title !== 'Welcome to Loam')
            .map((n) => [n.title, n.body])
            .sort();
        assert.deepEqual(shape(again), shape(original));
        assert.equal(again.cards.length, original.cards.length);
        assertNoProblems(problems, 'the second profile');
      } finally {
        await context.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, { timeout: 120_000 });

  test('a vault of 3,000 notes in a zip imports, showing its progress as it goes', async ({ page }) => {
    const dir = await scratch();
    try {
      const vault = path.join(dir, 'Big');
      const expected = await obsidianVault(vault, { topics: 2995 });
      const { readdir } = await import('node:fs/promises');
      const entries = [];
      for (const entry of await readdir(vault, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const full = path.join(entry.parentPath ?? entry.path, entry.name);
        entries.push([path.join('Big', path.relative(vault, full)), await readFile(full)]);
      }
      const zipPath = path.join(dir, 'Big.zip');
      await writeFile(zipPath, zipOf(entries));
      await openImportExport(page);
      // Every status line shown, and the longest time between two frames (printed, not judged).
      await page.evaluate(() => {
        window.statuses = new Set();
        new MutationObserver(() => {
          for (const s of document.querySelectorAll('[role=status]')) window.statuses.add(s.textContent.replace(/\d[\d,]*/g, 'N'));
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
        window.longestFrameGap = 0;
        let last = performance.now();
        const tick = (time) => {
          window.longestFrameGap = Math.max(window.longestFrameGap, time - last);
          last = time;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const started = Date.now();
      await page.getByLabel('Choose files (.md, .zip, .txt, .csv, .json)').setInputFiles(zipPath);
      await page.getByRole('heading', { name: `Import ${expected.notes} notes`, exact: true }).waitFor({ timeout: 60_000 });
      const previewed = Date.now();
      await confirmImport(page);
      const imported = Date.now();
      const statuses = await page.evaluate(() => [...window.statuses]);
      for (const expectedStatus of ['Converting: N of N…', 'Comparing with your notes: N of N…', 'Importing…']) {
        assert.ok(statuses.includes(expectedStatus), `${expectedStatus} in ${JSON.stringify(statuses)}`);
      }
      const longest = await page.evaluate(() => window.longestFrameGap);
      const data = stored(await dumpDatabase(page));
      assert.equal(data.notes.length, expected.notes);
      assert.equal(data.cards.length, expected.cards);
      console.log(
        `import of ${expected.notes} notes (${entries.length} files, ${(
          (await readFile(zipPath)).length / 1024
        ).toFixed(0)} KB zip): preview after ${previewed - started} ms, committed ${imported - previewed} ms after Import, longest time between frames ${longest.toFixed(0)} ms`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, { timeout: 180_000 });
});
