//! Files a bundle or backup carries. Their records travel in the JSON (`files`); their contents
//! follow the compressed JSON raw, each distinct contents once, in the order the records first
//! name them. A format with files is written as version 2:
//!
//! ```text
//! magic, 2, length of the compressed JSON (u32, little-endian), compressed JSON, contents…
//! ```
//!
//! Pictures and sound are compressed already: storing them raw keeps a large backup fast to
//! write and read, and the browser joins the stored blobs into the file without copying them.

use std::collections::HashSet;
use std::ops::Range;

use crate::core::attachment::{name, Attachment, MAX_FILE_BYTES};
use crate::core::exchange::error::{ExchangeError, Reading};
use crate::core::exchange::frame::{frame, header, inflate, valid_time};

/// Where carried contents lie in a file, by hash.
pub type Contents = Vec<(String, Range<usize>)>;

/// The version of a bundle or backup that carries files.
pub const WITH_FILES: u8 = 2;
/// Bytes of the compressed JSON's length.
const LENGTH_BYTES: usize = 4;

/// The files' contents in the order they are written: each distinct hash once, as first named.
pub fn in_order(files: &[Attachment]) -> Vec<&Attachment> {
    let mut seen = HashSet::new();
    files
        .iter()
        .filter(|f| seen.insert(f.hash.as_str()))
        .collect()
}

/// Packs the JSON of a bundle or backup: as version `version` (the plain frame) when it carries
/// no files, else as the head of version 2, which the contents follow.
pub(crate) fn pack(magic: &[u8], version: u8, json: &[u8], with_files: bool) -> Vec<u8> {
    if with_files {
        head(magic, &miniz_oxide::deflate::compress_to_vec(json, 9))
    } else {
        frame(magic, version, json)
    }
}

/// The unpacked JSON of a bundle or backup of either version, and where the contents start
/// (`None` for the plain version, which carries none).
pub(crate) fn unpack(
    bytes: &[u8],
    magic: &[u8],
    version: u8,
    reading: Reading,
    limit: usize,
) -> Result<(Vec<u8>, Option<usize>), ExchangeError> {
    let (compressed, start) = if bytes.get(magic.len()) == Some(&WITH_FILES) {
        let (compressed, start) = split(bytes, magic, reading)?;
        (compressed, Some(start))
    } else {
        (header(bytes, magic, version, reading)?, None)
    };
    Ok((inflate(compressed, limit, reading)?, start))
}

/// Magic, version 2, the compressed JSON's length and the compressed JSON: what comes before
/// the contents.
fn head(magic: &[u8], compressed: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(magic.len() + 1 + LENGTH_BYTES + compressed.len());
    bytes.extend_from_slice(magic);
    bytes.push(WITH_FILES);
    bytes.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
    bytes.extend_from_slice(compressed);
    bytes
}

/// The compressed JSON of a version-2 file and where its contents start in `bytes`.
fn split<'a>(
    bytes: &'a [u8],
    magic: &[u8],
    reading: Reading,
) -> Result<(&'a [u8], usize), ExchangeError> {
    let rest = header(bytes, magic, WITH_FILES, reading)?;
    let length = rest
        .get(..LENGTH_BYTES)
        .ok_or(ExchangeError::Truncated(reading))?;
    let length = u32::from_le_bytes([length[0], length[1], length[2], length[3]]) as usize;
    let json_start = magic.len() + 1 + LENGTH_BYTES;
    let contents_start = json_start
        .checked_add(length)
        .filter(|end| *end <= bytes.len())
        .ok_or(ExchangeError::Truncated(reading))?;
    Ok((&bytes[json_start..contents_start], contents_start))
}

/// Checks the records of carried files against the contents that follow at `start` (from
/// [`unpack`]) in a file of `total` bytes, and returns where each distinct contents lies, by
/// hash. A plain-version file may list no files.
pub(crate) fn place(
    files: &mut [Attachment],
    start: Option<usize>,
    total: usize,
    reading: Reading,
) -> Result<Contents, ExchangeError> {
    match start {
        Some(start) => check(files, start, total, reading),
        None if files.is_empty() => Ok(Vec::new()),
        None => Err(ExchangeError::Shape(
            reading,
            "it lists files it does not carry".to_string(),
        )),
    }
}

