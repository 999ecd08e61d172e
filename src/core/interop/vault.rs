//! Markdown folders in and out: an Obsidian vault or a Logseq graph becomes notes whose links
//! resolve among themselves, and notes leave as a zip in the Obsidian layout that comes back the
//! same.
//!
//! A note's folder travels in its front matter as `folder: …`, so the export can put it back.

use std::collections::HashMap;

use crate::core::exchange::bundle::{BundleNote, MAX_BODY_BYTES};
use crate::core::interop::source::{stable_id, usable_title, Converted, FileReport, SourceFile};
use pulldown_cmark::{Event, LinkType, Parser, Tag};

use crate::core::interop::logseq;
use crate::core::interop::zip::{safe_path, ZipWriter};
use crate::core::note::front_matter::{take_folder, with_folder};
use crate::core::note::link::{markdown_options, parse_links, retarget_links};
use crate::core::note::{title_key, Note, MAX_TITLE_CHARS};
use crate::core::plural;
use crate::core::route;
use crate::core::time::Time;

/// Which tool wrote the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Obsidian,
    Logseq,
}

/// A Markdown file read, before titles are settled.
struct Page {
    id: String,
    path: String,
    stem: String,
    title: String,
    body: String,
    time: Time,
    cards: usize,
    /// Logseq blocks with ids: uuid and shown text.
    blocks: Vec<(String, String)>,
}

/// Turns Markdown files into notes. `root` names the vault (its folder or zip), so two vaults with
/// the same file names get different note ids; `files` hold paths inside it.
pub fn convert(root: &str, files: &[SourceFile], layout: Layout, now: Time) -> Converted {
    let mut pages = Pages::new(root, layout, now);
    for file in files {
        pages.read(file);
    }
    pages.finish()
}

/// A vault being read a file at a time (a large one over several slices of work), then linked.
pub(crate) struct Pages {
    root: String,
    layout: Layout,
    now: Time,
    pages: Vec<Page>,
    refused: Vec<FileReport>,
}

impl Pages {
    pub(crate) fn new(root: &str, layout: Layout, now: Time) -> Pages {
        Pages {
            root: root.to_string(),
            layout,
            now,
            pages: Vec::new(),
            refused: Vec::new(),
        }
    }

    pub(crate) fn read(&mut self, file: &SourceFile) {
        match read_page(&self.root, file, self.layout, self.now) {
            Ok(page) => self.pages.push(page),
            Err(reason) => self.refused.push(FileReport::refused(&file.path, reason)),
        }
    }

    /// Settles titles and resolves links among the pages read.
    pub(crate) fn finish(self) -> Converted {
        let Pages {
            layout,
            mut pages,
            refused,
            ..
        } = self;
        let mut converted = Converted {
            reports: refused,
            ..Converted::default()
        };
        settle_titles(&mut pages);
        let by_key = link_keys(&pages);
        let blocks: HashMap<String, (String, String)> = pages
            .iter()
            .flat_map(|p| {
                p.blocks
                    .iter()
                    .map(|(id, text)| (id.clone(), (p.title.clone(), text.clone())))
            })
            .collect();
        for page in &mut pages {
            if layout == Layout::Obsidian {
                if let Some(body) = wiki_links_for_markdown_links(page, &by_key) {
                    page.body = body;
                }
            }
            let retarget = |target: &str| {
                let found = by_key.get(&lookup_key(target))?;
                let title = &found.0;
                (title != target).then(|| title.clone())
            };
            if let Some(body) = retarget_links(&page.body, &retarget) {
                page.body = body;
            }
            if layout == Layout::Logseq {
                page.body = logseq::resolve_references(&page.body, &blocks);
            }
        }
        for page in pages {
            let links = parse_links(&page.body).len();
            let mut message = format!("{} with {}", page.title, plural(links, "link"));
            if page.cards > 0 {
                message.push_str(&format!(" and {}", plural(page.cards, "card block")));
            }
            converted
                .reports
                .push(FileReport::imported(&page.path, message));
            converted.notes.push(BundleNote {
                id: page.id.into(),
                title: page.title,
                body: page.body,
                created: page.time,
                updated: page.time,
            });
        }
        converted
    }
}

