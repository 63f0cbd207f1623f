//! Text predicates several stages share (ingest, featurize, stance, run):
//! a module below every stage, so that none of them imports another for a
//! character test.

/// Han ideographs (the unified blocks and their extensions, and the
/// compatibility block).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0x30000..=0x3134F | 0xF900..=0xFAFF)
}

/// Whether a UTF-8 lead byte starts a character of U+5000..U+9FFF, all Han
/// ideographs ([`is_han`]), which is then 3 bytes long: most Chinese text is
/// told on its lead bytes alone.
pub fn is_han_lead(b: u8) -> bool {
    (0xE5..=0xE9).contains(&b)
}

/// The length of the ASCII prefix of `b`, 16 bytes at a time.
pub fn ascii_prefix(b: &[u8]) -> usize {
    const HIGH: u128 = u128::from_ne_bytes([0x80; 16]);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 16) {
        let word = u128::from_ne_bytes(chunk.try_into().expect("16 bytes"));
        if word & HIGH != 0 {
            break;
        }
        i += 16;
    }
    i + b[i..]
        .iter()
        .position(|c| !c.is_ascii())
        .unwrap_or(b.len() - i)
}

/// Lowercase hexadecimal, two digits a byte (digests in the manifest and the cache).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_ranges() {
        assert!(is_han('模'));
        assert!(!is_han('A'));
        assert!(!is_han('。'));
        assert!(is_han_lead("模".as_bytes()[0]));
        assert!(!is_han_lead(b'A'));
    }

    #[test]
    fn ascii_prefix_stops_at_the_first_non_ascii_byte() {
        let s = "a".repeat(40) + "模x";
        assert_eq!(ascii_prefix(s.as_bytes()), 40);
        assert_eq!(ascii_prefix(b"abc"), 3);
        assert_eq!(ascii_prefix(b""), 0);
    }

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
    }
}
