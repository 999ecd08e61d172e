// Shared pieces of the end-to-end tests: a static server for dist/, the system Chromium driven by
// playwright-core, a record of page errors, console errors and dialogs, and a few helpers that use
// the app the way a person would (through roles and labels).

import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The built app; LOAM_DIST points elsewhere (e.g. a copy that a concurrent build cannot replace).
export const distDir = path.resolve(repoRoot, process.env.LOAM_DIST ?? 'dist');
export const axePath = path.join(repoRoot, 'node_modules/axe-core/axe.min.js');

export const chromiumPath = '/usr/bin/chromium';
/** Flags that keep the system Chromium quiet on a closed network (and run it as root). */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

// ---------------------------------------------------------------------------------------------
// Static server

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1 at a free port, under the path `base` (`/` by default; a site
 * published in a folder has `/some/folder/`), where index.html answers. `hosted` maps extra
 * paths to bytes (files a test puts "on a web host"). `encodings` (`['br', 'gzip']`, or one of
 * them) sends a file's precompressed copy (`.br`, `.gz`) when the browser accepts it, as a host
 * would. Resolves to
 * { url, close }.
 * `root` may instead be a function giving the folder to serve now (to deploy a new version).
 * `close` also drops open connections, so the site is really gone.
 */
export async function serve(root = distDir, hosted = new Map(), { base = '/', encodings = [] } = {}) {
  const rootNow = typeof root === 'function' ? () => path.resolve(root()) : () => root;
  const server = createServer(async (request, response) => {
    const dir = rootNow();
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    if (hosted.has(pathname)) {
      response
        .writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' })
        .end(hosted.get(pathname));
      return;
    }
    if (!pathname.startsWith(base)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const relative = pathname === base ? 'index.html' : pathname.slice(base.length);
    const file = path.resolve(dir, relative);
    if (!file.startsWith(dir + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const type = mimeTypes[path.extname(file)] ?? 'application/octet-stream';
      const accepted = String(request.headers['accept-encoding'] ?? '');
      for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
        if (!encodings.includes(encoding) || !accepted.includes(encoding)) continue;
        const body = await readFile(file + suffix).catch(() => null);
        if (!body) continue;
        const headers = { 'Content-Type': type, 'Content-Encoding': encoding, 'Cache-Control': 'no-store', Vary: 'Accept-Encoding' };
        response.writeHead(200, headers).end(body);
        return;
      }
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
}

/** A browser whose profile lives in `userDataDir`, so IndexedDB outlives closing it. */
export function launchPersistent(userDataDir, { viewport = desktop } = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: chromiumFlags,
    viewport,
  });
}

/**
 * Starts Chromium as a process of its own on `userDataDir` and connects to it, so a test can kill
 * it for real (SIGKILL: no unload events, no clean shutdown). Resolves to { page, kill }.
 */
export async function launchKillable(userDataDir) {
  const child = spawn(chromiumPath, [...chromiumFlags, `--user-data-dir=${userDataDir}`, '--window-size=1280,800', '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), 15_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', () => reject(new Error(`Chromium exited: ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  context.setDefaultTimeout(10_000);
  const kill = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      // The whole process group would also do; the browser process takes its children down.
      child.kill('SIGKILL');
    });
  return { page, kill };
}

export async function freshProfileDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'loam-e2e-profile-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Records what must never happen: uncaught page errors, console errors, and dialogs (alert,
 * confirm, prompt; each is dismissed so a hostile alert cannot hang the test).
 */
export function watch(page) {
  const problems = { pageErrors: [], consoleErrors: [], dialogs: [] };
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    problems.consoleErrors.push(url ? `${message.text()} (${url})` : message.text());
  });
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  return problems;
}

export function assertNoProblems(problems, where = 'the page') {
  const { pageErrors, consoleErrors, dialogs } = problems;
  assert.deepEqual({ pageErrors, consoleErrors, dialogs }, { pageErrors: [], consoleErrors: [], dialogs: [] }, `problems in ${where}`);
}

/**
 * Declares a group of tests sharing one server and one browser. `body` receives `test(name, fn,
 * options)`: each test gets a fresh browser context (so a fresh, empty IndexedDB) and a page
 * already showing the start page; after `fn` it asserts that no page error, console error or
 * dialog happened. `options.viewport` sets the window size, `options.timezoneId` the browser's
 * time zone, `options.clock` (a Date) fixes the page's clock from the first page load on
 * (see `setClock`), and `options.beforeStart({ page, context, url })` runs before the first page
 * load (before the site has stored anything). The server's URL is `env.url`.
 */
export function describeApp(name, body) {
  const env = { url: '', browser: null, hosted: new Map() };
  describe(name, () => {
    let server;
    before(async () => {
      server = await serve(distDir, env.hosted);
      env.url = server.url;
      env.browser = await launchBrowser();
    });
    after(async () => {
      await env.browser?.close();
      await server?.close();
    });

    const test = (
      testName,
      fn,
      { viewport = desktop, timeout = 90_000, timezoneId, clock, beforeStart } = {},
    ) =>
      it(testName, { timeout }, async () => {
        const context = await env.browser.newContext({ viewport, timezoneId });
        context.setDefaultTimeout(10_000);
        try {
          const page = await context.newPage();
          const problems = watch(page);
          if (clock) await setClock(page, clock);
          if (beforeStart) await beforeStart({ page, context, url: env.url });
          await openStart(page, env.url);
          await fn({ page, context, problems, url: env.url, env });
          assertNoProblems(problems);
        } finally {
          await context.close();
        }
      });
    body(test, env);
  });
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Polls `check` until it returns a truthy value (errors count as "not yet") and returns that value.
 * On timeout it fails with `message` and the last value or error seen.
 */
export async function waitFor(check, { timeout = 5_000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      assert.fail(`timed out after ${timeout} ms waiting for ${message} (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Waits until an element matched by `locator` has exactly `expected` as its trimmed text. */
export async function waitForText(locator, expected, options = {}) {
  let seen = [];
  return waitFor(
    async () => {
      seen = (await locator.allInnerTexts()).map((text) => text.trim());
      return seen.includes(expected);
    },
    { message: `text ${JSON.stringify(expected)}`, ...options },
  ).catch((error) => {
    error.message += ` (texts seen: ${JSON.stringify(seen)})`;
    throw error;
  });
}

// ---------------------------------------------------------------------------------------------
// The app, as a person sees it

export const sidebar = (page) => page.getByRole('navigation', { name: 'Notes', exact: true });
export const article = (page) => page.getByRole('article', { name: 'Note', exact: true });
export const titleBox = (page) => page.getByRole('textbox', { name: 'Title', exact: true });
export const textBox = (page) => page.getByRole('textbox', { name: 'Note text', exact: true });
export const saveStatus = (page) => page.getByRole('status');
export const linkedMentions = (page) =>
  page.getByRole('region', { name: 'Linked mentions', exact: true });
export const noteHeading = (page, title) =>
  page.getByRole('heading', { level: 1, name: title, exact: true });

/** Opens the start page and waits for the app to be up. */
export async function openStart(page, url) {
  await page.goto(url + '#/');
  await noteHeading(page, 'Welcome to Loam').waitFor();
}

/** Goes to a route of the app (the part after `#`, e.g. "/note/abc") within the same page. */
export async function goToRoute(page, route) {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, route);
}

/** The note id in the current URL (`#/note/<id>`), or null. */
export function noteIdFromUrl(page) {
  const match = /#\/note\/([^/?#]+)/.exec(page.url());
  return match ? decodeURIComponent(match[1]) : null;
}

const drawerToggle = (page) => page.getByRole('button', { name: 'Notes', exact: true });

/** On narrow screens the sidebar is a drawer behind the "Notes" button: opens it if closed. */
export async function showSidebar(page) {
  // Just after a load the app may not have drawn either yet.
  await sidebar(page).or(drawerToggle(page)).first().waitFor();
  if (await sidebar(page).isVisible()) return;
  await drawerToggle(page).click();
  await sidebar(page).waitFor();
}

/** Closes the sidebar drawer if there is one and it is open, as a person would to see the note. */
export async function closeDrawer(page) {
  const toggle = drawerToggle(page);
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) === 'true') {
    await toggle.click();
    await sidebar(page).waitFor({ state: 'hidden' });
  }
}

/** Titles of the notes listed in the sidebar, in order (read even while the drawer is closed). */
export async function sidebarTitles(page) {
  return page
    .getByRole('navigation', { name: 'Notes', exact: true, includeHidden: true })
    .getByRole('link', { includeHidden: true })
    .evaluateAll((links) =>
      links.map((link) => (link.getAttribute('aria-label') ?? link.textContent).trim()),
    );
}

/** Waits for the status to say "Saved". With `sawSaving`, first insists on seeing "Saving…". */
export async function waitForSaved(page, { sawSaving = false, timeout = 5_000 } = {}) {
  if (sawSaving) {
    await waitForText(saveStatus(page), 'Saving…', { timeout: 2_000, interval: 20 });
  }
  await waitForText(saveStatus(page), 'Saved', { timeout });
}

/** The value stored under `key` in Loam's meta store (settings, courses, markers), or null. */
export function storedMeta(page, key) {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('loam');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('meta').objectStore('meta').get(key);
          request.onsuccess = () => {
            db.close();
            resolve(request.result?.value ?? null);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    key,
  );
}

/**
 * Creates a note through "New note": types the title, commits it with Enter, types the body, waits
 * until it is saved and leaves edit mode. Returns the new note's id (from the URL).
 */
export async function createNote(page, title, body = '') {
  await showSidebar(page);
  await sidebar(page).getByRole('button', { name: 'New note', exact: true }).click();
  await titleBox(page).waitFor();
  await closeDrawer(page);
  await titleBox(page).fill(title);
  await titleBox(page).press('Enter');
  await waitFor(async () => (await sidebarTitles(page)).includes(title), {
    message: `"${title}" in the sidebar`,
  });
  if (body) {
    await textBox(page).fill(body);
    await waitForSaved(page, { sawSaving: true });
  }
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await noteHeading(page, title).waitFor();
  const id = noteIdFromUrl(page);
  assert.ok(id, `a #/note/<id> URL after creating "${title}" (URL was ${page.url()})`);
  return id;
}

/** Opens a note by clicking its title in the sidebar, and waits for its heading. */
export async function openNote(page, title) {
  await showSidebar(page);
  await sidebar(page).getByRole('link', { name: title, exact: true }).click();
  await noteHeading(page, title).waitFor();
  await closeDrawer(page);
}

/** Switches the open note to edit mode with its "Edit" button. */
export async function edit(page) {
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await titleBox(page).waitFor();
}

/** Leaves edit mode with "Done" and waits for the heading. */
export async function done(page, title) {
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await noteHeading(page, title).waitFor();
}

/** The text of the open note in its editor (enters edit mode if needed). */
export async function noteText(page) {
  if (!(await textBox(page).isVisible())) await edit(page);
  return textBox(page).inputValue();
}

// ---------------------------------------------------------------------------------------------
// Time

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** `time` moved on by `ms` milliseconds. */
export const later = (time, ms) => new Date(time.getTime() + ms);

/**
 * Fixes what the page reads as now (`Date.now()`, `new Date()`) at `time`, at once and on every
 * later load. Timers keep running (no `clock.install()`), so autosave still works.
 */
export async function setClock(page, time) {
  await page.clock.setFixedTime(time);
}

/**
 * Moves the clock to `time` and reloads the page, as a learner coming back then would, and waits
 * until the library has been read (the sidebar lists a note).
 */
export async function comeBackAt(page, time) {
  await setClock(page, time);
  await page.reload();
  await waitFor(async () => (await sidebarTitles(page)).length > 0, {
    message: 'the notes listed after the reload',
  });
}

// ---------------------------------------------------------------------------------------------
// Cards and review

export const studyNav = (page) => page.getByRole('navigation', { name: 'Study', exact: true });
export const cardsSection = (page) => page.getByRole('region', { name: 'Cards', exact: true });
export const linkedCardsSection = (page) =>
  page.getByRole('region', { name: 'Linked cards', exact: true });
export const reviewCard = (page) => page.getByRole('article', { name: 'Card', exact: true });
export const answerRegion = (page) => page.getByRole('region', { name: 'Answer', exact: true });
export const ratingButtons = (page) =>
  page.getByRole('group', { name: 'How well did you recall it?', exact: true }).getByRole('button');
export const undoButton = (page) => page.getByRole('button', { name: 'Undo', exact: true });
// "2 due · 5 new", with " · 1 learning" when learning cards wait a few minutes ahead.
const reviewCountsLine = (page) => page.getByText(/^\d+ due · \d+ new( · \d+ learning)?$/);

/** The label of the badge on the sidebar's "Review" link ("3 cards to review"), or null. */
export async function reviewBadge(page) {
  const badge = studyNav(page)
    .getByRole('link', { name: /^Review/ })
    .getByLabel(/cards? to review$/);
  return (await badge.count()) ? badge.getAttribute('aria-label') : null;
}

/** Opens the review page through its address and waits for its heading. */
export async function openReview(page) {
  await goToRoute(page, '/review');
  await page.getByRole('heading', { level: 1, name: 'Review', exact: true }).waitFor();
}

/** Waits until the review page's counts read exactly `expected`, e.g. "1 due · 2 new" or
 * "0 due · 2 new · 1 learning". */
export async function waitForCounts(page, expected, options = {}) {
  return waitForText(reviewCountsLine(page), expected, options);
}

/** The question of the card on screen (call it before showing the answer): the card's text
 * without its "From <note>" line. */
export async function question(page) {
  const text = await reviewCard(page).innerText();
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('From '))
    .join('\n');
}

/** Waits until the card on screen asks `expected`, and returns it. */
export async function waitForQuestion(page, expected) {
  let seen = '';
  await waitFor(async () => (seen = await question(page)) === expected, {
    message: `the question ${JSON.stringify(expected)}`,
  }).catch((error) => {
    error.message += ` (question seen: ${JSON.stringify(seen)})`;
    throw error;
  });
  return seen;
}

/** Shows the answer by pressing `key` (Space or Enter) and returns its text. */
export async function showAnswer(page, key = 'Space') {
  await reviewCard(page).waitFor();
  await page.keyboard.press(key);
  await answerRegion(page).waitFor();
  return (await answerRegion(page).innerText()).trim();
}

/** The rating buttons' texts, whitespace collapsed: ["Again 1 min", "Hard 6 min", ...]. */
export async function ratingLabels(page) {
  const texts = await ratingButtons(page).allInnerTexts();
  return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Rates the card whose answer is shown by pressing `key` ("1" to "4", or Space for Good) and
 * waits until the next card (or the end) is on screen, question side up. */
export async function rateWith(page, key) {
  await answerRegion(page).waitFor();
  await page.keyboard.press(key);
  await answerRegion(page).waitFor({ state: 'hidden' });
}

/** Answers the card on screen by keyboard: Space shows the answer, `key` rates it. Returns the
 * question it asked. */
export async function answerCard(page, key) {
  await reviewCard(page).waitFor();
  const asked = await question(page);
  await showAnswer(page);
  await rateWith(page, key);
  return asked;
}

/**
 * The rows of the open note's "Cards" section, in order: `{ front, kind, status }` read from
 * the row's parts other than its buttons.
 */
export async function noteCards(page) {
  if ((await cardsSection(page).count()) === 0) return [];
  return cardsSection(page)
    .getByRole('listitem')
    .evaluateAll((rows) =>
      rows.map((row) => {
        const [front, kind, status] = [...row.children]
          .filter((part) => part.tagName !== 'BUTTON' && !part.querySelector('button'))
          .map((part) => part.textContent.trim());
        return { front, kind, status };
      }),
    );
}

/** The row of the open note's "Cards" section whose text contains `front`. */
export const cardRow = (page, front) =>
  cardsSection(page).getByRole('listitem').filter({ hasText: front });

/** Waits until the card whose front contains `front` has a status matching `expected` (a string
 * for an exact match, or a RegExp), and returns that status. */
export async function waitForCardStatus(page, front, expected) {
  let seen = [];
  const matches = (status) =>
    typeof expected === 'string' ? status === expected : expected.test(status);
  let status;
  await waitFor(
    async () => {
      seen = await noteCards(page);
      status = seen.find((card) => card.front.includes(front))?.status;
      return status !== undefined && matches(status);
    },
    { message: `the card "${front}" with status ${expected}` },
  ).catch((error) => {
    error.message += ` (cards seen: ${JSON.stringify(seen)})`;
    throw error;
  });
  return status;
}

/** Replaces the open note's text, waits until it is saved and goes back to reading it. */
export async function rewriteNote(page, title, body) {
  await edit(page);
  await textBox(page).fill(body);
  await waitForSaved(page, { sawSaving: true });
  await done(page, title);
}

// ---------------------------------------------------------------------------------------------
// Accessibility

let axeSource;

/** Serious and critical axe-core violations on the page as it is now. */
export async function axeViolations(page) {
  axeSource ??= await readFile(axePath, 'utf8');
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy blocks an
  // injected inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document));
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      help: violation.help,
      where: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
    }));
}

/** Every record of every store of the app's database, as JSON: the local data to keep intact. */
export function dumpDatabase(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('loam');
        open.onerror = () => reject(open.error);
        open.onsuccess = async () => {
          const db = open.result;
          const names = [...db.objectStoreNames].sort();
          const dump = {};
          for (const name of names) {
            dump[name] = await new Promise((done, fail) => {
              const request = db.transaction(name).objectStore(name).getAll();
              request.onsuccess = () => done(request.result);
              request.onerror = () => fail(request.error);
            });
          }
          db.close();
          resolve(JSON.stringify(dump));
        };
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// Sharing between profiles

/** A second, separate profile (its own IndexedDB), with its page on the start page. */
export async function newProfile(env, { clock } = {}) {
  const context = await env.browser.newContext({ viewport: desktop, timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  if (clock) await setClock(page, clock);
  await openStart(page, env.url);
  return { context, page, problems };
}

export const shareDialog = (page) => page.getByRole('dialog', { name: 'Share', exact: true });

/** Opens the share dialog of the open note, picks `scope`, and returns the share link. */
export async function shareLink(page, { scope, author } = {}) {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = shareDialog(page);
  await dialog.waitFor();
  if (scope) await dialog.getByRole('radio', { name: scope, exact: true }).check();
  if (author !== undefined) {
    await dialog.getByRole('textbox', { name: 'Your name, shown to learners' }).fill(author);
  }
  const box = dialog.getByRole('textbox', { name: 'Share link', exact: true });
  await box.waitFor();
  return box.inputValue();
}

export async function closeShare(page) {
  await shareDialog(page).getByRole('button', { name: 'Close', exact: true }).click();
  await shareDialog(page).waitFor({ state: 'hidden' });
}

/** The preview's summary lines ("3 notes new", "4 cards in these notes"). */
export async function previewSummary(page) {
  const list = page.getByRole('list', { name: 'What would change', exact: true });
  await list.waitFor();
  return (await list.getByRole('listitem').allInnerTexts()).map((t) => t.trim());
}

/** Opens a shared link in a fresh load of the app, as a click in another app would, and waits
 * for the preview (or the error page). */
export async function openLink(page, link, heading = /^Import /) {
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

export async function importNow(page) {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

// ---------------------------------------------------------------------------------------------
// Sync server

const syncServerScript = path.join(repoRoot, 'node_modules/@y/websocket-server/src/server.js');
const hocuspocusScript = path.join(repoRoot, 'scripts/sync-hocuspocus.mjs');

async function freePort() {
  const { createServer: createNetServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A stock `@y/websocket-server` (as the setup script installs it) on 127.0.0.1 at a free port,
 * keeping its documents in a folder of its own; with `token`, the project's Hocuspocus server
 * (`scripts/sync-hocuspocus.mjs`), which asks for that token. Resolves to { url, stop, start, wipe, close }:
 * `stop` kills it, `start` starts it again on the same port and folder, `wipe` empties the
 * folder (a server reset), `close` stops it and removes the folder.
 */
export async function startSyncServer({ token } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'loam-e2e-sync-'));
  const port = await freePort();
  let child = null;
  // With a token: the project's Hocuspocus server, which asks for it.
  const [script, env] = token
    ? [hocuspocusScript, { LOAM_SYNC_TOKEN: token, LOAM_SYNC_DIR: dir }]
    : [syncServerScript, { YPERSISTENCE: dir }];
  const start = () =>
    new Promise((resolve, reject) => {
      child = spawn(process.execPath, [script], {
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`the sync server did not start: ${seen}`)), 15_000);
      const listen = (chunk) => {
        seen += chunk;
        if (seen.includes('running at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', listen);
      child.stderr.on('data', listen);
      child.once('exit', () => clearTimeout(timer));
    });
  const stop = () =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  await start();
  return {
    url: `ws://127.0.0.1:${port}`,
    start,
    stop,
    wipe: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
      await start();
    },
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Turns sync on in Settings with `server` and `key` (a key is made when none is given), and a
 * Hocuspocus server's `token` if given. */
export async function turnSyncOn(page, server, key, { token } = {}) {
  await goToRoute(page, '#/settings');
  const section = page.getByRole('region', { name: 'Sync', exact: true });
  await section.getByRole('textbox', { name: 'Server address' }).fill(server);
  if (token) await section.getByLabel('Server token (Hocuspocus servers only)').fill(token);
  if (key) {
    await section.getByRole('textbox', { name: 'Sync key' }).fill(key);
  } else {
    await section.getByRole('button', { name: 'Create a sync key' }).click();
  }
  const made = key ?? (await section.getByTestId('sync-key').innerText());
  await section.getByRole('button', { name: 'Turn sync on' }).click();
  return made;
}

/** The sidebar's sync status line. */
export const syncStatus = (page) => page.getByTestId('sync-status');

/** Waits until the sidebar says "Synced". */
export async function waitForSynced(page, { timeout = 10_000 } = {}) {
  await waitFor(async () => (await syncStatus(page).innerText()).startsWith('Synced'), {
    timeout,
    message: 'sync to say Synced',
  });
}
