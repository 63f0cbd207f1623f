//! An allocation-free Snowball English (Porter2) stemmer for ASCII words,
//! held by tests to give exactly what `rust-stemmers` 1.2 gives.
//!
//! Why: rust-stemmers builds a new `String` for every replacement and
//! searches generic `among` tables; at ~250 ns a word it was ~6% of the
//! featurizer. This is the same algorithm as the code rust-stemmers
//! generated from `english.sbl` (`snowball/algorithms/english.rs`), routine
//! for routine (`prelude`, `mark_regions`, `Step_1a`, ...), on a stack
//! buffer. Words with a non-ASCII byte, or longer than [`MAX_LEN`] bytes,
//! are left to rust-stemmers.
//!
//! It follows the generated code, not the Porter2 description on the
//! Snowball site, wherever they could part; the notes marked "Generated
//! code:" say where this version has its own details. Throughout:
//! - a vowel is `a e i o u y`, lower case only (`G_v`): `Y`, upper case
//!   letters, digits and `'` are all non-vowels, so input is not lowercased;
//! - an `among` (a list of suffixes) takes the longest suffix the word ends
//!   with; if that one's condition fails the step does nothing (it never
//!   falls back to a shorter suffix: a word ending `ement` outside R2 keeps
//!   it even when `ent` would be in R2);
//! - p1 and p2 (the starts of R1 and R2) are byte positions from the start
//!   of the word, found once before the backward steps; every step works at
//!   the end of the word as the earlier steps left it.

/// The longest word stemmed here; longer words return `false`. No step
/// lengthens a word (Step 1b's added `e` follows a removed `ed` or `ing`),
/// so the buffer holds every intermediate form.
const MAX_LEN: usize = 64;

/// The Snowball English stem of an ASCII `word` into `out` (cleared
/// first): exactly `Stemmer::create(Algorithm::English).stem(word)` of
/// rust-stemmers 1.2, for any ASCII input, whatever its case. Returns
/// `false`, leaving `out` alone, when `word` has a non-ASCII byte or is
/// over [`MAX_LEN`] bytes: the caller then uses rust-stemmers.
pub(crate) fn stem_ascii(word: &str, out: &mut String) -> bool {
    if !word.is_ascii() || word.len() > MAX_LEN {
        return false;
    }
    out.clear();
    // `exception1 or not hop 3 or (...)`.
    if let Some(stem) = exception1(word.as_bytes()) {
        out.push_str(stem);
        return true;
    }
    // Generated code: `hop 3` counts the raw word, a leading `'` included
    // (prelude drops it later): `a'` is left as it is, `'a'` becomes `a`.
    if word.len() < 3 {
        out.push_str(word);
        return true;
    }
    // Filled in place: a `Word::new` returning the buffer by value moved
    // it with 16-byte loads right after the `memcpy`'s stores (a store
    // forwarding stall on every word).
    let mut w = Word {
        buf: [0; MAX_LEN],
        len: word.len(),
    };
    w.buf[..word.len()].copy_from_slice(word.as_bytes());
    let y_found = w.prelude();
    let r = w.mark_regions();
    w.step_1a();
    // Generated code: exception2 is tried on the word as Step 1a left it
    // (`succeeds` and `'succeed` both stop at `succeed`).
    if !w.is_exception2() {
        w.step_1b(r);
        w.step_1c();
        w.step_2(r);
        w.step_3(r);
        w.step_4(r);
        w.step_5(r);
    }
    if y_found {
        w.postlude();
    }
    out.push_str(std::str::from_utf8(w.bytes()).expect("ASCII in, ASCII out"));
    true
}

/// `exception1`: whole words (as given, before prelude) with a fixed
/// stem, the invariant ones their own stem. No entry is a prefix of
/// another, so the `among` plus `atlimit` of the generated code is a plain
/// comparison of the whole word.
const EXCEPTION_1: &[(Suffix, &str)] = &[
    (suffix("skis"), "ski"),
    (suffix("skies"), "sky"),
    (suffix("dying"), "die"),
    (suffix("lying"), "lie"),
    (suffix("tying"), "tie"),
    (suffix("idly"), "idl"),
    (suffix("gently"), "gentl"),
    (suffix("ugly"), "ugli"),
    (suffix("early"), "earli"),
    (suffix("only"), "onli"),
    (suffix("singly"), "singl"),
    (suffix("sky"), "sky"),
    (suffix("news"), "news"),
    (suffix("howe"), "howe"),
    (suffix("atlas"), "atlas"),
    (suffix("cosmos"), "cosmos"),
    (suffix("bias"), "bias"),
    (suffix("andes"), "andes"),
];

fn exception1(word: &[u8]) -> Option<&'static str> {
    let t = tail(word);
    EXCEPTION_1
        .iter()
        .find(|(w, _)| w.is(word.len(), t))
        .map(|&(_, stem)| stem)
}

/// `exception2`: words (after Step 1a) the later steps leave alone. None
/// ends another, so the `among` plus `atlimit` is a whole-word comparison.
const EXCEPTION_2: &[Suffix] = &[
    suffix("succeed"),
    suffix("proceed"),
    suffix("exceed"),
    suffix("canning"),
    suffix("inning"),
    suffix("earring"),
    suffix("herring"),
    suffix("outing"),
];

/// A suffix of at most eight bytes, packed as [`tail`] packs the end of a
/// word: one masked comparison tells whether a word ends with it.
#[derive(Clone, Copy)]
struct Suffix {
    bytes: u64,
    mask: u64,
    len: usize,
}

