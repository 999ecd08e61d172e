// Starts the app. It lives in a file rather than inline so the Content-Security-Policy can forbid
// inline scripts; Trunk writes the hashed module names into the script tag's data attributes.
// Until the app is up, the page shows the shell written in index.html.
// Once the app runs, it asks for persistent storage and registers the service worker (sw.js).
// Modules fetched later (maths) are imported through this, relative to this script.
window.loamImport = (path) => import(new URL(path, import.meta.url));

// A first visit starts a small module with the start page and a shared course's preview and
// import; it reloads into the whole app when any other page is opened, marking this tab.
// Once the service worker has cached the files, and wherever sync is on, the whole app starts.
const shell = document.getElementById("shell");
const shown = ["", "#", "#/"].includes(location.hash)
  ? "shell-start"
  : /^#\/(import\/|open\?)/.test(location.hash)
    ? "shell-shared"
    : "shell-opening";
document.getElementById(shown)?.removeAttribute("hidden");

const tag = document.querySelector("script[data-loam-wasm]");
// The first visit's module holds only the start page and a shared course's preview: an address
// of any other page starts the whole app at once rather than after a hand-over.
const whole = shown === "shell-opening" || wholeApp();
// On a first visit the shell paints before the module's download starts (the build drops
// Trunk's preloads). Where the service worker serves the files, nothing is downloaded: no wait.
if (document.visibilityState !== "hidden" && !navigator.serviceWorker?.controller) await shellPainted();
try {
  const { default: init } = await import(whole ? "./loam_full.js" : tag.dataset.loamJs);
  await init({ module_or_path: whole ? new URL("loam_full_bg.wasm", import.meta.url) : tag.dataset.loamWasm });
} catch (error) {
  const line = document.getElementById("shell-opening");
  document.getElementById(shown)?.setAttribute("hidden", "");
  line?.removeAttribute("hidden");
  if (line) line.textContent = "Loam could not start. Check the connection and reload the page.";
  shell?.removeAttribute("aria-hidden");
  throw error;
}
// The app is mounted now, in the same task: the shell goes before anything is painted twice.
shell?.remove();

// Once per start: ask the browser not to clear Loam's storage under pressure. Settings shows
// the answer.
navigator.storage?.persist?.().catch(() => {});

if ("serviceWorker" in navigator) {
  startWorker().catch((error) => console.warn("Loam works online only: no service worker.", error));
}

// Resolves once the part of the shell shown is on screen, as the browser reports it (its largest
// paint), or after a frame where the browser does not report paints. A tab opened in the
// background paints nothing and does not wait; a second is the longest wait.
function shellPainted() {
  return new Promise((resolve) => {
    setTimeout(resolve, 1000);
    if (!PerformanceObserver.supportedEntryTypes?.includes("largest-contentful-paint")) {
      requestAnimationFrame(() => setTimeout(resolve, 0));
      return;
    }
    const part = document.getElementById(shown);
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((entry) => part?.contains(entry.element))) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe({ type: "largest-contentful-paint", buffered: true });
  });
}

function wholeApp() {
  try {
    return (
      navigator.serviceWorker?.controller != null ||
      sessionStorage.getItem("loam-whole") !== null ||
      // The sync setup's mark (src/app/sync.rs).
      localStorage.getItem("loam-sync") !== null
    );
  } catch {
    return false;
  }
}

// The app shows its "new version" banner on `loam-update-ready` and sends `loam-update-apply`
// when the person chooses to reload.
async function startWorker() {
  const registration = await navigator.serviceWorker.register(new URL("sw.js", import.meta.url));
  // A tab that reloaded into the whole app while the worker was activating may have loaded too
  // late to be taken by it: the worker takes it if it is of the worker's version, which the
  // name of this build's first module says.
  navigator.serviceWorker.ready.then((ready) => {
    if (!navigator.serviceWorker.controller) ready.active?.postMessage({ claim: tag?.dataset.loamWasm });
  });
  const announce = () => window.dispatchEvent(new Event("loam-update-ready"));
  // A controller means this page runs an older version: the worker that installs is an update.
  // (The very first worker, on a first visit, installs with no controller and is not one.)
  const isUpdate = () => navigator.serviceWorker.controller !== null;

  if (registration.waiting && isUpdate()) announce();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && isUpdate()) announce();
    });
  });

  window.addEventListener("loam-update-apply", () => {
    const waiting = registration.waiting;
    if (!waiting) {
      location.reload();
      return;
    }
    // Reload only once the new version serves this page, so it gets the new files.
    const reload = () => location.reload();
    navigator.serviceWorker.addEventListener("controllerchange", reload, { once: true });
    waiting.postMessage("skip-waiting");
  });

  // A tab left open for days still hears of new versions.
  setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
}
