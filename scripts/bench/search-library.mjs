// Prints the benchmark's notes (id, title, body) and its 50 search queries as JSON on stdout, for
// the native search benchmark (examples/search_bench.rs), so it measures the very library and
// queries that bench.mjs puts into the browser.
//
//   node scripts/bench/search-library.mjs [--notes 10000]

import { parseArgs } from 'node:util';

import { generateLibrary, searchQueries } from './library.mjs';

const { values: options } = parseArgs({ options: { notes: { type: 'string', default: '10000' } } });
// Reviews do not touch the notes' text: generate none.
const library = generateLibrary({ notes: Number(options.notes), reviews: 0, now: 0 });
const notes = library.notes.map(({ id, title, body }) => ({ id, title, body }));
process.stdout.write(JSON.stringify({ notes, queries: searchQueries(library.words) }));
