//! Zip archives, as vaults travel: reading one entry at a time so a broken or hostile entry is
//! reported on its own, and writing the Markdown export. Stored and DEFLATE entries only.
//!
//! Hand-written on the DEFLATE code the bundles already use: the `zip` crate would add its own
//! dependencies for the two methods every vault zip uses.

use std::fmt;

use crate::core::date::{civil_date, days_from_civil};
use crate::core::time::Time;

/// Most entries an archive may list.
pub const MAX_ENTRIES: usize = 100_000;
/// Largest entry we unpack, in bytes.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;
/// Most bytes all entries together may unpack to, so a small archive cannot fill the memory.
pub const MAX_TOTAL_BYTES: usize = 512 * 1024 * 1024;

/// Why an archive cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-archive record: not a zip, or cut short.
    NotAZip,
    /// The list of entries points outside the file.
    Damaged,
    /// A zip64 archive (over 65,535 entries or 4 GB).
    TooLarge,
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NotAZip => write!(f, "This is not a zip archive, or it was cut short."),
            ZipError::Damaged => write!(
                f,
                "This zip archive is damaged: its list of files is broken."
            ),
            ZipError::TooLarge => write!(f, "This zip archive is too large to open here."),
        }
    }
}

/// One file of an archive: its bytes, or why they cannot be had.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipEntry {
    /// The path as stored, `/`-separated.
    pub name: String,
    /// Modification time, milliseconds since the Unix epoch (local time taken as UTC).
    pub modified: Option<Time>,
    pub data: Result<Vec<u8>, String>,
}

const END_SIGNATURE: u32 = 0x0605_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const END_BYTES: usize = 22;
const CENTRAL_BYTES: usize = 46;
const LOCAL_BYTES: usize = 30;
/// General purpose flag: names are UTF-8.
const UTF8_FLAG: u16 = 1 << 11;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads every file entry of an archive (folders left out). The archive as a whole is refused only
/// when its list of entries cannot be read; each entry's own trouble is in its `data`.
pub fn read(bytes: &[u8]) -> Result<Vec<ZipEntry>, ZipError> {
    let end = find_end(bytes).ok_or(ZipError::NotAZip)?;
    let count = u16_at(bytes, end + 10).ok_or(ZipError::NotAZip)?;
    let size = u32_at(bytes, end + 12).ok_or(ZipError::NotAZip)?;
    let offset = u32_at(bytes, end + 16).ok_or(ZipError::NotAZip)?;
    if count == u16::MAX || size == u32::MAX || offset == u32::MAX {
        return Err(ZipError::TooLarge);
    }
    let mut at = offset as usize;
    let mut entries = Vec::new();
    let mut total = 0usize;
    for _ in 0..count {
        if entries.len() >= MAX_ENTRIES {
            return Err(ZipError::TooLarge);
        }
        if u32_at(bytes, at) != Some(CENTRAL_SIGNATURE) {
            return Err(ZipError::Damaged);
        }
        let field = |o: usize| u16_at(bytes, at + o).ok_or(ZipError::Damaged);
        let word = |o: usize| u32_at(bytes, at + o).ok_or(ZipError::Damaged);
        let flags = field(8)?;
        let method = field(10)?;
        let (time, date) = (field(12)?, field(14)?);
        let crc = word(16)?;
        let packed = word(20)? as usize;
        let unpacked = word(24)? as usize;
        let name_len = field(28)? as usize;
        let extra_len = field(30)? as usize;
        let comment_len = field(32)? as usize;
        let local = word(42)? as usize;
        let raw_name = bytes
            .get(at + CENTRAL_BYTES..at + CENTRAL_BYTES + name_len)
            .ok_or(ZipError::Damaged)?;
        at += CENTRAL_BYTES + name_len + extra_len + comment_len;
        let name = if flags & UTF8_FLAG != 0 {
            String::from_utf8_lossy(raw_name).into_owned()
        } else {
            // Old tools write names in the DOS code page; ASCII names read the same either way.
            raw_name.iter().map(|&b| char::from(b)).collect()
        };
        if name.ends_with('/') {
            continue;
        }
        let data = if flags & 1 != 0 {
            Err("it is encrypted".to_string())
        } else if unpacked > MAX_ENTRY_BYTES || total.saturating_add(unpacked) > MAX_TOTAL_BYTES {
            Err(format!("it is too large ({})", megabytes(unpacked)))
        } else {
            total += unpacked;
            entry_data(bytes, local, method, packed, unpacked, crc)
        };
        entries.push(ZipEntry {
            name,
            modified: dos_time_to_millis(date, time),
            data,
        });
    }
    Ok(entries)
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// The end-of-archive record, searched from the end past a comment of up to 64 KB.
fn find_end(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(END_BYTES)?;
    let first = last.saturating_sub(u16::MAX as usize);
    (first..=last)
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(END_SIGNATURE))
}

