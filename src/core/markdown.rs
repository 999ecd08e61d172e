//! Renders a note's Markdown to HTML that is safe to insert into the page, whoever wrote it:
//! raw HTML shows as text, URLs are allow-listed, and wiki-links become app routes.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream,
};

use crate::core::link::{scan, WikiLink};
use crate::core::route::encode;

/// A note rendered to HTML, with the outline of its headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
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

/// Like [`render`], and also returns the headings (for an outline or to check link targets).
pub fn render_document(markdown: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Rendered {
    // Raw HTML becomes text before merging so a wiki-link next to a tag is still found.
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        other => other,
    });
    let mut renderer = Renderer::new(resolve);
    for event in TextMergeStream::new(events) {
        renderer.event(event);
    }
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

// Heading attributes stay off: they would let authors pick ids and classes.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
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
}

impl<'a, 'r> Renderer<'a, 'r> {
    fn new(resolve: &'r dyn Fn(&str) -> Option<String>) -> Self {
        Renderer {
            resolve,
            out: Vec::new(),
            headings: Vec::new(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            heading: None,
            image: None,
            in_code_block: false,
            links: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'a>) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
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
            Event::Text(text) => {
                if self.in_code_block || !self.links.is_empty() {
                    self.heading_text(&text);
                    self.out.push(Event::Text(text));
                } else {
                    self.text_with_wikilinks(text);
                }
            }
            Event::Code(code) => {
                self.heading_text(&code);
                self.out.push(Event::Code(code));
            }
            // Raw HTML was turned into text already; this only guards against a regression.
            Event::Html(html) | Event::InlineHtml(html) => self.out.push(Event::Text(html)),
            Event::SoftBreak | Event::HardBreak => {
                self.heading_text(" ");
                self.out.push(event);
            }
            other => self.out.push(other),
        }
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

    fn text_with_wikilinks(&mut self, text: CowStr<'a>) {
        let links = scan(&text);
        if links.is_empty() {
            self.heading_text(&text);
            self.out.push(Event::Text(text));
            return;
        }
        let mut pieces = Vec::with_capacity(links.len() * 2 + 1);
        let mut last = 0;
        for link in &links {
            if let Some(before) = text.get(last..link.range.start).filter(|s| !s.is_empty()) {
                pieces.push((before.to_string(), None));
            }
            pieces.push((shown_text(link), Some(self.wikilink_html(link))));
            last = link.range.end;
        }
        if let Some(rest) = text.get(last..).filter(|s| !s.is_empty()) {
            pieces.push((rest.to_string(), None));
        }
        for (plain, html) in pieces {
            self.heading_text(&plain);
            match html {
                Some(html) => self.out.push(Event::InlineHtml(html.into())),
                None => self.out.push(Event::Text(plain.into())),
            }
        }
    }

    fn wikilink_html(&self, link: &WikiLink<'_>) -> String {
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
                format!("<a class=\"{class}\" href=\"{}\">{shown}</a>", escape(&href))
            }
            None => format!(
                "<a class=\"{class} missing\" href=\"#/new/{}\" title=\"Create note “{}”\">{shown}</a>",
                escape(&encode(link.target)),
                escape(link.target),
            ),
        }
    }
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

/// Escapes text for use in element content and in quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The URL as a browser reads its scheme: without the ASCII whitespace and control characters
/// it strips or ignores (we drop them everywhere, which is stricter), in lowercase.
fn normalized(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The scheme of a normalized URL, or `None` for a relative one. Any `:` before the first
/// `/`, `?` or `#` counts, even where a browser would see a path: unknown means refused.
fn scheme(normalized: &str) -> Option<&str> {
    let end = normalized.find([':', '/', '?', '#'])?;
    normalized[end..]
        .starts_with(':')
        .then(|| &normalized[..end])
}

fn link_allowed(url: &str) -> bool {
    matches!(
        scheme(&normalized(url)),
        None | Some("http" | "https" | "mailto")
    )
}

fn image_allowed(url: &str) -> bool {
    let url = normalized(url);
    match scheme(&url) {
        None | Some("http" | "https") => true,
        Some("data") => ["png", "jpeg", "gif", "webp"]
            .iter()
            .any(|kind| url.starts_with(&format!("data:image/{kind};base64,"))),
        Some(_) => false,
    }
}

/// Links that leave the app: http(s) and protocol-relative (`//host`, which browsers also
/// accept with backslashes).
fn is_external(url: &str) -> bool {
    let url = normalized(url);
    let slash = |b: &u8| matches!(b, b'/' | b'\\');
    matches!(scheme(&url), Some("http" | "https"))
        || url
            .as_bytes()
            .get(..2)
            .is_some_and(|two| two.iter().all(slash))
}
