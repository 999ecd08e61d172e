//! QR codes for short share links, drawn as one SVG path so the UI needs no image or script.

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white border every reader expects around the code.
const QUIET_ZONE: usize = 4;

/// A QR code as SVG: `size` modules square (quiet zone included) and the path of its dark
/// modules, one unit per module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSvg {
    pub size: usize,
    pub path: String,
}

/// Most modules a side of a code offered for scanning may have: version 20. Drawn at up to
/// four pixels a module, it fills a phone's dialog at about 3.5 CSS pixels (10 device pixels)
/// a module, which a camera reads at arm's length; denser codes need a steady hand and a large
/// sharp screen, so the link is offered without one.
pub const MAX_SCANNABLE_MODULES: usize = 97;

/// The code of `text` when it stays comfortably scannable (see [`MAX_SCANNABLE_MODULES`]).
pub fn scannable_qr(text: &str) -> Option<QrSvg> {
    qr_svg(text).filter(|svg| svg.size - 2 * QUIET_ZONE <= MAX_SCANNABLE_MODULES)
}

/// Encodes `text` with low error correction (links are read from screens, not worn labels);
/// `None` when it is too long for any QR code.
pub fn qr_svg(text: &str) -> Option<QrSvg> {
    let code = QrCode::encode_text(text, QrCodeEcc::Low).ok()?;
    let modules = usize::try_from(code.size()).ok()?;
    let mut path = String::new();
    for y in 0..modules {
        let mut x = 0;
        while x < modules {
            if !dark(&code, x, y) {
                x += 1;
                continue;
            }
            // One rectangle per horizontal run keeps the path short.
            let start = x;
            while x < modules && dark(&code, x, y) {
                x += 1;
            }
            path.push_str(&format!(
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE,
                x - start,
                x - start
            ));
        }
    }
    Some(QrSvg {
        size: modules + 2 * QUIET_ZONE,
        path,
    })
}

fn dark(code: &QrCode, x: usize, y: usize) -> bool {
    // Coordinates are below the code's size, which is at most 177.
    code.get_module(x as i32, y as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dark modules as a set of (x, y), read back from the path.
    fn modules(svg: &QrSvg) -> std::collections::HashSet<(usize, usize)> {
        let mut set = std::collections::HashSet::new();
        for run in svg.path.split('M').filter(|r| !r.is_empty()) {
            let (head, rest) = run.split_once('h').unwrap();
            let (x, y) = head.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let width: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for dx in 0..width {
                set.insert((x + dx, y));
            }
        }
        set
    }

    #[test]
    fn short_link_is_a_small_code_with_finder_patterns() {
        let svg = qr_svg("https://loam.example/#/import/TE9BTQE").unwrap();
        // Version 3 (29 modules) holds this at low error correction; plus the quiet zone.
        assert_eq!(svg.size, 29 + 8);
        let dark = modules(&svg);
        let q = QUIET_ZONE;
        let n = svg.size - 2 * q;
        // The three finder patterns: a dark 7x7 ring with a dark 3x3 centre.
        for (fx, fy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for i in 0..7 {
                assert!(dark.contains(&(q + fx + i, q + fy)));
                assert!(dark.contains(&(q + fx, q + fy + i)));
                assert!(dark.contains(&(q + fx + 6, q + fy + i)));
            }
            assert!(!dark.contains(&(q + fx + 1, q + fy + 1)));
            assert!(dark.contains(&(q + fx + 3, q + fy + 3)));
        }
        // Nothing is drawn in the quiet zone.
        assert!(dark
            .iter()
            .all(|&(x, y)| x >= q && y >= q && x < q + n && y < q + n));
    }

    #[test]
    fn longer_text_needs_a_bigger_code() {
        let small = qr_svg(&"a".repeat(100)).unwrap();
        let big = qr_svg(&"a".repeat(1500)).unwrap();
        assert!(big.size > small.size);
    }

    #[test]
    fn a_code_is_offered_for_scanning_by_its_modules_not_its_characters() {
        // Digits pack tighter than letters: the same length makes a smaller code.
        let digits = "1".repeat(1_200);
        let letters = "a".repeat(1_200);
        assert!(scannable_qr(&digits).is_some());
        assert!(qr_svg(&letters).is_some() && scannable_qr(&letters).is_none());
        let largest = (1..2_000)
            .map(|n| "a".repeat(n))
            .take_while(|text| scannable_qr(text).is_some())
            .last()
            .unwrap();
        assert_eq!(qr_svg(&largest).unwrap().size - 2 * QUIET_ZONE, 97);
    }

    #[test]
    fn too_long_for_any_code() {
        assert!(qr_svg(&"x".repeat(3000)).is_none());
        assert!(qr_svg(&"x".repeat(2900)).is_some());
    }
}