fn entry_data(
    bytes: &[u8],
    local: usize,
    method: u16,
    packed: usize,
    unpacked: usize,
    crc: u32,
) -> Result<Vec<u8>, String> {
    let damaged = || "it is damaged".to_string();
    if u32_at(bytes, local) != Some(LOCAL_SIGNATURE) {
        return Err(damaged());
    }
    let name_len = u16_at(bytes, local + 26).ok_or_else(damaged)? as usize;
    let extra_len = u16_at(bytes, local + 28).ok_or_else(damaged)? as usize;
    let start = local + LOCAL_BYTES + name_len + extra_len;
    let raw = bytes
        .get(start..start.checked_add(packed).ok_or_else(damaged)?)
        .ok_or_else(damaged)?;
    let data = match method {
        0 => raw.to_vec(),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(raw, unpacked)
            .map_err(|_| damaged())?,
        other => {
            return Err(format!(
                "it is packed in a way Loam cannot read (method {other})"
            ))
        }
    };
    if data.len() != unpacked || crc32(&data) != crc {
        return Err(damaged());
    }
    Ok(data)
}

/// Checks an entry's path and returns it without a leading `./`; refuses paths that climb out of
/// the archive (`..`), start at a root, or name a drive.
pub fn safe_path(name: &str) -> Result<String, String> {
    let name = name.replace('\\', "/");
    let unsafe_path = || "its path leaves the archive".to_string();
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Err(unsafe_path());
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(unsafe_path()),
            part if part.chars().any(char::is_control) => {
                return Err("its path holds control characters".to_string())
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err("it has no name".to_string());
    }
    Ok(parts.join("/"))
}

/// Builds an archive: each file DEFLATE-compressed, names marked UTF-8.
#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter::default()
    }

    /// Adds a file. `modified` is milliseconds since the Unix epoch. Archives hold at most
    /// 65,535 files; past that, files are left out (the caller checks the count first).
    pub fn add(&mut self, name: &str, data: &[u8], modified: Time) {
        let Some(count) = self.count.checked_add(1).filter(|&c| c < u16::MAX) else {
            return;
        };
        self.count = count;
        // Pictures and sound are compressed already: stored as they are when DEFLATE gains nothing.
        let deflated = miniz_oxide::deflate::compress_to_vec(data, 6);
        let (method, packed): (u16, &[u8]) = if deflated.len() < data.len() {
            (8, &deflated)
        } else {
            (0, data)
        };
        let (date, time) = millis_to_dos_time(modified);
        let crc = crc32(data);
        let offset = self.out.len() as u32;
        let name = name.as_bytes();
        let mut common = Vec::with_capacity(26);
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        common.extend_from_slice(&UTF8_FLAG.to_le_bytes());
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&time.to_le_bytes());
        common.extend_from_slice(&date.to_le_bytes());
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra field length

        self.out.extend_from_slice(&LOCAL_SIGNATURE.to_le_bytes());
        self.out.extend_from_slice(&common);
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(packed);

        self.central
            .extend_from_slice(&CENTRAL_SIGNATURE.to_le_bytes());
        self.central.extend_from_slice(&20u16.to_le_bytes()); // made by
        self.central.extend_from_slice(&common);
        self.central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        self.central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name);
    }

    pub fn finish(mut self) -> Vec<u8> {
        let offset = self.out.len() as u32;
        let size = self.central.len() as u32;
        self.out.append(&mut self.central);
        self.out.extend_from_slice(&END_SIGNATURE.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]); // disk numbers
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&offset.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out
    }
}

