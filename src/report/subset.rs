//! A subset of the compiled-in font holding only the characters a page uses,
//! so `index.html` can embed it (`@font-face`, base64) and show Chinese on a
//! machine with no CJK font, as the PNG charts do. The full face is 3.8 MB;
//! the glyphs of one report are a few hundred kB.
//!
//! Glyphs are renumbered (0 stays `.notdef`); composite glyphs bring their
//! components. Tables written: `cmap` (format 4, BMP), `glyf`, `loca` (long),
//! `hmtx`, `hhea`, `maxp`, `head`, and `OS/2`, `name`, `post`, `gasp` as they
//! are.

use std::collections::{BTreeMap, BTreeSet};

use ab_glyph::{Font, FontRef, GlyphId};

use super::fonts;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

/// The tables of an sfnt, by tag.
fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let n = u16_at(font, 4)? as usize;
    let mut out = BTreeMap::new();
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        out.insert(tag, font.get(off..off.checked_add(len)?)?);
    }
    Some(out)
}

/// Glyph `gid`'s bytes in `glyf`, by `loca`.
fn glyph_bytes<'a>(glyf: &'a [u8], loca: &[u8], long: bool, gid: u16) -> Option<&'a [u8]> {
    let g = gid as usize;
    let (a, b) = if long {
        (
            u32_at(loca, 4 * g)? as usize,
            u32_at(loca, 4 * g + 4)? as usize,
        )
    } else {
        (
            2 * u16_at(loca, 2 * g)? as usize,
            2 * u16_at(loca, 2 * g + 2)? as usize,
        )
    };
    glyf.get(a..b)
}

