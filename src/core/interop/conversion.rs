//! The conversion of what the learner picked or dropped: each file's kind told by its name,
//! zips opened, and every file handed to the converter of its kind, a slice at a time.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::core::attachment::{self, MAX_FILE_BYTES};
use crate::core::exchange::bundle::BundleNote;
use crate::core::interop::source::{Converted, FileReport, KeptFile, SourceFile};
use crate::core::interop::vault::{Layout, Pages};
use crate::core::interop::zip::{self, safe_path};
use crate::core::interop::{anki, crowdanki};
use crate::core::note::{title_key, MAX_TITLE_CHARS};
use crate::core::storage::format_bytes;
use crate::core::time::Time;

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Markdown,
    AnkiText,
    CrowdAnki,
    Zip,
    /// Settings and tool folders (`.obsidian/`, `logseq/`, `.DS_Store`): left out without a word.
    Private,
    /// Images, PDFs and anything else: listed as left out.
    Attachment,
}

fn kind_of(path: &str) -> Kind {
    let lower = path.to_lowercase();
    let private = lower
        .split('/')
        .any(|part| part.starts_with('.') || part == "logseq" || part == "__macosx");
    let extension = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        _ if private => Kind::Private,
        "md" | "markdown" => Kind::Markdown,
        "txt" | "csv" | "tsv" => Kind::AnkiText,
        "json" => Kind::CrowdAnki,
        "zip" => Kind::Zip,
        _ => Kind::Attachment,
    }
}

/// Converts what the learner picked or dropped: loose files, a folder's files (paths starting
/// with the folder's name) and zips, each zip a vault of its own. Never fails as a whole: each
/// file that cannot be read has its line in the report.
pub fn convert(files: Vec<SourceFile>, now: Time) -> Converted {
    let mut conversion = Conversion::new(files, now);
    while conversion.step(usize::MAX) {}
    conversion.finish()
}

/// A [`convert`] done a slice at a time, so the page can paint and show progress between
/// slices of a large conversion.
pub struct Conversion {
    now: Time,
    /// Zips not yet opened, and the loose files (one set) last.
    waiting: VecDeque<Waiting>,
    current: Option<Set>,
    converted: Converted,
    done: usize,
    total: usize,
}

enum Waiting {
    Zip(SourceFile),
    Loose(Vec<SourceFile>),
}

/// A folder, zip or the loose files, being converted.
struct Set {
    /// Prefix of report paths: the zip's name.
    shown: String,
    files: VecDeque<(Kind, SourceFile)>,
    pages: Pages,
    /// The set is a folder or zip of Markdown notes: a stray text or JSON file in it is most
    /// likely not a deck, so one that reads as none is left out rather than reported as failed.
    vault: bool,
}

impl Conversion {
    pub fn new(files: Vec<SourceFile>, now: Time) -> Conversion {
        let total = files.len();
        let (zips, loose): (Vec<SourceFile>, Vec<SourceFile>) = files
            .into_iter()
            .partition(|f| kind_of(&f.path) == Kind::Zip);
        let mut waiting: VecDeque<Waiting> = zips.into_iter().map(Waiting::Zip).collect();
        if !loose.is_empty() {
            waiting.push_back(Waiting::Loose(loose));
        }
        Conversion {
            now,
            waiting,
            current: None,
            converted: Converted::default(),
            done: 0,
            total,
        }
    }

    /// Files converted so far, and files known in all (a zip's count once it is opened).
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// Converts up to `budget` more files, or opens a zip, or links a finished set. Returns
    /// whether work is left.
    pub fn step(&mut self, budget: usize) -> bool {
        if let Some(set) = &mut self.current {
            let mut spent = 0;
            while spent < budget {
                let Some((kind, mut file)) = set.files.pop_front() else {
                    break;
                };
                spent += 1;
                match kind {
                    Kind::Markdown => set.pages.read(&file),
                    Kind::AnkiText | Kind::CrowdAnki => {
                        file.path = format!("{}{}", set.shown, file.path);
                        let mut deck = if kind == Kind::AnkiText {
                            anki::convert(&file)
                        } else {
                            crowdanki::convert(&file)
                        };
                        if set.vault && deck.notes.is_empty() {
                            deck.reports = vec![FileReport::skipped(
                                &file.path,
                                "Left out: not a note, nor an Anki or CrowdAnki deck.",
                            )];
                        }
                        self.converted.extend(deck);
                    }
                    _ => {}
                }
            }
            self.done += spent;
            if set.files.is_empty() {
                if let Some(set) = self.current.take() {
                    let mut notes = set.pages.finish();
                    for report in &mut notes.reports {
                        report.path = format!("{}{}", set.shown, report.path);
                    }
                    self.converted.extend(notes);
                }
            }
            return true;
        }
        let Some(next) = self.waiting.pop_front() else {
            return false;
        };
        self.current = Some(match next {
            Waiting::Zip(file) => {
                self.done += 1;
                let (set, inside) = self.open_zip(file);
                self.total += inside;
                set
            }
            Waiting::Loose(files) => self.prepare("", files, ""),
        });
        true
    }

