//! Bundles as text: the payload of a share link (base64url) and the key of an encrypted one.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::core::exchange::bundle::{decode, Bundle};
use crate::core::exchange::error::{ExchangeError, Reading};

/// Longest link payload we try to decode, in characters.
pub const MAX_LINK_PAYLOAD: usize = 2_000_000;
/// Longest share link we offer, in characters; past it, the app offers a file instead.
pub const LINK_LIMIT: usize = 32_000;

/// base64url without padding; reading also takes padding and stray low bits.
const LINK_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Bundle bytes as they go after `#/import/` in a link.
pub fn to_link_payload(bytes: &[u8]) -> String {
    LINK_BASE64.encode(bytes)
}

/// Reads the payload of a `#/import/` link. Spaces and line breaks (a link wrapped in a mail)
/// and trailing `=` are ignored.
pub fn decode_link_payload(text: &str) -> Result<Bundle, ExchangeError> {
    decode(&link_payload_bytes(text)?)
}

/// The bundle bytes a `#/import/` link carries, not yet read.
pub fn link_payload_bytes(text: &str) -> Result<Vec<u8>, ExchangeError> {
    link_bytes(text, MAX_LINK_PAYLOAD, ExchangeError::LinkTooLong)
}

/// base64url text to bytes, refusing text longer than `most` before decoding it.
fn link_bytes(text: &str, most: usize, too_long: ExchangeError) -> Result<Vec<u8>, ExchangeError> {
    let text = text.trim();
    if text.len() > most {
        return Err(too_long);
    }
    let text = text.trim_end_matches('=');
    // A link as sent has no spaces: decoded in place rather than copied first.
    let compact: std::borrow::Cow<str> = if text.bytes().all(|b| b.is_ascii_graphic()) {
        text.into()
    } else {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into()
    };
    if compact.is_empty() {
        return Err(ExchangeError::Truncated(Reading::Bundle));
    }
    LINK_BASE64
        .decode(compact.as_bytes())
        .map_err(|_| ExchangeError::BadLinkText)
}

/// An encryption key as it goes in a link: 22 characters of base64url.
pub fn key_to_text(key: &[u8; 16]) -> String {
    LINK_BASE64.encode(key)
}

/// Reads a key written by [`key_to_text`].
pub fn key_from_text(text: &str) -> Result<[u8; 16], ExchangeError> {
    let bytes = link_bytes(text, 64, ExchangeError::BadKey).map_err(|_| ExchangeError::BadKey)?;
    <[u8; 16]>::try_from(bytes.as_slice()).map_err(|_| ExchangeError::BadKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::bundle::encode;
    use crate::core::exchange::bundle::tests::sample;

    #[test]
    fn link_payloads_forgive_spacing_and_padding() {
        let bytes = encode(&sample());
        let text = to_link_payload(&bytes);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let (a, b) = text.split_at(text.len() / 2);
        let spaced = format!("  {a}\n {b}== \n");
        assert_eq!(decode_link_payload(&spaced), Ok(sample()));
    }

    #[test]
    fn bad_link_text() {
        assert_eq!(
            decode_link_payload("TE9B*TQ"),
            Err(ExchangeError::BadLinkText)
        );
        assert_eq!(
            decode_link_payload("TE9B+/TQ"),
            Err(ExchangeError::BadLinkText)
        );
        assert_eq!(decode_link_payload("T"), Err(ExchangeError::BadLinkText));
        assert_eq!(
            decode_link_payload(" \n"),
            Err(ExchangeError::Truncated(Reading::Bundle))
        );
        assert_eq!(
            decode_link_payload(&"A".repeat(MAX_LINK_PAYLOAD + 1)),
            Err(ExchangeError::LinkTooLong)
        );
        // Not a bundle, though good base64.
        assert_eq!(
            decode_link_payload("aGVsbG8gd29ybGQ"),
            Err(ExchangeError::NotLoam(Reading::Bundle))
        );
    }

    #[test]
    fn keys() {
        let key: [u8; 16] = *b"0123456789abcdef";
        let text = key_to_text(&key);
        assert_eq!(text.len(), 22);
        assert_eq!(key_from_text(&text), Ok(key));
        assert_eq!(key_from_text(&format!(" {text}== ")), Ok(key));
        for bad in [
            "",
            "short",
            &text[..21],
            &format!("{text}AA"),
            "!!!!!!!!!!!!!!!!!!!!!!",
            &"A".repeat(10_000),
        ] {
            assert_eq!(key_from_text(bad), Err(ExchangeError::BadKey), "{bad}");
        }
    }
}
