//! Cutting a text at highlighted byte ranges (search matches), so the UI can wrap each
//! highlighted piece in a `<mark>` while every piece stays plain, escaped text; and search
//! results as the HTML of their list, which the browser parses in one go.

use std::ops::Range;

use crate::core::html::push_escaped;
use crate::core::route::Route;
use crate::core::search::Hit;

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

/// The items of a search results list: each hit's title as a link to its note, then its
/// snippet, matches in `<mark>`. One string for `innerHTML`: building the items node by node from
/// wasm took longer than the search itself.
pub fn hits_html(hits: &[Hit]) -> String {
    // The text and about as much again for the markup: one allocation, not a dozen.
    let text: usize = hits
        .iter()
        .map(|h| h.note_id.len() + h.title.len() + h.snippet.text.len())
        .sum();
    let mut out = String::with_capacity(2 * text + 100 * hits.len());
    for hit in hits {
        let href = Route::Note {
            id: hit.note_id.to_string(),
            heading: None,
        }
        .to_fragment();
        out.push_str(r#"<li class="search-hit"><a class="search-title" href=""#);
        push_escaped(&mut out, &href);
        out.push_str(r#"">"#);
        push_marked(&mut out, &hit.title, &hit.title_ranges);
        out.push_str("</a>");
        if !hit.snippet.text.is_empty() {
            out.push_str(r#"<p class="search-snippet">"#);
            push_marked(&mut out, &hit.snippet.text, &hit.snippet.ranges);
            out.push_str("</p>");
        }
        out.push_str("</li>");
    }
    out
}

/// Appends `text` as HTML, its highlighted pieces in `<mark>`.
fn push_marked(out: &mut String, text: &str, ranges: &[Range<usize>]) {
    for (piece, highlighted) in segments(text, ranges) {
        if highlighted {
            out.push_str("<mark>");
            push_escaped(out, piece);
            out.push_str("</mark>");
        } else {
            push_escaped(out, piece);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::search::SearchIndex;

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

    #[test]
    fn hits_become_list_items_with_marks() {
        let mut index = SearchIndex::new();
        index.update("a b", "Spaced repetition", "Then the spaced effect.");
        index.update("c", "Recall spaced", "");
        let hits = index.search("spaced", 10, |id| {
            (id == "a b").then_some("Then the spaced effect.")
        });
        assert_eq!(
            hits_html(&hits),
            concat!(
                r##"<li class="search-hit"><a class="search-title" href="#/note/a%20b">"##,
                "<mark>Spaced</mark> repetition</a>",
                r#"<p class="search-snippet">Then the <mark>spaced</mark> effect.</p></li>"#,
                r##"<li class="search-hit"><a class="search-title" href="#/note/c">"##,
                "Recall <mark>spaced</mark></a></li>",
            )
        );
        assert_eq!(hits_html(&[]), "");
    }

    #[test]
    fn hit_text_is_escaped() {
        let mut index = SearchIndex::new();
        index.update("x\"><script>", "<b>&\"'", "x < y & b");
        let html = hits_html(&index.search("b", 10, |_| Some("x < y & b")));
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;<mark>b</mark>&gt;&amp;&quot;&#39;</a>"),
            "{html}"
        );
        assert!(html.contains("x &lt; y &amp; <mark>b</mark></p>"), "{html}");
    }
}