    /// Everything converted, titles unique over all of it.
    pub fn finish(mut self) -> Converted {
        unique_titles(&mut self.converted.notes);
        self.converted
    }

    /// Opens a zip into a set of its files; returns the set and how many files it holds.
    fn open_zip(&mut self, file: SourceFile) -> (Set, usize) {
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
        let mut inside = Vec::new();
        match zip::read(&file.bytes) {
            Ok(entries) => {
                for entry in entries {
                    let shown = format!("{}/{}", file.path, entry.name);
                    match (safe_path(&entry.name), entry.data) {
                        (Ok(path), Ok(bytes)) => inside.push(SourceFile {
                            path,
                            bytes,
                            modified: entry.modified,
                        }),
                        (Err(why), _) | (_, Err(why)) => self
                            .converted
                            .reports
                            .push(FileReport::refused(&shown, format!("Left out: {why}."))),
                    }
                }
            }
            Err(error) => self
                .converted
                .reports
                .push(FileReport::refused(&file.path, error.to_string())),
        }
        let count = inside.len();
        (
            self.prepare(&stem, inside, &format!("{}/", file.path)),
            count,
        )
    }

    /// Sorts one set's files by kind: what is left out is reported now, the rest waits.
    fn prepare(&mut self, root: &str, files: Vec<SourceFile>, shown: &str) -> Set {
        let (root, files) = strip_common_folder(root, files);
        let logseq = files.iter().any(|f| {
            let lower = f.path.to_lowercase();
            lower == "logseq/config.edn"
                || lower.starts_with("pages/")
                || lower.starts_with("journals/")
        });
        let layout = if logseq {
            Layout::Logseq
        } else {
            Layout::Obsidian
        };
        // A folder or a zip of notes; files picked one by one were each chosen on purpose.
        let vault = !root.is_empty() && files.iter().any(|f| kind_of(&f.path) == Kind::Markdown);
        let mut seen = HashSet::new();
        let mut waiting = VecDeque::new();
        for file in files {
            let path = format!("{shown}{}", file.path);
            let kind = kind_of(&file.path);
            let report = if !seen.insert(file.path.to_lowercase()) {
                FileReport::refused(&path, "Left out: another file has the same name.")
            } else {
                match kind {
                    Kind::Markdown | Kind::AnkiText | Kind::CrowdAnki => {
                        waiting.push_back((kind, file));
                        continue;
                    }
                    Kind::Private => {
                        self.done += 1;
                        continue;
                    }
                    Kind::Zip => FileReport::skipped(
                        &path,
                        "Left out: a zip inside a zip. Open it on its own.",
                    ),
                    Kind::Attachment => self.keep(&path, file),
                }
            };
            self.done += 1;
            self.converted.reports.push(report);
        }
        Set {
            shown: shown.to_string(),
            files: waiting,
            pages: Pages::new(&root, layout, self.now),
            vault,
        }
    }
}

impl Conversion {
    /// Keeps a picture, sound or PDF to attach, under its own name (notes find attachments by
    /// name, in any folder); anything else, or a file over the limit, is left out.
    fn keep(&mut self, path: &str, file: SourceFile) -> FileReport {
        let head = &file.bytes[..file.bytes.len().min(1024)];
        let kind = attachment::Kind::sniff(head);
        let size = file.bytes.len() as u64;
        if kind == attachment::Kind::Other {
            return FileReport::skipped(
                path,
                "Left out: Loam keeps pictures, sound and PDFs beside notes.",
            );
        }
        if size > MAX_FILE_BYTES {
            return FileReport::skipped(path, "Left out: larger than 20 MB.");
        }
        let name = attachment::name::for_file(&file.path, kind);
        let key = attachment::name::key(&name);
        let same = self
            .converted
            .files
            .iter()
            .position(|f| attachment::name::key(&f.name) == key);
        if let Some(at) = same {
            return if self.converted.contents[at] == file.bytes {
                FileReport::skipped(path, "Left out: the same file is kept from elsewhere.")
            } else {
                FileReport::refused(
                    path,
                    format!("Left out: another file named “{name}” is kept already."),
                )
            };
        }
        let report = FileReport::imported(path, format!("Kept ({}).", format_bytes(size)));
        self.converted.files.push(KeptFile { name, kind, size });
        self.converted.contents.push(file.bytes);
        report
    }
}

