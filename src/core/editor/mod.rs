//! The editor's logic: its colours, what it suggests while one writes, and carets as the browser
//! counts them.

pub mod highlight;
pub mod suggest;

/// The byte offset of a caret the browser gives in UTF-16 units (`selectionStart`); past the
/// end it is the end, inside a surrogate pair the character's start.
pub fn byte_at_utf16(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (at, c) in text.char_indices() {
        seen += c.len_utf16() as u32;
        if seen > units {
            return at;
        }
    }
    text.len()
}

/// The caret the browser expects (UTF-16 units) for byte offset `byte`.
pub fn utf16_at_byte(text: &str, byte: usize) -> u32 {
    let end = byte.min(text.len());
    let end = (0..=end)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text[..end].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_convert_both_ways() {
        let text = "a😀b日";
        assert_eq!(byte_at_utf16(text, 0), 0);
        assert_eq!(byte_at_utf16(text, 1), 1);
        assert_eq!(byte_at_utf16(text, 2), 1);
        assert_eq!(byte_at_utf16(text, 3), 5);
        assert_eq!(byte_at_utf16(text, 4), 6);
        assert_eq!(byte_at_utf16(text, 99), text.len());
        for byte in [0, 1, 5, 6, text.len()] {
            assert_eq!(byte_at_utf16(text, utf16_at_byte(text, byte)), byte);
        }
    }
}
