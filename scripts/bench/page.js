// The benchmark's instruments, injected into every page of its browser before the page's own
// scripts (playwright's addInitScript, which the page's Content-Security-Policy does not block).
// bench.mjs prepends `const EXPECTED_NOTES = <n>;`. Everything is on `window.loamBench`; times are
// `performance.now()` milliseconds, i.e. since this page's navigation started.
(() => {
  const bench = (window.loamBench = {});
  bench.start = {};

  // --- WebAssembly memory: keep the memory the app's module exports when it is instantiated.
  const keepMemory = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    const memory = Object.values(instance?.exports ?? {}).find((v) => v instanceof WebAssembly.Memory);
    if (memory) {
      bench.wasmMemory = memory;
      bench.start.module ??= performance.now();
    }
    return result;
  };

  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then(keepMemory);
    };
  }

  // --- Sync: the sync worker's last status (its traffic and memory) and how many notes it
  // brought, read off its messages to the page.
  bench.sync = { status: null, arrived: 0 };
  const PageWorker = window.Worker;
  if (PageWorker) {
    window.Worker = function (url, options) {
      const worker = new PageWorker(url, options);
      if (String(url).includes('sync')) {
        worker.addEventListener('message', (event) => {
          try {
            const message = JSON.parse(event.data);
            if (message.status) bench.sync.status = message.status;
            if (message.log) {
              bench.sync.logArrival ??= performance.now();
              bench.sync.lastLog = performance.now();
            }
            if (message.arrivals) {
              bench.sync.arrived += message.arrivals.length;
              bench.sync.firstArrival ??= performance.now();
              bench.sync.lastArrival = performance.now();
            }
          } catch {
            // Not a message of the sync worker.
          }
        });
      }
      return worker;
    };
    window.Worker.prototype = PageWorker.prototype;
  }

  // --- Main-thread tasks over 50 ms.
  bench.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser.
  }

  /** Resolves with the time just after the next frame is painted (a task queued from rAF). */
  bench.nextPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      }),
    );

  // --- Start: the sidebar lists the notes (all of them, or its first part with "Show more" when
  // the app bounds the list) and "New note" can be pressed (`listed`), then the
  // next frame is painted and the main thread gets to run a task (`painted`: the page responds).
  const notesNav = () => document.querySelector('nav[aria-label="Notes"]');
  const notesListed = () => {
    const nav = notesNav();
    if (!nav) return false;
    const button = [...nav.querySelectorAll('button')].find((b) => b.textContent.trim() === 'New note');
    // Every note's link, in folders or not.
    const listed = nav.querySelectorAll('a[href^="#/note/"]').length;
    const more = [...nav.querySelectorAll('button')].some((b) => b.textContent.trim().startsWith('Show more'));
    const complete = listed >= EXPECTED_NOTES || (more && listed > 0);
    return Boolean(button && !button.disabled && complete);
  };
  bench.started = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (bench.start.listed !== undefined || !notesListed()) return;
      bench.start.listed = performance.now();
      observer.disconnect();
      bench.nextPaint().then((painted) => {
        bench.start.painted = painted;
        resolve(bench.start);
      });
    });
    observer.observe(document, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['disabled'],
    });
  });

  // --- The library read: the start page shows its help, which comes with the library (the
  // sidebar and the start page may list the notes the last visit left before that).
  bench.libraryRead = new Promise((resolve) => {
    const read = () => Boolean(document.querySelector('section.home dl.cheatsheet'));
    const observer = new MutationObserver(() => {
      if (!read()) return;
      observer.disconnect();
      bench.start.library = performance.now();
      resolve(bench.start.library);
    });
    observer.observe(document, { childList: true, subtree: true });
  });

  // --- Waiting for the page to settle: the work the app does after its first paint (the links'
  // and the search index's slices) runs as a chain of tasks, and search answers from the part
  // indexed so far. The browser grants an idle period of nearly 50 ms only when no task waits.
  /** Resolves with performance.now() once two idle periods in a row are (nearly) 50 ms long. */
  bench.settled = () =>
    new Promise((resolve) => {
      let quiet = 0;
      const check = (deadline) => {
        quiet = deadline.timeRemaining() >= 45 ? quiet + 1 : 0;
        if (quiet >= 2) resolve(performance.now());
        else requestIdleCallback(check);
      };
      requestIdleCallback(check);
    });

  // --- Waiting for the DOM.
  /** Resolves with performance.now() once `check()` holds, checked on every DOM change. */
  bench.when = (check, root = document) =>
    new Promise((resolve) => {
      if (check()) {
        resolve(performance.now());
        return;
      }
      const observer = new MutationObserver(() => {
        if (!check()) return;
        observer.disconnect();
        resolve(performance.now());
      });
      observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
    });

  // --- Search: the sidebar's box.
  const searchInput = () => document.querySelector('input[aria-label="Search notes"]');
  const setQuery = (input, text) => {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const resultsShown = (box) => () => {
    const quick = box.querySelector('[aria-live]');
    return Boolean(quick && quick.querySelector('ul, p'));
  };

  /**
   * Types `query` into the empty search box at once (as a paste would) and times the input event
   * to the results in the DOM, and to the next painted frame. `offset` ms after a frame is when
   * the input comes (input arrives at any point of a frame; vary it, or every query would wait a
   * whole frame). Returns { dom, paint, hits }.
   */
  bench.search = async (query, offset = 0) => {
    const input = searchInput();
    const box = input.closest('[role="search"]');
    setQuery(input, '');
    await bench.nextPaint();
    await new Promise((resolve) => setTimeout(resolve, offset));
    const t0 = performance.now();
    const inDom = bench.when(resultsShown(box), box);
    setQuery(input, query);
    const dom = await inDom;
    const paint = await bench.nextPaint();
    const hits = box.querySelectorAll('[aria-label="Search results"] > li').length;
    return { dom: dom - t0, paint: paint - t0, hits };
  };

  /** Types `query` and waits until it has results: the index is built. Returns the time then. */
  bench.searchReady = async (query) => {
    const input = searchInput();
    const box = input.closest('[role="search"]');
    setQuery(input, query);
    const at = await bench.when(() => box.querySelectorAll('[aria-label="Search results"] > li').length > 0, box);
    setQuery(input, '');
    return at;
  };

  // --- Keystrokes: from the key's event time to the frame painted after the app has answered.
  const keyConditions = {
    typed: () => true,
    answerShown: () => Boolean(document.querySelector('[role="region"][aria-label="Answer"]')),
    nextCard: () =>
      !document.querySelector('[role="region"][aria-label="Answer"]') &&
      Boolean(document.querySelector('article[aria-label="Card"]') || document.querySelector('.review-done')),
  };
  /**
   * Arms a measurement of the next keydown: resolves (see `bench.keyResult`) with { latency,
   * frame }: ms from the event's time stamp to just after the first frame painted once `condition`
   * holds, and to that frame's start.
   */
  bench.armKey = (condition) => {
    const check = keyConditions[condition];
    bench.keyResult = new Promise((resolve) => {
      const onKey = (event) => {
        window.removeEventListener('keydown', onKey, true);
        const t0 = event.timeStamp;
        const onFrame = (frame) => {
          if (!check()) {
            requestAnimationFrame(onFrame);
            return;
          }
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve({ latency: performance.now() - t0, frame: frame - t0 });
          channel.port2.postMessage(null);
        };
        requestAnimationFrame(onFrame);
      };
      window.addEventListener('keydown', onKey, true);
    });
  };

  // --- Import of a bundle link.
  /**
   * Opens `#/import/<payload>` in this running app, presses "Import" as soon as the preview
   * offers it, and waits until the address leaves `#/import/`. Returns { preview, commit,
   * total } in ms.
   */
  // Times the import's IndexedDB writes: when its puts ran and when its transaction completed.
  const watchWrites = () => {
    const put = IDBObjectStore.prototype.put;
    const seen = { firstPut: NaN, lastPut: NaN, complete: NaN, puts: 0 };
    const watched = new WeakSet();
    IDBObjectStore.prototype.put = function (...args) {
      if (!seen.puts) seen.firstPut = performance.now();
      seen.puts += 1;
      const tx = this.transaction;
      if (!watched.has(tx)) {
        watched.add(tx);
        tx.addEventListener('complete', () => {
          seen.complete = performance.now();
        });
      }
      try {
        return put.apply(this, args);
      } finally {
        seen.lastPut = performance.now();
      }
    };
    seen.stop = () => {
      IDBObjectStore.prototype.put = put;
    };
    return seen;
  };

  bench.importLink = async (payload) => {
    const importButton = () =>
      [...document.querySelectorAll('.import-actions button, button')].find(
        (b) => b.textContent.trim() === 'Import' && !b.disabled,
      );
    const t0 = performance.now();
    const offered = bench.when(() => Boolean(importButton()));
    location.hash = `#/import/${payload}`;
    const tPreview = await offered;
    const left = new Promise((resolve) => {
      const check = () => {
        if (!location.hash.startsWith('#/import/')) {
          resolve(performance.now());
          return;
        }
        requestAnimationFrame(check);
      };
      window.addEventListener('hashchange', check);
      check();
    });
    const tClick = performance.now();
    const idb = watchWrites();
    importButton().click();
    const tDone = await left;
    idb.stop();
    const failure = document.querySelector('.import-page [role="alert"]')?.textContent ?? null;
    return {
      preview: tPreview - t0,
      commit: tDone - tClick,
      total: tDone - t0,
      // From the click: the first put, the last put returned, the transaction complete.
      idb: { firstPut: idb.firstPut - tClick, lastPut: idb.lastPut - tClick, complete: idb.complete - tClick, puts: idb.puts },
      failure,
    };
  };

  // --- Plain IndexedDB, for loading the library and for the baselines.
  const request = (req) =>
    new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const done = (tx) =>
    new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
  /** Loam's database, created with its schema (src/store/mod.rs) if it does not exist. */
  bench.openLoam = () => {
    // The app's schema (store/mod.rs): version 3 holds attached files and their contents.
    const req = indexedDB.open('loam', 3);
    req.onupgradeneeded = () => {
      const db = req.result;
      const stores = [['notes', 'id'], ['cards', 'id'], ['reviews', 'id'], ['meta', 'key'], ['files', 'id'], ['contents', 'id']];
      for (const [name, keyPath] of stores) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath });
      }
    };
    return request(req);
  };
  bench.openScratch = () => {
    const req = indexedDB.open('loam-bench-baseline', 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('notes', { keyPath: 'id' });
      req.result.createObjectStore('cards', { keyPath: 'id' });
    };
    return request(req);
  };
  /** Puts `records` into `store` of Loam's database in one transaction. */
  bench.put = async (store, records) => {
    const db = await bench.openLoam();
    const tx = db.transaction(store, 'readwrite');
    const os = tx.objectStore(store);
    for (const record of records) os.put(record);
    await done(tx);
    db.close();
  };
  /**
   * Stores `count` attached files of `size` random bytes each (records in `files`, blobs in
   * `contents`), as attaching them would; the notes need not use them.
   */
  bench.putFiles = async (count, size) => {
    const db = await bench.openLoam();
    for (let i = 0; i < count; i += 50) {
      const tx = db.transaction(['files', 'contents'], 'readwrite');
      for (let j = i; j < Math.min(count, i + 50); j++) {
        const bytes = new Uint8Array(size);
        for (let at = 0; at < size; at += 65_536) {
          crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
        }
        const hash = j.toString(16).padStart(64, '0');
        const name = `picture ${j}.png`;
        tx.objectStore('files').put({ id: name, name, hash, kind: 'png', size, added: Date.now() });
        tx.objectStore('contents').put({ id: hash, blob: new Blob([bytes], { type: 'image/png' }) });
      }
      await done(tx);
    }
    db.close();
  };
  bench.getAll = async (store) => {
    const db = await bench.openLoam();
    const all = await request(db.transaction(store).objectStore(store).getAll());
    db.close();
    return all;
  };
  bench.count = async (store) => {
    const db = await bench.openLoam();
    const n = await request(db.transaction(store).objectStore(store).count());
    db.close();
    return n;
  };
  bench.getMeta = async (key) => {
    const db = await bench.openLoam();
    const record = await request(db.transaction('meta').objectStore('meta').get(key));
    db.close();
    return record;
  };
  /** The notes with these ids and their cards, as stored. */
  bench.recordsOf = async (noteIds) => {
    const db = await bench.openLoam();
    const tx = db.transaction(['notes', 'cards']);
    const notes = await Promise.all(noteIds.map((id) => request(tx.objectStore('notes').get(id))));
    const cards = await Promise.all(
      noteIds.map((id) => request(tx.objectStore('cards').getAll(IDBKeyRange.bound(`${id}/`, `${id}/\uffff`)))),
    );
    db.close();
    return { notes: notes.filter(Boolean), cards: cards.flat() };
  };
  /** Deletes these notes, their cards and the meta keys, in one transaction. */
  bench.remove = async (noteIds, metaKeys) => {
    const db = await bench.openLoam();
    const tx = db.transaction(['notes', 'cards', 'meta'], 'readwrite');
    for (const id of noteIds) {
      tx.objectStore('notes').delete(id);
      tx.objectStore('cards').delete(IDBKeyRange.bound(`${id}/`, `${id}/\uffff`));
    }
    for (const key of metaKeys) tx.objectStore('meta').delete(key);
    await done(tx);
    db.close();
  };

  /** Baseline for start: open Loam's database and getAll the stores the app reads at start. */
  bench.baselineGetAll = async () => {
    const t0 = performance.now();
    const db = await request(indexedDB.open('loam'));
    const tx = db.transaction(['notes', 'cards', 'meta']);
    const [notes, cards, meta] = await Promise.all(
      ['notes', 'cards', 'meta'].map((store) => request(tx.objectStore(store).getAll())),
    );
    const ms = performance.now() - t0;
    db.close();
    return { ms, notes: notes.length, cards: cards.length, meta: meta.length };
  };

  /** Baseline for import: these notes and cards put in one transaction (into a scratch database). */
  bench.baselinePut = async ({ notes, cards }) => {
    const db = await bench.openScratch();
    const clear = db.transaction(['notes', 'cards'], 'readwrite');
    clear.objectStore('notes').clear();
    clear.objectStore('cards').clear();
    await done(clear);
    const t0 = performance.now();
    const tx = db.transaction(['notes', 'cards'], 'readwrite');
    for (const note of notes) tx.objectStore('notes').put(note);
    for (const card of cards) tx.objectStore('cards').put(card);
    const puts = performance.now() - t0;
    await done(tx);
    const ms = performance.now() - t0;
    db.close();
    return { ms, puts };
  };

  /**
   * Baseline for search: FlexSearch (loaded into this page beforehand) indexes the notes' titles
   * and bodies with prefix matching, then answers each query (8 results, as the sidebar shows).
   */
  bench.baselineFlexSearch = async (queries) => {
    const notes = await bench.getAll('notes');
    const t0 = performance.now();
    const index = new FlexSearch.Document({
      document: { id: 'id', index: ['title', 'body'] },
      tokenize: 'forward',
      encoder: FlexSearch.Charset.Normalize,
    });
    for (const note of notes) index.add(note);
    const build = performance.now() - t0;
    const times = [];
    const hits = [];
    // Each query 20 times over: one answer takes less than the page's timer resolution (0.1 ms).
    const repeats = 20;
    for (const query of queries) {
      let found;
      const q0 = performance.now();
      for (let k = 0; k < repeats; k++) found = index.search(query, { limit: 8, merge: true });
      times.push((performance.now() - q0) / repeats);
      hits.push(found.length);
    }
    return { build, times, hits };
  };
})();