const fn suffix(s: &str) -> Suffix {
    let b = s.as_bytes();
    assert!(b.len() <= 8);
    let mut bytes = 0;
    let mut i = 0;
    while i < b.len() {
        bytes = bytes << 8 | b[i] as u64;
        i += 1;
    }
    let mask = if b.len() == 8 {
        u64::MAX
    } else {
        (1 << (8 * b.len())) - 1
    };
    Suffix {
        bytes,
        mask,
        len: b.len(),
    }
}

impl Suffix {
    /// Whether the word with [`tail`] `t` ends with this suffix.
    fn ends(self, t: u64) -> bool {
        t & self.mask == self.bytes
    }

    /// Whether the word of `len` bytes with [`tail`] `t` is this suffix.
    fn is(self, len: usize, t: u64) -> bool {
        len == self.len && t == self.bytes
    }
}

/// The last eight bytes of `w` (all of a shorter word, after zeros) as one
/// number, the last byte lowest. Built a byte at a time: an 8-byte load of
/// bytes just written one by one or by `memcpy` would stall on store
/// forwarding.
fn tail(w: &[u8]) -> u64 {
    w[w.len().saturating_sub(8)..]
        .iter()
        .fold(0, |t, &c| t << 8 | u64::from(c))
}

/// `G_v`: `a e i o u y` (the bit table spans `a`..=`y`; nothing else).
fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// `G_v_WXY`: the vowels and `w x Y` (the table spans `Y`..=`y`).
fn is_v_wxy(c: u8) -> bool {
    is_vowel(c) || matches!(c, b'w' | b'x' | b'Y')
}

/// `G_valid_LI`: the letters before which Step 2 drops `li`.
fn is_valid_li(c: u8) -> bool {
    matches!(
        c,
        b'c' | b'd' | b'e' | b'g' | b'h' | b'k' | b'm' | b'n' | b'r' | b't'
    )
}

/// Step 1b's doubles (`A_3`): `bb dd ff gg mm nn pp rr tt`.
fn is_doubled(c: u8) -> bool {
    matches!(
        c,
        b'b' | b'd' | b'f' | b'g' | b'm' | b'n' | b'p' | b'r' | b't'
    )
}

/// `shortv` with the cursor at the end of `w`: `w` ends in a short
/// syllable, a non-vowel, a vowel and a non-vowel other than `w x Y`, or
/// is just a vowel and a non-vowel (any, `w x Y` included).
fn shortv(w: &[u8]) -> bool {
    match *w {
        [.., a, b, c] if !is_vowel(a) && is_vowel(b) && !is_v_wxy(c) => true,
        [a, b] => is_vowel(a) && !is_vowel(b),
        _ => false,
    }
}

/// The starts of regions R1 and R2 (`i_p1`, `i_p2`).
#[derive(Clone, Copy)]
struct Regions {
    p1: usize,
    p2: usize,
}

/// A condition on a suffix, checked after its step's region test.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    None,
    /// The suffix starts in R2 (Step 3's `ative`).
    R2,
    /// `l` comes before the suffix (Step 2's `ogi`).
    AfterL,
    /// A `G_valid_LI` letter comes before it (Step 2's `li`).
    AfterValidLi,
    /// `s` or `t` comes before it (Step 4's `ion`).
    AfterSOrT,
}

/// An `among` entry: the suffix, its replacement and its condition.
struct Rule {
    suffix: Suffix,
    to: &'static [u8],
    guard: Guard,
}

const fn rule(suffix: &'static str, to: &'static str, guard: Guard) -> Rule {
    Rule {
        suffix: self::suffix(suffix),
        to: to.as_bytes(),
        guard,
    }
}

/// An `among` table grouped by last letter, and where each group starts,
/// so a lookup tries only the suffixes ending in the word's last letter.
struct Among {
    rules: &'static [Rule],
    /// The rules ending in letter `c` are `starts[c - b'a']` up to
    /// `starts[c - b'a' + 1]`.
    starts: [u8; 27],
}

/// Indexes `rules`, which must come grouped by last letter in alphabetical
/// order, longest first within a group: of two suffixes a word ends with,
/// one ends the other, so the first match is the longest (the compiler
/// checks the order).
const fn among(rules: &'static [Rule]) -> Among {
    let mut starts = [0; 27];
    let mut letter = 0;
    let mut i = 0;
    while i < rules.len() {
        let s = rules[i].suffix;
        let last = (s.bytes & 0xff) as u8;
        assert!(last.is_ascii_lowercase());
        let l = (last - b'a') as usize;
        assert!(l >= letter, "grouped by last letter, in order");
        if i > 0 && l == letter {
            assert!(rules[i - 1].suffix.len >= s.len, "longest first");
        }
        while letter < l {
            letter += 1;
            starts[letter] = i as u8;
        }
        i += 1;
    }
    while letter < 26 {
        letter += 1;
        starts[letter] = rules.len() as u8;
    }
    Among { rules, starts }
}

