// Lighthouse's mobile profile (simulated slow 4G and a mid-range phone) on a first visit to the
// release build, served with its gzip copies as most hosts would (GitHub Pages sends gzip). Used by the benchmark;
// alone: `node scripts/lighthouse.mjs [dist]`. Lighthouse is not among the test packages:
// scripts/bench.sh installs it (`npm install --no-save lighthouse@12.2.3`).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, distDir, chromiumPath, chromiumFlags } from '../tests/e2e/harness.mjs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/**
 * Runs Lighthouse on `url` in a fresh profile of the system Chromium. Resolves to the scores
 * (0 to 100) and the paint figures in ms, or to `{ missing: why }` when Lighthouse is not
 * installed.
 */
export async function lighthouseScores(url) {
  let lighthouse;
  let launcher;
  try {
    lighthouse = (await import('lighthouse')).default;
    launcher = await import('chrome-launcher');
  } catch {
    return { missing: 'Lighthouse is not installed (scripts/bench.sh installs it)' };
  }
  const chrome = await launcher.launch({
    chromePath: process.env.CHROME_PATH ?? chromiumPath,
    chromeFlags: chromiumFlags,
  });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES });
    const { categories, audits } = result.lhr;
    const score = (name) => Math.round((categories[name]?.score ?? 0) * 100);
    const figure = (name) => audits[name]?.numericValue ?? null;
    const failed = (name) =>
      (categories[name]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0)
        .map((ref) => audits[ref.id])
        .filter((audit) => audit && audit.score !== null && audit.score < 1)
        .map((audit) => audit.id);
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      seo: score('seo'),
      fcp: figure('first-contentful-paint'),
      lcp: figure('largest-contentful-paint'),
      tbt: figure('total-blocking-time'),
      speedIndex: figure('speed-index'),
      interactive: figure('interactive'),
      cls: figure('cumulative-layout-shift'),
      failed: Object.fromEntries(CATEGORIES.slice(1).map((name) => [name, failed(name)])),
    };
  } finally {
    await chrome.kill();
  }
}

/** The scores as lines of text: a heading, then what was measured on `page`. */
export function lighthouseLines(scores, page = 'the start page') {
  if (scores.missing) return [`Lighthouse: ${scores.missing}.`, ''];
  const ms = (v) => (v === null ? '—' : `${Math.round(v)} ms`);
  const lines = [
    'Lighthouse, mobile profile (simulated slow 4G, 4x slower CPU), first visit, served with gzip:',
    `  ${page}:`,
    `  performance ${scores.performance} (target >= 95), accessibility ${scores.accessibility}, ` +
      `best practices ${scores.bestPractices}, SEO ${scores.seo} (targets 100)`,
    `  LCP ${ms(scores.lcp)} (target <= 2500 ms), FCP ${ms(scores.fcp)}, total blocking time ${ms(scores.tbt)}, ` +
      `speed index ${ms(scores.speedIndex)}, CLS ${scores.cls?.toFixed(3) ?? '—'}, ` +
      `interactive (the app's module started) ${ms(scores.interactive)}`,
  ];
  for (const [name, ids] of Object.entries(scores.failed)) {
    if (ids.length) lines.push(`  ${name} audits failed: ${ids.join(', ')}`);
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? distDir);
  const server = await serve(dir, new Map(), { encodings: ['gzip'] });
  try {
    console.log(lighthouseLines(await lighthouseScores(server.url)).join('\n'));
  } finally {
    await server.close();
  }
}
