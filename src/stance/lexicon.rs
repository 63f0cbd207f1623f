//! Lexicon entries (terms with a kind and weights), their file format, and the
//! matcher that finds them in a passage.
//!
//! File format, one entry a line (`#` starts a comment):
//! `term<TAB>kind<TAB>args`, kinds and args in `data/stance/README.md`.
//! Each English word of a domain term also matches its regular inflections
//! (generated: lag -> lags, lagged, lagging), so one line covers them; a
//! stemmer was tried and conflated too much (powerful -> power, competitive ->
//! competition). Rule words and the VADER lexicon (which lists its own
//! inflections) match as written. Chinese terms match by longest match over
//! characters. The matcher is a token trie: one pass, leftmost-longest.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::text::{tokenize, Break, Token};

/// What a matched term does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Kind {
    /// Valence (-4..4) for the target the term speaks of.
    Polar(f64),
    /// X <term> Y: weight for the subject X and for the object Y.
    Relation(f64, f64),
    /// A gap noun: weight for the first party and for the second.
    Gap(f64, f64),
    /// Widens (> 1) or narrows (< 0) a gap in the same clause.
    GapDir(f64),
    /// Takes away the nearest positive term (erode a lead); own weight alone.
    Loss(f64),
    /// Takes away the nearest positive term before it (growth slowed, 增长放缓).
    Decline(f64),
    /// Takes away the nearest negative term (overcome a bottleneck); own weight alone.
    Fix(f64),
    /// Flips and damps what follows; weight of its own when nothing follows.
    Negator(f64),
    /// Negates the rest of its clause (rather than / 而非 / 并非 + a long phrase).
    ClauseNegator,
    /// Multiplies the term it precedes (intensifier > 1, diminisher < 1).
    Degree(f64),
    /// but / 但: what follows weighs more, what precedes less; starts a clause.
    Contrast,
    /// although / 尽管: its clause weighs less; starts a clause.
    Concession,
    /// may / 可能 / if: damps its clause.
    Hedge(f64),
    /// must / need to / 亟需: what follows is not yet so; positives flip.
    Need(f64),
    /// hope / expect / try / 期待: what follows is wished, damped.
    Hope(f64),
    /// 被: the target after it is the agent.
    Passive,
    /// 对: the target after it is the object of a following relation.
    ObjectMarker,
    /// with / and / 与: a single target after it is the second party of a gap.
    PartyMarker,
    /// it / its / 其: the last target named.
    Pronoun,
    /// the company / the startup / 该公司: the last target named, else the
    /// target the document's title names.
    Anaphor,
    /// A word that shows the passage is about AI (the concept gate of
    /// aliases such as China / 中国 that name more than an AI player).
    Concept,
    /// Switching: the party it leaves (after `from`/`从`, else the first
    /// named after it) and the party it moves to (the next one named).
    Switch(f64, f64),
    /// Parity ("on par with", 不相上下): the first party of the clause gains,
    /// the standard it is measured against neither gains nor loses.
    Parity(f64),
    /// A shortage word ("less than", 不到, 不足): before a number it only
    /// measures; otherwise a polar term of its weight (a plain negator if 0).
    Short(f64),
    /// A phrase matched only to keep its parts from matching (not only, 不断).
    Skip,
    /// A target alias: bit mask of targets.
    Alias(u64),
}

/// Where an entry comes from: the general lexicons weigh less.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    Domain,
    General,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub term: String,
    pub kind: Kind,
    pub source: Source,
    /// Match only as written, no inflections (the VADER lexicon).
    pub surface: bool,
    /// Alias gates: [`GATE_CONCEPT`], [`GATE_CASE`] (0 for other entries).
    pub gate: u8,
}

/// The alias counts only in a passage about AI (a concept word, an ungated
/// alias, or a title about AI): China, 中国, Baidu, 华为.
pub const GATE_CONCEPT: u8 = 1;
/// The alias counts only with the capitalisation it is written with
/// ("Open AI", not "open ai"; "o3", not "O3").
pub const GATE_CASE: u8 = 2;

fn num(s: Option<&str>, what: &str) -> Result<f64, String> {
    let s = s.ok_or_else(|| format!("missing {what}"))?;
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{what} {s:?} is not a number"))?;
    if !v.is_finite() || v.abs() > 10.0 {
        return Err(format!("{what} {s:?} is out of range (-10..10)"));
    }
    Ok(v)
}

