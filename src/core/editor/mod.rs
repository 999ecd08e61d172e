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

/// Where a caret (UTF-16 units, as the browser counts) in `old` stands once the text became
/// `new` (another device's edit, another tab's): after the changed range it moves with the text,
/// before it stays, inside it goes to the range's end.
pub fn caret_through(old: &str, new: &str, caret: u32) -> u32 {
    let edit = crate::core::sync::text::Edit::between(old, new);
    let at = byte_at_utf16(old, caret);
    let moved = if at <= edit.at {
        at
    } else if at >= edit.at + edit.removed {
        at - edit.removed + edit.inserted.len()
    } else {
        edit.at + edit.inserted.len()
    };
    utf16_at_byte(new, moved)
}

/// `text` with embeds of `names` (`![[name]]`, one per line) put in place of the selection
/// `start..end` (bytes), each on a line of its own; returns the text and the caret after them.
pub fn with_embeds(text: &str, start: usize, end: usize, names: &[String]) -> (String, usize) {
    let boundary = |at: usize| {
        let at = at.min(text.len());
        (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)
    };
    let (start, end) = (boundary(start), boundary(end.max(start)));
    let before = &text[..start];
    let after = &text[end..];
    let mut inserted = String::new();
    if !before.is_empty() && !before.ends_with('\n') {
        inserted.push('\n');
    }
    let embeds: Vec<String> = names.iter().map(|n| format!("![[{n}]]")).collect();
    inserted.push_str(&embeds.join("\n"));
    let caret = before.len() + inserted.len();
    if !after.starts_with('\n') {
        inserted.push('\n');
    }
    (format!("{before}{inserted}{after}"), caret)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_caret_follows_the_text_around_an_edit_elsewhere() {
        use super::caret_through;
        // Typing at the end while a line arrives at the start: the caret stays at the end.
        assert_eq!(caret_through("b", "a\nb", 1), 3);
        // An edit after the caret leaves it where it is.
        assert_eq!(caret_through("ab", "abc", 1), 1);
        // Characters outside the basic plane count two units.
        assert_eq!(caret_through("🙂x", "é🙂x", 3), 4);
    }

    use super::*;

    #[test]
    fn embeds_go_on_lines_of_their_own_at_the_caret() {
        let names = ["a.png".to_string(), "b c.ogg".to_string()];
        assert_eq!(
            with_embeds("Look: here", 6, 10, &names[..1]),
            ("Look: \n![[a.png]]\n".to_string(), 17)
        );
        let (text, caret) = with_embeds("one\ntwo", 4, 4, &names);
        assert_eq!(text, "one\n![[a.png]]\n![[b c.ogg]]\ntwo");
        assert_eq!(&text[caret..], "\ntwo");
        assert_eq!(with_embeds("", 0, 0, &names[..1]).0, "![[a.png]]\n");
        // A caret past the end or inside a character is taken to the nearest boundary.
        assert_eq!(with_embeds("é", 1, 99, &names[..1]).0, "![[a.png]]\n");
    }

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
