// axe-core finds no serious or critical accessibility problems on the main screens.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  describeApp,
  phone,
  axePath,
  createNote,
  edit,
  showSidebar,
} from './harness.mjs';

const axeSource = await readFile(axePath, 'utf8');

async function axeProblems(page) {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy rightly blocks
  // an injected inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document));
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      where: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
    }));
}

describeApp('accessibility', (test) => {
  test('start page, note view and note editor pass axe', async ({ page }) => {
    assert.deepEqual(await axeProblems(page), [], 'start page');
    await createNote(page, 'Target', 'Linked from elsewhere.');
    await createNote(page, 'Readable', '## Part\n\nSee [[Target]] and [[Nowhere]].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] task');
    assert.deepEqual(await axeProblems(page), [], 'note in view mode');
    await edit(page);
    assert.deepEqual(await axeProblems(page), [], 'note in edit mode');
  });

  test('phone layout with the sidebar open passes axe', async ({ page }) => {
    assert.deepEqual(await axeProblems(page), [], 'phone start page');
    await showSidebar(page);
    assert.deepEqual(await axeProblems(page), [], 'phone with the sidebar open');
  }, { viewport: phone });
});
