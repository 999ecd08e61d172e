//! Renders a note's Markdown to HTML that is safe to insert into the page, whoever wrote it:
//! raw HTML shows as text, URLs are allow-listed, and wiki-links become app routes.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, TextMergeStream,
};

use crate::core::card::syntax::allows_compact_cards;
use crate::core::html::escape;
pub use crate::core::note::front_matter::front_matter_end;
use crate::core::note::link::{markdown_options, scan, WikiLink};
use crate::core::note::tag::{tag_key, tags_in_line};
use crate::core::route::{encode, Route};

mod callout;
pub(crate) mod card_marks;
mod comment;
pub mod math;
mod media;
mod url;

pub use media::{Media, PENDING as FILE_PENDING};

use callout::{callout_line, Callout};
use card_marks::{card_marks, Piece};
use comment::without_comments;
use math::placeholder;
use url::{image_allowed, is_external, is_relative, link_allowed};

/// A note rendered to HTML, with the outline of its headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Safe to set as `innerHTML`: only allow-listed tags and attributes, no author markup.
    pub html: String,
    /// Every heading in document order.
    pub headings: Vec<Heading>,
}

/// One heading of a rendered note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading as plain text (wiki-links as their shown text).
    pub text: String,
    /// The element id: `h-<slug>`, with `-2`, `-3`… on repeats.
    pub id: String,
}

/// Renders Markdown to safe HTML. `resolve` maps a wiki-link's title to a note id, or `None`
/// when no such note exists.
pub fn render(markdown: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    render_document(markdown, resolve).html
}

/// Like [`render`], showing the library's stored files and holding back remote images unless
/// `media` allows them.
pub fn render_with_media(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    media: Media<'_>,
) -> String {
    render_with(markdown, resolve, None, Some(media)).html
}

/// Maps a card link (`[[Note#^anchor]]`, given as note id and anchor) to the badge text that
/// shows the learner's recall of that card; `None` when the anchor names a block, not a card.
pub type RecallOf<'r> = &'r dyn Fn(&str, &str) -> Option<String>;

/// What a note's links show beyond their target: the learner's recall of a linked card, and for
/// a missing note the course it belongs to (when an imported bundle named one).
pub struct LinkInfo<'r> {
    pub recall: RecallOf<'r>,
    /// Title of a missing note -> the title of the course it lives in.
    pub course_of: &'r dyn Fn(&str) -> Option<String>,
}

/// Like [`render`], with each link to a card carrying a badge of the learner's recall and each
/// missing note that another course holds saying which.
pub fn render_note(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    info: &LinkInfo<'_>,
    media: Media<'_>,
) -> String {
    render_with(markdown, resolve, Some(info), Some(media)).html
}

/// Like [`render`], and also returns the headings (for an outline or to check link targets).
pub fn render_document(markdown: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Rendered {
    render_with(markdown, resolve, None, None)
}

fn render_with(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    info: Option<&LinkInfo<'_>>,
    media: Option<Media<'_>>,
) -> Rendered {
    // Front matter is not shown; an HTML block is shown as a paragraph of its source text.
    let start = front_matter_end(markdown);
    let shown = without_comments(&markdown[start..]);
    let shown = shown.as_ref();
    let options = markdown_options() | pulldown_cmark::Options::ENABLE_MATH;
    let events = Parser::new_ext(shown, options).map(|event| match event {
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        other => other,
    });
    let mut renderer = Renderer::new(resolve, info, media);
    renderer.compact_cards = allows_compact_cards(markdown, start);
    for event in TextMergeStream::new(events) {
        renderer.event(event);
    }
    renderer.flush_run();
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, renderer.out.into_iter());
    Rendered {
        html,
        headings: renderer.headings,
    }
}

