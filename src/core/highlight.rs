//! Cutting a text at highlighted byte ranges (search matches), so the UI can wrap each
//! highlighted piece in a `<mark>` while every piece stays plain, escaped text.

use std::ops::Range;

/// The text in order as (piece, highlighted) pairs. Ranges out of bounds, overlapping earlier
/// ones or not on char boundaries are skipped rather than trusted.
pub fn segments<'t>(text: &'t str, ranges: &[Range<usize>]) -> Vec<(&'t str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for range in ranges {
        let (start, end) = (range.start, range.end);
        if start < at || end <= start || text.get(start..end).is_none() {
            continue;
        }
        if start > at {
            out.push((&text[at..start], false));
        }
        out.push((&text[start..end], true));
        at = end;
    }
    if at < text.len() {
        out.push((&text[at..], false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_around_ranges() {
        assert_eq!(
            segments("spaced repetition", &[0..6, 7..10]),
            vec![
                ("spaced", true),
                (" ", false),
                ("rep", true),
                ("etition", false)
            ]
        );
        assert_eq!(segments("abc", &[]), vec![("abc", false)]);
        let empty: &[Range<usize>] = &[0..0, 0..2];
        assert_eq!(segments("", empty), Vec::<(&str, bool)>::new());
    }

    #[test]
    fn bad_ranges_are_skipped() {
        // "é" is two bytes: 1..2 is inside it.
        assert_eq!(
            segments("éa", &[1..2, 2..3]),
            vec![("é", false), ("a", true)]
        );
        assert_eq!(
            segments("abc", &[1..2, 0..3, 2..9]),
            vec![("a", false), ("b", true), ("c", false)]
        );
    }
}