/// Checks records against contents at `start`. Names are kept only when they are already
/// clean: a hostile name is refused, never rewritten into another file's.
fn check(
    files: &mut [Attachment],
    start: usize,
    total: usize,
    reading: Reading,
) -> Result<Contents, ExchangeError> {
    let mut keys = HashSet::new();
    for file in files.iter_mut() {
        let bad = |reason| ExchangeError::BadFile {
            reading,
            name: file.name.clone(),
            reason,
        };
        if file.name.is_empty() || name::clean(&file.name, "") != file.name {
            return Err(bad("has a name Loam cannot use"));
        }
        if file.hash.len() != 64 || !file.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("has no usable fingerprint"));
        }
        file.hash.make_ascii_lowercase();
        if file.size > MAX_FILE_BYTES {
            return Err(bad("is larger than 20 MB"));
        }
        if !valid_time(file.added) {
            return Err(bad("has an impossible date"));
        }
        file.id = name::key(&file.name);
        if !keys.insert(file.id.clone()) {
            return Err(bad("is listed twice"));
        }
    }
    let mut at = start;
    let mut ranges = Vec::new();
    for file in in_order(files) {
        let end = at
            .checked_add(file.size as usize)
            .ok_or(ExchangeError::Truncated(reading))?;
        ranges.push((file.hash.clone(), at..end));
        at = end;
    }
    for file in files.iter() {
        let first = ranges.iter().find(|(hash, _)| *hash == file.hash);
        if first.is_some_and(|(_, r)| r.len() as u64 != file.size) {
            return Err(ExchangeError::BadFile {
                reading,
                name: file.name.clone(),
                reason: "differs in size from a file with the same contents",
            });
        }
    }
    if at > total {
        return Err(ExchangeError::Truncated(reading));
    }
    if at < total {
        return Err(ExchangeError::Shape(
            reading,
            "it holds more file data than it lists".to_string(),
        ));
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::attachment::Kind;
    use crate::core::time::Time;

    fn file(name: &str, hash_byte: char, size: u64) -> Attachment {
        Attachment::new(
            name,
            &hash_byte.to_string().repeat(64),
            Kind::Png,
            size,
            Time::from_ms(1.0),
        )
    }

    #[test]
    fn each_contents_is_placed_once_in_order() {
        let mut files = vec![
            file("a.png", 'a', 3),
            file("b.png", 'b', 2),
            file("c.png", 'a', 3),
        ];
        let ranges = check(&mut files, 10, 15, Reading::Backup).unwrap();
        assert_eq!(ranges, [("a".repeat(64), 10..13), ("b".repeat(64), 13..15)]);
    }

    #[test]
    fn hostile_records_are_refused() {
        let refuse = |mut files: Vec<Attachment>, total: usize| {
            check(&mut files, 0, total, Reading::Bundle)
                .unwrap_err()
                .to_string()
        };
        let mut renamed = file("x.png", 'a', 1);
        renamed.name = "../x.png".into();
        assert!(refuse(vec![renamed], 1).contains("has a name Loam cannot use"));
        let mut unhashed = file("x.png", 'a', 1);
        unhashed.hash = "zz".into();
        assert!(refuse(vec![unhashed], 1).contains("fingerprint"));
        assert!(refuse(vec![file("x.png", 'a', MAX_FILE_BYTES + 1)], 1).contains("20 MB"));
        assert!(refuse(vec![file("x.png", 'a', 1), file("X.PNG", 'b', 1)], 2).contains("twice"));
        assert!(refuse(vec![file("x.png", 'a', 1), file("y.png", 'a', 2)], 1).contains("size"));
        assert!(refuse(vec![file("x.png", 'a', 5)], 4).contains("cut off"));
        assert!(refuse(vec![file("x.png", 'a', 5)], 6).contains("more file data"));
        assert!(refuse(vec![file("x.png", 'a', u64::MAX / 2)], 6).contains("20 MB"));
    }

    #[test]
    fn the_length_prefix_is_checked() {
        let bytes = head(b"LOAM", b"json");
        assert_eq!(
            split(&bytes, b"LOAM", Reading::Bundle).unwrap(),
            (&b"json"[..], 13)
        );
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(
            split(cut, b"LOAM", Reading::Bundle),
            Err(ExchangeError::Truncated(Reading::Bundle))
        );
        assert_eq!(
            split(&bytes[..6], b"LOAM", Reading::Bundle),
            Err(ExchangeError::Truncated(Reading::Bundle))
        );
    }
}