fn read_page(root: &str, file: &SourceFile, layout: Layout, now: Time) -> Result<Page, String> {
    if file.bytes.len() > MAX_BODY_BYTES {
        return Err(format!(
            "It is too large for a note ({:.1} MB; a note holds at most 1 MB).",
            file.bytes.len() as f64 / 1_048_576.0
        ));
    }
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|_| "It is not UTF-8 text, so it cannot be read as Markdown.".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (folder, name) = file.path.rsplit_once('/').unwrap_or(("", &file.path));
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name);
    let time = file
        .modified
        .filter(|t| t.is_finite() && *t > Time::EPOCH)
        .unwrap_or(now);
    let mut page = Page {
        id: stable_id("md", &format!("{root}/{}", file.path)),
        path: file.path.clone(),
        stem: stem.to_string(),
        title: String::new(),
        body: String::new(),
        time,
        cards: 0,
        blocks: Vec::new(),
    };
    match layout {
        Layout::Logseq => {
            let converted = logseq::convert_page(text);
            let journal = folder.split('/').any(|part| part == "journals");
            let title = converted
                .title
                .unwrap_or_else(|| logseq::title_from_file(stem, journal));
            page.title = page_title(&title);
            page.body = converted.body;
            page.cards = converted.cards;
            page.blocks = converted.blocks;
        }
        Layout::Obsidian => {
            page.title = page_title(&decode_file_name(stem));
            page.body = if folder.is_empty() {
                text.to_string()
            } else {
                with_folder(text, folder)
            };
        }
    }
    Ok(page)
}

/// A title Loam accepts for a page: see [`usable_title`].
fn page_title(raw: &str) -> String {
    usable_title(raw, "Untitled", MAX_TITLE_CHARS)
}

/// Makes titles unique (case-insensitively): notes that share a file name in different folders
/// are titled by their path, as Obsidian shows them; any clash left gets a number.
fn settle_titles(pages: &mut [Page]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        *count.entry(title_key(&page.title)).or_default() += 1;
    }
    for page in pages.iter_mut() {
        if count[&title_key(&page.title)] > 1 {
            let path = page.path.rsplit_once('.').map_or(&*page.path, |(p, _)| p);
            page.title = page_title(path);
        }
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    for page in pages.iter_mut() {
        let key = title_key(&page.title);
        let seen = taken.entry(key).or_default();
        *seen += 1;
        if *seen > 1 {
            let base: String = page.title.chars().take(MAX_TITLE_CHARS - 6).collect();
            let mut n = *seen;
            while taken.contains_key(&title_key(&format!("{base} ({n})"))) {
                n += 1;
            }
            page.title = format!("{base} ({n})");
            taken.insert(title_key(&page.title), 1);
        }
    }
}

/// Obsidian with wiki-links turned off writes `[text](Other%20note.md#Heading)`: such links to
/// notes of the vault become `[[Title#Heading|text]]`, so they resolve, show backlinks and follow
/// renames like the others. Links elsewhere (web pages, attachments) stay as written.
fn wiki_links_for_markdown_links(
    page: &Page,
    by_key: &HashMap<String, (String, usize)>,
) -> Option<String> {
    let body = &page.body;
    if !body.contains(".md") {
        return None;
    }
    let folder = page.path.rsplit_once('/').map_or("", |(f, _)| f);
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    let events = Parser::new_ext(body, markdown_options()).into_offset_iter();
    for (event, range) in events {
        let Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url,
            ..
        }) = event
        else {
            continue;
        };
        let Some(source) = body.get(range.clone()) else {
            continue;
        };
        let Some(text) = source
            .strip_prefix('[')
            .and_then(|rest| rest.rsplit_once("](").map(|(text, _)| text))
        else {
            continue;
        };
        let (path, heading) = match dest_url.split_once('#') {
            Some((path, heading)) => (path, Some(heading)),
            None => (dest_url.as_ref(), None),
        };
        let Some(path) = route::decode(path).filter(|p| p.ends_with(".md") && !p.contains(':'))
        else {
            continue;
        };
        let joined = if folder.is_empty() {
            path.clone()
        } else {
            format!("{folder}/{path}")
        };
        let title = [joined.as_str(), path.as_str()]
            .into_iter()
            .filter_map(|p| safe_path(p).ok())
            .find_map(|p| by_key.get(&lookup_key(&p)))
            .or_else(|| by_key.get(&lookup_key(path.rsplit('/').next().unwrap_or(&path))));
        let Some((title, _)) = title else { continue };
        if text.contains(['[', ']', '|', '\n']) || range.start < copied {
            continue;
        }
        let heading = heading
            .and_then(route::decode)
            .map(|h| format!("#{h}"))
            .unwrap_or_default();
        let alias = if text.trim() == title {
            String::new()
        } else {
            format!("|{text}")
        };
        out.push_str(&body[copied..range.start]);
        out.push_str(&format!("[[{title}{heading}{alias}]]"));
        copied = range.end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&body[copied..]);
    Some(out)
}

