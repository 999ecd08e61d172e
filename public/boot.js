// Starts the app. It lives in a file rather than inline so the Content-Security-Policy can forbid
// inline scripts; Trunk writes the hashed module names into the script tag's data attributes.
const tag = document.querySelector("script[data-loam-wasm]");
const { default: init } = await import(tag.dataset.loamJs);
await init({ module_or_path: tag.dataset.loamWasm });
