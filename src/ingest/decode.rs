//! Bytes -> text, detecting the encoding, never silently lossy.
//!
//! Order of checks: BOM (UTF-8, UTF-32 LE/BE, UTF-16 LE/BE), then strict UTF-8,
//! then a binary sniff, then the legacy East Asian encodings, each decoded
//! strictly and accepted only when the result reads as its language:
//! Shift_JIS (Japanese: kana), EUC-KR (Korean: common Hangul syllables), and
//! GB18030 (a superset of GBK: common Han characters and CJK punctuation).
//! A file that is mostly valid UTF-8 with a few broken bytes is reported as
//! broken UTF-8 (with the byte offset) rather than guessed. A UTF-8 BOM
//! followed by a body that is not UTF-8 (some editors do this to GBK files)
//! goes through the same legacy detection. Anything else is skipped as
//! unknown: nothing is published as text unless it decodes with confidence.

use std::borrow::Cow;

use encoding_rs::{Encoding, EUC_KR, GB18030, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Why a file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("not text: binary content (NUL or control bytes near byte {offset})")]
    Binary { offset: usize },
    #[error(
        "invalid UTF-8 at byte {offset} (the rest of the file is UTF-8; fix or re-save the file)"
    )]
    BrokenUtf8 { offset: usize },
    #[error("invalid {encoding} at byte {offset} after its byte-order mark")]
    BrokenUtf16 {
        encoding: &'static str,
        offset: usize,
    },
    #[error("invalid {encoding} at byte {offset} after its byte-order mark")]
    BrokenUtf32 {
        encoding: &'static str,
        offset: usize,
    },
    #[error("unknown encoding: not UTF-8, UTF-16/32 with BOM, GB18030/GBK, Shift_JIS or EUC-KR read with confidence")]
    Unknown,
}

/// A decoded text and the encoding it came from. UTF-8 input is borrowed,
/// not copied: a large file is held once, not twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok(Decoded {
                text: Cow::Borrowed(s),
                encoding: "utf-8-bom",
            }),
            Err(e) => {
                if binary_offset(rest).is_none() && !looks_like_broken_utf8(rest) {
                    if let Some(d) = legacy(rest) {
                        return Ok(d);
                    }
                }
                Err(DecodeError::BrokenUtf8 {
                    offset: e.valid_up_to() + 3,
                })
            }
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\0\0") {
        return decode_utf32(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\0\0\xFE\xFF") {
        return decode_utf32(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, UTF_16LE, "utf-16le");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, UTF_16BE, "utf-16be");
    }
    let utf8_err = match std::str::from_utf8(bytes) {
        Ok(s) => {
            if let Some(offset) = binary_offset(s.as_bytes()) {
                return Err(DecodeError::Binary { offset });
            }
            return Ok(Decoded {
                text: Cow::Borrowed(s),
                encoding: "utf-8",
            });
        }
        Err(e) => e,
    };
    if let Some(offset) = binary_offset(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    if looks_like_broken_utf8(bytes) {
        return Err(DecodeError::BrokenUtf8 {
            offset: utf8_err.valid_up_to(),
        });
    }
    legacy(bytes).ok_or(DecodeError::Unknown)
}

/// The legacy East Asian encodings, each strict and accepted only when the
/// text reads as its language. Japanese and Korean are tried first: GB18030
/// decodes almost any byte pairs, their bytes included, as Han characters.
fn legacy(bytes: &[u8]) -> Option<Decoded<'static>> {
    let owned = |text: Cow<'_, str>, encoding| Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding,
    };
    if let Some(text) = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes) {
        if reads_as_japanese(&text) {
            return Some(owned(text, "shift_jis"));
        }
    }
    if let Some(text) = EUC_KR.decode_without_bom_handling_and_without_replacement(bytes) {
        if reads_as_korean(&text) {
            return Some(owned(text, "euc-kr"));
        }
    }
    if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        if reads_as_chinese(&text) {
            return Some(owned(text, "gb18030"));
        }
    }
    None
}

fn decode_utf32(rest: &[u8], big_endian: bool) -> Result<Decoded<'static>, DecodeError> {
    let encoding = if big_endian { "utf-32be" } else { "utf-32le" };
    let mut text = String::with_capacity(rest.len() / 4);
    for (i, c) in rest.chunks(4).enumerate() {
        let bad = || DecodeError::BrokenUtf32 {
            encoding,
            offset: 4 + i * 4,
        };
        let Ok(unit) = <[u8; 4]>::try_from(c) else {
            return Err(bad());
        };
        let u = if big_endian {
            u32::from_be_bytes(unit)
        } else {
            u32::from_le_bytes(unit)
        };
        text.push(char::from_u32(u).ok_or_else(bad)?);
    }
    if text.contains('\0') {
        return Err(DecodeError::Binary {
            offset: 4 + text.find('\0').unwrap_or(0) * 4,
        });
    }
    Ok(Decoded {
        text: Cow::Owned(text),
        encoding,
    })
}