/// DOS date and time (two-second steps, years 1980 to 2107), clamped to that range.
fn millis_to_dos_time(time: Time) -> (u16, u16) {
    let seconds = if time.is_finite() {
        (time.ms() / 1000.0) as i64
    } else {
        0
    };
    let (year, month, day) = civil_date(seconds.div_euclid(86_400));
    if year < 1980 {
        return ((1 << 5) | 1, 0);
    }
    let year = year.min(2107);
    let secs = seconds.rem_euclid(86_400);
    let date = ((year - 1980) as u16) << 9 | (month as u16) << 5 | (day as u16);
    let time =
        ((secs / 3600) as u16) << 11 | ((secs / 60 % 60) as u16) << 5 | (secs % 60 / 2) as u16;
    (date, time)
}

fn dos_time_to_millis(date: u16, time: u16) -> Option<Time> {
    let year = 1980 + i64::from(date >> 9);
    let month = u32::from(date >> 5 & 0xf);
    let day = u32::from(date & 0x1f);
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400
        + i64::from(time >> 11) * 3600
        + i64::from(time >> 5 & 0x3f) * 60
        + i64::from(time & 0x1f) * 2;
    Some(Time::from_ms(seconds as f64 * 1000.0))
}

/// The CRC-32 (IEEE) that each zip entry carries, through one 1 KB table made at compile time:
/// the `crc32fast` crate's 16 KB of tables cost more download than its speed saves on notes.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &byte| {
        CRC_TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8)
    })
}

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[n] = crc;
        n += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn crc32_matches_the_standard_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    fn archive(files: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = ZipWriter::new();
        for (name, text) in files {
            zip.add(name, text.as_bytes(), Time::from_ms(1_700_000_000_000.0));
        }
        zip.finish()
    }

    #[test]
    fn round_trip_keeps_names_bytes_and_times() {
        let bytes = archive(&[("Vault/Note.md", "# Hi\n"), ("Vault/sub/Ça va.md", "é")]);
        let entries = read(&bytes).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, "Vault/Note.md");
        assert_eq!(entries[0].data, Ok(b"# Hi\n".to_vec()));
        assert_eq!(entries[1].name, "Vault/sub/Ça va.md");
        assert_eq!(entries[1].data, Ok("é".as_bytes().to_vec()));
        // DOS times count two-second steps.
        assert_eq!(
            entries[0].modified,
            Some(Time::from_ms(1_700_000_000_000.0))
        );
    }

    #[test]
    fn dates_convert_both_ways() {
        for millis in [315_532_800_000.0, 951_782_400_000.0, 1_709_164_798_000.0] {
            let (date, time) = millis_to_dos_time(Time::from_ms(millis));
            assert_eq!(dos_time_to_millis(date, time), Some(Time::from_ms(millis)));
        }
        assert_eq!(millis_to_dos_time(Time::from_ms(0.0)), ((1 << 5) | 1, 0));
        assert_eq!(
            millis_to_dos_time(Time::from_ms(f64::NAN)),
            ((1 << 5) | 1, 0)
        );
        assert_eq!(dos_time_to_millis(0, 0), None);
    }

    #[test]
    fn a_stored_entry_and_an_old_name_read() {
        // A stored (method 0) entry with a DOS code-page name, as old tools write.
        let data = b"plain";
        let mut zip = Vec::new();
        let crc = crc32(data);
        zip.extend_from_slice(&LOCAL_SIGNATURE.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&[5, 0, 0, 0]);
        zip.extend_from_slice(b"n\xe9.md");
        zip.extend_from_slice(data);
        let central_at = zip.len() as u32;
        zip.extend_from_slice(&CENTRAL_SIGNATURE.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        zip.extend_from_slice(b"n\xe9.md");
        let size = zip.len() as u32 - central_at;
        zip.extend_from_slice(&END_SIGNATURE.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
        zip.extend_from_slice(&size.to_le_bytes());
        zip.extend_from_slice(&central_at.to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        let entries = read(&zip).unwrap();
        assert_eq!(entries[0].name, "né.md");
        assert_eq!(entries[0].data, Ok(data.to_vec()));
    }

    #[test]
    fn broken_archives_are_refused_with_a_reason() {
        assert_eq!(read(b""), Err(ZipError::NotAZip));
        assert_eq!(read(b"PK\x03\x04 not really"), Err(ZipError::NotAZip));
        let bytes = archive(&[("a.md", "hello"), ("b.md", "world")]);
        // The front of the archive lost: the list of entries points past the start.
        assert_eq!(read(&bytes[12..]), Err(ZipError::Damaged));
        // The end cut off.
        assert_eq!(read(&bytes[..bytes.len() - 5]), Err(ZipError::NotAZip));
        assert!(!ZipError::Damaged.to_string().is_empty());
    }

    #[test]
    fn a_damaged_entry_is_reported_and_the_others_read() {
        let mut bytes = archive(&[("a.md", "hello hello hello"), ("b.md", "world")]);
        // Flip a byte of the first entry's packed data.
        bytes[LOCAL_BYTES + 4 + 2] ^= 0xff;
        let entries = read(&bytes).unwrap();
        assert_eq!(entries[0].data, Err("it is damaged".to_string()));
        assert_eq!(entries[1].data, Ok(b"world".to_vec()));
    }

    #[test]
    fn a_bomb_is_refused_by_its_declared_size() {
        let mut zip = ZipWriter::new();
        zip.add(
            "big.md",
            &vec![b'a'; MAX_ENTRY_BYTES + 1],
            Time::from_ms(0.0),
        );
        let bytes = zip.finish();
        assert!(bytes.len() < 200_000);
        let entries = read(&bytes).unwrap();
        assert_eq!(
            entries[0].data,
            Err("it is too large (64.0 MB)".to_string())
        );
    }

    #[test]
    fn a_lie_about_the_size_is_caught() {
        let mut bytes = archive(&[("a.md", "hello")]);
        // Declare 3 bytes unpacked in both headers: inflating stops at the limit, and fails.
        let central = bytes.len() - END_BYTES - (CENTRAL_BYTES + 4);
        bytes[central + 24] = 3;
        bytes[22] = 3;
        assert_eq!(
            read(&bytes).unwrap()[0].data,
            Err("it is damaged".to_string())
        );
    }

    #[test]
    fn paths_that_leave_the_archive_are_refused() {
        assert_eq!(safe_path("Vault/./a.md"), Ok("Vault/a.md".into()));
        assert_eq!(safe_path("Vault\\sub\\a.md"), Ok("Vault/sub/a.md".into()));
        for bad in [
            "../a.md",
            "Vault/../../a.md",
            "/etc/passwd",
            "C:/x.md",
            "\\\\server\\a",
        ] {
            assert!(safe_path(bad).is_err(), "{bad}");
        }
        assert!(safe_path("a/\u{0}b.md").is_err());
        assert!(safe_path("./").is_err());
    }

    proptest! {
        #[test]
        fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read(&bytes);
        }

        #[test]
        fn a_damaged_archive_never_panics(flips in proptest::collection::vec((0usize..300, any::<u8>()), 1..6)) {
            let mut bytes = archive(&[("a.md", "hello world"), ("dir/b.md", "more text here")]);
            for (at, value) in flips {
                let len = bytes.len();
                bytes[at % len] = value;
            }
            let _ = read(&bytes);
        }
    }
}