/// What a link's target is looked up by: its key without a `.md` ending.
fn lookup_key(target: &str) -> String {
    let key = title_key(target);
    key.strip_suffix(".md").map(str::to_string).unwrap_or(key)
}

/// Every name a link may use for a page, to the page's title: its title, its path in the vault
/// and, when no other page has it, its file name. Titles win over paths, paths over file names.
fn link_keys(pages: &[Page]) -> HashMap<String, (String, usize)> {
    let mut keys: HashMap<String, (String, usize)> = HashMap::new();
    // Rank 0 beats 1 beats 2; among file names, the page nearest the root wins, as in Obsidian.
    let mut put = |key: String, title: &str, rank: usize| {
        let better = keys.get(&key).is_none_or(|(_, r)| rank < *r);
        if better {
            keys.insert(key, (title.to_string(), rank));
        }
    };
    for page in pages {
        put(title_key(&page.title), &page.title, 0);
        let path = page.path.rsplit_once('.').map_or(&*page.path, |(p, _)| p);
        put(title_key(path), &page.title, 1);
        let depth = page.path.matches('/').count();
        put(
            title_key(&decode_file_name(&page.stem)),
            &page.title,
            2 + depth,
        );
    }
    keys
}

// ---------------------------------------------------------------------------------------------
// File names.