/// Component glyph ids of a composite glyph, with the byte offset of each id.
fn components(glyph: &[u8]) -> Vec<(usize, u16)> {
    let mut out = Vec::new();
    if glyph.len() < 10 || (u16_at(glyph, 0).unwrap_or(0) as i16) >= 0 {
        return out;
    }
    let mut i = 10;
    while let (Some(flags), Some(gid)) = (u16_at(glyph, i), u16_at(glyph, i + 2)) {
        out.push((i + 2, gid));
        i += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        i += if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        if flags & 0x0020 == 0 {
            break;
        }
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// `cmap` with one format-4 subtable (Windows Unicode BMP): a segment per run
/// of consecutive code points with consecutive new glyph ids.
fn cmap(map: &BTreeMap<u16, u16>) -> Vec<u8> {
    let mut segs: Vec<(u16, u16, u16)> = Vec::new(); // start, end, first gid
    for (&c, &g) in map {
        match segs.last_mut() {
            Some((s, e, g0))
                if u32::from(*e) + 1 == u32::from(c)
                    && u32::from(*g0) + u32::from(c - *s) == u32::from(g) =>
            {
                *e = c
            }
            _ => segs.push((c, c, g)),
        }
    }
    segs.push((0xFFFF, 0xFFFF, 1));
    let n = segs.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= n {
        pow *= 2;
        log += 1;
    }
    let mut st = Vec::new();
    let len = 16 + 8 * n as usize;
    for v in [4u16, len as u16, 0, n * 2, pow * 2, log, n * 2 - pow * 2] {
        st.extend(v.to_be_bytes());
    }
    for s in &segs {
        st.extend(s.1.to_be_bytes());
    }
    st.extend(0u16.to_be_bytes());
    for s in &segs {
        st.extend(s.0.to_be_bytes());
    }
    for s in &segs {
        let delta = if s.0 == 0xFFFF {
            1
        } else {
            s.2.wrapping_sub(s.0)
        };
        st.extend(delta.to_be_bytes());
    }
    for _ in &segs {
        st.extend(0u16.to_be_bytes());
    }
    let mut out = Vec::new();
    for v in [0u16, 1, 3, 1] {
        out.extend(v.to_be_bytes());
    }
    out.extend(12u32.to_be_bytes());
    out.extend(st);
    out
}

/// A TrueType font with the glyphs for the characters of `text` (BMP only;
/// others draw as `.notdef`). `None` if the compiled-in font cannot be read.
pub fn subset(text: &str) -> Option<Vec<u8>> {
    let face: &FontRef<'static> = fonts::face()?;
    let t = tables(fonts::FONT_BYTES)?;
    let (glyf, loca, head) = (t.get(b"glyf")?, t.get(b"loca")?, t.get(b"head")?);
    let long = u16_at(head, 50)? == 1;

    // Characters -> old glyph ids, then components, then new ids in old order.
    let chars: BTreeSet<u16> = text
        .chars()
        .filter_map(|c| u16::try_from(u32::from(c)).ok())
        .filter(|&c| c != 0xFFFF)
        .collect();
    let mut old: BTreeSet<u16> = BTreeSet::from([0]);
    let mut queue: Vec<u16> = chars
        .iter()
        .filter_map(|&c| char::from_u32(u32::from(c)))
        .map(|c| face.glyph_id(c).0)
        .filter(|&g| g != 0)
        .collect();
    while let Some(g) = queue.pop() {
        if old.insert(g) {
            queue.extend(
                components(glyph_bytes(glyf, loca, long, g)?)
                    .into_iter()
                    .map(|(_, c)| c),
            );
        }
    }
    let new_id: BTreeMap<u16, u16> = old
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();
    let cmap_map: BTreeMap<u16, u16> = chars
        .iter()
        .filter_map(|&c| {
            let g = face.glyph_id(char::from_u32(u32::from(c))?).0;
            (g != 0).then(|| new_id.get(&g).map(|&n| (c, n)))?
        })
        .collect();

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::new();
    let mut hmtx = Vec::new();
    for &g in &old {
        new_loca.extend((new_glyf.len() as u32).to_be_bytes());
        let mut bytes = glyph_bytes(glyf, loca, long, g)?.to_vec();
        for (at, c) in components(&bytes) {
            let n = *new_id.get(&c)?;
            bytes[at..at + 2].copy_from_slice(&n.to_be_bytes());
        }
        new_glyf.extend(bytes);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
        let adv = face.h_advance_unscaled(GlyphId(g)).round() as u16;
        let lsb = face.h_side_bearing_unscaled(GlyphId(g)).round() as i16;
        hmtx.extend(adv.to_be_bytes());
        hmtx.extend(lsb.to_be_bytes());
    }
    new_loca.extend((new_glyf.len() as u32).to_be_bytes());
    let n = old.len() as u16;

    let mut head = head.to_vec();
    head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes());
    let mut hhea = t.get(b"hhea")?.to_vec();
    hhea.get_mut(34..36)?.copy_from_slice(&n.to_be_bytes());
    let mut maxp = t.get(b"maxp")?.to_vec();
    maxp.get_mut(4..6)?.copy_from_slice(&n.to_be_bytes());

    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for tag in [b"OS/2", b"name", b"post", b"gasp"] {
        if let Some(d) = t.get(tag) {
            out_tables.insert(*tag, d.to_vec());
        }
    }
    out_tables.insert(*b"cmap", cmap(&cmap_map));
    out_tables.insert(*b"glyf", new_glyf);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"hmtx", hmtx);
    out_tables.insert(*b"hhea", hhea);
    out_tables.insert(*b"maxp", maxp);
    out_tables.insert(*b"head", head);

    // The sfnt: header, table records (sorted by tag), tables 4-aligned.
    let nt = out_tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= nt {
        pow *= 2;
        log += 1;
    }
    let mut font = Vec::new();
    font.extend(0x0001_0000u32.to_be_bytes());
    for v in [nt, pow * 16, log, nt * 16 - pow * 16] {
        font.extend(v.to_be_bytes());
    }
    let mut offset = 12 + 16 * nt as usize;
    let mut body = Vec::new();
    for (tag, data) in &out_tables {
        font.extend(tag);
        font.extend(checksum(data).to_be_bytes());
        font.extend((offset as u32).to_be_bytes());
        font.extend((data.len() as u32).to_be_bytes());
        body.extend(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * nt as usize + body.len();
    }
    let head_at = 12 + 16 * nt as usize + {
        let mut at = 0;
        for (tag, data) in &out_tables {
            if tag == b"head" {
                break;
            }
            at += data.len().div_ceil(4) * 4;
        }
        at
    };
    font.extend(body);
    let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&font));
    font.get_mut(head_at + 8..head_at + 12)?
        .copy_from_slice(&adjust.to_be_bytes());
    Some(font)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::{point, Font};

    #[test]
    fn subset_keeps_the_glyphs_of_its_text_and_only_those() {
        let text = "OpenAI 的预训练 · 开源 vs 闭源 (GPT-5) é";
        let bytes = subset(text).expect("subset");
        assert!(
            bytes.len() < 40_000,
            "subset of a few characters is {} bytes",
            bytes.len()
        );
        let sub = FontRef::try_from_slice(&bytes).expect("subset parses");
        let full = fonts::face().expect("face");
        for c in text.chars() {
            let (gs, gf) = (sub.glyph_id(c), full.glyph_id(c));
            assert_ne!(gs.0, 0, "{c:?} lost");
            assert_eq!(
                sub.h_advance_unscaled(gs),
                full.h_advance_unscaled(gf),
                "{c:?} advance"
            );
            let bounds = |f: &FontRef, g: GlyphId| {
                f.outline_glyph(g.with_scale_and_position(40.0, point(0.0, 0.0)))
                    .map(|o| o.px_bounds())
            };
            assert_eq!(bounds(&sub, gs), bounds(full, gf), "{c:?} outline");
        }
        assert_eq!(
            sub.glyph_id('模').0,
            0,
            "a character not in the text should be absent"
        );
        // Checksums: the whole font sums to the magic number.
        assert_eq!(checksum(&bytes), 0xB1B0_AFBA);
    }
}