/// The part of a heading's id after `h-`, so `[[Title#Heading]]` can point at
/// `h-<slug(Heading)>`: lowercase letters and digits (any script), spaces and dashes as `-`.
pub fn slug(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for c in heading.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '-' || c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

struct OpenHeading {
    /// Where its start tag sits in `out`, to add the id once the text is known.
    index: usize,
    level: HeadingLevel,
    text: String,
}

struct OpenImage {
    /// `None` when the source is not allowed: then only the alt text is shown.
    src: Option<String>,
    title: String,
    alt: String,
    /// Tags opened inside the alt text and not yet closed.
    depth: usize,
}

struct Renderer<'a, 'r> {
    resolve: &'r dyn Fn(&str) -> Option<String>,
    info: Option<&'r LinkInfo<'r>>,
    /// Stored files and the remote-image rule; `None` renders images as written.
    media: Option<Media<'r>>,
    out: Vec<Event<'a>>,
    headings: Vec<Heading>,
    used_ids: HashSet<String>,
    /// Next suffix to try per base id, so many equal headings stay linear.
    next_suffix: HashMap<String, usize>,
    heading: Option<OpenHeading>,
    image: Option<OpenImage>,
    in_code_block: bool,
    /// One entry per open Markdown link: whether we emitted its `<a>`.
    links: Vec<bool>,
    /// Consecutive prose events (text and emphasis), held back to find wiki-links in them.
    run: Vec<Event<'a>>,
    /// The note allows `Question::Answer` without spaces.
    compact_cards: bool,
    /// One entry per open quote: where its start sits in `out`, and its callout if it is one.
    quotes: Vec<(usize, Option<Callout>)>,
    /// A quote just opened and its first line, which may make it a callout, is still to come.
    quote_pending: bool,
    /// A callout's title line was taken: the break after it and an empty paragraph go too.
    after_title: bool,
}

impl<'a, 'r> Renderer<'a, 'r> {
    fn new(
        resolve: &'r dyn Fn(&str) -> Option<String>,
        info: Option<&'r LinkInfo<'r>>,
        media: Option<Media<'r>>,
    ) -> Self {
        Renderer {
            resolve,
            info,
            media,
            out: Vec::new(),
            headings: Vec::new(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            heading: None,
            image: None,
            in_code_block: false,
            links: Vec::new(),
            run: Vec::new(),
            compact_cards: false,
            quotes: Vec::new(),
            quote_pending: false,
            after_title: false,
        }
    }

    fn event(&mut self, event: Event<'a>) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
        if self.quote_pending && !matches!(event, Event::Start(Tag::Paragraph)) {
            self.quote_pending = false;
            if let Event::Text(text) = &event {
                if self.take_callout_title(text) {
                    return;
                }
            }
        }
        if !self.in_code_block && self.links.is_empty() && is_prose(&event) {
            self.run.push(event);
            return;
        }
        self.flush_run();
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(OpenHeading {
                    index: self.out.len(),
                    level,
                    text: String::new(),
                });
                self.out.push(Event::Start(heading_tag(level, None)));
            }
            Event::End(TagEnd::Heading(level)) => {
                self.close_heading();
                self.out.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.in_code_block = true;
                let kind = match kind {
                    CodeBlockKind::Fenced(info) => CodeBlockKind::Fenced(language(&info).into()),
                    indented => indented,
                };
                self.out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.open_link(link_type, &dest_url, &title),
            Event::End(TagEnd::Link) => {
                if self.links.pop() == Some(true) {
                    self.out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                self.image = Some(OpenImage {
                    src: image_allowed(&dest_url).then(|| dest_url.to_string()),
                    title: title.to_string(),
                    alt: String::new(),
                    depth: 0,
                });
            }
            Event::Code(code) => {
                self.heading_text(&code);
                self.out.push(Event::Code(code));
            }
            Event::InlineMath(tex) => {
                self.heading_text(&tex);
                self.out
                    .push(Event::InlineHtml(placeholder(&tex, false).into()));
            }
            Event::DisplayMath(tex) => {
                self.heading_text(&tex);
                self.out
                    .push(Event::InlineHtml(placeholder(&tex, true).into()));
            }
            // Raw HTML is shown as the text it is; like code, it holds no wiki-links.
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.heading_text(&text);
                self.out.push(Event::Text(text));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.quotes.push((self.out.len(), None));
                self.quote_pending = true;
                self.out.push(Event::Start(Tag::BlockQuote(kind)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => match self.quotes.pop() {
                Some((_, Some(callout))) => self
                    .out
                    .push(Event::InlineHtml(callout.close_html().into())),
                _ => self.out.push(Event::End(TagEnd::BlockQuote(kind))),
            },
            Event::SoftBreak | Event::HardBreak if self.after_title => self.after_title = false,
            Event::End(TagEnd::Paragraph) if self.after_title => {
                self.after_title = false;
                if matches!(self.out.last(), Some(Event::Start(Tag::Paragraph))) {
                    self.out.pop();
                } else {
                    self.out.push(Event::End(TagEnd::Paragraph));
                }
            }
            // A line break in the source is one in the view, as Obsidian shows it: cards on
            // consecutive lines stay apart.
            Event::SoftBreak | Event::HardBreak => {
                self.heading_text(" ");
                self.out.push(Event::HardBreak);
            }
            // pulldown's checkbox has no accessible name; screen readers should hear the state.
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked=\"\"", "done")
                } else {
                    ("", "not done")
                };
                self.out.push(Event::InlineHtml(
                    format!(
                        "<input disabled=\"\" type=\"checkbox\"{checked} aria-label=\"{label}\"/>\n"
                    )
                    .into(),
                ));
            }
            other => self.out.push(other),
        }
    }

    /// Makes the quote just opened a callout when its first line says so; the line becomes the
    /// callout's title.
    fn take_callout_title(&mut self, line: &str) -> bool {
        let Some((start, open)) = self.quotes.last_mut() else {
            return false;
        };
        let first_in_quote = matches!(self.out.get(*start + 1), Some(Event::Start(Tag::Paragraph)))
            && self.out.len() == *start + 2;
        let Some(callout) = callout_line(line).filter(|_| first_in_quote) else {
            return false;
        };
        self.out[*start] = Event::InlineHtml(callout.open_html().into());
        *open = Some(callout);
        self.after_title = true;
        true
    }

    fn image_event(&mut self, event: Event<'a>) {
        let Some(image) = self.image.as_mut() else {
            return;
        };
        match event {
            Event::Start(_) => image.depth += 1,
            Event::End(_) if image.depth > 0 => image.depth -= 1,
            Event::End(_) => {
                if let Some(image) = self.image.take() {
                    self.close_image(image);
                }
            }
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => image.alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
            _ => {}
        }
    }

    fn close_image(&mut self, image: OpenImage) {
        self.heading_text(&image.alt);
        if let (Some(media), Some(src)) = (self.media, image.src.as_deref()) {
            let html = if is_relative(src) {
                let named = crate::core::attachment::name::relative_address(src);
                Some(match named.as_deref().and_then(|n| media.files.get(n)) {
                    Some(file) => media::file_html(file, Some(&image.alt), None),
                    None => media::missing_html(named.as_deref().unwrap_or(src)),
                })
            } else if !media.remote && !src.trim_start().starts_with("data:") {
                Some(media::remote_html(src, &image.alt))
            } else {
                None
            };
            if let Some(html) = html {
                self.out.push(Event::InlineHtml(html.into()));
                return;
            }
        }
        match image.src {
            Some(src) => {
                let title = if image.title.is_empty() {
                    String::new()
                } else {
                    format!(" title=\"{}\"", escape(&image.title))
                };
                self.out.push(Event::InlineHtml(
                    format!(
                        "<img src=\"{}\" alt=\"{}\"{title} loading=\"lazy\">",
                        escape(&src),
                        escape(&image.alt)
                    )
                    .into(),
                ));
            }
            None => self.out.push(Event::Text(image.alt.into())),
        }
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, title: &str) {
        // Email autolinks arrive without their scheme.
        let dest = match link_type {
            LinkType::Email => format!("mailto:{dest}"),
            _ => dest.to_string(),
        };
        if !link_allowed(&dest) {
            self.links.push(false);
            return;
        }
        let mut html = format!("<a href=\"{}\"", escape(&dest));
        if !title.is_empty() {
            html.push_str(&format!(" title=\"{}\"", escape(title)));
        }
        if is_external(&dest) {
            html.push_str(" rel=\"noopener noreferrer\" target=\"_blank\"");
        }
        html.push('>');
        self.out.push(Event::InlineHtml(html.into()));
        self.links.push(true);
    }

    fn close_heading(&mut self) {
        let Some(open) = self.heading.take() else {
            return;
        };
        let text = open.text.trim().to_string();
        let id = self.unique_id(format!("h-{}", slug(&text)));
        if let Some(start) = self.out.get_mut(open.index) {
            *start = Event::Start(heading_tag(open.level, Some(id.clone())));
        }
        self.headings.push(Heading {
            level: open.level as u8,
            text,
            id,
        });
    }

    fn unique_id(&mut self, base: String) -> String {
        if self.used_ids.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used_ids.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    fn heading_text(&mut self, text: &str) {
        if let Some(heading) = self.heading.as_mut() {
            heading.text.push_str(text);
        }
    }

    /// Renders the pending run of prose, turning wiki-links into anchors. A link may span
    /// emphasis (`[[Note|*shown*]]`), as for backlinks: tags opened and closed inside it are
    /// dropped, and the ones it cuts through are closed before it or reopened after it.
    fn flush_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        let mut text = String::new();
        for event in &run {
            if let Event::Text(t) = event {
                text.push_str(t);
            }
        }
        let anchors: Vec<(Range<usize>, String, String)> = scan(&text)
            .iter()
            .map(|link| {
                (
                    link.range.clone(),
                    shown_text(link),
                    self.wikilink_html(link),
                )
            })
            .collect();
        if anchors.is_empty() {
            for event in run {
                match event {
                    Event::Text(t) => self.plain(&t),
                    other => self.out.push(other),
                }
            }
            return;
        }
        let mut next = 0;
        // Inside a link: the tags it cut open (closing earlier ones) and the ones it opened.
        let mut inside: Option<(Vec<Event<'a>>, Vec<Event<'a>>)> = None;
        let mut at = 0;
        for event in run {
            let Event::Text(piece) = event else {
                match inside.as_mut() {
                    Some((ends, starts)) => match event {
                        Event::Start(_) => starts.push(event),
                        // Well nested: an end closes the last tag opened inside, if any.
                        _ => {
                            if starts.pop().is_none() {
                                ends.push(event);
                            }
                        }
                    },
                    None => self.out.push(event),
                }
                continue;
            };
            let end = at + piece.len();
            let mut cursor = at;
            while cursor < end {
                match anchors.get(next) {
                    Some((range, _, _)) if cursor < range.start => {
                        let stop = end.min(range.start);
                        self.plain(text.get(cursor..stop).unwrap_or_default());
                        cursor = stop;
                    }
                    Some((range, shown, html)) => {
                        let (ends, _) = inside.get_or_insert_with(Default::default);
                        cursor = end.min(range.end);
                        if cursor == range.end {
                            self.out.append(ends);
                            self.heading_text(shown);
                            self.out.push(Event::InlineHtml(html.clone().into()));
                            if let Some((_, starts)) = inside.take() {
                                self.out.extend(starts);
                            }
                            next += 1;
                        }
                    }
                    None => {
                        self.plain(text.get(cursor..end).unwrap_or_default());
                        cursor = end;
                    }
                }
            }
            at = end;
        }
    }

    /// Prose outside links: card syntax is marked so cards stand out in the note.
    fn plain(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.heading_text(text);
        if self.heading.is_some() {
            self.out.push(Event::Text(text.to_string().into()));
            return;
        }
        for piece in card_marks(text, self.compact_cards) {
            match piece {
                Piece::Text(t) => self.tagged_text(t),
                Piece::Html(html) => self.out.push(Event::InlineHtml(html.into())),
            }
        }
    }

    /// Text with each `#tag` as a link to the notes that carry it.
    fn tagged_text(&mut self, text: &str) {
        let mut at = 0;
        for range in tags_in_line(text) {
            if range.start > at {
                self.out
                    .push(Event::Text(text[at..range.start].to_string().into()));
            }
            let tag = &text[range.clone()];
            let href = Route::Tag { name: tag_key(tag) }.to_fragment();
            self.out.push(Event::InlineHtml(
                format!(
                    "<a class=\"tag\" href=\"{}\">{}</a>",
                    escape(&href),
                    escape(tag)
                )
                .into(),
            ));
            at = range.end;
        }
        if at < text.len() {
            self.out.push(Event::Text(text[at..].to_string().into()));
        }
    }

    fn wikilink_html(&self, link: &WikiLink<'_>) -> String {
        if let Some(html) = self.file_link_html(link) {
            return html;
        }
        let class = if link.embed {
            "wikilink embed"
        } else {
            "wikilink"
        };
        let shown = escape(&shown_text(link));
        match (self.resolve)(link.target) {
            Some(id) => {
                let mut href = format!("#/note/{}", encode(&id));
                if let Some(heading) = link.heading {
                    href.push('/');
                    href.push_str(&encode(&format!("h-{}", slug(heading))));
                } else if let Some(block) = link.block {
                    href.push('/');
                    href.push_str(&encode(&format!("block-{block}")));
                }
                let recall = match (link.block, self.info) {
                    (Some(block), Some(info)) => (info.recall)(&id, block),
                    _ => None,
                };
                let badge = recall.map_or(String::new(), |recall| {
                    format!(
                        " <span class=\"recall\" title=\"Your recall of this card now\">{}</span>",
                        escape(&recall)
                    )
                });
                format!(
                    "<a class=\"{class}\" href=\"{}\">{shown}{badge}</a>",
                    escape(&href)
                )
            }
            None => {
                let course = self.info.and_then(|info| (info.course_of)(link.target));
                let from = course
                    .map(|c| {
                        format!(
                            " <span class=\"from-course\">(in the course “{}”)</span>",
                            escape(&c)
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "<a class=\"{class} missing\" href=\"#/new/{}\" title=\"Create note “{}”\">{shown}{from}</a>",
                    escape(&encode(link.target)),
                    escape(link.target),
                )
            }
        }
    }
}

impl Renderer<'_, '_> {
    /// A link or embed naming a stored file shows the file (`![[map.png|200]]` at 200 pixels
    /// wide); one naming a file-like name that neither a file nor a note has says it is missing.
    fn file_link_html(&self, link: &WikiLink<'_>) -> Option<String> {
        let media = self.media?;
        let Some(file) = media.files.get(link.target) else {
            let missing =
                (self.resolve)(link.target).is_none() && media::looks_like_file(link.target);
            return missing.then(|| media::missing_html(link.target));
        };
        let size = link.alias.and_then(media::size_of);
        let alt = link.alias.filter(|_| size.is_none());
        if link.embed {
            Some(media::file_html(file, alt, size))
        } else {
            let as_download = crate::core::attachment::Attachment {
                kind: crate::core::attachment::Kind::Other,
                ..file.clone()
            };
            Some(media::file_html(&as_download, alt, None))
        }
    }
}

/// The language of a fenced code block, reduced to characters that cannot end the
/// `language-…` class it becomes (an entity-decoded tab would otherwise add any class).
fn language(info: &str) -> String {
    info.chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '+' | '-' | '_' | '.' | '#'))
        .collect()
}

/// Events a wiki-link may span; anything else ends the run of prose.
fn is_prose(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Text(_)
            | Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)
    )
}

