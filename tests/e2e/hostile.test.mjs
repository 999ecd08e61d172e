// A note full of script-injection attempts renders as harmless text and markup: nothing runs,
// nothing dangerous reaches the DOM, and no link in it leads to script.

import assert from 'node:assert/strict';
import {
  describeApp,
  createNote,
  goToRoute,
  article,
  noteHeading,
  noteIdFromUrl,
} from './harness.mjs';

const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '[plain js link](javascript:alert(1))',
  '[mixed case js link](JaVaScRiPt:alert(1))',
  '[entity js link](&#106;avascript:alert(1))',
  '[tab js link](java&#9;script:alert(1))',
  '[vbscript link](vbscript:msgbox(1))',
  '[data html link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![js image](javascript:alert(1))',
  '![data html image](data:text/html,<script>alert(1)</script>)',
  '<javascript:alert(1)>',
  '[reference js link][evil]\n\n[evil]: javascript:alert(1)',
  '<a href="javascript:alert(1)">raw js anchor</a>',
  '<a href="  JAVASCRIPT:alert(1)">spaced js anchor</a>',
  '<a href="data:text/html,<script>alert(1)</script>">raw data anchor</a>',
  '<a href="#/" onclick="alert(1)">onclick anchor</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<details open ontoggle=alert(1)><summary>summary</summary>details</details>',
  '<math><mi xlink:href="javascript:alert(1)">math</mi></math>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<div onmouseover="alert(1)" style="background:url(javascript:alert(1))">hover me</div>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
  '<style>body { background: url("javascript:alert(1)") }</style>',
  '[quoted title](#/ "x\\" onmouseover=\\"alert(1)")',
  '[[<img src=x onerror=alert(1)>]]',
  '[[Safe target|<svg onload=alert(1)>]]',
  'A harmless [[Safe target]] link and a [harmless fragment link](#/).',
  '`<script>alert(1)</script>` in code',
  '```html\n<script>alert(1)</script>\n```',
];

/** Everything dangerous in the article (and on* attributes and live script URLs anywhere). */
function findDanger() {
  const root = document.querySelector('article');
  if (!root) return ['no article'];
  const found = [];
  const forbidden = 'script, iframe, frame, svg, math, object, embed, base, meta, link, form, style';
  for (const element of root.querySelectorAll(forbidden)) {
    found.push(`<${element.localName}> in the article`);
  }
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster'];
  const liveScheme = (value) => {
    // Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
    const url = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
    return (
      url.startsWith('javascript:') ||
      url.startsWith('vbscript:') ||
      (url.startsWith('data:') && !url.startsWith('data:image/'))
    );
  };
  for (const element of document.body.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${name} on <${element.localName}>`);
      if (urlAttributes.includes(name) && liveScheme(attribute.value)) {
        found.push(`${name}="${attribute.value}" on <${element.localName}>`);
      }
    }
  }
  return found;
}

describeApp('hostile content', (test) => {
  test('script payloads in a note do nothing, even when every link is clicked', async ({
    page,
    context,
    problems,
  }) => {
    // Links that open a new window: watch those windows too, then close them.
    context.on('page', async (popup) => {
      popup.on('dialog', async (dialog) => {
        problems.dialogs.push(`popup ${dialog.type()}: ${dialog.message()}`);
        await dialog.dismiss().catch(() => {});
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await popup.close().catch(() => {});
    });

    assert.ok(payloads.length >= 20);
    const id = await createNote(page, 'Hostile', payloads.join('\n\n'));
    const noteRoute = `/note/${encodeURIComponent(id)}`;
    await article(page).waitFor();
    await page.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(findDanger), [], 'dangerous markup after rendering');

    const linkCount = await article(page).locator('a').count();
    assert.ok(linkCount >= 2, `the harmless links still render (found ${linkCount})`);
    for (let index = 0; index < linkCount; index += 1) {
      if (noteIdFromUrl(page) !== id || !(await article(page).isVisible())) {
        await goToRoute(page, noteRoute);
        await noteHeading(page, 'Hostile').waitFor();
        await article(page).waitFor();
      }
      const link = article(page).locator('a').nth(index);
      if ((await link.count()) === 0) break;
      const label = (await link.innerText().catch(() => '')).trim();
      await link.hover({ force: true, timeout: 2_000 }).catch(() => {});
      await link
        .click({ force: true, timeout: 2_000 })
        .catch(() => link.evaluate((a) => a.click()).catch(() => {}));
      await page.waitForTimeout(250);
      assert.deepEqual(problems.dialogs, [], `a dialog after clicking link ${index} "${label}"`);
      if (noteIdFromUrl(page) === id && (await article(page).isVisible())) {
        assert.deepEqual(await page.evaluate(findDanger), [], `after clicking "${label}"`);
      }
    }

    await goToRoute(page, noteRoute);
    await noteHeading(page, 'Hostile').waitFor();
    await article(page).waitFor();
    assert.deepEqual(await page.evaluate(findDanger), [], 'dangerous markup after the clicks');
    assert.deepEqual(problems.dialogs, []);

    // The app still works.
    await goToRoute(page, '/');
    await noteHeading(page, 'Welcome to Loam').waitFor();

    // `<img src=x>` may be kept as a harmless image that fails to load; that is not a fault.
    problems.consoleErrors = problems.consoleErrors.filter(
      (text) => !/^Failed to load resource: .*404.*\/x\)$/.test(text),
    );
  });
});
