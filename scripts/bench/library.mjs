// The benchmark's library, generated deterministically from a seed: notes of Markdown prose with
// [[links]] to each other and flashcards written in them, the cards the app derives from those
// notes (with schedules), a review log, a bundle's worth of notes to import, and the search
// queries. Records have exactly the shapes Loam stores (src/core/note.rs Note, src/core/deck.rs
// Card, src/core/review.rs ReviewRecord); bench.mjs checks the card records against the ones the
// app derives itself.
//
// The same seed gives the same text, ids and structure. Times are laid out relative to `now`
// (the moment the benchmark starts), so that the same share of cards is due on every run.

export const DAY = 86_400_000;
const MINUTE = 60_000;

/** A small, fast, seeded PRNG (mulberry32) with the helpers the generator needs. */
export function makeRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A whole number in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** A whole number in [lo, hi]. */
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

// ---------------------------------------------------------------------------------------------
// Words

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'k', 'l', 'm', 'n',
  'p', 'pl', 'r', 's', 'sh', 'st', 't', 'th', 'tr', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'io'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'st', 'nd', 'm', 'x', 'th'];
/** Glue between the invented content words, so the prose reads like prose. */
const FUNCTION_WORDS = ['the', 'of', 'and', 'a', 'to', 'in', 'is', 'that', 'for', 'it', 'as',
  'with', 'on', 'by', 'this', 'from', 'at', 'or', 'an', 'be', 'are', 'which', 'was', 'not', 'but',
  'its', 'when', 'their', 'into', 'more'];