/// When every file sits in one folder (a picked folder, a zip of one), that folder is the
/// vault's name rather than part of each note's place.
fn strip_common_folder(root: &str, mut files: Vec<SourceFile>) -> (String, Vec<SourceFile>) {
    let first = files
        .first()
        .and_then(|f| f.path.split_once('/'))
        .map(|(top, _)| format!("{top}/"));
    let Some(top) = first else {
        return (root.to_string(), files);
    };
    if !files.iter().all(|f| f.path.starts_with(&top)) {
        return (root.to_string(), files);
    }
    for file in &mut files {
        file.path = file.path[top.len()..].to_string();
    }
    let name = top.trim_end_matches('/');
    let root = if root.is_empty() {
        name.to_string()
    } else {
        format!("{root}/{name}")
    };
    (root, files)
}

/// Titles unique over everything converted at once (two decks of one name, a deck named as a
/// note): later ones get a number.
fn unique_titles(notes: &mut [BundleNote]) {
    let mut taken: HashMap<String, ()> = HashMap::new();
    for note in notes.iter_mut() {
        if taken.insert(title_key(&note.title), ()).is_none() {
            continue;
        }
        let base: String = note.title.chars().take(MAX_TITLE_CHARS - 6).collect();
        let mut n = 2;
        while taken.contains_key(&title_key(&format!("{base} ({n})"))) {
            n += 1;
        }
        note.title = format!("{base} ({n})");
        taken.insert(title_key(&note.title), ());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::interop::source::{stable_id, Outcome};
    use crate::core::interop::zip::ZipWriter;

    fn file(path: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            bytes: bytes.to_vec(),
            modified: None,
        }
    }

    #[test]
    fn a_picked_folder_is_one_vault_named_by_its_folder() {
        let files = vec![
            file("Vault/Home.md", b"[[Sub note]]"),
            file("Vault/sub/Sub note.md", b"x"),
            file("Vault/.obsidian/app.json", b"{}"),
            file("Vault/sub/cat.png", b"\x89PNG"),
        ];
        let converted = convert(files, Time::from_ms(0.0));
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Home", "Sub note"]);
        assert_eq!(converted.notes[1].body, "---\nfolder: \"sub\"\n---\nx");
        let outcomes: Vec<(&str, Outcome)> = converted
            .reports
            .iter()
            .map(|r| (r.path.as_str(), r.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("sub/cat.png", Outcome::Skipped),
                ("Home.md", Outcome::Imported),
                ("sub/Sub note.md", Outcome::Imported)
            ]
        );
        assert_eq!(converted.notes[0].id, stable_id("md", "Vault/Home.md"));
    }

    #[test]
    fn pictures_sound_and_pdfs_are_kept_by_name() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        let files = vec![
            file("Vault/Home.md", b"![[cat.png]]"),
            file("Vault/assets/cat.png", png),
            file("Vault/other/cat.png", b"\x89PNG\r\n\x1a\n other"),
            file("Vault/copy/cat.png", png),
            file("Vault/voice.mp3", b"ID3\x04"),
            file("Vault/paper", b"%PDF-1.7"),
            file("Vault/setup.exe", b"MZ\x90"),
        ];
        let converted = convert(files, Time::from_ms(0.0));
        let kept: Vec<(&str, u64)> = converted
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.size))
            .collect();
        assert_eq!(kept, [("cat.png", 13), ("voice.mp3", 4), ("paper.pdf", 8)]);
        assert_eq!(converted.contents[0], png);
        let report = |path: &str| {
            let r = converted.reports.iter().find(|r| r.path == path).unwrap();
            (r.outcome, r.message.as_str())
        };
        assert_eq!(
            report("assets/cat.png"),
            (Outcome::Imported, "Kept (13 bytes).")
        );
        assert_eq!(
            report("other/cat.png"),
            (
                Outcome::Refused,
                "Left out: another file named “cat.png” is kept already."
            )
        );
        assert_eq!(report("copy/cat.png").0, Outcome::Skipped);
        assert_eq!(report("setup.exe").0, Outcome::Skipped);
    }

    #[test]
    fn a_stray_text_or_json_file_in_a_vault_is_left_out_not_failed() {
        let files = vec![
            file("Vault/Home.md", b"Hello"),
            file("Vault/notes.txt", b"Remember to buy milk"),
            file("Vault/data.json", b"{\"a\": 1}"),
            file("Vault/deck.txt", b"front\tback\n"),
        ];
        let converted = convert(files, Time::from_ms(0.0));
        let outcome = |path: &str| {
            converted
                .reports
                .iter()
                .find(|r| r.path == path)
                .map(|r| r.outcome)
        };
        assert_eq!(outcome("notes.txt"), Some(Outcome::Skipped));
        assert_eq!(outcome("data.json"), Some(Outcome::Skipped));
        // A real deck beside the notes is still read.
        assert_eq!(outcome("deck.txt"), Some(Outcome::Imported));
        assert!(converted
            .reports
            .iter()
            .all(|r| r.outcome != Outcome::Refused));
        // Picked one by one, even beside a note, a file that is no deck is still a failed
        // import, as before: the learner chose it.
        let picked = convert(
            vec![file("Home.md", b"Hello"), file("notes.txt", b"just words")],
            Time::from_ms(0.0),
        );
        let outcome = picked.reports.iter().find(|r| r.path == "notes.txt");
        assert_eq!(outcome.map(|r| r.outcome), Some(Outcome::Refused));
    }

    #[test]
    fn a_zip_is_read_and_its_bad_entries_reported() {
        let mut zip = ZipWriter::new();
        zip.add("Graph/pages/a___b.md", b"- see [[c]]", Time::from_ms(0.0));
        zip.add("Graph/pages/c.md", b"- Q #card\n\t- A", Time::from_ms(0.0));
        zip.add("Graph/logseq/config.edn", b"{}", Time::from_ms(0.0));
        zip.add("Graph/../../evil.md", b"x", Time::from_ms(0.0));
        zip.add("Graph/pages/C.md", b"dup", Time::from_ms(0.0));
        let converted = convert(
            vec![
                file("graph.zip", &zip.finish()),
                file("broken.zip", b"PK nope"),
            ],
            Time::from_ms(0.0),
        );
        let titles: Vec<&str> = converted.notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["a/b", "c"]);
        assert_eq!(converted.notes[1].body, "- Q :: A\n");
        let refused: Vec<(&str, &str)> = converted
            .reports
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .map(|r| (r.path.as_str(), r.message.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                (
                    "graph.zip/Graph/../../evil.md",
                    "Left out: its path leaves the archive."
                ),
                (
                    "graph.zip/pages/C.md",
                    "Left out: another file has the same name."
                ),
                (
                    "broken.zip",
                    "This is not a zip archive, or it was cut short."
                ),
            ]
        );
    }

    #[test]
    fn a_conversion_in_slices_gives_the_same_as_one_go() {
        let mut zip = ZipWriter::new();
        for i in 0..25 {
            zip.add(
                &format!("V/n{i}.md"),
                format!("[[n{}]]", i + 1).as_bytes(),
                Time::from_ms(0.0),
            );
        }
        let archive = zip.finish();
        let files = || {
            vec![
                file("V.zip", &archive),
                file("a.csv", b"q,a\n"),
                file("b.md", b"[[a]]"),
            ]
        };
        let mut sliced = Conversion::new(files(), Time::from_ms(0.0));
        let mut seen = Vec::new();
        while sliced.step(4) {
            seen.push(sliced.progress());
        }
        assert_eq!(sliced.progress(), (28, 28));
        assert!(seen.len() > 7, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(sliced.finish(), convert(files(), Time::from_ms(0.0)));
    }

    #[test]
    fn titles_stay_unique_across_everything_imported() {
        let mut notes: Vec<BundleNote> = ["A", "a", "A (2)"]
            .iter()
            .map(|t| BundleNote {
                id: (*t).into(),
                title: t.to_string(),
                body: String::new(),
                created: Time::from_ms(0.0),
                updated: Time::from_ms(0.0),
            })
            .collect();
        unique_titles(&mut notes);
        let titles: Vec<&str> = notes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["A", "a (2)", "A (2) (2)"]);
    }
}
