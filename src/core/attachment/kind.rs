//! What a stored file is, read from its first bytes: the declared type and the name's extension
//! are never trusted, so a script named `.png` is only ever an unknown file to download.

use serde::{Deserialize, Serialize};

/// The kinds of file Loam shows; anything else is offered as a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
    /// Shown only through `<img>`, where its scripts never run.
    Svg,
    Mp3,
    Ogg,
    M4a,
    Wav,
    Flac,
    Pdf,
    /// Anything else: offered for download, never shown or run.
    #[serde(other)]
    Other,
}

/// How a kind appears in a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Image,
    Audio,
    Download,
}

impl Kind {
    /// The kind of a file whose contents begin with `head` (the first 512 bytes are enough).
    pub fn sniff(head: &[u8]) -> Kind {
        let starts = |magic: &[u8]| head.starts_with(magic);
        let at =
            |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
        if starts(b"\x89PNG\r\n\x1a\n") {
            Kind::Png
        } else if starts(b"\xff\xd8\xff") {
            Kind::Jpeg
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            Kind::Gif
        } else if starts(b"RIFF") && at(8, b"WEBP") {
            Kind::Webp
        } else if starts(b"RIFF") && at(8, b"WAVE") {
            Kind::Wav
        } else if at(4, b"ftyp") {
            match head.get(8..12) {
                Some(b"avif" | b"avis") => Kind::Avif,
                Some(b"M4A " | b"M4B " | b"mp42" | b"isom" | b"dash") => Kind::M4a,
                _ => Kind::Other,
            }
        } else if starts(b"OggS") {
            Kind::Ogg
        } else if starts(b"fLaC") {
            Kind::Flac
        } else if starts(b"ID3") || mp3_frame(head) {
            Kind::Mp3
        } else if starts(b"%PDF-") {
            Kind::Pdf
        } else if is_svg(head) {
            Kind::Svg
        } else {
            Kind::Other
        }
    }

    /// The type the browser is told when the file is shown or downloaded.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Avif => "image/avif",
            Kind::Svg => "image/svg+xml",
            Kind::Mp3 => "audio/mpeg",
            Kind::Ogg => "audio/ogg",
            Kind::M4a => "audio/mp4",
            Kind::Wav => "audio/wav",
            Kind::Flac => "audio/flac",
            Kind::Pdf => "application/pdf",
            Kind::Other => "application/octet-stream",
        }
    }

    /// The usual extension, for a file that arrives without a name (a pasted image).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Avif => "avif",
            Kind::Svg => "svg",
            Kind::Mp3 => "mp3",
            Kind::Ogg => "ogg",
            Kind::M4a => "m4a",
            Kind::Wav => "wav",
            Kind::Flac => "flac",
            Kind::Pdf => "pdf",
            Kind::Other => "bin",
        }
    }

    pub fn shown(self) -> Shown {
        match self {
            Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp | Kind::Avif | Kind::Svg => {
                Shown::Image
            }
            Kind::Mp3 | Kind::Ogg | Kind::M4a | Kind::Wav | Kind::Flac => Shown::Audio,
            Kind::Pdf | Kind::Other => Shown::Download,
        }
    }
}

/// An MPEG audio frame header: 11 sync bits, layer III.
fn mp3_frame(head: &[u8]) -> bool {
    matches!(head, [0xff, second, ..] if second & 0xe0 == 0xe0 && second & 0x06 == 0x02)
}

/// SVG text: after a byte-order mark, white space, an XML declaration, comments or a doctype,
/// the first element is `<svg`.
fn is_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else {
                return false;
            };
            rest = after[end + 2..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else {
                return false;
            };
            rest = after[end + 3..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!") {
            let Some(end) = after.find('>') else {
                return false;
            };
            rest = after[end + 1..].trim_start();
        } else {
            let lower = rest.get(..4).map(str::to_ascii_lowercase);
            return lower.as_deref() == Some("<svg")
                && rest[4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_audio_are_known_by_their_bytes() {
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Kind::Png);
        assert_eq!(Kind::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Kind::Jpeg);
        assert_eq!(Kind::sniff(b"GIF89a\x01\0"), Kind::Gif);
        assert_eq!(Kind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Kind::Webp);
        assert_eq!(Kind::sniff(b"RIFF\x24\0\0\0WAVEfmt "), Kind::Wav);
        assert_eq!(Kind::sniff(b"\0\0\0\x1cftypavif\0\0"), Kind::Avif);
        assert_eq!(Kind::sniff(b"\0\0\0\x20ftypM4A \0\0"), Kind::M4a);
        assert_eq!(Kind::sniff(b"OggS\0\x02"), Kind::Ogg);
        assert_eq!(Kind::sniff(b"fLaC\0"), Kind::Flac);
        assert_eq!(Kind::sniff(b"ID3\x04\0"), Kind::Mp3);
        assert_eq!(Kind::sniff(&[0xff, 0xfb, 0x90, 0x64]), Kind::Mp3);
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Kind::Pdf);
    }

    #[test]
    fn svg_is_known_after_its_prologue() {
        assert_eq!(Kind::sniff(b"<svg xmlns='x'/>"), Kind::Svg);
        assert_eq!(
            Kind::sniff(
                b"\xef\xbb\xbf <?xml version='1.0'?>\n<!-- made -->\n<!DOCTYPE svg>\n<SVG>"
            ),
            Kind::Svg
        );
        assert_eq!(Kind::sniff(b"<svgx>"), Kind::Other);
        assert_eq!(Kind::sniff(b"<html><svg>"), Kind::Other);
        assert_eq!(Kind::sniff(b"<?xml unterminated"), Kind::Other);
    }

    #[test]
    fn a_declared_type_counts_for_nothing() {
        // A page or script renamed `.png` is a download, served as bytes, never run.
        assert_eq!(Kind::sniff(b"<!doctype html><script>"), Kind::Other);
        assert_eq!(Kind::sniff(b""), Kind::Other);
        assert_eq!(Kind::Other.mime(), "application/octet-stream");
        assert_eq!(Kind::Other.shown(), Shown::Download);
        assert_eq!(Kind::Svg.shown(), Shown::Image);
        assert_eq!(Kind::Ogg.shown(), Shown::Audio);
    }

    #[test]
    fn unknown_kinds_from_a_newer_loam_read_as_other() {
        let kind: Kind = serde_json::from_str("\"heic\"").unwrap();
        assert_eq!(kind, Kind::Other);
        assert_eq!(serde_json::to_string(&Kind::M4a).unwrap(), "\"m4a\"");
    }
}