/// Japanese: a fair share of (full-width) kana among the non-ASCII
/// characters. Chinese bytes read as Shift_JIS give half-width katakana and
/// rare kanji, almost never full-width kana.
fn reads_as_japanese(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut kana = 0usize;
    let mut odd = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        let u = c as u32;
        if (0x3041..=0x30FF).contains(&u) {
            kana += 1;
        } else if (0xFF61..=0xFF9F).contains(&u) || (0xE000..=0xF8FF).contains(&u) {
            odd += 1;
        }
    }
    non_ascii > 0 && kana * 5 >= non_ascii && odd * 20 <= non_ascii
}

/// The most common Hangul syllables of Korean text: they make up about half
/// of any Korean article, and a few percent of Chinese bytes read as EUC-KR.
const COMMON_HANGUL: &str = "이다는의에하고을를가한지서로기사어있습니대도으리자수해일국정인시보적요라게나부만것들과주상전거아제우면구년원그";

/// Korean: nearly all non-ASCII characters Hangul, and many of them common.
fn reads_as_korean(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut hangul = 0usize;
    let mut common = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
            hangul += 1;
            if COMMON_HANGUL.contains(c) {
                common += 1;
            }
        }
    }
    hangul >= 2 && hangul * 10 >= non_ascii * 9 && common * 4 >= hangul
}

fn decode_utf16(
    rest: &[u8],
    enc: &'static Encoding,
    name: &'static str,
) -> Result<Decoded<'static>, DecodeError> {
    if rest.len() % 2 == 1 {
        return Err(DecodeError::BrokenUtf16 {
            encoding: name,
            offset: rest.len() + 1,
        });
    }
    match enc.decode_without_bom_handling_and_without_replacement(rest) {
        Some(text) => Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: name,
        }),
        None => {
            // Find the first bad unit for the message.
            let units = rest.chunks_exact(2).map(|c| {
                if name == "utf-16le" {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            let offset = char::decode_utf16(units)
                .scan(0usize, |pos, r| {
                    let here = *pos;
                    *pos += r.as_ref().map_or(2, |c| c.len_utf16() * 2);
                    Some((here, r.is_err()))
                })
                .find(|&(_, bad)| bad)
                .map_or(0, |(p, _)| p + 2);
            Err(DecodeError::BrokenUtf16 {
                encoding: name,
                offset,
            })
        }
    }
}

/// Offset of the first byte that marks the data as binary: NUL, or a density of
/// C0 control bytes (other than tab, LF, CR, FF, ESC) no text file has.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    if let Some(p) = memchr::memchr(0, bytes) {
        return Some(p);
    }
    let head = &bytes[..bytes.len().min(8192)];
    // Counted without branches (vectorised); found again only when too many.
    let controls = head
        .iter()
        .fold(0usize, |n, &b| n + usize::from(is_binary_control(b)));
    if controls * 100 > head.len().max(1) {
        return head.iter().position(|&b| is_binary_control(b));
    }
    None
}

fn is_binary_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)
}

/// True when the bytes are UTF-8 but for a few bad sequences: many valid
/// multi-byte UTF-8 sequences and few errors. GB18030 text almost never
/// contains valid 3-byte UTF-8 sequences, and UTF-8 Chinese is full of them.
fn looks_like_broken_utf8(bytes: &[u8]) -> bool {
    let mut valid_multi = 0usize;
    let mut errors = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multi += s.chars().filter(|c| c.len_utf8() > 1).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // SAFETY-free: `good` is valid UTF-8 by construction.
                valid_multi += std::str::from_utf8(good)
                    .map(|s| s.chars().filter(|c| c.len_utf8() > 1).count())
                    .unwrap_or(0);
                errors += 1;
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                rest = &bad[skip.min(bad.len())..];
            }
        }
    }
    valid_multi >= 4 && errors * 4 <= valid_multi
}

