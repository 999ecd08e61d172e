//! Bundles crossing the browser's edges: files saved and opened, bundles fetched from a host,
//! and the AES-GCM encryption of hosted bundles (WebCrypto; the key travels only in the link).

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::core::exchange::bundle;

/// Largest bundle file or download we read, so a hostile host cannot exhaust memory.
pub const MAX_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// Largest backup file we read: a backup holds a whole library and its review log.
pub const MAX_BACKUP_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// Offers `bytes` as a file download named `name`.
pub fn save_file(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let fail = |_| "The file could not be saved.".to_string();
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("No document.")?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The bytes of a file the user picked, refused above `max` bytes.
pub async fn read_file(file: &web_sys::File, max: f64) -> Result<Vec<u8>, String> {
    if file.size() > max {
        return Err(format!(
            "“{}” is too large to open ({} MB at most).",
            file.name(),
            max / 1024.0 / 1024.0
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("“{}” could not be read.", file.name()))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Downloads a hosted bundle file.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let host = url_host(url);
    let window = web_sys::window().ok_or("No window.")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| {
            format!(
                "The course file could not be fetched from {host}: you may be offline, or the \
                 host does not allow other sites to read it (CORS)."
            )
        })?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!(
            "{host} answered {} {} instead of the course file.",
            response.status(),
            response.status_text()
        ));
    }
    let length = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.parse::<u64>().ok())
        // Whole bytes, read without the float parser and its tables.
        .map(|l| l as f64);
    if length.is_some_and(|l| l > MAX_FILE_BYTES) {
        return Err(format!(
            "The file at {host} is too large to be a Loam bundle."
        ));
    }
    let promise = response
        .array_buffer()
        .map_err(|_| "The course file could not be read.".to_string())?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| format!("The download from {host} broke off."))?;
    let bytes = Uint8Array::new(&buffer);
    if f64::from(bytes.length()) > MAX_FILE_BYTES {
        return Err(format!(
            "The file at {host} is too large to be a Loam bundle."
        ));
    }
    Ok(bytes.to_vec())
}

fn url_host(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.host())
        .unwrap_or_else(|_| "that address".to_string())
}

fn subtle() -> Result<web_sys::SubtleCrypto, String> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| "Encryption needs a secure page (https or localhost).".to_string())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .ok_or("No secure random numbers in this browser.")?;
    Ok(bytes)
}

fn aes_gcm(iv: Option<&[u8; 12]>) -> Result<Object, String> {
    let params = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&params, &k.into(), v).map(|_| ());
    set("name", &"AES-GCM".into()).map_err(|_| "Encryption is unavailable.")?;
    if let Some(iv) = iv {
        set("iv", &Uint8Array::from(&iv[..]).into()).map_err(|_| "Encryption is unavailable.")?;
    }
    Ok(params)
}

async fn import_key(key: &[u8; 16]) -> Result<web_sys::CryptoKey, String> {
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let promise = subtle()?
        .import_key_with_object(
            "raw",
            &Uint8Array::from(&key[..]),
            &aes_gcm(None)?,
            false,
            &usages,
        )
        .map_err(|_| "The key could not be used.".to_string())?;
    JsFuture::from(promise)
        .await
        .map(|k| k.unchecked_into())
        .map_err(|_| "The key could not be used.".to_string())
}

/// Encrypts a bundle with a fresh key; returns the sealed file and the key for the link.
pub async fn seal(plain: &[u8]) -> Result<(Vec<u8>, [u8; 16]), String> {
    let key = random_bytes::<16>()?;
    let iv = random_bytes::<12>()?;
    let crypto_key = import_key(&key).await?;
    let promise = subtle()?
        .encrypt_with_object_and_u8_array(&aes_gcm(Some(&iv))?, &crypto_key, plain)
        .map_err(|_| "The bundle could not be encrypted.".to_string())?;
    let cipher = JsFuture::from(promise)
        .await
        .map_err(|_| "The bundle could not be encrypted.".to_string())?;
    Ok((
        bundle::seal_frame(&iv, &Uint8Array::new(&cipher).to_vec()),
        key,
    ))
}

/// Decrypts a sealed bundle file with the key from the link.
pub async fn unseal(sealed: &[u8], key: &[u8; 16]) -> Result<Vec<u8>, String> {
    let (iv, cipher) = bundle::open_frame(sealed).map_err(|e| e.to_string())?;
    let crypto_key = import_key(key).await?;
    let promise = subtle()?
        .decrypt_with_object_and_u8_array(&aes_gcm(Some(&iv))?, &crypto_key, cipher)
        .map_err(|_| "The course file could not be decrypted.".to_string())?;
    let plain = JsFuture::from(promise).await.map_err(|_| {
        "The key in this link does not open the course file: the link is not the one made \
         for this file, or the file was changed."
            .to_string()
    })?;
    Ok(Uint8Array::new(&plain).to_vec())
}

/// Copies text to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("No window.")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "The browser did not allow copying: select the link and copy it.".to_string())
}

/// Whether the Web Share API is there (phones, some desktops).
pub fn can_share() -> bool {
    web_sys::window()
        .map(|w| Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false))
        .unwrap_or(false)
}

/// Opens the system share sheet with a title and link.
pub async fn share_link(title: &str, url: &str) -> Result<(), String> {
    let navigator = web_sys::window().ok_or("No window.")?.navigator();
    let share = Reflect::get(&navigator, &"share".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("Sharing is not available in this browser.")?;
    let data = Object::new();
    let _ = Reflect::set(&data, &"title".into(), &title.into());
    let _ = Reflect::set(&data, &"url".into(), &url.into());
    let promise: js_sys::Promise = share
        .call1(&navigator, &data)
        .map_err(|_| "Sharing is not available here.".to_string())?
        .unchecked_into();
    // The user closing the share sheet is not an error worth showing.
    let _ = JsFuture::from(promise).await;
    Ok(())
}