fn heading_tag<'a>(level: HeadingLevel, id: Option<String>) -> Tag<'a> {
    Tag::Heading {
        level,
        id: id.map(CowStr::from),
        classes: Vec::new(),
        attrs: Vec::new(),
    }
}

fn shown_text(link: &WikiLink<'_>) -> String {
    match (link.alias, link.heading, link.block) {
        (Some(alias), _, _) => alias.to_string(),
        (None, Some(heading), _) => format!("{} › {heading}", link.target),
        (None, None, Some(block)) => format!("{} › ^{block}", link.target),
        (None, None, None) => link.target.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn resolve(title: &str) -> Option<String> {
        match title {
            "Known" => Some("n1".into()),
            "Spaced" => Some("a b/c".into()),
            // Ids come from bundles too, so they are as hostile as titles.
            "Evil" => Some("\"><script>alert(1)</script>".into()),
            _ => None,
        }
    }

    fn html(markdown: &str) -> String {
        render(markdown, &resolve)
    }

    fn with_files(markdown: &str, remote: bool) -> String {
        use crate::core::attachment::{Attachment, Files, Kind};
        let at = crate::core::time::Time::from_ms(0.0);
        let files = Files::from_records(vec![
            Attachment::new("Map.png", "h1", Kind::Png, 5, at),
            Attachment::new("say.ogg", "h2", Kind::Ogg, 5, at),
            Attachment::new("Paper.pdf", "h3", Kind::Pdf, 5, at),
        ]);
        render_with_media(
            markdown,
            &resolve,
            Media {
                files: &files,
                remote,
            },
        )
    }

    #[test]
    fn stored_files_show_as_images_audio_and_downloads() {
        assert_eq!(
            with_files("![[map.png|200]] ![[Map.png|A map]]", true),
            "<p><img class=\"file file-pending\" data-file=\"h1\" alt=\"Map.png\" width=\"200\"> \
             <img class=\"file file-pending\" data-file=\"h1\" alt=\"A map\"></p>\n"
        );
        assert_eq!(
            with_files("![Europe](attachments/Map.png)", true),
            "<p><img class=\"file file-pending\" data-file=\"h1\" alt=\"Europe\"></p>\n"
        );
        assert!(with_files("![[say.ogg]]", true)
            .contains("<audio class=\"file file-pending\" data-file=\"h2\" controls=\"\""));
        assert_eq!(
            with_files("[[Paper.pdf]]", true),
            "<p><a class=\"file download file-pending\" data-file=\"h3\" download=\"Paper.pdf\">Paper.pdf</a></p>\n"
        );
    }

    #[test]
    fn missing_files_say_so_and_notes_stay_notes() {
        let html = with_files("![[gone.png]] ![x](lost.jpg) [[Known]] [[Missing]]", true);
        assert!(html.contains("<span class=\"file missing\" title=\"No file named “gone.png” is stored\">gone.png</span>"));
        assert!(html.contains(">lost.jpg</span>"));
        assert!(html.contains("href=\"#/note/n1\""));
        assert!(html.contains("href=\"#/new/Missing\""));
    }

    #[test]
    fn remote_images_wait_for_consent_unless_allowed() {
        let held = with_files("![pixel](https://tracker.example/p.gif)", false);
        assert!(!held.contains("<img"), "{held}");
        assert!(held.contains("data-src=\"https://tracker.example/p.gif\""));
        let shown = with_files("![pixel](https://tracker.example/p.gif)", true);
        assert!(shown.contains("<img src=\"https://tracker.example/p.gif\""));
        let inline = with_files("![dot](data:image/png;base64,AAAA)", false);
        assert!(inline.contains("<img src=\"data:image/png;base64,AAAA\""));
    }

    // ---- Golden cases ----

    #[test]
    fn dialect_is_the_one_reviewed_here() {
        // Heading attributes would let authors pick ids and classes; wiki-link parsing by
        // pulldown would bypass ours. Widening the dialect means revisiting this renderer.
        use pulldown_cmark::Options;
        assert_eq!(
            markdown_options(),
            Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
        );
    }

    #[test]
    fn tags_link_to_the_notes_that_carry_them() {
        assert_eq!(
            html("Study #Maths/Algebra, not #1 or a#b. `#code`"),
            "<p>Study <a class=\"tag\" href=\"#/tag/maths%2Falgebra\">#Maths/Algebra</a>, not #1 or a#b. <code>#code</code></p>\n"
        );
        assert_eq!(
            html("# Heading #x"),
            "<h1 id=\"h-heading-x\">Heading #x</h1>\n"
        );
    }

    #[test]
    fn callouts_are_titled_boxes() {
        assert_eq!(
            html("> [!tip] Keep going\n> Body **text**"),
            "<div class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Keep going</p>\n<p>Body <strong>text</strong></p>\n</div>"
        );
        assert_eq!(
            html("> [!warning]-\n>\n> Hidden"),
            "<details class=\"callout callout-warning\"><summary class=\"callout-title\">Warning</summary>\n<p>Hidden</p>\n</details>"
        );
        assert!(html("> [!faq]+ Q")
            .starts_with("<details class=\"callout callout-question\" open=\"\">"));
        // Only the first line of a quote makes a callout.
        assert_eq!(
            html("> text\n> [!note]"),
            "<blockquote>\n<p>text<br />\n[!note]</p>\n</blockquote>\n"
        );
        let nested = html("> [!note] Outer\n> > [!bug] Inner\n> > b");
        assert!(nested.contains("callout-bug"), "{nested}");
        assert!(nested.ends_with("</div></div>"), "{nested}");
        check(&nested).unwrap();
        check(&html("> [!note] *a* <img src=x onerror=y>\n> b")).unwrap();
    }

    #[test]
    fn maths_is_marked_for_typesetting_and_prices_stay_text() {
        let out = html("Area $\\pi r^2$ and\n\n$$\\int_0^1 x\\,dx$$");
        assert!(
            out.contains("<span class=\"math-tex\" data-block=\"0\">\\pi r^2</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"math-tex\" data-block=\"1\">\\int_0^1 x\\,dx</span>"),
            "{out}"
        );
        check(&out).unwrap();
        assert!(math::typeset("\\pi r^2", false).contains("<math display=\"inline\">"));
        assert!(math::typeset("\\int_0^1 x", true).contains("<math display=\"block\">"));
        assert_eq!(html("From $5 to $10."), "<p>From $5 to $10.</p>\n");
        assert_eq!(html("`$x$`"), "<p><code>$x$</code></p>\n");
        check(&html("$\\operatorname{<img src=x onerror=alert(1)>}$")).unwrap();
    }

    #[test]
    fn front_matter_is_kept_out_of_the_view() {
        let md = "---\ntags: [a, b]\nlink: \"[[Rust]]\"\n---\n# Title\n\nText";
        assert_eq!(html(md), "<h1 id=\"h-title\">Title</h1>\n<p>Text</p>\n");
        assert_eq!(front_matter_end("---\r\na: b\r\n...\r\nx"), 16);
        assert_eq!(front_matter_end("\u{feff}---\na: b\n---\n"), 16);
        // Unclosed, or not on the first line: no front matter.
        assert_eq!(front_matter_end("---\na: b\n"), 0);
        assert_eq!(front_matter_end(" ---\na\n---\n"), 0);
        // Only at the very start: a rule later is a rule.
        assert_eq!(
            html("a\n\n---\nb: c\n---\n"),
            "<p>a</p>\n<hr />\n<h2 id=\"h-b-c\">b: c</h2>\n"
        );
    }

    #[test]
    fn inline_formatting() {
        assert_eq!(
            html("*a* **b** ~~c~~ `d`"),
            "<p><em>a</em> <strong>b</strong> <del>c</del> <code>d</code></p>\n"
        );
    }

    #[test]
    fn blocks() {
        assert_eq!(
            html("a\\\nb\n\n---\n\n> q\n\n1. x\n2. y"),
            "<p>a<br />\nb</p>\n<hr />\n<blockquote>\n<p>q</p>\n</blockquote>\n\
             <ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"
        );
    }

    #[test]
    fn tables() {
        assert_eq!(
            html("| L | C | R |\n|:--|:-:|--:|\n| 1 | 2 | 3 |"),
            "<table><thead><tr><th style=\"text-align: left\">L</th>\
             <th style=\"text-align: center\">C</th><th style=\"text-align: right\">R</th>\
             </tr></thead><tbody>\n<tr><td style=\"text-align: left\">1</td>\
             <td style=\"text-align: center\">2</td><td style=\"text-align: right\">3</td>\
             </tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn task_lists_are_disabled() {
        assert_eq!(
            html("- [x] done\n- [ ] todo"),
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"done\"/>\ndone</li>\n\
             <li><input disabled=\"\" type=\"checkbox\" aria-label=\"not done\"/>\ntodo</li>\n</ul>\n"
        );
    }

    #[test]
    fn html_block_is_text() {
        assert_eq!(
            html("<div onclick=\"x\">hi</div>\n\nafter"),
            "<p>&lt;div onclick=\"x\"&gt;hi&lt;/div&gt;\n</p>\n<p>after</p>\n"
        );
    }

    #[test]
    fn inline_html_is_text() {
        assert_eq!(
            html("a <span class='x'>b</span> c"),
            "<p>a &lt;span class='x'&gt;b&lt;/span&gt; c</p>\n"
        );
        assert_eq!(
            html("x <!-- c --> <![CDATA[y]]> <?php z ?>"),
            "<p>x &lt;!-- c --&gt; &lt;![CDATA[y]]&gt; &lt;?php z ?&gt;</p>\n"
        );
    }

    #[test]
    fn allowed_links() {
        assert_eq!(
            html("[r](notes/x.md) [f](#top) [a](/abs) [m](mailto:a@b.c) <me@x.org>"),
            "<p><a href=\"notes/x.md\">r</a> <a href=\"#top\">f</a> <a href=\"/abs\">a</a> \
             <a href=\"mailto:a@b.c\">m</a> <a href=\"mailto:me@x.org\">me@x.org</a></p>\n"
        );
    }

    #[test]
    fn external_links_open_safely() {
        assert_eq!(
            html("[h](http://e.com \"T\") [s](HTTPS://e.com) [p](//e.com) <https://e.com/?a=1&b=2>"),
            "<p><a href=\"http://e.com\" title=\"T\" rel=\"noopener noreferrer\" target=\"_blank\">h</a> \
             <a href=\"HTTPS://e.com\" rel=\"noopener noreferrer\" target=\"_blank\">s</a> \
             <a href=\"//e.com\" rel=\"noopener noreferrer\" target=\"_blank\">p</a> \
             <a href=\"https://e.com/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">\
             https://e.com/?a=1&amp;b=2</a></p>\n"
        );
    }

    #[test]
    fn disallowed_links_keep_their_text() {
        assert_eq!(
            html("[bad *one*](javascript:alert(1)) and [two](data:text/html,x)"),
            "<p>bad <em>one</em> and two</p>\n"
        );
        assert_eq!(
            html("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        assert_eq!(html("[x][r]\n\n[r]: vbscript:msgbox(1)"), "<p>x</p>\n");
    }

    #[test]
    fn images() {
        assert_eq!(
            html("![ok](https://e.com/i.png \"T\") ![rel](i.png) ![*em* `c`](a.gif)"),
            "<p><img src=\"https://e.com/i.png\" alt=\"ok\" title=\"T\" loading=\"lazy\"> \
             <img src=\"i.png\" alt=\"rel\" loading=\"lazy\"> \
             <img src=\"a.gif\" alt=\"em c\" loading=\"lazy\"></p>\n"
        );
        for kind in ["png", "jpeg", "gif", "webp", "PNG"] {
            let src = format!("data:image/{kind};base64,AAAA");
            assert_eq!(
                html(&format!("![d]({src})")),
                format!("<p><img src=\"{src}\" alt=\"d\" loading=\"lazy\"></p>\n")
            );
        }
    }

    #[test]
    fn disallowed_images_show_their_alt_text() {
        assert_eq!(
            html("![svg](data:image/svg+xml;base64,AA) ![*x* <b>](javascript:1) ![t](data:text/html,x)"),
            "<p>svg x &lt;b&gt; t</p>\n"
        );
        assert_eq!(html("![a](data:image/png,raw)"), "<p>a</p>\n");
    }

    #[test]
    fn image_inside_link() {
        assert_eq!(
            html("[![i](i.png)](https://e.com)"),
            "<p><a href=\"https://e.com\" rel=\"noopener noreferrer\" target=\"_blank\">\
             <img src=\"i.png\" alt=\"i\" loading=\"lazy\"></a></p>\n"
        );
    }

    #[test]
    fn heading_ids_and_duplicates() {
        assert_eq!(
            html("# Intro\n## Intro\n### Intro\n# Intro-2\n# Über Größe!"),
            "<h1 id=\"h-intro\">Intro</h1>\n<h2 id=\"h-intro-2\">Intro</h2>\n\
             <h3 id=\"h-intro-3\">Intro</h3>\n<h1 id=\"h-intro-2-2\">Intro-2</h1>\n\
             <h1 id=\"h-über-größe\">Über Größe!</h1>\n"
        );
    }

    #[test]
    fn heading_attribute_syntax_stays_text() {
        assert_eq!(
            html("# Title {#custom .cls onclick=x}"),
            "<h1 id=\"h-title-custom-cls-onclickx\">Title {#custom .cls onclick=x}</h1>\n"
        );
    }

    #[test]
    fn headings_outline() {
        let doc = render_document("# A *b*\n\ntext\n\n## [[Known|K]] `c`\n\n# A b", &resolve);
        assert_eq!(
            doc.headings,
            vec![
                Heading {
                    level: 1,
                    text: "A b".into(),
                    id: "h-a-b".into()
                },
                Heading {
                    level: 2,
                    text: "K c".into(),
                    id: "h-k-c".into()
                },
                Heading {
                    level: 1,
                    text: "A b".into(),
                    id: "h-a-b-2".into()
                },
            ]
        );
        assert!(doc.html.contains(
            "<h2 id=\"h-k-c\"><a class=\"wikilink\" href=\"#/note/n1\">K</a> <code>c</code></h2>"
        ));
    }

    #[test]
    fn slug_rules() {
        assert_eq!(slug("Hello World"), "hello-world");
        assert_eq!(slug("  Trim me  "), "trim-me");
        assert_eq!(slug("A - B"), "a---b");
        assert_eq!(slug("What's new? (v2.0)"), "whats-new-v20");
        assert_eq!(slug("snake_case & more"), "snakecase--more");
        assert_eq!(slug("Ελληνικά 日本語 ١٢٣"), "ελληνικά-日本語-١٢٣");
        assert_eq!(slug("\"><script>"), "script");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn wikilinks_resolved() {
        assert_eq!(
            html("[[Known]] [[Spaced]] [[Known|the note]]"),
            "<p><a class=\"wikilink\" href=\"#/note/n1\">Known</a> \
             <a class=\"wikilink\" href=\"#/note/a%20b%2Fc\">Spaced</a> \
             <a class=\"wikilink\" href=\"#/note/n1\">the note</a></p>\n"
        );
    }

    #[test]
    fn wikilinks_to_headings_and_blocks() {
        assert_eq!(
            html("[[Known#Some Heading]] [[Known#Café ok|c]] [[Spaced#^blk-1]] [[Known#^x y|b]]"),
            "<p><a class=\"wikilink\" href=\"#/note/n1/h-some-heading\">Known › Some Heading</a> \
             <a class=\"wikilink\" href=\"#/note/n1/h-caf%C3%A9-ok\">c</a> \
             <a class=\"wikilink\" href=\"#/note/a%20b%2Fc/block-blk-1\">Spaced › ^blk-1</a> \
             <a class=\"wikilink\" href=\"#/note/n1/block-x%20y\">b</a></p>\n"
        );
    }

    #[test]
    fn cards_on_consecutive_lines_stay_apart() {
        let html = render("Sun :: Star\nMoon :: Satellite", &resolve);
        assert!(html.contains("Star<br />"), "{html}");
    }

    #[test]
    fn card_syntax_is_marked_in_the_note() {
        let html = render(
            "France :: Paris ^fr\n\nSpain ::: Madrid\n\nThe {{c1::Rhine::river}} and ==Danube== \
             and {{c2::a < b}}\n\nQuestion\n?\nAnswer\n\n`a :: b` and http://x::y",
            &resolve,
        );
        assert!(
            html.contains(
                // The anchor is where links scroll to, not text to read.
                "France <span class=\"card-sep\" title=\"card: question, answer\">→</span> Paris\
             <span class=\"block-anchor\" id=\"block-fr\"></span>"
            ),
            "{html}"
        );
        assert!(html.contains("Spain <span class=\"card-sep\" title=\"two-way card: question, answer\">⇄</span> Madrid"), "{html}");
        assert!(
            html.contains("<mark class=\"cloze\" title=\"cloze, hint: river\">Rhine</mark>"),
            "{html}"
        );
        assert!(
            html.contains("<mark class=\"highlight\">Danube</mark>"),
            "{html}"
        );
        assert!(
            html.contains("<mark class=\"cloze\" title=\"cloze\">a &lt; b</mark>"),
            "{html}"
        );
        assert!(html.contains("http://x::y"), "{html}");
        assert!(
            html.contains(
                "<span class=\"card-sep\" title=\"card: question above, answer below\">?</span>"
            ),
            "{html}"
        );
        assert!(html.contains("<code>a :: b</code>"), "{html}");
        check(&html).unwrap();
    }

    #[test]
    fn card_links_carry_a_recall_badge() {
        let recall = |note: &str, anchor: &str| {
            (anchor != "block").then(|| format!("{note}:{anchor} <87%>"))
        };
        let info = LinkInfo {
            recall: &recall,
            course_of: &|_| None,
        };
        let html = render_note(
            "[[Known#^cap]] [[Known]] [[Gone#^x]]",
            &resolve,
            &info,
            Media {
                files: &crate::core::attachment::Files::default(),
                remote: true,
            },
        );
        // A block that is not a card has no recall.
        assert_eq!(
            render_note(
                "[[Known#^block|b]]",
                &resolve,
                &info,
                Media {
                    files: &crate::core::attachment::Files::default(),
                    remote: true
                }
            ),
            "<p><a class=\"wikilink\" href=\"#/note/n1/block-block\">b</a></p>\n"
        );
        assert_eq!(
            html,
            "<p><a class=\"wikilink\" href=\"#/note/n1/block-cap\">Known › ^cap \
             <span class=\"recall\" title=\"Your recall of this card now\">n1:cap &lt;87%&gt;</span></a> \
             <a class=\"wikilink\" href=\"#/note/n1\">Known</a> \
             <a class=\"wikilink missing\" href=\"#/new/Gone\" title=\"Create note “Gone”\">Gone › ^x</a></p>\n"
        );
        check(&html).unwrap();
    }

    #[test]
    fn missing_notes_say_which_course_holds_them() {
        let info = LinkInfo {
            recall: &|_, _| None,
            course_of: &|title| (title == "Verbs").then(|| "Spanish <2>".to_string()),
        };
        let html = render_note(
            "[[Verbs|v]] [[Gone]]",
            &resolve,
            &info,
            Media {
                files: &crate::core::attachment::Files::default(),
                remote: true,
            },
        );
        assert_eq!(
            html,
            "<p><a class=\"wikilink missing\" href=\"#/new/Verbs\" title=\"Create note “Verbs”\">v \
             <span class=\"from-course\">(in the course “Spanish &lt;2&gt;”)</span></a> \
             <a class=\"wikilink missing\" href=\"#/new/Gone\" title=\"Create note “Gone”\">Gone</a></p>\n"
        );
        check(&html).unwrap();
    }

    #[test]
    fn wikilink_heading_matches_heading_id() {
        let target = render_document("## Café & Crème", &resolve).headings[0]
            .id
            .clone();
        let link = html("[[Known#Café & Crème]]");
        assert!(
            link.contains(&format!("href=\"#/note/n1/{}\"", encode(&target))),
            "{link}"
        );
    }

    #[test]
    fn wikilinks_missing() {
        assert_eq!(
            html("[[New idea]] [[New idea#Part|p]] [[Gone#^b]]"),
            "<p><a class=\"wikilink missing\" href=\"#/new/New%20idea\" title=\"Create note “New idea”\">New idea</a> \
             <a class=\"wikilink missing\" href=\"#/new/New%20idea\" title=\"Create note “New idea”\">p</a> \
             <a class=\"wikilink missing\" href=\"#/new/Gone\" title=\"Create note “Gone”\">Gone › ^b</a></p>\n"
        );
    }

    #[test]
    fn embeds() {
        assert_eq!(
            html("![[Known]] ![[Missing|m]]"),
            "<p><a class=\"wikilink embed\" href=\"#/note/n1\">Known</a> \
             <a class=\"wikilink embed missing\" href=\"#/new/Missing\" title=\"Create note “Missing”\">m</a></p>\n"
        );
    }

    #[test]
    fn wikilinks_escape_everything() {
        assert_eq!(
            html("[[a\"b<c'd>|x\"<y'&z>]]"),
            "<p><a class=\"wikilink missing\" href=\"#/new/a%22b%3Cc%27d%3E\" \
             title=\"Create note “a&quot;b&lt;c&#39;d&gt;”\">x&quot;&lt;y&#39;&amp;z&gt;</a></p>\n"
        );
        assert_eq!(
            html("[[Evil#\"x>]]"),
            "<p><a class=\"wikilink\" href=\"#/note/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E/h-x\">\
             Evil › &quot;x&gt;</a></p>\n"
        );
    }

    #[test]
    fn wikilinks_around_markup() {
        // Escapes and raw HTML split the text; merging first still finds the link.
        assert_eq!(
            html("<b>[[Known]]</b> \\[[Known]]"),
            "<p>&lt;b&gt;<a class=\"wikilink\" href=\"#/note/n1\">Known</a>&lt;/b&gt; \
             <a class=\"wikilink\" href=\"#/note/n1\">Known</a></p>\n"
        );
        assert_eq!(
            html("| a | b |\n|---|---|\n| [[Known\\|k]] | x |"),
            "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n\
             <tr><td><a class=\"wikilink\" href=\"#/note/n1\">k</a></td><td>x</td></tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn wikilinks_across_emphasis() {
        assert_eq!(
            html("[[Known|*shown* text]] *see [[Known]]* [[Kn**ow**n]]"),
            "<p><a class=\"wikilink\" href=\"#/note/n1\">shown text</a> \
             <em>see <a class=\"wikilink\" href=\"#/note/n1\">Known</a></em> \
             <a class=\"wikilink\" href=\"#/note/n1\">Known</a></p>\n"
        );
        // Emphasis the link cuts through is closed before it or reopened after it.
        assert_eq!(
            html("*a [[Known* b]] and [[Known|c *d]] e*"),
            "<p><em>a </em><a class=\"wikilink missing\" href=\"#/new/Known%20b\" \
             title=\"Create note “Known b”\">Known b</a> and \
             <a class=\"wikilink\" href=\"#/note/n1\">c d</a><em> e</em></p>\n"
        );
        let doc = render_document("## See *[[Known|the* note]]", &resolve);
        assert_eq!(doc.headings[0].text, "See the note");
        assert_eq!(
            doc.html,
            "<h2 id=\"h-see-the-note\">See <em></em><a class=\"wikilink\" href=\"#/note/n1\">the note</a></h2>\n"
        );
    }

    #[test]
    fn renders_the_links_that_count_as_backlinks() {
        let doc = "[[Known]] *[[B|x]]* [[C#h]] ![[D]] [[E\\|e]]\n\n| [[F\\|f]] |\n|---|\n\n\
                   `[[no]]` <i>[[G]]</i>\n\n<div>\n[[no]]\n</div>\n\n![[[no]]](i.png)\n\n    [[no]]";
        let counted: Vec<&str> = crate::core::note::link::parse_links(doc)
            .iter()
            .map(|l| l.target)
            .collect();
        assert_eq!(counted, ["Known", "B", "C", "D", "E", "F", "G"]);
        let out = html(doc);
        let rendered = out.matches("class=\"wikilink").count();
        assert_eq!(rendered, counted.len(), "{out}");
        assert!(!out.contains("#/new/no"), "{out}");
    }

    #[test]
    fn no_wikilinks_in_code_or_links() {
        assert_eq!(
            html("`[[Known]]`\n\n```md\n[[Known]]\n```\n\n    [[Known]]"),
            "<p><code>[[Known]]</code></p>\n<pre><code class=\"language-md\">[[Known]]\n</code></pre>\n\
             <pre><code>[[Known]]</code></pre>\n"
        );
        assert_eq!(
            html("[see [[Known]]](https://e.com)"),
            "<p><a href=\"https://e.com\" rel=\"noopener noreferrer\" target=\"_blank\">see [[Known]]</a></p>\n"
        );
        assert_eq!(
            html("![alt [[Known]]](i.png)"),
            "<p><img src=\"i.png\" alt=\"alt [[Known]]\" loading=\"lazy\"></p>\n"
        );
    }

    #[test]
    fn code_block_language_is_one_plain_word() {
        for (info, class) in [
            ("rust", " class=\"language-rust\""),
            ("c++ {.x}", " class=\"language-c++\""),
            ("rust,ignore", " class=\"language-rust\""),
            ("\"><script>", ""),
            // Entity-decoded whitespace must not start a second, author-chosen class.
            ("&Tab;admin", ""),
            ("js&#10;admin", " class=\"language-js\""),
        ] {
            assert_eq!(
                html(&format!("```{info}\nx\n```")),
                format!("<pre><code{class}>x\n</code></pre>\n"),
                "{info}"
            );
        }
    }

    #[test]
    fn pathological_inputs_do_not_panic() {
        let deep = [
            ">".repeat(20_000),
            "[".repeat(20_000),
            "*".repeat(20_000),
            "- ".repeat(5_000),
            "`".repeat(20_000),
            "[[".repeat(10_000) + &"]]".repeat(10_000),
            "![".repeat(5_000) + &"](x)".repeat(5_000),
            "# a\n".repeat(5_000),
            "<".repeat(20_000),
            "|a".repeat(5_000) + "\n" + &"|-".repeat(5_000),
        ];
        for input in deep {
            let out = html(&input);
            assert_eq!(check(&out), Ok(()));
        }
    }

    // ---- Checker: walks the tags of our output as a browser's tokenizer would ----

    const TAGS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "input",
        "span",
        "div",
        "sup",
        "mark",
        "details",
        "summary",
        // MathML, drawn by the browser; it carries no links or scripts.
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
        "semantics",
        "annotation",
    ];
    const VOID: &[&str] = &["img", "br", "hr", "input"];
    const ATTRS: &[&str] = &[
        "href",
        "src",
        "alt",
        "title",
        "class",
        "id",
        "rel",
        "target",
        "type",
        "disabled",
        "checked",
        "loading",
        "start",
        "style",
        "aria-label",
        "role",
        "open",
        // A formula waiting for the maths module: block or inline.
        "data-block",
        // MathML presentation attributes.
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
        "rowspacing",
        "columnspacing",
        "encoding",
        "form",
        "fence",
        "separator",
        "voffset",
    ];

    #[derive(Debug)]
    struct TagToken {
        name: String,
        attrs: Vec<(String, String)>,
    }

    /// Start tags of `html`, or the first thing a browser would read as markup we never emit.
    fn tokenize(html: &str) -> Result<Vec<TagToken>, String> {
        let chars: Vec<char> = html.chars().collect();
        let mut tags = Vec::new();
        let mut open: Vec<String> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] != '<' {
                i += 1;
                continue;
            }
            let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
            let closing = at(i + 1) == '/';
            let name_start = if closing { i + 2 } else { i + 1 };
            if !at(name_start).is_ascii_alphabetic() {
                // `<!`, `<?`, `</>` and bare `<` are never ours: pulldown escapes text.
                return Err(format!("raw '<' at {i}: {:?}", &html_from(&chars, i)));
            }
            let mut j = name_start;
            while j < chars.len()
                && !chars[j].is_ascii_whitespace()
                && !matches!(chars[j], '/' | '>')
            {
                j += 1;
            }
            let name: String = chars[name_start..j]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            let mut attrs = Vec::new();
            // MathML is foreign content, where `<mspace/>` closes itself.
            let self_closed;
            loop {
                while j < chars.len() && (chars[j].is_ascii_whitespace() || chars[j] == '/') {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(format!("unterminated tag <{name}"));
                }
                if chars[j] == '>' {
                    self_closed = chars[j - 1] == '/' && is_math(&name);
                    j += 1;
                    break;
                }
                let attr_start = j;
                j += 1; // A name may start with `=` in HTML.
                while j < chars.len()
                    && !chars[j].is_ascii_whitespace()
                    && !matches!(chars[j], '/' | '>' | '=')
                {
                    j += 1;
                }
                let attr: String = chars[attr_start..j]
                    .iter()
                    .collect::<String>()
                    .to_ascii_lowercase();
                while j < chars.len() && chars[j].is_ascii_whitespace() {
                    j += 1;
                }
                let mut value = String::new();
                if at(j) == '=' {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match at(j) {
                        q @ ('"' | '\'') => {
                            j += 1;
                            while j < chars.len() && chars[j] != q {
                                value.push(chars[j]);
                                j += 1;
                            }
                            if j >= chars.len() {
                                return Err(format!("unterminated attribute {attr}"));
                            }
                            j += 1;
                        }
                        _ => {
                            while j < chars.len()
                                && !chars[j].is_ascii_whitespace()
                                && chars[j] != '>'
                            {
                                value.push(chars[j]);
                                j += 1;
                            }
                        }
                    }
                }
                attrs.push((attr, decode_entities(&value)));
            }
            if !closing {
                if !VOID.contains(&name.as_str()) && !self_closed {
                    open.push(name.clone());
                }
                tags.push(TagToken { name, attrs });
            } else if open.pop().as_deref() != Some(name.as_str()) {
                return Err(format!("misnested </{name}>"));
            }
            i = j;
        }
        match open.last() {
            Some(name) => Err(format!("unclosed <{name}>")),
            None => Ok(tags),
        }
    }

    fn html_from(chars: &[char], i: usize) -> String {
        chars[i..].iter().take(40).collect()
    }

    /// Enough of HTML's character references to see what a browser would put in an attribute.
    fn decode_entities(value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            rest = &rest[amp..];
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
                .map_or(rest.len(), |(k, _)| k);
            let body = &rest[1..end];
            let decoded =
                if let Some(num) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                    u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
                } else if let Some(num) = body.strip_prefix('#') {
                    num.parse().ok().and_then(char::from_u32)
                } else {
                    match body {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        "colon" => Some(':'),
                        "Tab" => Some('\t'),
                        "NewLine" => Some('\n'),
                        _ => None,
                    }
                };
            match decoded {
                Some(c) => {
                    out.push(c);
                    let semi = rest[end..].starts_with(';');
                    rest = &rest[end + usize::from(semi)..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// What a browser takes as the scheme: leading C0/space and all tab/newline removed, then
    /// `[a-z][a-z0-9+.-]*:`. Written apart from the renderer's own check, as a second opinion.
    fn browser_scheme(url: &str) -> Option<String> {
        let url: String = url
            .trim_start_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let colon = url.find(':')?;
        let scheme = &url[..colon];
        let mut chars = scheme.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        valid.then(|| scheme.to_ascii_lowercase())
    }

    fn check_url(attr: &str, url: &str) -> Result<(), String> {
        let squeezed: String = url
            .chars()
            .filter(|&c| c > ' ')
            .collect::<String>()
            .to_ascii_lowercase();
        for bad in ["javascript:", "vbscript:", "file:", "blob:", "filesystem:"] {
            if squeezed.starts_with(bad) {
                return Err(format!("{attr}={url:?}"));
            }
        }
        let image_data = ["png", "jpeg", "gif", "webp"]
            .iter()
            .any(|k| squeezed.starts_with(&format!("data:image/{k};base64,")));
        if squeezed.starts_with("data:") && !(attr == "src" && image_data) {
            return Err(format!("{attr}={url:?}"));
        }
        match (attr, browser_scheme(url).as_deref()) {
            (_, None | Some("http" | "https")) => Ok(()),
            ("href", Some("mailto")) | ("src", Some("data")) => Ok(()),
            (_, Some(other)) => Err(format!("{attr} with scheme {other}: {url:?}")),
        }
    }

    fn is_math(tag: &str) -> bool {
        tag.starts_with('m') && tag != "mark"
    }

    /// A style of numbers, units and colours only: no `url(`, no `expression(`.
    fn plain_style(value: &str) -> bool {
        !value.contains("url")
            && !value.contains("expression")
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .;:()#%-".contains(c))
    }

    fn check(html: &str) -> Result<(), String> {
        for tag in tokenize(html)? {
            if !TAGS.contains(&tag.name.as_str()) {
                return Err(format!("tag <{}>", tag.name));
            }
            for (attr, value) in &tag.attrs {
                if attr.starts_with("on") || !ATTRS.contains(&attr.as_str()) {
                    return Err(format!("attribute {attr} on <{}>", tag.name));
                }
                match attr.as_str() {
                    "href" | "src" => check_url(attr, value)?,
                    // MathML sizes and colours come from numbers the converter read.
                    "style" if is_math(&tag.name) && plain_style(value) => {}
                    "style"
                        if !matches!(
                            value.as_str(),
                            "text-align: left" | "text-align: center" | "text-align: right"
                        ) =>
                    {
                        return Err(format!("style={value:?}"))
                    }
                    "class" => {
                        for class in value.split_ascii_whitespace() {
                            let known = matches!(
                                class,
                                "wikilink"
                                    | "embed"
                                    | "missing"
                                    | "recall"
                                    | "from-course"
                                    | "cloze"
                                    | "highlight"
                                    | "card-sep"
                                    | "block-anchor"
                                    | "math-error"
                                    | "math-tex"
                                    | "callout"
                                    | "tag"
                                    | "callout-title"
                            ) || class.starts_with("language-")
                                || class.starts_with("callout-")
                                || (is_math(&tag.name) && class.starts_with("menv-"));
                            if !known {
                                return Err(format!("class {class:?}"));
                            }
                        }
                    }
                    "id" if !value.starts_with("h-") && !value.starts_with("block-") => {
                        return Err(format!("id={value:?}"))
                    }
                    "target" if value != "_blank" => return Err(format!("target={value:?}")),
                    _ => {}
                }
            }
            let has =
                |name: &str, value: &str| tag.attrs.iter().any(|(a, v)| a == name && v == value);
            if tag.name == "input" && !(has("type", "checkbox") && has("disabled", "")) {
                return Err(format!("live input {:?}", tag.attrs));
            }
            if has("target", "_blank") && !has("rel", "noopener noreferrer") {
                return Err("target without rel".into());
            }
        }
        Ok(())
    }

    #[test]
    fn checker_catches_bad_markup() {
        for bad in [
            "<script>x</script>",
            "<p><SVG onload=x></p>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"java&#x09;script:x\">",
            "<a href=\"&#106;avascript:x\">",
            "<a href=\" javascript:x\">",
            "<a href='JAVASCRIPT&colon;x'>",
            "<img src=\"data:image/svg+xml;base64,AA\">",
            "<a href=\"data:image/png;base64,AA\">",
            "<a href=\"x\" title=\"a\"onclick=\"y\">",
            "<a/onclick=x>",
            "<p id=\"custom\">",
            "<p class=\"admin\">",
            "<input type=\"checkbox\">",
            "<a target=\"_blank\" href=\"https://x\">",
            "<!-- -->",
            "<![CDATA[x]]>",
            "<a href=\"x>",
            "text < more",
            "<iframe>",
            "<math>",
            "</script>",
            "<a href=\"ftp://x\">x</a>",
            "<p><em>x</p></em>",
            "<p>x",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check("<p><a href=\"#/note/1\" class=\"wikilink\">&lt;script&gt;</a><br /></p>"),
            Ok(())
        );
    }

    // ---- Hostile content ----

    /// Known script-injection payloads, shared with the end-to-end tests.
    fn xss() -> Vec<String> {
        serde_json::from_str(include_str!("../../../tests/fixtures/xss-payloads.json")).unwrap()
    }

    #[test]
    fn xss_corpus_stays_inert() {
        let corpus = xss();
        assert!(corpus.len() >= 100);
        for payload in &corpus {
            let out = html(payload);
            if let Err(problem) = check(&out) {
                panic!("{payload:?} -> {out:?}: {problem}");
            }
            let lower = out.to_ascii_lowercase();
            for tag in [
                "<script", "<iframe", "<svg", "<math", "<style", "<object", "<embed",
            ] {
                assert!(!lower.contains(tag), "{payload:?} -> {out}");
            }
        }
    }

    #[test]
    fn bad_links_render_as_plain_text() {
        for payload in xss()
            .iter()
            .filter(|p| p.starts_with("[x](") || p.contains("[bad]"))
        {
            let out = html(payload);
            let href = out.contains("href=");
            // The only hostile destinations left as links are the harmless relative ones.
            let relative = ["[x](%6A", "[x](<#"];
            assert!(
                !href
                    || relative.iter().any(|r| payload.starts_with(r))
                    || payload.contains("https://ok"),
                "{payload:?} -> {out}"
            );
        }
    }

    // ---- Fuzzing ----

    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "/>",
        "[[",
        "]]",
        "[",
        "]",
        "(",
        ")",
        "|",
        "#",
        "^",
        "!",
        "\"",
        "'",
        "&",
        "&#106;",
        "&#x6A;",
        "&Tab;",
        "&colon;",
        ";",
        "`",
        "```",
        "~~",
        "*",
        "_",
        "\\",
        "\n",
        "\n\n",
        " ",
        "\t",
        "- ",
        "1. ",
        "> ",
        "# ",
        "- [ ] ",
        "- [x] ",
        "|---|",
        "---",
        "    ",
        "=",
        "javascript:",
        "JaVa\tScRiPt:",
        "vbscript:",
        "data:",
        "data:image/png;base64,",
        "data:image/svg+xml,",
        "http://",
        "https://x.y/",
        "mailto:",
        "//",
        "%6A",
        "alert(1)",
        "script",
        "img",
        "svg",
        "math",
        "iframe",
        "onerror",
        "onload",
        " src=",
        " href=",
        "x",
        "Known",
        "Evil",
        "<script>",
        "<img src=x onerror=alert(1)>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<?",
        "?>",
        "{#id .cls}",
        "[!note]",
        "[!tip]- ",
        "$",
        "$$",
        "\\operatorname{",
        "\\text{",
        "\\frac{",
        "}",
        "\u{0}",
        "\u{1}",
        "\u{b}",
        "é",
        "日本",
        "\u{202e}",
    ];

    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => proptest::sample::select(PIECES).prop_map(String::from),
            1 => "[ -~]{0,6}",
            1 => any::<String>().prop_map(|s| s.chars().take(6).collect::<String>()),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn fuzzed_markdown_renders_safely(input in markdownish()) {
            let doc = render_document(&input, &resolve);
            prop_assert_eq!(check(&doc.html), Ok(()), "{:?} -> {}", input, doc.html);
            for heading in &doc.headings {
                let attr = format!("id=\"{}\"", heading.id);
                prop_assert!(doc.html.contains(&attr));
            }
        }

        #[test]
        fn any_text_renders_safely(input in any::<String>()) {
            let out = html(&input);
            prop_assert_eq!(check(&out), Ok(()), "{:?} -> {}", input, out);
        }

        #[test]
        fn slugs_are_id_safe(heading in any::<String>()) {
            let s = slug(&heading);
            prop_assert!(s.chars().all(|c| c == '-' || !(c.is_whitespace() || c.is_ascii_punctuation())));
        }
    }
}