/// Parse one `term<TAB>kind<TAB>args` file; `Err((line, message))`.
pub fn parse_tsv(text: &str, source: Source) -> Result<Vec<Entry>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let term = cols.next().unwrap_or("").trim();
        let kind = cols.next().map(str::trim);
        let (a, b) = (cols.next(), cols.next());
        let err = |m: String| (line_no, m);
        if term.is_empty() {
            return Err(err("empty term".into()));
        }
        if term_keys(term).is_empty() {
            return Err(err(format!(
                "term {term:?} has no letter, digit or Han character"
            )));
        }
        let Some(kind) = kind else {
            return Err(err(format!(
                "expected `term<TAB>kind<TAB>args`, found no tab in {line:?}"
            )));
        };
        let kind = match kind {
            "pol" => Kind::Polar(num(a, "weight").map_err(err)?),
            "rel" => Kind::Relation(
                num(a, "subject weight").map_err(err)?,
                num(b, "object weight").map_err(err)?,
            ),
            "gap" => Kind::Gap(
                num(a, "first-party weight").map_err(err)?,
                num(b, "second-party weight").map_err(err)?,
            ),
            "gapdir" => Kind::GapDir(num(a, "factor").map_err(err)?),
            "loss" => Kind::Loss(num(a, "weight").map_err(err)?),
            "decline" => Kind::Decline(num(a, "weight").map_err(err)?),
            "fix" => Kind::Fix(num(a, "weight").map_err(err)?),
            "neg" => Kind::Negator(a.map_or(Ok(0.0), |_| num(a, "weight")).map_err(err)?),
            "negclause" => Kind::ClauseNegator,
            "deg" => Kind::Degree(num(a, "factor").map_err(err)?),
            "but" => Kind::Contrast,
            "concede" => Kind::Concession,
            "hedge" => Kind::Hedge(num(a, "factor").map_err(err)?),
            "need" => Kind::Need(num(a, "factor").map_err(err)?),
            "hope" => Kind::Hope(num(a, "factor").map_err(err)?),
            "passive" => Kind::Passive,
            "objmark" => Kind::ObjectMarker,
            "party" => Kind::PartyMarker,
            "pron" => Kind::Pronoun,
            "skip" => Kind::Skip,
            "anaphor" => Kind::Anaphor,
            "concept" => Kind::Concept,
            "switch" => Kind::Switch(
                num(a, "from-party weight").map_err(err)?,
                num(b, "to-party weight").map_err(err)?,
            ),
            "parity" => Kind::Parity(num(a, "weight").map_err(err)?),
            "short" => Kind::Short(a.map_or(Ok(0.0), |_| num(a, "weight")).map_err(err)?),
            // Another player: takes the polarity that speaks of it, for no target.
            "other" => Kind::Alias(0),
            other => {
                return Err(err(format!(
                    "unknown kind {other:?} (pol, rel, gap, gapdir, loss, decline, fix, neg, negclause, deg, but, \
                     concede, hedge, need, hope, passive, objmark, party, pron, anaphor, concept, switch, parity, short, skip, other)"
                )))
            }
        };
        out.push(Entry {
            term: term.to_string(),
            kind,
            source,
            surface: false,
            gate: 0,
        });
    }
    Ok(out)
}

/// Parse the VADER lexicon (`token<TAB>mean<TAB>sd<TAB>ratings`); only
/// entries with a letter are kept (emoticons are not words of our passages).
pub fn parse_vader(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let term = cols.next().unwrap_or("");
        let w = num(cols.next(), "valence").map_err(|m| (i + 1, m))?;
        if !term
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-' || c == ' ')
            || !term.chars().any(|c| c.is_ascii_alphabetic())
        {
            continue;
        }
        out.push(Entry {
            term: term.to_string(),
            kind: Kind::Polar(w),
            source: Source::General,
            surface: true,
            gate: 0,
        });
    }
    Ok(out)
}

/// The keys a term matches on: its tokens (surface forms).
pub fn term_keys(term: &str) -> Vec<String> {
    tokenize(term)
        .tokens
        .into_iter()
        .map(|t| t.key.into_owned())
        .collect()
}