/// Step 2's suffixes (`A_5`).
const STEP_2: Among = among(&[
    rule("lessli", "less", Guard::None),
    rule("biliti", "ble", Guard::None),
    rule("entli", "ent", Guard::None),
    rule("fulli", "ful", Guard::None),
    rule("ousli", "ous", Guard::None),
    rule("aliti", "al", Guard::None),
    rule("iviti", "ive", Guard::None),
    rule("enci", "ence", Guard::None),
    rule("anci", "ance", Guard::None),
    rule("abli", "able", Guard::None),
    rule("alli", "al", Guard::None),
    rule("bli", "ble", Guard::None),
    rule("ogi", "og", Guard::AfterL),
    rule("li", "", Guard::AfterValidLi),
    rule("ational", "ate", Guard::None),
    rule("tional", "tion", Guard::None),
    rule("alism", "al", Guard::None),
    rule("ization", "ize", Guard::None),
    rule("ation", "ate", Guard::None),
    rule("izer", "ize", Guard::None),
    rule("ator", "ate", Guard::None),
    rule("iveness", "ive", Guard::None),
    rule("fulness", "ful", Guard::None),
    rule("ousness", "ous", Guard::None),
]);

/// Step 3's suffixes (`A_6`).
const STEP_3: Among = among(&[
    rule("icate", "ic", Guard::None),
    rule("ative", "", Guard::R2),
    rule("alize", "al", Guard::None),
    rule("iciti", "ic", Guard::None),
    rule("ational", "ate", Guard::None),
    rule("tional", "tion", Guard::None),
    rule("ical", "ic", Guard::None),
    rule("ful", "", Guard::None),
    rule("ness", "", Guard::None),
]);

/// Step 4's suffixes (`A_7`), all deleted.
const STEP_4: Among = among(&[
    rule("ic", "", Guard::None),
    rule("ance", "", Guard::None),
    rule("ence", "", Guard::None),
    rule("able", "", Guard::None),
    rule("ible", "", Guard::None),
    rule("ate", "", Guard::None),
    rule("ive", "", Guard::None),
    rule("ize", "", Guard::None),
    rule("iti", "", Guard::None),
    rule("al", "", Guard::None),
    rule("ism", "", Guard::None),
    rule("ion", "", Guard::AfterSOrT),
    rule("er", "", Guard::None),
    rule("ous", "", Guard::None),
    rule("ement", "", Guard::None),
    rule("ment", "", Guard::None),
    rule("ant", "", Guard::None),
    rule("ent", "", Guard::None),
]);

/// `find_among_b`: the longest rule whose suffix ends the word with
/// [`tail`] `t`.
fn among_b(t: u64, among: &Among) -> Option<&'static Rule> {
    let last = t as u8;
    if !last.is_ascii_lowercase() {
        return None;
    }
    let l = usize::from(last - b'a');
    let group = usize::from(among.starts[l])..usize::from(among.starts[l + 1]);
    among.rules[group].iter().find(|r| r.suffix.ends(t))
}

/// The word being stemmed, in a stack buffer.
struct Word {
    buf: [u8; MAX_LEN],
    len: usize,
}

