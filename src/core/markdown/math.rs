//! Maths in notes and cards (`$…$`, `$$…$$`) as MathML, which the browser draws itself: no
//! script and no font to download. The converter is large, so it lives in a module of its own
//! (`src/maths.rs`), fetched when a formula is first shown: the note view writes each formula
//! as a [`placeholder`] holding its TeX, and the page swaps in what [`typeset`] makes of it.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, RenderConfig, Storage};

use crate::core::html::escape;

/// The MathML of one formula. TeX the converter cannot read still shows, as its source marked as
/// an error, so a typo never hides what was written. The output escapes every piece of the
/// source it carries and holds no links or scripts.
pub fn typeset(tex: &str, block: bool) -> String {
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect();
    if events.iter().any(Result::is_err) {
        return unreadable(tex, block);
    }
    let config = RenderConfig {
        display_mode: if block {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut html = String::new();
    match push_mathml(&mut html, events.into_iter(), config) {
        Ok(()) => sanitized(&html).unwrap_or_else(|| unreadable(tex, block)),
        Err(_) => unreadable(tex, block),
    }
}

/// A formula waiting to be typeset: its TeX as text (what the reader sees until the maths
/// module is there, or if it cannot load), marked for the page to replace.
pub(super) fn placeholder(tex: &str, block: bool) -> String {
    format!(
        "<span class=\"math-tex\" data-block=\"{}\">{}</span>",
        u8::from(block),
        escape(tex)
    )
}

/// MathML elements and attributes the converter writes.
const ELEMENTS: &[&str] = &[
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mspace",
    "mpadded",
    "mphantom",
    "mstyle",
    "mtable",
    "mtr",
    "mtd",
    "merror",
    "menclose",
    "mmultiscripts",
    "mprescripts",
    "none",
];
const ATTRIBUTES: &[&str] = &[
    "display",
    "displaystyle",
    "scriptlevel",
    "mathvariant",
    "stretchy",
    "symmetric",
    "largeop",
    "movablelimits",
    "maxsize",
    "minsize",
    "linethickness",
    "width",
    "height",
    "depth",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "columnalign",
    "class",
    "style",
    "form",
    "fence",
    "separator",
    "voffset",
];

/// Keeps the converter's own tags and escapes every other `<`. The converter echoes some of
/// the source as it is (`\operatorname{<img …>}`, the operator `<`), so its output is read
/// like any untrusted markup: a tag stays only when its name and every attribute are MathML
/// and its values are plain; markup that would leave the elements unbalanced is refused.
fn sanitized(html: &str) -> Option<String> {
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match math_tag(rest) {
            Some(tag) => {
                if tag.closing {
                    if open.pop() != Some(tag.name) {
                        return None;
                    }
                } else if !tag.self_closed {
                    open.push(tag.name);
                }
                out.push_str(&rest[..tag.len]);
                rest = &rest[tag.len..];
            }
            None => {
                out.push_str("&lt;");
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    open.is_empty().then_some(out)
}

struct MathTag<'h> {
    name: &'h str,
    closing: bool,
    self_closed: bool,
    /// Bytes from `<` to `>`, both included.
    len: usize,
}

/// The MathML tag that `text` starts with, if it is one we allow.
fn math_tag(text: &str) -> Option<MathTag<'_>> {
    let end = text.find('>')?;
    let inner = &text[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (inner, self_closed) = match inner.strip_suffix('/') {
        Some(rest) => (rest.trim_end(), true),
        None => (inner, false),
    };
    let name_end = inner.find(' ').unwrap_or(inner.len());
    let name = ELEMENTS.iter().find(|&&e| e == &inner[..name_end])?;
    let mut attrs = inner[name_end..].trim_start();
    if closing && (self_closed || !attrs.is_empty()) {
        return None;
    }
    while !attrs.is_empty() {
        let eq = attrs.find("=\"")?;
        if !ATTRIBUTES.contains(&&attrs[..eq]) {
            return None;
        }
        let value_start = eq + 2;
        let value_len = attrs[value_start..].find('"')?;
        let value = &attrs[value_start..value_start + value_len];
        let plain = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .;:()#%-".contains(c));
        if !plain || value.contains("url") {
            return None;
        }
        attrs = attrs[value_start + value_len + 1..].trim_start();
    }
    Some(MathTag {
        name,
        closing,
        self_closed,
        len: end + 1,
    })
}

fn unreadable(tex: &str, block: bool) -> String {
    let (open, close) = if block { ("$$", "$$") } else { ("$", "$") };
    format!(
        "<code class=\"math-error\" title=\"This maths could not be read\">{open}{}{close}</code>",
        escape(tex)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_formula_becomes_mathml() {
        let html = typeset(r"\frac{a}{b} + x^2", false);
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(html.contains("<msup>"), "{html}");
        assert!(!html.contains("display=\"block\""), "{html}");
    }

    #[test]
    fn a_block_formula_is_displayed_as_a_block() {
        let html = typeset(r"\sum_{i=1}^n i", true);
        assert!(html.contains("display=\"block\""), "{html}");
    }

    #[test]
    fn tex_that_cannot_be_read_shows_its_source() {
        let html = typeset(r"\frac{a", false);
        assert_eq!(
            html,
            "<code class=\"math-error\" title=\"This maths could not be read\">$\\frac{a$</code>"
        );
    }

    #[test]
    fn a_less_than_operator_is_escaped() {
        let html = typeset("a < b", false);
        assert!(html.contains("<mo>&lt;</mo>"), "{html}");
    }

    #[test]
    fn source_the_converter_echoes_stays_text() {
        let html = typeset(r"\operatorname{<img src=x onerror=alert(1)>}", false);
        assert_eq!(
            html,
            "<math display=\"inline\"><mi>&lt;img src=x onerror=alert(1)></mi></math>"
        );
        // Closing the converter's elements from inside them is refused as a whole.
        assert!(typeset(r"\operatorname{</mi></math><b>}", false).starts_with("<code"));
        assert!(typeset(r"\operatorname{<mi onclick=x>}", false).contains("&lt;mi onclick"));
    }

    /// Every `<` in `html` opens a MathML tag we allow, or the error's `<code>`.
    fn only_our_tags(html: &str) -> bool {
        html.match_indices('<').all(|(at, _)| {
            let rest = &html[at..];
            math_tag(rest).is_some()
                || rest.starts_with("<code class=\"math-error\"")
                || rest.starts_with("</code>")
        })
    }

    #[test]
    fn markup_in_a_formula_stays_text() {
        for tex in [
            r"\text{<script>alert(1)</script>}",
            r#"\text{" onmouseover="x}"#,
            r"a < b > c & d",
            r"\operatorname{<img src=x onerror=alert(1)>}",
            r"\operatorname{<math><mi style=x>}",
            r#"\color{red" onclick="x} a"#,
            r"\unknowncommand{<b>}",
        ] {
            let html = typeset(tex, false);
            assert!(only_our_tags(&html), "{tex}: {html}");
            assert!(
                !html.contains("<script") && !html.contains("<img"),
                "{tex}: {html}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Whatever a note holds between dollars, rendering it never panics.
        #[test]
        fn any_tex_renders_without_panic(tex in r"[\\{}_^&a-z0-9 \[\]()+=|<>#%$~'.,-]{0,40}") {
            prop_assert!(only_our_tags(&typeset(&tex, false)));
            prop_assert!(only_our_tags(&typeset(&tex, true)));
        }

        #[test]
        fn commands_with_odd_arguments_render_without_panic(
            command in prop::sample::select(vec![
                "frac", "sqrt", "begin", "end", "left", "right", "color", "text", "mathbb",
                "hspace", "kern", "rule", "def", "newcommand", "overset", "operatorname",
                "substack", "array", "matrix", "over", "not", "middle", "big", "char",
            ]),
            rest in r"[\\{}_^&a-z0-9 \[\]()|.#-]{0,20}",
        ) {
            let tex = format!("\\{command}{rest}");
            prop_assert!(only_our_tags(&typeset(&tex, false)));
        }
    }
}
