// Loam's service worker: keeps each version of the app shell in a cache of its own and serves
// the app from it, so Loam starts with no network. Registered by boot.js.
//
// The build rewrites the BUILD line below (scripts/precache.mjs): every built file with the
// SHA-256 of its bytes, and a version made from all of them. A new build therefore changes this
// file, and the browser installs the new worker beside the old one; it waits until the app asks
// it to take over ("skip-waiting").
const BUILD = {"version":"unbuilt","files":[]};

const PREFIX = "loam-shell-";
const CACHE = PREFIX + BUILD.version;
const scope = new URL(self.registration.scope);
const indexUrl = new URL("index.html", scope).href;
// Shell file URL (no query, no fragment) to the SHA-256 this version was built with.
const shell = new Map(BUILD.files.map((file) => [new URL(file.url, scope).href, file.sha256]));

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOtherVersions().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  // A page of this version that loaded while this worker was activating, too late to be taken
  // with the others (a first visit's tab going on in the whole app); never a page of another
  // version, whose files would then mix with this one's.
  const page = event.data?.claim;
  if (typeof page === "string" && shell.has(new URL(page, scope).href)) {
    event.waitUntil(self.clients.claim());
  }
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = withoutQuery(request.url);
  if (request.mode === "navigate" && url.startsWith(scope.href)) {
    event.respondWith(navigation(request, url));
  } else if (shell.has(url)) {
    event.respondWith(shellFile(request, url));
  }
  // Anything else (bundles fetched from elsewhere, other sites' images) goes to the network as
  // if there were no worker.
});

/**
 * Fetches every shell file, checks its bytes against the build's hash and stores it. Any
 * mismatch (a deployment half done, a stale proxy) fails the install, so a version's cache
 * never mixes files of two builds; the browser tries again on a later visit.
 *
 * The whole app comes first, alone: a first visit goes on in it as soon as the learner leaves
 * the start page or a shared course's preview, and the modules needed later would share the
 * connection with it.
 */
async function precache() {
  const cache = await caches.open(CACHE);
  const store = async ([url, expected]) => {
    const { bytes, headers } = await fetchChecked(url, expected);
    await cache.put(url, new Response(bytes, { headers }));
  };
  const whole = (url) => new URL(url).pathname.split("/").pop().startsWith("loam_full");
  const files = [...shell];
  try {
    await Promise.all(files.filter(([url]) => whole(url)).map(store));
    await Promise.all(files.filter(([url]) => !whole(url)).map(store));
  } catch (error) {
    await caches.delete(CACHE);
    throw error;
  }
}

/** The bytes of `url` if they hash to `expected`; fails otherwise. */
async function fetchChecked(url, expected) {
  // The HTTP cache usually holds the file already (the page has just loaded it); a stale copy
  // fails the check and the file is fetched again from the server.
  for (const mode of ["default", "reload"]) {
    const response = await fetch(url, { cache: mode });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    if ((await sha256(bytes)) === expected) return { bytes, headers: response.headers };
  }
  throw new Error(`${url} is not the file of version ${BUILD.version}`);
}

async function dropOtherVersions() {
  const names = await caches.keys();
  const others = names.filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  await Promise.all(others.map((name) => caches.delete(name)));
}

/** A shell file from this version's cache only (never another version's), else the network. */
async function shellFile(request, url) {
  const cache = await caches.open(CACHE);
  return (await cache.match(url)) ?? fetch(request);
}

/**
 * Pages: the app's own page always comes from this version's cache, so it loads this version's
 * scripts; another address in scope tries the network and falls back to the app offline.
 */
async function navigation(request, url) {
  if (url === scope.href || url === indexUrl) return shellFile(request, indexUrl);
  if (shell.has(url)) return shellFile(request, url);
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await (await caches.open(CACHE)).match(indexUrl);
    if (cached) return cached;
    throw error;
  }
}

function withoutQuery(address) {
  const url = new URL(address);
  url.search = "";
  url.hash = "";
  return url.href;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
