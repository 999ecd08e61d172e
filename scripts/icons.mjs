// Renders public/icon.svg into the PNG icons the web app manifest names, with the system Chromium.
// Run once after changing the SVG (`node scripts/icons.mjs`) and commit the PNGs.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public');
// The icon's own background colour: a maskable icon must fill its whole square, so the rounded
// corners are painted over with it. The artwork already sits inside the central safe circle.
const background = '#2f5d50';

const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
];

const svg = await readFile(path.join(publicDir, 'icon.svg'), 'utf8');
const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const { file, size, maskable } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const fill = maskable ? background : 'transparent';
    const style = `margin:0;background:${fill}`;
    const image = `<img src="${source}" width="${size}" height="${size}" style="display:block">`;
    await page.setContent(`<body style="${style}">${image}</body>`);
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(publicDir, file), omitBackground: !maskable });
    await page.close();
    console.log(`wrote public/${file} (${size}×${size}${maskable ? ', maskable' : ''})`);
  }
} finally {
  await browser.close();
}