/** `size` distinct invented words (2 or 3 syllables), ranked: index 0 is the most frequent. */
function vocabulary(random, size) {
  const words = [];
  const seen = new Set(FUNCTION_WORDS);
  while (words.length < size) {
    let word = '';
    const syllables = random.chance(0.6) ? 2 : 3;
    for (let s = 0; s < syllables; s++) word += random.pick(ONSETS) + random.pick(VOWELS);
    word += random.pick(CODAS);
    if (word.length < 4 || word.length > 11 || seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}

/** Draws word ranks following Zipf's law (weight 1/(rank+1)), as in natural text. */
function zipf(random, size) {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let r = 0; r < size; r++) {
    total += 1 / (r + 1);
    cumulative[r] = total;
  }
  return () => {
    const x = random.next() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const capitalise = (word) => word[0].toUpperCase() + word.slice(1);

/** As src/core/card.rs `normalise`: whitespace collapsed, lowercased. */
const normalise = (text) => text.split(/\s+/).filter(Boolean).join(' ').toLowerCase();

/** A UUID-shaped id (v4 layout) from the PRNG. */
function uuid(random) {
  const hex = (n) => Array.from({ length: n }, () => random.int(16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[random.int(4)]}${hex(3)}-${hex(12)}`;
}

// ---------------------------------------------------------------------------------------------
// Notes

/**
 * Writes note texts. `titles` are the notes' titles in order; note `i` links to others among them.
 * Returns { bodies, cards: [[{ kind, front, back, anchor }]] } (cards per note, in text order).
 */
function writeBodies(random, words, titles, { averageBytes, bigNote, bigNoteBytes }) {
  const rank = zipf(random, words.length);
  const word = () => (random.chance(0.35) ? random.pick(FUNCTION_WORDS) : words[rank()]);
  const contentWord = () => words[rank()];
  const sentence = (extra = '') => {
    const n = random.between(7, 16);
    const parts = [];
    for (let k = 0; k < n; k++) parts.push(word());
    if (extra) parts.splice(random.int(parts.length + 1), 0, extra);
    parts[0] = capitalise(parts[0]);
    return parts.join(' ') + (random.chance(0.1) ? '?' : '.');
  };
  const link = (self) => {
    let target = random.int(titles.length);
    if (target === self) target = (target + 1) % titles.length;
    if (random.chance(0.2)) return `[[${titles[target]}|${contentWord()} ${contentWord()}]]`;
    return `[[${titles[target]}]]`;
  };

  const bodies = [];
  const cards = [];
  for (let i = 0; i < titles.length; i++) {
    // Paragraphs run past the target and card lines come on top: aim lower to average out right.
    const target = i === bigNote ? bigNoteBytes : random.between(averageBytes * 0.3, averageBytes * 1.1);
    const paragraphs = [];
    const noteCards = [];
    const fronts = new Set();
    // Links: about five per note (3 to 7), spread over the sentences; more in the big note.
    let links = i === bigNote ? Math.round((5 * bigNoteBytes) / averageBytes) : random.between(3, 7);
    // Cards: one `::` card always, another half the time (a quarter of those anchored), a
    // two-way `:::` card one note in five, a multi-line `?` card one in ten: two cards a note.
    const cardBlocks = ['basic'];
    if (random.chance(0.5)) cardBlocks.push(random.chance(0.25) ? 'anchored' : 'basic');
    if (random.chance(0.2)) cardBlocks.push('reverse');
    if (random.chance(0.1)) cardBlocks.push('multiline');
    if (i === bigNote) for (let k = 0; k < 30; k++) cardBlocks.push('basic');

    const cardBlock = (kind) => {
      let front;
      do {
        front = `What is ${contentWord()} ${contentWord()}?`;
      } while (fronts.has(normalise(front)));
      fronts.add(normalise(front));
      const back = capitalise(`${contentWord()} ${word()} ${contentWord()}`);
      switch (kind) {
        case 'basic':
          noteCards.push({ kind: 'basic', front, back, anchor: null });
          return `- ${front} :: ${back}`;
        case 'anchored': {
          const anchor = `card-${i}-${noteCards.length}`;
          noteCards.push({ kind: 'basic', front, back, anchor });
          return `${front} :: ${back} ^${anchor}`;
        }
        case 'reverse': {
          // The reverse card asks the back: keep it apart from every other question.
          const term = capitalise(`${contentWord()} ${contentWord()} ${noteCards.length}`);
          noteCards.push({ kind: 'basic', front: term, back: front, anchor: null });
          noteCards.push({ kind: 'reverse', front, back: term, anchor: null });
          fronts.add(normalise(term));
          return `${term} ::: ${front}`;
        }
        case 'multiline':
          noteCards.push({ kind: 'basic', front, back, anchor: null });
          return `${front}\n?\n${back}`;
        default:
          throw new Error(kind);
      }
    };

    let bytes = 0;
    let blocksLeft = cardBlocks.length;
    while (bytes < target || blocksLeft > 0 || links > 0) {
      if (random.chance(0.12)) paragraphs.push(`## ${capitalise(contentWord())} ${contentWord()}`);
      const sentences = [];
      const count = random.between(3, 5);
      for (let s = 0; s < count; s++) {
        const withLink = links > 0 && random.chance(0.45);
        if (withLink) links--;
        sentences.push(sentence(withLink ? link(i) : ''));
      }
      paragraphs.push(sentences.join(' '));
      bytes += paragraphs.at(-1).length + 2;
      if (blocksLeft > 0 && (random.chance(0.5) || bytes >= target)) {
        paragraphs.push(cardBlock(cardBlocks[cardBlocks.length - blocksLeft]));
        blocksLeft--;
      }
    }
    bodies.push(paragraphs.join('\n\n') + '\n');
    cards.push(noteCards);
  }
  return { bodies, cards };
}

/** Unique titles (case-insensitively) of `wordsPerTitle` capitalised words. */
function makeTitles(random, words, count, wordsPerTitle, taken = new Set()) {
  const titles = [];
  while (titles.length < count) {
    const parts = [];
    for (let k = 0; k < wordsPerTitle; k++) parts.push(capitalise(random.pick(words)));
    const title = parts.join(' ');
    const key = title.toLowerCase();
    if (taken.has(key)) continue;
    taken.add(key);
    titles.push(title);
  }
  return titles;
}

/** A card key as src/core/card.rs computes it for these forms (unique within the note). */
function cardKey(card) {
  if (card.anchor) return `^${card.anchor}${card.kind === 'reverse' ? ':reverse' : ''}`;
  return `${card.kind}:${normalise(card.front)}`;
}

/** A never-answered card, as `Deck::sync_note` creates it. */
function newCard(noteId, card, position, created, inDeck) {
  const key = cardKey(card);
  return {
    id: `${noteId}/${key}`,
    note_id: noteId,
    key,
    kind: card.kind,
    front: card.front,
    back: card.back,
    anchor: card.anchor,
    position,
    created,
    retired: false,
    suspended: false,
    in_deck: inDeck,
    schedule: {
      state: 'learning',
      step: 0,
      stability: null,
      difficulty: null,
      due: created,
      last_review: null,
    },
    introduced: null,
  };
}

// ---------------------------------------------------------------------------------------------
// The library

/**
 * The whole library. Options: `notes` (10,000), `reviews` (100,000 log entries), `seed`, `now`
 * (ms), `averageBytes` (1,500), `bigNoteBytes` (50,000; note 0 is that long, for typing).
 * Returns { notes, cards, reviews, meta, bigNote, words }.
 */
export function generateLibrary({
  notes: noteCount = 10_000,
  reviews: reviewCount = 100_000,
  seed = 20261124,
  now = Date.now(),
  averageBytes = 1_500,
  bigNoteBytes = 50_000,
} = {}) {
  const random = makeRandom(seed);
  const words = vocabulary(random, 8_000);
  const titles = makeTitles(random, words.slice(0, 4_000), noteCount, 2);
  const { bodies, cards: written } = writeBodies(random, words, titles, {
    averageBytes,
    bigNote: 0,
    bigNoteBytes,
  });

  const notes = titles.map((title, i) => {
    const created = now - random.between(30, 730) * DAY - random.int(DAY);
    const updated = Math.min(now - MINUTE, created + random.int(30 * DAY));
    return { id: uuid(random), title, body: bodies[i], created, updated };
  });
  // The most recently edited note is the big one, so it heads the sidebar.
  notes[0].updated = now - MINUTE;

  const cards = [];
  notes.forEach((note, i) => {
    written[i].forEach((card, position) =>
      cards.push(newCard(note.id, card, position, note.created, true)),
    );
  });

  // Seven cards in ten have been studied; the review log is shared out among them.
  const studied = cards.filter(() => random.chance(0.7));
  const answers = new Uint32Array(studied.length).fill(1);
  for (let k = studied.length; k < reviewCount; k++) answers[random.int(studied.length)]++;
  const reviews = [];
  studied.forEach((card, c) => study(random, card, answers[c], now, reviews));

  const meta = [
    { key: 'data_version', value: 1 },
    // Cards are stored with the notes: the app must not derive them again at start.
    { key: 'cards_derived', value: true },
  ];
  return { notes, cards, reviews, meta, bigNote: notes[0], words };
}

/**
 * Gives a card a history of `count` answers ending in the last month, and the schedule that
 * follows: log entries go to `reviews`. Plausible rather than FSRS-exact; the shapes are exact.
 */
function study(random, card, count, now, reviews) {
  const lastReview = Math.round(now - random.next() * 30 * DAY);
  const first = Math.round(Math.max(card.created + MINUTE, lastReview - count * random.between(2, 20) * DAY));
  const times = [];
  for (let k = 0; k < count; k++) times.push(first + Math.round(((lastReview - first) * k) / Math.max(1, count - 1)) + k);
  if (count === 1) times[0] = lastReview;
  const nextDue = lastReview + random.between(2, 180) * DAY;
  let state = 'learning';
  for (let k = 0; k < count; k++) {
    const lapse = k > 0 && random.chance(0.08);
    const rating = k === 0 ? 'good' : lapse ? 'again' : random.pick(['good', 'good', 'good', 'hard', 'easy']);
    const after = lapse ? 'relearning' : 'review';
    const next = k + 1 < count ? times[k + 1] : after === 'relearning' ? times[k] + 10 * MINUTE : nextDue;
    reviews.push({
      id: `${card.id}@${times[k]}`,
      card_id: card.id,
      rating,
      time: times[k],
      state_before: state,
      state_after: after,
      elapsed_days: k === 0 ? null : Math.floor((times[k] - times[k - 1]) / DAY),
      interval_ms: next - times[k],
    });
    state = after;
  }
  const relearning = state === 'relearning';
  card.introduced = times[0];
  card.schedule = {
    state,
    step: relearning ? 0 : null,
    stability: relearning ? 1 + random.next() * 3 : (nextDue - lastReview) / DAY,
    difficulty: 2 + random.next() * 7,
    due: relearning ? lastReview + 10 * MINUTE : nextDue,
    last_review: lastReview,
  };
}

// ---------------------------------------------------------------------------------------------
// The bundle to import

/**
 * `count` new notes for a bundle (titles of three words, so none clashes with the library),
 * linking to each other, with cards. Returns { notes: [{ id, title, body, created, updated }],
 * cards: the card records the app should derive from them (imported: not in the deck) }.
 */
export function generateBundleNotes({ count = 1_000, seed = 7, now = Date.now(), words }) {
  const random = makeRandom(seed);
  const titles = makeTitles(random, words.slice(0, 4_000), count, 3);
  const { bodies, cards: written } = writeBodies(random, words, titles, {
    averageBytes: 1_500,
    bigNote: -1,
    bigNoteBytes: 0,
  });
  const notes = titles.map((title, i) => {
    const created = now - random.between(1, 60) * DAY;
    return { id: uuid(random), title, body: bodies[i], created, updated: created + random.int(DAY) };
  });
  const cards = notes.flatMap((note, i) =>
    written[i].map((card, position) => newCard(note.id, card, position, note.created, false)),
  );
  return { notes, cards };
}

// ---------------------------------------------------------------------------------------------
// Search queries

/**
 * The fixed 50 queries: 20 single words (frequent to rare), 15 prefixes (3 to 5 letters) and 15
 * pairs of words, drawn from the vocabulary by rank.
 */
export function searchQueries(words, seed = 50) {
  const random = makeRandom(seed);
  const queries = [];
  const drawn = new Set();
  // A word of rank lo..hi not drawn before, so the 50 queries are all different.
  const fromRanks = (lo, hi) => {
    for (;;) {
      const word = words[random.between(lo, hi)];
      if (!drawn.has(word)) {
        drawn.add(word);
        return word;
      }
    }
  };
  const bands = [[0, 30], [30, 300], [300, 2_000], [2_000, 7_999]];
  for (const [lo, hi] of bands) for (let k = 0; k < 5; k++) queries.push(fromRanks(lo, hi));
  for (const [lo, hi, length] of [[0, 200, 3], [200, 2_000, 4], [2_000, 7_999, 5]]) {
    for (let k = 0; k < 5; k++) queries.push(fromRanks(lo, hi).slice(0, length));
  }
  for (const [a, b] of [[[0, 100], [0, 100]], [[0, 100], [2_000, 7_999]], [[100, 2_000], [100, 2_000]]]) {
    for (let k = 0; k < 5; k++) queries.push(`${fromRanks(...a)} ${fromRanks(...b)}`);
  }
  return queries;
}
