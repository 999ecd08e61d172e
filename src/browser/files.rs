//! Files the user picked or dropped, read into memory with a size limit, so a huge or hostile
//! file is refused before it is read.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::BrowserError;
use crate::core::interop::FileReport;
use crate::core::time::Time;

/// Largest bundle file or download we read, so a hostile host cannot exhaust memory.
pub const MAX_BUNDLE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// Largest backup file we read: a backup holds a whole library and its review log.
pub const MAX_BACKUP_BYTES: f64 = 512.0 * 1024.0 * 1024.0;
/// Largest file read for an import: a zipped vault may be large, its notes may not.
pub const MAX_IMPORT_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// The bytes of a file the user picked, refused above `max` bytes.
pub async fn read(file: &web_sys::File, max: f64) -> Result<Vec<u8>, BrowserError> {
    Ok(read_array(file, max).await?.to_vec())
}

/// The bytes of a file the user picked as the browser holds them (not copied into Loam's
/// memory), refused above `max` bytes.
async fn read_array(file: &web_sys::File, max: f64) -> Result<Uint8Array, BrowserError> {
    if file.size() > max {
        return Err(BrowserError::TooLarge {
            name: file.name(),
            max,
        });
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| BrowserError::Unreadable { name: file.name() })?;
    Ok(Uint8Array::new(&buffer))
}

/// A file to attach, as the browser holds it: its bytes (not copied into Loam's memory), its
/// name and its size.
pub struct Picked {
    pub name: String,
    pub bytes: Uint8Array,
}

/// Reads a file to attach, refused above `max` bytes.
pub async fn read_to_attach(file: &web_sys::File, max: f64) -> Result<Picked, BrowserError> {
    Ok(Picked {
        name: file.name(),
        bytes: read_array(file, max).await?,
    })
}

/// A blob of `bytes` that the browser serves as `mime` (the type sniffed from the contents,
/// never the one declared).
pub fn blob_of(bytes: &Uint8Array, mime: &str) -> Result<web_sys::Blob, BrowserError> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(bytes), &options)
        .map_err(|_| BrowserError::NotSaved)
}

/// The bytes of a stored blob.
pub async fn bytes_of(blob: &web_sys::Blob) -> Result<Vec<u8>, BrowserError> {
    Ok(array_of(blob).await?.to_vec())
}

/// The bytes of a stored blob as the browser holds them (not copied into Loam's memory).
pub async fn array_of(blob: &web_sys::Blob) -> Result<Uint8Array, BrowserError> {
    let buffer =
        JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| BrowserError::Unreadable {
                name: "a stored file".to_string(),
            })?;
    Ok(Uint8Array::new(&buffer))
}

/// The first `count` bytes of a file (fewer if it is shorter), without reading the rest.
pub async fn head(file: &web_sys::File, count: i32) -> Result<Vec<u8>, BrowserError> {
    let unreadable = |_| BrowserError::Unreadable { name: file.name() };
    let part = file.slice_with_i32_and_i32(0, count).map_err(unreadable)?;
    let buffer = JsFuture::from(part.array_buffer())
        .await
        .map_err(unreadable)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The picked files read one by one and handed to `take` with their place in a picked folder
/// and their time; a report line for each that could not be read or taken. Calls
/// `progress(done, total)` as it goes.
pub async fn read_picked(
    files: Vec<web_sys::File>,
    progress: impl Fn(usize, usize),
    take: impl Fn(&str, &Uint8Array, Time) -> Result<(), BrowserError>,
) -> Vec<FileReport> {
    let total = files.len();
    let mut refused = Vec::new();
    for (done, file) in files.into_iter().enumerate() {
        // A folder pick names each file by its path inside the folder.
        let path = Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
            .ok()
            .and_then(|p| p.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        let taken = read_array(&file, MAX_IMPORT_BYTES)
            .await
            .and_then(|bytes| take(&path, &bytes, Time::from_ms(file.last_modified())));
        if let Err(e) = taken {
            refused.push(FileReport::refused(&path, e.to_string()));
        }
        if done % 50 == 0 {
            progress(done + 1, total);
        }
    }
    refused
}