/// Characters file systems (and Obsidian) refuse in names, and `%` itself, written as `%XX`.
const ENCODED: &[char] = &['%', '/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// A note title as a file name: refused characters percent-encoded, a leading dot too.
fn encode_file_name(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for (i, c) in title.chars().enumerate() {
        if ENCODED.contains(&c) || (i == 0 && c == '.') {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Undoes [`encode_file_name`]; any other `%` stays as written.
fn decode_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let decoded = rest
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .map(char::from)
            .filter(|c| ENCODED.contains(c) || *c == '.');
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The folder attached files are written to in an export.
pub const ATTACHMENTS: &str = "attachments";

/// An attached file to write into an export: its name, contents and when it was added.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub added: Time,
}

/// Every note as a Markdown file in the Obsidian layout: `folder/Title.md`, links as written,
/// and every attached file in [`ATTACHMENTS`].
pub fn export(notes: &[&Note], files: &[ExportedFile]) -> Vec<u8> {
    let mut zip = ZipWriter::new();
    // Obsidian finds attachments by name in any folder; Loam's own import does too.
    for file in files {
        zip.add(
            &format!("{ATTACHMENTS}/{}", file.name),
            &file.bytes,
            file.added,
        );
    }
    for note in notes {
        let (folder, body) = take_folder(&note.body);
        let folder = folder.and_then(|f| safe_path(&f).ok());
        let name = format!("{}.md", encode_file_name(&note.title));
        let path = match folder {
            Some(folder) => format!("{folder}/{name}"),
            None => name,
        };
        zip.add(&path, body.as_bytes(), note.updated);
    }
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::interop::zip;

    fn file(path: &str, text: &str) -> SourceFile {
        crate::core::interop::source::test_file(
            path,
            text,
            Some(Time::from_ms(1_700_000_000_000.0)),
        )
    }

    fn titles_and_bodies(converted: &Converted) -> Vec<(String, String)> {
        let mut notes: Vec<(String, String)> = converted
            .notes
            .iter()
            .map(|n| (n.title.clone(), n.body.clone()))
            .collect();
        notes.sort();
        notes
    }

    #[test]
    fn an_obsidian_vault_links_across_folders() {
        let files = [
            file("Home.md", "See [[Garden]], [[Projects/Garden|the plan]], [[Tools.md]] and [[Missing]].\n![[Garden#Soil]]"),
            file("Projects/Garden.md", "---\ntags: [plants]\n---\n# Soil\nBack to [[home]]. Cell ^b1"),
            file("Archive/Deep/Tools.md", "[[Garden#^b1]]"),
        ];
        let converted = convert("Vault", &files, Layout::Obsidian, Time::from_ms(5.0));
        assert_eq!(
            titles_and_bodies(&converted),
            vec![
                ("Garden".into(), "---\nfolder: \"Projects\"\ntags: [plants]\n---\n# Soil\nBack to [[Home]]. Cell ^b1".into()),
                ("Home".into(), "See [[Garden]], [[Garden|the plan]], [[Tools]] and [[Missing]].\n![[Garden#Soil]]".into()),
                ("Tools".into(), "---\nfolder: \"Archive/Deep\"\n---\n[[Garden#^b1]]".into()),
            ]
        );
        assert!(converted
            .notes
            .iter()
            .all(|n| n.created == Time::from_ms(1_700_000_000_000.0)));
        // Ids are stable across conversions and differ between vaults.
        let again = convert("Vault", &files, Layout::Obsidian, Time::from_ms(6.0));
        assert_eq!(again.notes[0].id, converted.notes[0].id);
        let other = convert("Other", &files, Layout::Obsidian, Time::from_ms(6.0));
        assert_ne!(other.notes[0].id, converted.notes[0].id);
        assert_eq!(converted.reports.len(), 3);
        assert_eq!(converted.reports[0].message, "Home with 5 links");
    }

    #[test]
    fn markdown_links_between_notes_become_wiki_links() {
        let files = [
            file(
                "Notes/Home.md",
                "[The garden](Garden%20plan.md#Soil%20types), [up](../Top.md), [Top](/Top.md), \
                 [web](https://example.org/a.md), [pic](img.png), `[code](Top.md)`, [gone](Nope.md)",
            ),
            file("Notes/Garden plan.md", "x"),
            file("Top.md", "y"),
        ];
        let converted = convert("V", &files, Layout::Obsidian, Time::from_ms(0.0));
        assert_eq!(
            converted.notes[0].body,
            "---\nfolder: \"Notes\"\n---\n[[Garden plan#Soil types|The garden]], [[Top|up]], \
             [[Top]], [web](https://example.org/a.md), [pic](img.png), `[code](Top.md)`, [gone](Nope.md)"
        );
    }

    #[test]
    fn same_file_names_in_two_folders_are_titled_by_path() {
        let files = [
            file("a/Index.md", "one"),
            file("b/index.md", "two"),
            file("Top.md", "[[a/Index]] [[b/index]] [[Index]]"),
        ];
        let converted = convert("V", &files, Layout::Obsidian, Time::from_ms(0.0));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["a/Index", "b/index", "Top"]);
        // The bare name goes to the page nearest the root: the first found, at equal depth.
        assert_eq!(
            converted.notes[2].body,
            "[[a/Index]] [[b/index]] [[a/Index]]"
        );
    }

    #[test]
    fn bad_files_are_refused_one_by_one() {
        let mut big = file("Big.md", "");
        big.bytes = vec![b'a'; MAX_BODY_BYTES + 1];
        let latin = SourceFile {
            path: "Latin.md".into(),
            bytes: vec![b'c', 0xe9],
            modified: None,
        };
        let mut ok = file("Ok.md", "fine");
        ok.modified = None;
        let converted = convert("V", &[big, latin, ok], Layout::Obsidian, Time::from_ms(9.0));
        assert_eq!(converted.notes.len(), 1);
        assert_eq!(converted.notes[0].created, Time::from_ms(9.0));
        let reasons: Vec<&str> = converted
            .reports
            .iter()
            .map(|r| r.message.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "It is too large for a note (1.0 MB; a note holds at most 1 MB).",
                "It is not UTF-8 text, so it cannot be read as Markdown.",
                "Ok with 0 links",
            ]
        );
    }

    #[test]
    fn odd_titles_become_usable() {
        assert_eq!(page_title("C# [draft] | v2 ^x"), "C- -draft- - v2 -x");
        assert_eq!(page_title("  "), "Untitled");
        assert_eq!(
            page_title(&"é".repeat(300)).chars().count(),
            MAX_TITLE_CHARS
        );
        let files = [
            file("Dup.md", "1"),
            file("dup (2).md", "x"),
            file("sub/DUP.md", "2"),
        ];
        let mut pages: Vec<Page> = files
            .iter()
            .map(|f| read_page("V", f, Layout::Obsidian, Time::from_ms(0.0)).unwrap())
            .collect();
        settle_titles(&mut pages);
        let titles: Vec<&str> = pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Dup", "dup (2)", "sub/DUP"]);
    }

    #[test]
    fn a_logseq_graph_resolves_block_references() {
        let files = [
            file(
                "pages/biology___cells.md",
                "title:: Biology/Cells\n\n- The mitochondria makes energy\n  id:: 6500a1b2-0000-4000-8000-000000000001\n- What makes energy? #card\n\t- mitochondria",
            ),
            file("journals/2024_01_15.md", "- Read about ((6500a1b2-0000-4000-8000-000000000001)) in [[biology/cells]]"),
        ];
        let converted = convert("Graph", &files, Layout::Logseq, Time::from_ms(0.0));
        assert_eq!(
            titles_and_bodies(&converted),
            vec![
                ("Biology/Cells".into(), "- The mitochondria makes energy ^6500a1b2-0000-4000-8000-000000000001\n- What makes energy? :: mitochondria\n".into()),
                ("Jan 15th, 2024".into(), "- Read about [[Biology/Cells#^6500a1b2-0000-4000-8000-000000000001|The mitochondria makes energy]] in [[Biology/Cells]]\n".into()),
            ]
        );
    }

    #[test]
    fn file_names_encode_what_file_systems_refuse() {
        for title in ["Why? A/B: 100% <ok>", ".hidden", "plain", "a%2Fb"] {
            assert_eq!(decode_file_name(&encode_file_name(title)), title);
        }
        assert_eq!(encode_file_name("a/b?"), "a%2Fb%3F");
        assert_eq!(decode_file_name("50%off"), "50%off");
        assert_eq!(decode_file_name("%"), "%");
        assert_eq!(decode_file_name("%zz%é"), "%zz%é");
    }

    #[test]
    fn export_then_import_gives_the_same_notes() {
        let files = [
            file(
                "Home.md",
                "# Home\nSee [[Garden]] and [[Why? Because/so]].\nQ :: A",
            ),
            file(
                "Projects/Garden.md",
                "---\ntags: [x]\n---\nBack to [[Home]]",
            ),
            file("Projects/Sub/Deep.md", "deep"),
            file("Why%3F Because%2Fso.md", "odd name"),
        ];
        let first = convert("V", &files, Layout::Obsidian, Time::from_ms(0.0));
        let notes: Vec<Note> = first
            .notes
            .iter()
            .map(|n| Note {
                id: n.id.clone(),
                title: n.title.clone(),
                body: n.body.clone(),
                created: n.created,
                updated: n.updated,
                origin: None,
            })
            .collect();
        let refs: Vec<&Note> = notes.iter().collect();
        let picture = ExportedFile {
            name: "map one.png".into(),
            bytes: b"\x89PNG\r\n\x1a\n pixels".to_vec(),
            added: Time::from_ms(1_700_000_000_000.0),
        };
        let archive = export(&refs, std::slice::from_ref(&picture));
        let entries = zip::read(&archive).unwrap();
        let mut paths: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "Home.md",
                "Projects/Garden.md",
                "Projects/Sub/Deep.md",
                "Why%3F Because%2Fso.md",
                "attachments/map one.png"
            ]
        );
        let stored = entries.iter().find(|e| e.name.ends_with(".png")).unwrap();
        assert_eq!(stored.data.as_ref().unwrap(), &picture.bytes);
        let back: Vec<SourceFile> = entries
            .into_iter()
            .map(|e| SourceFile {
                path: e.name,
                bytes: e.data.unwrap(),
                modified: e.modified,
            })
            .collect();
        let second = convert("Export", &back, Layout::Obsidian, Time::from_ms(0.0));
        assert_eq!(titles_and_bodies(&second), titles_and_bodies(&first));
    }
}
