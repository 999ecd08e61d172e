//! The container bundles and backups share: magic, version, then the raw DEFLATE of a JSON
//! envelope; the encrypted (sealed) frame of a bundle; and checks both formats make.

use crate::core::exchange::bundle::{MAGIC, VERSION};
use crate::core::exchange::error::{ExchangeError, Reading};
use crate::core::time::Time;

/// First bytes of an encrypted bundle (the plain magic plus `X`).
pub const SEALED_MAGIC: &[u8; 5] = b"LOAMX";
/// Longest note or course id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Bytes of an AES-GCM nonce.
pub const IV_BYTES: usize = 12;
/// Bytes of an AES-GCM tag: the shortest possible ciphertext.
const TAG_BYTES: usize = 16;

/// Hostile text made fit for a message: short, and with no control characters.
pub(crate) fn shown(text: &str) -> String {
    const MOST: usize = 60;
    let mut out: String = text
        .chars()
        .take(MOST)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if text.chars().nth(MOST).is_some() {
        out.push('…');
    }
    out
}

/// Magic, version, then the raw DEFLATE of `json` at level 9: the frame of bundles and backups.
pub(crate) fn frame(magic: &[u8], version: u8, json: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(magic.len() + 1 + json.len() / 3);
    bytes.extend_from_slice(magic);
    bytes.push(version);
    bytes.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(json, 9));
    bytes
}

/// Unpacks raw DEFLATE, refusing to grow past `limit` bytes; errors name `reading`.
pub(crate) fn inflate(
    compressed: &[u8],
    limit: usize,
    reading: Reading,
) -> Result<Vec<u8>, ExchangeError> {
    if compressed.is_empty() {
        return Err(ExchangeError::Truncated(reading));
    }
    miniz_oxide::inflate::decompress_to_vec_with_limit(compressed, limit).map_err(|error| {
        match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ExchangeError::TooLarge(reading),
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => {
                ExchangeError::Truncated(reading)
            }
            _ => ExchangeError::Corrupt(reading),
        }
    })
}

/// What is wrong with unpacked JSON, in words fit for a learner.
pub(crate) fn json_detail(error: &serde_json::Error) -> String {
    // The stream was whole, so JSON that ends early was made that way.
    if error.classify() == serde_json::error::Category::Eof {
        return "the data ends in the middle".to_string();
    }
    serde_detail(error)
}

/// Serde's message without its line and column, which mean nothing to a learner.
fn serde_detail(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let detail = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    shown(detail)
}

/// Checks magic and version (one above `version` is newer, one below unknown); returns what
/// follows them.
pub(crate) fn header<'a>(
    bytes: &'a [u8],
    magic: &[u8],
    version: u8,
    reading: Reading,
) -> Result<&'a [u8], ExchangeError> {
    let head = magic.len();
    if bytes.is_empty() {
        return Err(ExchangeError::NotLoam(reading));
    }
    if bytes.len() <= head {
        return if magic.starts_with(bytes) {
            Err(ExchangeError::Truncated(reading))
        } else {
            Err(ExchangeError::NotLoam(reading))
        };
    }
    if !bytes.starts_with(magic) {
        return Err(ExchangeError::NotLoam(reading));
    }
    match bytes[head] {
        v if v == version => Ok(&bytes[head + 1..]),
        v if v > version => Err(ExchangeError::NewerVersion(reading, v)),
        _ => Err(ExchangeError::NotLoam(reading)),
    }
}

/// Whether an id can name a note or course: 1 to 64 of `A-Z a-z 0-9 _ -`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub(crate) fn valid_time(time: Time) -> bool {
    time.is_finite() && time >= Time::EPOCH
}
// ---------------------------------------------------------------------------------------------
// The encrypted envelope. Encryption (AES-GCM) happens in the browser; here only the framing.

/// Whether these bytes are an encrypted bundle.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_MAGIC)
}

/// `LOAMX`, version, the 12-byte nonce, then the ciphertext (with its tag).
pub fn seal_frame(iv: &[u8; IV_BYTES], ciphertext: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(SEALED_MAGIC.len() + 1 + IV_BYTES + ciphertext.len());
    bytes.extend_from_slice(SEALED_MAGIC);
    bytes.push(VERSION);
    bytes.extend_from_slice(iv);
    bytes.extend_from_slice(ciphertext);
    bytes
}

/// Splits an encrypted bundle into nonce and ciphertext.
pub fn open_frame(bytes: &[u8]) -> Result<([u8; IV_BYTES], &[u8]), ExchangeError> {
    let rest = match header(bytes, SEALED_MAGIC, VERSION, Reading::Bundle) {
        Err(ExchangeError::NotLoam(_)) if bytes.starts_with(MAGIC) => {
            return Err(ExchangeError::NotSealed)
        }
        other => other?,
    };
    if rest.len() < IV_BYTES + TAG_BYTES {
        return Err(ExchangeError::Truncated(Reading::Bundle));
    }
    let (iv, ciphertext) = rest.split_at(IV_BYTES);
    let iv =
        <[u8; IV_BYTES]>::try_from(iv).map_err(|_| ExchangeError::Truncated(Reading::Bundle))?;
    Ok((iv, ciphertext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::bundle::tests::sample;
    use crate::core::exchange::bundle::{decode, encode};

    #[test]
    fn sealed_frames() {
        let iv = [7u8; IV_BYTES];
        let ciphertext = [9u8; 40];
        let sealed = seal_frame(&iv, &ciphertext);
        assert!(sealed.starts_with(b"LOAMX\x01"));
        assert!(is_sealed(&sealed) && !is_sealed(&encode(&sample())));
        assert_eq!(open_frame(&sealed), Ok((iv, &ciphertext[..])));
        assert_eq!(decode(&sealed), Err(ExchangeError::Sealed));
        assert_eq!(
            open_frame(&[]),
            Err(ExchangeError::NotLoam(Reading::Bundle))
        );
        for len in 1..SEALED_MAGIC.len() + 1 + IV_BYTES + TAG_BYTES {
            assert_eq!(
                open_frame(&sealed[..len]),
                Err(ExchangeError::Truncated(Reading::Bundle)),
                "{len}"
            );
        }
        assert_eq!(
            open_frame(&encode(&sample())),
            Err(ExchangeError::NotSealed)
        );
        assert_eq!(
            open_frame(b"GIF89a........................."),
            Err(ExchangeError::NotLoam(Reading::Bundle))
        );
        let mut newer = sealed.clone();
        newer[5] = 3;
        assert_eq!(
            open_frame(&newer),
            Err(ExchangeError::NewerVersion(Reading::Bundle, 3))
        );
    }
}