/// GB18030 decodes most byte soup without error; accept it only when the text
/// is mostly common Han characters, CJK punctuation and ASCII.
fn reads_as_chinese(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut plausible = 0usize;
    for c in text.chars() {
        if c.is_ascii() {
            continue;
        }
        non_ascii += 1;
        let u = c as u32;
        // Han, CJK and full-width punctuation, and the GB2312 symbols
        // Chinese text uses: the middle dot of transliterated names
        // (萨姆·奥尔特曼), × ÷, ℃ №, circled numbers, ★ ○ ● ■ △ and arrows.
        if (0x4E00..=0x9FFF).contains(&u)
            || (0x3000..=0x303F).contains(&u)
            || (0xFF00..=0xFFEF).contains(&u)
            || (0x2010..=0x206F).contains(&u)
            || matches!(u, 0xB7 | 0xD7 | 0xF7 | 0x2103 | 0x2116)
            || (0x2460..=0x2473).contains(&u)
            || (0x2190..=0x2199).contains(&u)
            || (0x25A0..=0x25CF).contains(&u)
            || (0x2605..=0x2606).contains(&u)
        {
            plausible += 1;
        }
    }
    non_ascii > 0 && plausible * 100 >= non_ascii * 95
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ZH: &str = "国产大模型正在追赶OpenAI,通义千问和文心一言都取得了突破。";

    #[test]
    fn utf8_plain_and_bom() {
        assert_eq!(decode(ZH.as_bytes()).unwrap().text, ZH);
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(ZH.as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!(d.text, ZH);
        assert_eq!(d.encoding, "utf-8-bom");
    }

    #[test]
    fn utf16_both_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in ZH.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, ZH);
        assert_eq!(decode(&be).unwrap().text, ZH);
        le.push(0x41);
        assert!(matches!(decode(&le), Err(DecodeError::BrokenUtf16 { .. })));
    }

    #[test]
    fn gb18030_detected() {
        let (bytes, _, bad) = GB18030.encode(ZH);
        assert!(!bad);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, ZH);
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn broken_utf8_is_reported_with_offset() {
        let mut b = ZH.as_bytes().to_vec();
        let at = 30;
        b.insert(at, 0xFF);
        match decode(&b) {
            Err(DecodeError::BrokenUtf8 { offset }) => assert_eq!(offset, at),
            other => panic!("expected BrokenUtf8, got {other:?}"),
        }
    }

    #[test]
    fn binary_and_empty() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(decode(png), Err(DecodeError::Binary { .. })));
        assert!(matches!(
            decode(b"abc\0def"),
            Err(DecodeError::Binary { offset: 3 })
        ));
    }

    /// The binary sniff as it was, a byte loop and a list of offsets.
    fn binary_offset_oracle(bytes: &[u8]) -> Option<usize> {
        if let Some(p) = bytes.iter().position(|&b| b == 0) {
            return Some(p);
        }
        let head = &bytes[..bytes.len().min(8192)];
        let controls: Vec<usize> = head
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
            .map(|(i, _)| i)
            .collect();
        if controls.len() * 100 > head.len().max(1) {
            return controls.first().copied();
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn binary_offset_is_the_old_one(
            text in (1u32..400).prop_flat_map(|printable| proptest::collection::vec(
                proptest::prop_oneof![printable => 0x20u8..0x7f, 1 => 0u8..0x20, 1 => any::<u8>()],
                0..12000,
            )),
            nul in any::<bool>(),
        ) {
            // Controls around the 1% of the test, with and without NUL.
            let text: Vec<u8> = if nul { text } else { text.into_iter().map(|b| b.max(1)).collect() };
            proptest::prop_assert_eq!(binary_offset(&text), binary_offset_oracle(&text));
        }
    }

    #[test]
    fn binary_at_more_than_one_control_byte_in_a_hundred() {
        for len in [99, 100, 101, 8192, 9000] {
            for n in [0, 1, 2, 81, 82, 83] {
                let mut b = vec![b'a'; len];
                for k in 0..n.min(len) {
                    b[(k * 97 + 5) % len.min(8192)] = 0x01;
                }
                assert_eq!(binary_offset(&b), binary_offset_oracle(&b), "{len} {n}");
            }
        }
    }

    #[test]
    fn latin1_soup_is_unknown_not_guessed() {
        let b: Vec<u8> = (0..200u8)
            .map(|i| 0xC0 ^ i.wrapping_mul(37))
            .filter(|&b| b >= 0x80)
            .collect();
        assert!(decode(&b).is_err());
    }
}

#[cfg(test)]
mod more_encodings {
    use super::*;

    const ZH: &str = "国产大模型正在追赶OpenAI,通义千问和文心一言都取得了突破。";
    const JA: &str = "日本の大規模言語モデルは、オープンAIに追いつこうとしている。";
    const KO: &str = "한국의 대규모 언어 모델은 오픈AI를 따라잡으려고 하고 있습니다.";

    #[test]
    fn japanese_and_korean_are_read_as_themselves() {
        let (sj, _, bad) = SHIFT_JIS.encode(JA);
        assert!(!bad);
        let d = decode(&sj).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), (JA, "shift_jis"));
        let (kr, _, bad) = EUC_KR.encode(KO);
        assert!(!bad);
        let d = decode(&kr).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), (KO, "euc-kr"));
        let (gb, _, _) = GB18030.encode(ZH);
        assert_eq!(decode(&gb).unwrap().encoding, "gb18030");
    }

    #[test]
    fn utf32_with_bom() {
        let mut le = vec![0xFF, 0xFE, 0, 0];
        let mut be = vec![0, 0, 0xFE, 0xFF];
        for c in ZH.chars() {
            le.extend_from_slice(&(c as u32).to_le_bytes());
            be.extend_from_slice(&(c as u32).to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, ZH);
        assert_eq!(decode(&be).unwrap().encoding, "utf-32be");
        le.push(1);
        assert!(matches!(decode(&le), Err(DecodeError::BrokenUtf32 { .. })));
    }

    #[test]
    fn bom_then_gbk_and_short_names_with_a_middle_dot() {
        let (gb, _, _) = GB18030.encode(ZH);
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(&gb);
        assert_eq!(decode(&b).unwrap().text, ZH);
        for s in ["萨姆·奥尔特曼", "萨姆·奥尔特曼说。\n"] {
            let (gb, _, _) = GB18030.encode(s);
            assert_eq!(decode(&gb).unwrap().text, s);
        }
    }
}