impl Word {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Replaces everything from `bra` to the end with `to` (`slice_from`
    /// with `ket` at the end, as in every backward step here).
    fn replace_tail(&mut self, bra: usize, to: &[u8]) {
        self.buf[bra..bra + to.len()].copy_from_slice(to);
        self.len = bra + to.len();
    }

    /// `prelude`: drops one leading `'`, then marks as `Y` a leading `y`
    /// and every `y` after a vowel (a `y` just made `Y` is no vowel, so in
    /// `ayyy` the second and fourth letters change). Returns `Y_found`.
    fn prelude(&mut self) -> bool {
        if self.buf[0] == b'\'' {
            self.buf.copy_within(1..self.len, 0);
            self.len -= 1;
        }
        let mut y_found = false;
        if self.len > 0 && self.buf[0] == b'y' {
            self.buf[0] = b'Y';
            y_found = true;
        }
        // `repeat (goto (v [ 'y' ]) <- 'Y')`: each search starts again from
        // the vowel before the last change, so a left-to-right pass that
        // sees its own changes is the same.
        for i in 1..self.len {
            if self.buf[i] == b'y' && is_vowel(self.buf[i - 1]) {
                self.buf[i] = b'Y';
                y_found = true;
            }
        }
        y_found
    }

    /// `mark_regions`: R1 starts after the first non-vowel that follows a
    /// vowel (or after a leading `gener`, `commun` or `arsen`), R2 after
    /// the next such pair from there; either is the end when there is none.
    fn mark_regions(&self) -> Regions {
        let w = self.bytes();
        let n = w.len();
        // Bit i: `w[i]` is a vowel (a non-vowel); a `u128` so that every
        // shift below (by at most 64) is defined.
        let vowels = w
            .iter()
            .enumerate()
            .fold(0u128, |m, (i, &c)| m | u128::from(is_vowel(c)) << i);
        let non_vowels = !vowels & ((1 << n) - 1);
        // `gopast v gopast non-v` from `from`: just past the first
        // non-vowel after the first vowel at or after `from`.
        let after_vc = |from: usize| -> Option<usize> {
            let v = (vowels >> from << from).trailing_zeros() as usize;
            if v >= n {
                return None;
            }
            let c = (non_vowels >> (v + 1) << (v + 1)).trailing_zeros() as usize;
            (c < n).then_some(c + 1)
        };
        // Generated code: only these three special prefixes (no entry is a
        // prefix of another, so the `among` is a test of the start).
        let prefix = match *w {
            [b'g', b'e', b'n', b'e', b'r', ..] | [b'a', b'r', b's', b'e', b'n', ..] => Some(5),
            [b'c', b'o', b'm', b'm', b'u', b'n', ..] => Some(6),
            _ => None,
        };
        match prefix.or_else(|| after_vc(0)) {
            Some(p1) => Regions {
                p1,
                p2: after_vc(p1).unwrap_or(w.len()),
            },
            None => Regions {
                p1: w.len(),
                p2: w.len(),
            },
        }
    }

    /// `Step_1a`: possessive `'s'`, `'s` or `'` off (tried, whatever
    /// follows); then `sses` -> `ss`; `ied`/`ies` -> `i` after two or more
    /// letters, else `ie`; `ss` and `us` stay (among result -1: matched,
    /// nothing done, so the `s` rule cannot take their `s`); a final `s`
    /// goes if a vowel comes before it, other than just before it.
    fn step_1a(&mut self) {
        let w = self.bytes();
        let cut = match *w {
            [.., b'\'', b's', b'\''] => 3,
            [.., b'\'', b's'] => 2,
            [.., b'\''] => 1,
            _ => 0,
        };
        self.len -= cut;
        let w = self.bytes();
        let n = w.len();
        match *w {
            [.., b's', b's', b'e', b's'] => self.len -= 2,
            // `hop 2` back from the suffix decides `i` or `ie`.
            [.., b'i', b'e', b'd' | b's'] => self.len = if n - 3 >= 2 { n - 2 } else { n - 1 },
            // Generated code: matched and left as they are.
            [.., b's' | b'u', b's'] => {}
            // `next gopast v`: the vowel is looked for from the second
            // letter before the `s`.
            [ref head @ .., _, b's'] if head.iter().any(|&c| is_vowel(c)) => self.len -= 1,
            _ => {}
        }
    }

    /// `exception2`, on the word as Step 1a left it.
    fn is_exception2(&self) -> bool {
        let t = tail(self.bytes());
        EXCEPTION_2.iter().any(|w| w.is(self.len, t))
    }

    /// `Step_1b`: `eed`/`eedly` -> `ee` in R1; `ed`/`edly`/`ing`/`ingly`
    /// go if a vowel comes before them, and then `at`/`bl`/`iz` get an
    /// `e`, a double `bb dd ff gg mm nn pp rr tt` loses a letter, and a
    /// short word (R1 empty, ending in a short syllable) gets an `e`.
    fn step_1b(&mut self, r: Regions) {
        let w = self.bytes();
        let n = w.len();
        // `A_4`, longest first.
        let (len, eed) = match *w {
            [.., b'e', b'e', b'd', b'l', b'y'] => (5, true),
            [.., b'i', b'n', b'g', b'l', b'y'] => (5, false),
            [.., b'e', b'd', b'l', b'y'] => (4, false),
            [.., b'e', b'e', b'd'] => (3, true),
            [.., b'i', b'n', b'g'] => (3, false),
            [.., b'e', b'd'] => (2, false),
            _ => return,
        };
        let bra = n - len;
        if eed {
            // A word ending `eed` outside R1 keeps it (no try of `ed`).
            if bra >= r.p1 {
                self.replace_tail(bra, b"ee");
            }
            return;
        }
        if !w[..bra].iter().any(|&c| is_vowel(c)) {
            return;
        }
        self.len = bra;
        let w = self.bytes();
        match *w {
            [.., b'a', b't'] | [.., b'b', b'l'] | [.., b'i', b'z'] => self.replace_tail(bra, b"e"),
            [.., a, b] if a == b && is_doubled(a) => self.len -= 1,
            // `atmark p1`: R1 is empty; p1 was found on the longer word.
            _ if bra == r.p1 && shortv(w) => self.replace_tail(bra, b"e"),
            _ => {}
        }
    }

    /// `Step_1c`: a final `y` or `Y` after a non-vowel that is not the
    /// first letter becomes `i`.
    fn step_1c(&mut self) {
        if let [_, .., c, b'y' | b'Y'] = *self.bytes() {
            if !is_vowel(c) {
                self.buf[self.len - 1] = b'i';
            }
        }
    }

    /// Applies the longest of `rules` the word ends with if its suffix
    /// starts at `region` or later and its guard holds.
    fn apply(&mut self, among: &Among, region: usize, r: Regions) {
        let w = self.bytes();
        let Some(rule) = among_b(tail(w), among) else {
            return;
        };
        let bra = w.len() - rule.suffix.len;
        let before = bra.checked_sub(1).map(|i| w[i]);
        let ok = bra >= region
            && match rule.guard {
                Guard::None => true,
                Guard::R2 => bra >= r.p2,
                Guard::AfterL => before == Some(b'l'),
                Guard::AfterValidLi => before.is_some_and(is_valid_li),
                Guard::AfterSOrT => matches!(before, Some(b's' | b't')),
            };
        if ok {
            self.replace_tail(bra, rule.to);
        }
    }

    /// `Step_2`: the suffixes of [`STEP_2`] in R1 (the letter `ogi` and
    /// `li` ask for before them need not be in R1).
    fn step_2(&mut self, r: Regions) {
        self.apply(&STEP_2, r.p1, r);
    }

    /// `Step_3`: the suffixes of [`STEP_3`] in R1 (`ative` in R2).
    fn step_3(&mut self, r: Regions) {
        self.apply(&STEP_3, r.p1, r);
    }

    /// `Step_4`: the suffixes of [`STEP_4`] in R2 (`ion` after `s`/`t`).
    fn step_4(&mut self, r: Regions) {
        self.apply(&STEP_4, r.p2, r);
    }

    /// `Step_5`: a final `e` goes in R2, or in R1 unless a short syllable
    /// comes before it; a final `l` goes in R2 after another `l`.
    fn step_5(&mut self, r: Regions) {
        let w = self.bytes();
        let Some((&last, head)) = w.split_last() else {
            return;
        };
        let bra = head.len();
        let drop = match last {
            b'e' => bra >= r.p2 || (bra >= r.p1 && !shortv(head)),
            b'l' => bra >= r.p2 && head.last() == Some(&b'l'),
            _ => false,
        };
        if drop {
            self.len -= 1;
        }
    }

    /// `postlude`: every `Y` back to `y`. Generated code: this runs only
    /// when prelude made a `Y`, and then turns every `Y` in the word to
    /// `y`, upper case `Y`s of the input included (`aYay` -> `ayay`, but
    /// `aYa` stays).
    fn postlude(&mut self) {
        let n = self.len;
        for c in &mut self.buf[..n] {
            if *c == b'Y' {
                *c = b'y';
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_stemmers::{Algorithm, Stemmer};
    use std::collections::HashSet;
    use std::path::{Path, PathBuf};

    /// Checks every word against rust-stemmers; returns how many were
    /// stemmed here (the rest are over [`MAX_LEN`]), failing on the first
    /// few differences.
    fn check_all<'a>(words: impl IntoIterator<Item = &'a str>) -> usize {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut out = String::new();
        let mut checked = 0;
        let mut bad = Vec::new();
        for w in words {
            assert!(w.is_ascii(), "{w:?}");
            if !stem_ascii(w, &mut out) {
                assert!(w.len() > MAX_LEN, "declined {w:?}");
                continue;
            }
            checked += 1;
            let want = stemmer.stem(w);
            if out != want {
                bad.push(format!("{w:?}: {out:?}, rust-stemmers {want:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} differ: {:#?}",
            bad.len(),
            &bad[..bad.len().min(30)]
        );
        checked
    }

    /// The texts of the data sets' `*.jsonl` files in the folder
    /// `STANCEMAP_DATA` names (none if it is unset or missing: the built-in
    /// words and the seeds are still checked) and the seeds' files.
    fn texts() -> Vec<String> {
        let mut files: Vec<PathBuf> = Vec::new();
        let Some(data) = std::env::var_os("STANCEMAP_DATA").map(PathBuf::from) else {
            eprintln!("STANCEMAP_DATA is not set: checking the seeds' words, not the data sets'");
            return seed_texts(files);
        };
        match std::fs::read_dir(&data) {
            Ok(dirs) => {
                for dir in dirs.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
                    for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                        let p = f.path();
                        if p.extension().is_some_and(|e| e == "jsonl") {
                            files.push(p);
                        }
                    }
                }
            }
            Err(e) => eprintln!("skipping the data sets: {}: {e}", data.display()),
        }
        seed_texts(files)
    }

    /// The texts of `files` and of the seeds' files.
    fn seed_texts(mut files: Vec<PathBuf>) -> Vec<String> {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for f in std::fs::read_dir(seeds).into_iter().flatten().flatten() {
            if f.path().is_file() {
                files.push(f.path());
            }
        }
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// Distinct ASCII words of `texts`, lowercased and (unless
    /// `lowercase_only`) as written.
    fn corpus_words(texts: &[String], lowercase_only: bool) -> HashSet<String> {
        let mut words = HashSet::new();
        let mut add = |w: &str| {
            if !words.contains(w) {
                words.insert(w.to_string());
            }
        };
        for t in texts {
            for w in t.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
                if w.is_empty() || !w.is_ascii() {
                    continue;
                }
                let upper = w.bytes().any(|b| b.is_ascii_uppercase());
                if !upper || !lowercase_only {
                    add(w);
                }
                if upper {
                    add(&w.to_ascii_lowercase());
                }
            }
        }
        words
    }

    /// Words that exercise each rule and exception, edge and case.
    const TRICKY: &[&str] = &[
        // Degenerate.
        "",
        "'",
        "''",
        "'''",
        "''''",
        "'s",
        "s'",
        "'s'",
        "''s",
        "'s''",
        "s",
        "ss",
        "sss",
        "us",
        "'us",
        "'ss",
        "y",
        "yy",
        "yyy",
        "yyyy",
        "yyyyy",
        "Y",
        "YY",
        "YYY",
        "yY",
        "Yy",
        "yYy",
        "a",
        "e",
        "i",
        "ab",
        "as",
        "is",
        "at",
        "bl",
        "iz",
        "ed",
        "li",
        "ly",
        "by",
        "ow",
        "ox",
        "ies",
        "ied",
        "'ies",
        "'ied",
        "eed",
        "ing",
        "'as",
        "'ab",
        "'ys",
        "'y",
        "''y",
        "'yes",
        "the",
        "was",
        "his",
        "bus",
        "gas",
        "its",
        "ago",
        "owe",
        "axe",
        "aye",
        "bye",
        "yes",
        "\0\0\0",
        "   ",
        "a b",
        ".ed",
        "'ed",
        "123",
        "1990s",
        "4th",
        "mp3s",
        "x86",
        "a1b2",
        // Only consonants.
        "rhythm",
        "psst",
        "brrr",
        "nth",
        "tsk",
        "hmm",
        "shh",
        "bcdfg",
        "rhythms",
        "crwth",
        // exception1 and near misses.
        "skis",
        "skies",
        "dying",
        "lying",
        "tying",
        "idly",
        "gently",
        "ugly",
        "early",
        "only",
        "singly",
        "sky",
        "news",
        "howe",
        "atlas",
        "cosmos",
        "bias",
        "andes",
        "Skies",
        "SKIES",
        "skies'",
        "'skies",
        "skis'",
        "'skis",
        "'sky",
        "skys",
        "skyed",
        "skiing",
        "dyings",
        "newsy",
        "onlys",
        "biases",
        "atlases",
        "howes",
        "andean",
        "earlyish",
        "uglyness",
        // exception2 and near misses.
        "succeed",
        "proceed",
        "exceed",
        "canning",
        "inning",
        "earring",
        "herring",
        "outing",
        "succeeds",
        "proceeds",
        "exceeds",
        "cannings",
        "innings",
        "earrings",
        "herrings",
        "outings",
        "'succeed",
        "succeed's",
        "succeeded",
        "succeeding",
        "exceedingly",
        "proceedings",
        "outingly",
        "sinning",
        "pinning",
        "scanning",
        "earrings'",
        // R1 prefixes.
        "gener",
        "genera",
        "general",
        "generally",
        "generate",
        "generated",
        "generation",
        "generations",
        "generative",
        "generic",
        "generically",
        "generous",
        "generously",
        "generator",
        "commun",
        "commune",
        "communed",
        "communal",
        "communism",
        "communist",
        "community",
        "communities",
        "communication",
        "communicative",
        "arsen",
        "arsenal",
        "arsenals",
        "arsenic",
        "arsenical",
        "Generation",
        "GENERation",
        "'generate",
        // y and Y.
        "yes",
        "yell",
        "youth",
        "you'll",
        "boy",
        "boys",
        "boyish",
        "toys",
        "enjoying",
        "enjoyed",
        "played",
        "player",
        "sayings",
        "saying",
        "yay",
        "ayyy",
        "yayy",
        "ayY",
        "aYay",
        "aYa",
        "aYy",
        "Yay",
        "eyey",
        "obeyed",
        "obeying",
        "buyer",
        "flying",
        "crying",
        "cry",
        "cries",
        "cried",
        "tried",
        "ties",
        "pies",
        "dies",
        "died",
        "spied",
        "rhythmy",
        "myth",
        "syzygy",
        "happy",
        "happily",
        "happiness",
        "supply",
        "supplying",
        "employ",
        "employs",
        "ably",
        "yelly",
        "Yelly",
        "YES",
        "Ying",
        "sayY",
        "saY",
        "toY",
        "kY",
        // Apostrophes.
        "dog's",
        "dogs'",
        "dog's'",
        "dogs''",
        "'tis",
        "'twas",
        "o'neill",
        "don't",
        "can't",
        "it's",
        "'hello'",
        "'cause",
        "ma'am",
        "y'all",
        "'y'all",
        "rock'n'roll",
        "o'clock",
        // Short words and syllables.
        "hop",
        "hope",
        "hoped",
        "hoping",
        "hopped",
        "hopping",
        "hopeful",
        "fil",
        "file",
        "filing",
        "filed",
        "bowed",
        "boxed",
        "boxing",
        "axed",
        "owed",
        "owing",
        "Yed",
        "abYed",
        "cYed",
        "aY",
        "at",
        "ate",
        "rated",
        "rating",
        "ratings",
        // Doubles.
        "hopper",
        "running",
        "runner",
        "planned",
        "stopping",
        "stopped",
        "fitting",
        "fitted",
        "falling",
        "filled",
        "hissing",
        "buzzing",
        "fizzed",
        "fizzing",
        "rubbing",
        "added",
        "puffed",
        "bagged",
        "trimmed",
        "spinning",
        "stepped",
        "purred",
        "betting",
        "rolled",
        "called",
        "smelling",
        "pressed",
        "kissed",
        "jazzed",
        "llll",
        "lll",
        "ll",
        // at / bl / iz.
        "conflated",
        "troubled",
        "sized",
        "luxuriated",
        "tabled",
        "bled",
        "seized",
        "iced",
        "atted",
        "blled",
        "izing",
        "orbiting",
        // eed / eedly / ing / edly / ingly.
        "agreed",
        "agreedly",
        "feed",
        "feeds",
        "bleed",
        "bleeding",
        "freed",
        "speed",
        "speedily",
        "deed",
        "indeed",
        "needly",
        "reedly",
        "sing",
        "sings",
        "singing",
        "bring",
        "ring",
        "king",
        "thing",
        "nothing",
        "something",
        "during",
        "being",
        "doing",
        "going",
        "knowingly",
        "markedly",
        "ingly",
        "edly",
        "eedly",
        "beedly",
        "aeedly",
        // li.
        "cli",
        "dli",
        "eli",
        "gli",
        "hli",
        "kli",
        "mli",
        "nli",
        "rli",
        "tli",
        "ali",
        "bli",
        "fli",
        "softly",
        "quickly",
        "badly",
        "mildly",
        "rarely",
        "hugely",
        "truly",
        "fully",
        "oddly",
        "kindly",
        "brotherly",
        "orderly",
        "lonely",
        "warmly",
        "gently",
        "heavily",
        // Step 2.
        "relational",
        "conditional",
        "rational",
        "valenci",
        "hesitanci",
        "digitizer",
        "conformabli",
        "radicalli",
        "differentli",
        "vileli",
        "analogousli",
        "vietnamization",
        "predication",
        "operator",
        "feudalism",
        "decisiveness",
        "hopefulness",
        "callousness",
        "formaliti",
        "sensitiviti",
        "sensibiliti",
        "hopefulli",
        "carelessli",
        "analogi",
        "ecologi",
        "ogi",
        "logi",
        "analogies",
        "biologically",
        "biology",
        // Step 3.
        "triplicate",
        "formative",
        "formalize",
        "electriciti",
        "electrical",
        "hopeful",
        "goodness",
        "sensational",
        "traditional",
        "additional",
        "alternative",
        // Step 4.
        "revival",
        "allowance",
        "inference",
        "airliner",
        "gyroscopic",
        "adjustable",
        "defensible",
        "irritant",
        "replacement",
        "adjustment",
        "dependent",
        "adoption",
        "decision",
        "erosion",
        "communism",
        "activate",
        "angulariti",
        "homologous",
        "effective",
        "bowdlerize",
        "cement",
        "element",
        "statement",
        "agreement",
        "nation",
        "question",
        "fashion",
        "region",
        // Step 5.
        "probate",
        "rate",
        "cease",
        "controll",
        "roll",
        "tell",
        "skill",
        "hole",
        "goodbye",
        // Porter2's own vocabulary sample.
        "consign",
        "consigned",
        "consigning",
        "consignment",
        "consist",
        "consisted",
        "consistency",
        "consistent",
        "consistently",
        "consisting",
        "consists",
        "consolation",
        "consolations",
        "consolatory",
        "console",
        "consoled",
        "consoles",
        "consolidate",
        "consolidated",
        "consolidating",
        "consoling",
        "consolingly",
        "consols",
        "consonant",
        "consort",
        "consorted",
        "consorting",
        "conspicuous",
        "conspicuously",
        "conspiracy",
        "conspirator",
        "conspirators",
        "conspire",
        "conspired",
        "conspiring",
        "constable",
        "constables",
        "constance",
        "constancy",
        "constant",
        "knack",
        "knackeries",
        "knacks",
        "knag",
        "knave",
        "knaves",
        "knavish",
        "kneaded",
        "kneading",
        "knee",
        "kneel",
        "kneeled",
        "kneeling",
        "kneels",
        "knees",
        "knell",
        "knelt",
        "knew",
        "knick",
        "knif",
        "knife",
        "knight",
        "knightly",
        "knights",
        "knit",
        "knits",
        "knitted",
        "knitting",
        "knives",
        "knob",
        "knobs",
        "knock",
        "knocked",
        "knocker",
        "knockers",
        "knocking",
        "knocks",
        "knopp",
        "knot",
        "knots",
        // Case.
        "Running",
        "RUNNING",
        "Happy",
        "HAPPY",
        "Relational",
        "RELATIONAL",
        "NationS",
        "nATIONAL",
        "CrIeS",
        "sIeS",
        "ED",
        "ING",
        "Ied",
    ];

    /// Every suffix of every `among`, and a few more endings.
    const SUFFIXES: &[&str] = &[
        "'", "'s'", "'s", "ied", "s", "ies", "sses", "ss", "us", "", "bb", "dd", "ff", "gg", "bl",
        "mm", "nn", "pp", "rr", "at", "tt", "iz", "ed", "eed", "ing", "edly", "eedly", "ingly",
        "anci", "enci", "ogi", "li", "bli", "abli", "alli", "fulli", "lessli", "ousli", "entli",
        "aliti", "biliti", "iviti", "tional", "ational", "alism", "ation", "ization", "izer",
        "ator", "iveness", "fulness", "ousness", "icate", "ative", "alize", "iciti", "ical", "ful",
        "ness", "ic", "ance", "ence", "able", "ible", "ate", "ive", "ize", "iti", "al", "ism",
        "ion", "er", "ous", "ant", "ent", "ment", "ement", "e", "l", "y", "Y", "ly", "ll", "sion",
        "tion", "clion", "logi", "cli", "lli", "ement", "ments", "eds",
    ];

    /// Starts to put before them: vowels and non-vowels in each position
    /// relative to the suffix, the R1 prefixes, `y`s, apostrophes.
    const STARTS: &[&str] = &[
        "", "a", "e", "y", "Y", "b", "s", "l", "t", "w", "x", "'", "ab", "ba", "ya", "ay", "ey",
        "by", "bab", "bob", "bay", "box", "bow", "bel", "ll", "'a", "'ab", "yay", "gener",
        "commun", "arsen", "generl", "hop", "hopp", "nat", "rat", "ot", "lat", "ol", "tab", "sens",
        "cons", "elect", "invent", "engin", "ag", "pr", "str", "abab", "ababab",
    ];

    #[test]
    fn agrees_with_rust_stemmers_on_tricky_and_corpus_words() {
        let mut built_in: HashSet<String> = TRICKY.iter().map(|w| w.to_string()).collect();
        for s in STARTS {
            for a in SUFFIXES {
                built_in.insert(format!("{s}{a}"));
                for b in SUFFIXES {
                    built_in.insert(format!("{s}{a}{b}"));
                }
            }
        }
        let n_built_in = check_all(built_in.iter().map(String::as_str));
        let texts = texts();
        let corpus = corpus_words(&texts, false);
        let n_corpus = check_all(corpus.iter().map(String::as_str));
        let long = corpus.iter().filter(|w| w.len() > MAX_LEN).count();
        eprintln!(
            "stem_ascii = rust-stemmers on {n_built_in} built-in words and {n_corpus} distinct \
             corpus words ({long} over {MAX_LEN} bytes declined)"
        );
    }

    /// Every string of up to five letters over an alphabet that reaches
    /// each kind of letter the rules tell apart.
    #[test]
    fn agrees_on_all_short_strings_over_a_small_alphabet() {
        const ALPHABET: &[u8] = b"aeiysldtY'";
        let mut words = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..5 {
            let mut next = Vec::new();
            for w in &words {
                for &c in ALPHABET {
                    let mut v = w.clone();
                    v.push(char::from(c));
                    next.push(v);
                }
            }
            all.extend(words);
            words = next;
        }
        all.extend(words);
        let n = check_all(all.iter().map(String::as_str));
        assert_eq!(n, all.len());
    }

    /// Details of the generated code the comments above point out.
    #[test]
    fn generated_code_details() {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut out = String::new();
        for (word, stem) in [
            // `hop 3` counts a leading apostrophe.
            ("a'", "a'"),
            ("'a'", "a"),
            // exception1 sees the raw word; exception2 the word after 1a.
            ("'skis", "skis"),
            ("skis'", "skis"),
            ("'succeed", "succeed"),
            ("succeeds", "succeed"),
            // `ss` and `us` block the `s` rule.
            ("glass", "glass"),
            ("census", "census"),
            ("gaps", "gap"),
            ("gas", "gas"),
            // No fall back to a shorter suffix when the longest fails:
            // `eed` outside R1 does not lose its `ed`.
            ("feed", "feed"),
            ("agreed", "agre"),
            // `hop 2` decides between `i` and `ie`.
            ("ied", "ie"),
            ("ties", "tie"),
            ("cries", "cri"),
            // Postlude lowercases every `Y` once prelude made one.
            ("aYay", "ayay"),
            ("aYa", "aYa"),
            ("Yay", "yay"),
            ("Yaa", "Yaa"),
            ("yay", "yay"),
            // Upper case is no vowel; `Y` is, for Step 1c, a `y`.
            ("RUNNING", "RUNNING"),
            ("crY", "cri"),
            // The R1 prefixes.
            ("generously", "generous"),
            ("communication", "communic"),
            ("arsenal", "arsenal"),
        ] {
            assert_eq!(stemmer.stem(word), stem, "rust-stemmers, {word:?}");
            assert!(stem_ascii(word, &mut out));
            assert_eq!(out, stem, "{word:?}");
        }
    }

    #[test]
    fn declines_non_ascii_and_long_words() {
        let mut out = String::from("kept");
        assert!(!stem_ascii("café", &mut out));
        assert!(!stem_ascii("naïvely", &mut out));
        assert!(!stem_ascii(&"a".repeat(MAX_LEN + 1), &mut out));
        assert_eq!(out, "kept");
        assert!(stem_ascii(&"ab".repeat(MAX_LEN / 2), &mut out));
    }

    fn config() -> ProptestConfig {
        // At least 2048 cases, more with PROPTEST_CASES.
        let default = ProptestConfig::default();
        ProptestConfig {
            cases: default.cases.max(2048),
            ..default
        }
    }

    fn same_as_rust_stemmers(w: &str) -> Result<(), TestCaseError> {
        let mut out = String::new();
        prop_assert!(stem_ascii(w, &mut out));
        prop_assert_eq!(
            out,
            Stemmer::create(Algorithm::English).stem(w).into_owned()
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn agrees_on_lowercase_and_apostrophes(w in "[a-z']{0,20}") {
            same_as_rust_stemmers(&w)?;
        }

        #[test]
        fn agrees_on_mixed_case_y_and_spaces(w in "[a-zA-Z'y ]{0,20}") {
            same_as_rust_stemmers(&w)?;
        }

        #[test]
        fn agrees_on_any_ascii(b in proptest::collection::vec(0u8..0x80, 0..=20)) {
            same_as_rust_stemmers(std::str::from_utf8(&b).unwrap())?;
        }
    }

    /// `cargo test --release --lib stem -- --ignored --nocapture`: ns per
    /// distinct lowercase word of the data sets, rust-stemmers and here.
    /// The words lie one after another in one buffer, in sorted order, as
    /// the analyzer's word sits in its reused lowercase buffer (scattered
    /// `String`s would time cache misses instead).
    #[test]
    #[ignore]
    fn speed_against_rust_stemmers() {
        use std::hint::black_box;
        use std::time::Instant;
        let texts = texts();
        let mut words: Vec<String> = corpus_words(&texts, true)
            .into_iter()
            .filter(|w| w.len() <= MAX_LEN)
            .collect();
        words.sort();
        let all = words.concat();
        let mut spans = Vec::with_capacity(words.len());
        let mut at = 0;
        for w in &words {
            spans.push(at..at + w.len());
            at += w.len();
        }
        let stemmer = Stemmer::create(Algorithm::English);
        const PASSES: usize = 4;
        let best = |f: &mut dyn FnMut(&str) -> usize| {
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    for _ in 0..PASSES {
                        let n: usize = spans.iter().map(|s| f(black_box(&all[s.clone()]))).sum();
                        black_box(n);
                    }
                    t.elapsed().as_secs_f64() * 1e9 / (PASSES * spans.len()) as f64
                })
                .fold(f64::INFINITY, f64::min)
        };
        let mut out = String::new();
        let copy = best(&mut |w| {
            out.clear();
            out.push_str(w);
            out.len()
        });
        let slow = best(&mut |w| stemmer.stem(w).len());
        let fast = best(&mut |w| {
            assert!(stem_ascii(w, &mut out));
            out.len()
        });
        eprintln!(
            "{} words: rust-stemmers {slow:.1} ns/word, stem_ascii {fast:.1} ns/word ({:.1}x); \
             copying the word alone {copy:.1} ns/word",
            words.len(),
            slow / fast
        );
    }
}
