// Notes render as Markdown: CommonMark plus tables, task lists and strikethrough.

import assert from 'node:assert/strict';
import { describeApp, createNote, article, waitFor } from './harness.mjs';

const body = `## Shopping

Buy *fresh* bread and **strong** coffee.

| Item   | Count |
| ------ | ----- |
| Apples | 3     |
| Pears  | 5     |

- [x] Write the list
- [ ] Go to the market

This plan is ~~cancelled~~ postponed.

1. first
2. second

\`inline code\` and a [relative link](#/).
`;

describeApp('markdown', (test) => {
  test('headings, emphasis, tables, task lists and strikethrough render', async ({ page }) => {
    await createNote(page, 'Market day', body);
    const note = article(page);
    await note.getByRole('heading', { level: 2, name: 'Shopping', exact: true }).waitFor();

    assert.equal(await note.locator('em').innerText(), 'fresh');
    assert.equal(await note.locator('strong').innerText(), 'strong');

    const table = note.getByRole('table');
    await table.waitFor();
    const headers = await table.getByRole('columnheader').allInnerTexts();
    assert.deepEqual(headers.map((h) => h.trim()), ['Item', 'Count']);
    const cells = await table.getByRole('cell').allInnerTexts();
    assert.deepEqual(cells.map((c) => c.trim()), ['Apples', '3', 'Pears', '5']);

    const boxes = note.getByRole('checkbox');
    assert.equal(await boxes.count(), 2, 'two task list checkboxes');
    assert.equal(await boxes.nth(0).isChecked(), true, 'the done task is checked');
    assert.equal(await boxes.nth(1).isChecked(), false, 'the open task is not checked');
    const tasks = await note.locator('li').allInnerTexts();
    assert.ok(tasks.some((t) => t.includes('Write the list')));
    assert.ok(tasks.some((t) => t.includes('Go to the market')));

    assert.equal(await note.locator('del, s').innerText(), 'cancelled');
    assert.equal(await note.locator('ol > li').count(), 2);
    assert.equal(await note.locator('code').innerText(), 'inline code');

    // The Markdown source itself is not shown in view mode.
    await waitFor(async () => !(await note.innerText()).includes('~~'));
    assert.ok(!(await note.innerText()).includes('| ---'), 'no raw table syntax');
    assert.ok(!(await note.innerText()).includes('[x]'), 'no raw task syntax');
  });
});