/// Regular inflections of an English word (a superset: forms that are not
/// words never occur in text, so they cost nothing).
pub fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    if word.len() < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return out;
    }
    let b = word.as_bytes();
    let last = b[b.len() - 1] as char;
    let stem_e = word.strip_suffix('e');
    for suf in ["s", "es", "ed", "ing"] {
        out.push(format!("{word}{suf}"));
    }
    if let Some(st) = stem_e {
        out.push(format!("{word}d"));
        out.push(format!("{st}ing"));
    }
    if let Some(st) = word.strip_suffix('y') {
        out.push(format!("{st}ies"));
        out.push(format!("{st}ied"));
    }
    if !"aeiouwxy".contains(last) {
        out.push(format!("{word}{last}ed"));
        out.push(format!("{word}{last}ing"));
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an entry's English words take inflections (content words do;
/// rule words and markers match as written).
fn inflects(e: &Entry) -> bool {
    !e.surface
        && matches!(
            e.kind,
            Kind::Polar(_)
                | Kind::Relation(..)
                | Kind::Gap(..)
                | Kind::GapDir(_)
                | Kind::Loss(_)
                | Kind::Decline(_)
                | Kind::Fix(_)
                | Kind::Switch(..)
                | Kind::Parity(_)
        )
}

/// Every key sequence an entry matches (the product of its words' forms,
/// capped so a long term cannot blow up).
fn key_variants(e: &Entry) -> Vec<Vec<String>> {
    let keys = term_keys(&e.term);
    if !inflects(e) {
        return vec![keys];
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for k in &keys {
        let forms = inflections(k);
        if out.len() * forms.len() > 4096 {
            out.iter_mut().for_each(|v| v.push(k.clone()));
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|v| {
                forms.iter().map(move |f| {
                    let mut v = v.clone();
                    v.push(f.clone());
                    v
                })
            })
            .collect();
    }
    out
}

/// A trie over token ids.
#[derive(Debug, Default)]
struct Trie {
    vocab: FxHashMap<String, u32>,
    edges: FxHashMap<(u32, u32), u32>,
    /// Entry index at each node (node 0 is the root).
    entry: Vec<Option<u32>>,
    /// Priority of the node's entry (see `insert`).
    rank: Vec<u8>,
}

impl Trie {
    fn insert(&mut self, keys: &[String], entry: u32, rank: u8) {
        if self.entry.is_empty() {
            self.entry.push(None);
        }
        let mut node = 0u32;
        for k in keys {
            let next_id = self.vocab.len() as u32;
            let id = *self.vocab.entry(k.clone()).or_insert(next_id);
            node = match self.edges.get(&(node, id)) {
                Some(&n) => n,
                None => {
                    let n = self.entry.len() as u32;
                    self.entry.push(None);
                    self.edges.insert((node, id), n);
                    n
                }
            };
        }
        // Domain beats general; a term as written beats another term's
        // generated inflection; otherwise the later entry wins.
        let n = node as usize;
        self.rank.resize(self.entry.len(), 0);
        if self.entry[n].is_none() || rank >= self.rank[n] {
            self.entry[n] = Some(entry);
            self.rank[n] = rank;
        }
    }

    /// Longest entry starting at token `i`: (number of tokens, entry index).
    fn longest(&self, ids: &[Option<u32>], toks: &[Token<'_>], i: usize) -> Option<(usize, u32)> {
        let mut node = 0u32;
        let mut best = None;
        for (j, id) in ids.iter().enumerate().skip(i) {
            if j > i && toks[j].brk != Break::None {
                break;
            }
            let Some(id) = *id else { break };
            match self.edges.get(&(node, id)) {
                Some(&n) => node = n,
                None => break,
            }
            if let Some(e) = self.entry[node as usize] {
                best = Some((j + 1 - i, e));
            }
        }
        best
    }
}

/// A term found in a passage: entry index and token span `[tok_start, tok_end)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub entry: u32,
    pub tok_start: usize,
    pub tok_end: usize,
}

/// All entries, compiled for matching.
#[derive(Debug)]
pub struct Matcher {
    pub entries: Vec<Entry>,
    trie: Trie,
}

impl Matcher {
    /// Later entries override earlier ones with the same keys.
    pub fn new(entries: Vec<Entry>) -> Matcher {
        let mut trie = Trie::default();
        for (i, e) in entries.iter().enumerate() {
            let exact = term_keys(&e.term);
            if exact.is_empty() {
                continue;
            }
            let domain = u8::from(e.source == Source::Domain);
            for keys in key_variants(e) {
                let rank = 2 * domain + u8::from(keys == exact);
                trie.insert(&keys, i as u32, rank);
            }
        }
        Matcher { entries, trie }
    }

    /// Leftmost-longest matches.
    pub fn find(&self, toks: &[Token<'_>]) -> Vec<Found> {
        // Each distinct word is looked up once.
        let mut cache: FxHashMap<&str, Option<u32>> = FxHashMap::default();
        let ids: Vec<Option<u32>> = toks
            .iter()
            .map(|t| {
                *cache
                    .entry(t.key.as_ref())
                    .or_insert_with(|| self.trie.vocab.get(t.key.as_ref()).copied())
            })
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            match self.trie.longest(&ids, toks, i) {
                Some((len, entry)) => {
                    out.push(Found {
                        entry,
                        tok_start: i,
                        tok_end: i + len,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// Generic references found through a window: a modifier ("domestic",
/// "国产") followed within a few words by a head ("models", "大模型"), as in
/// "domestic and foreign big models" or "国内头部大模型厂商", which no
/// fixed list of compositions covers.
#[derive(Debug, Default)]
pub struct Generics {
    /// First key of a modifier -> (its keys, target mask).
    modifiers: FxHashMap<String, Vec<(Vec<String>, u64)>>,
    /// First key of a head -> (its keys, target mask).
    heads: FxHashMap<String, Vec<(Vec<String>, u64)>>,
    /// First key of a gated head -> (its keys, target mask): references
    /// with such a head count only in a passage about AI.
    gated: FxHashMap<String, Vec<(Vec<String>, u64)>>,
}

/// Words (a Han character counts half) allowed between modifier and head.
const GENERIC_WINDOW: f64 = 4.0;

impl Generics {
    pub fn add(&mut self, modifiers: &[String], heads: &[String], mask: u64, gated: &[String]) {
        for (list, map) in [
            (modifiers, &mut self.modifiers),
            (heads, &mut self.heads),
            (gated, &mut self.gated),
        ] {
            for w in list {
                let keys = term_keys(w);
                if let Some(first) = keys.first() {
                    map.entry(first.clone()).or_default().push((keys, mask));
                }
            }
        }
    }

    fn matches_at(
        map: &FxHashMap<String, Vec<(Vec<String>, u64)>>,
        toks: &[Token<'_>],
        i: usize,
    ) -> Option<(usize, u64)> {
        let cands = map.get(toks[i].key.as_ref())?;
        cands
            .iter()
            .filter(|(keys, _)| {
                keys.len() <= toks.len() - i
                    && keys
                        .iter()
                        .zip(&toks[i..])
                        .enumerate()
                        .all(|(j, (k, t))| t.key.as_ref() == k && (j == 0 || t.brk == Break::None))
            })
            .max_by_key(|(keys, _)| keys.len())
            .map(|(keys, mask)| (keys.len(), *mask))
    }

    /// Whether the head ending at token `end` of a reference is gated.
    pub fn gated_head(&self, toks: &[Token<'_>], start: usize, end: usize) -> bool {
        (start..end)
            .any(|j| Self::matches_at(&self.gated, toks, j).is_some_and(|(l, _)| j + l == end))
    }

    /// Spans `[start, end)` of generic references and their masks; tokens
    /// for which `taken` is true (already part of an alias) are skipped.
    pub fn find(
        &self,
        toks: &[Token<'_>],
        taken: impl Fn(usize) -> bool,
    ) -> Vec<(usize, usize, u64)> {
        let mut out = Vec::new();
        if self.modifiers.is_empty() {
            return out;
        }
        let mut i = 0;
        while i < toks.len() {
            let Some((mlen, mmask)) = (!taken(i))
                .then(|| Self::matches_at(&self.modifiers, toks, i))
                .flatten()
            else {
                i += 1;
                continue;
            };
            let mut j = i + mlen;
            let mut spent = 0.0;
            let mut found = None;
            while j < toks.len() && toks[j].brk == Break::None && spent <= GENERIC_WINDOW {
                if !taken(j) {
                    if let Some((hlen, hmask)) = Self::matches_at(&self.heads, toks, j) {
                        if hmask & mmask != 0 {
                            found = Some((j + hlen, hmask & mmask));
                            break;
                        }
                    }
                }
                spent += if toks[j].han { 0.5 } else { 1.0 };
                j += 1;
            }
            match found {
                Some((end, mask)) => {
                    out.push((i, end, mask));
                    i = end;
                }
                None => i += mlen,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(tsv: &str) -> Matcher {
        Matcher::new(parse_tsv(tsv, Source::Domain).unwrap())
    }

    fn found_terms(m: &Matcher, text: &str) -> Vec<String> {
        let t = tokenize(text);
        m.find(&t.tokens)
            .iter()
            .map(|f| m.entries[f.entry as usize].term.clone())
            .collect()
    }

    #[test]
    fn inflections_fold_and_longest_match_wins() {
        let m = matcher("lag\trel\t-2\t1\nlag behind\trel\t-2.5\t1.5\n落后\trel\t-2\t1\n落后于\trel\t-2.5\t1.5\n");
        assert_eq!(
            found_terms(&m, "It lagged, it is lagging behind; 国产落后于GPT, 落后"),
            ["lag", "lag behind", "落后于", "落后"]
        );
    }

    #[test]
    fn generic_references_through_a_window() {
        let mut g = Generics::default();
        g.add(
            &["domestic".into(), "国产".into()],
            &["models".into(), "大模型".into()],
            0b10,
            &[],
        );
        let find = |text: &str| {
            let t = tokenize(text);
            g.find(&t.tokens, |_| false)
                .iter()
                .map(|&(s, e, m)| (t.tokens[s].start, t.tokens[e - 1].end, m))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            find("the gap between domestic and foreign big models"),
            [(16, 47, 0b10)]
        );
        assert_eq!(find("国产开源大模型"), [(0, 7, 0b10)]);
        assert!(find("domestic investors, and models").is_empty());
        assert!(find("domestic investors wait for the coming new models").is_empty());
    }

    #[test]
    fn matches_do_not_cross_punctuation() {
        let m = matcher("lag behind\trel\t-2\t1\n");
        assert!(found_terms(&m, "they lag. Behind them").is_empty());
    }

    #[test]
    fn malformed_lines_report_their_number() {
        assert_eq!(
            parse_tsv("a\tpol\t1\n\nb\tpol\n", Source::Domain)
                .unwrap_err()
                .0,
            3
        );
        assert!(parse_tsv("a\tweird\t1", Source::Domain)
            .unwrap_err()
            .1
            .contains("unknown kind"));
        assert!(parse_tsv("a\tpol\tx", Source::Domain)
            .unwrap_err()
            .1
            .contains("not a number"));
        assert!(parse_tsv("...\tpol\t1", Source::Domain).is_err());
        assert!(parse_tsv("a b", Source::Domain)
            .unwrap_err()
            .1
            .contains("no tab"));
    }

    #[test]
    fn vader_entries_match_surface_forms_only() {
        let e = parse_vader("good\t1.9\t0.9\t[2]\n:)\t2.0\t0.5\t[2]\n").unwrap();
        assert_eq!(e.len(), 1);
        let m = Matcher::new(e);
        assert_eq!(found_terms(&m, "Good, goods"), ["good"]);
    }

    #[test]
    fn domain_inflections_beat_general_entries() {
        let mut e = parse_vader("stalled\t-0.8\t0.5\t[1]\n").unwrap();
        e.extend(parse_tsv("stall\tpol\t-2\n", Source::Domain).unwrap());
        let m = Matcher::new(e);
        let t = tokenize("it stalled");
        let f = m.find(&t.tokens);
        assert_eq!(m.entries[f[0].entry as usize].source, Source::Domain);
    }

    #[test]
    fn inflections_do_not_conflate_words() {
        let m = matcher("powerful\tpol\t2\nsurpass\trel\t2\t-1\nnot\tneg\n");
        assert!(found_terms(&m, "computing power").is_empty());
        assert_eq!(
            found_terms(&m, "it surpassed, surpasses, surpassing"),
            ["surpass"; 3]
        );
        assert!(
            found_terms(&m, "nots").is_empty(),
            "rule words match as written"
        );
        assert!(inflections("lag").contains(&"lagging".to_string()));
        assert!(inflections("stagnate").contains(&"stagnating".to_string()));
    }
}
