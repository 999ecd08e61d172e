// Text typed a second before the browser is killed outright (SIGKILL: no pagehide, no unload)
// is there when the browser starts again on the same profile. Many trials, each a real kill.

import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import {
  serve,
  launchKillable,
  freshProfileDir,
  openStart,
  createNote,
  openNote,
  edit,
  textBox,
  noteText,
  done,
} from './harness.mjs';

const TRIALS = Number(process.env.LOAM_KILL_TRIALS ?? 10);

describe('durability', () => {
  let server;
  let profile;
  before(async () => {
    server = await serve();
    profile = await freshProfileDir();
  });
  after(async () => {
    await server?.close();
    await profile?.remove();
  });

  it(`text typed a second before a SIGKILL survives (${TRIALS} trials)`, { timeout: 60_000 + TRIALS * 20_000 }, async () => {
    let browser = await launchKillable(profile.dir);
    await openStart(browser.page, server.url);
    await createNote(browser.page, 'Journal', 'day 0');
    const lost = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const line = `trial ${trial}: ${Math.random().toString(36).slice(2)}`;
      await openNote(browser.page, 'Journal');
      await edit(browser.page);
      const before = await textBox(browser.page).inputValue();
      // Typed key by key at the end of the text, as a person would.
      await textBox(browser.page).press('End');
      await textBox(browser.page).pressSequentially(`\n${line}`, { delay: 5 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await browser.kill();

      browser = await launchKillable(profile.dir);
      await openStart(browser.page, server.url);
      await openNote(browser.page, 'Journal');
      const after = await noteText(browser.page);
      await done(browser.page, 'Journal');
      if (after !== `${before}\n${line}`) lost.push({ trial, expected: line, found: after.split('\n').at(-1) });
    }
    console.log(`# durability: ${TRIALS} kills, ${TRIALS - lost.length} lost nothing`);
    await browser.kill();
    assert.deepEqual(lost, []);
  });
});
