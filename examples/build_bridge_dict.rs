//! Builds `data/bridge/cedict_zh_en.tsv`, the compiled-in bilingual bridge,
//! from CC-CEDICT as the `chinese_dictionary` crate (3.0.0) carries it.
//! Run through `scripts/build_bridge_dict.sh`, which names the inputs:
//!
//! ```text
//! cargo run --release --features cedict --example build_bridge_dict -- \
//!     JIEBA_DICT USER_DICT STOP_EN > data/bridge/cedict_zh_en.tsv
//! ```
//!
//! Every word jieba knows (its own dictionary, then the project's user
//! dictionary) is looked up; a word is kept with ONE English word, its
//! sense chosen deterministically:
//! 1. the CC-CEDICT entries of the word (simplified form, else traditional),
//!    in the dictionary's order, minus entries whose first gloss is not a
//!    meaning (`surname ...`, `variant of ...`, `see ...`, `abbr. ...`,
//!    `CL:...`, `used in ...`, `(name)` transliterations of foreign names
//!    are kept: "Trump" is a meaning);
//! 2. of each remaining entry, only its first sense (CC-CEDICT lists the
//!    common sense first), and of that sense the first of its `;`-separated
//!    synonyms that is ONE English word (letters only) once parenthesised
//!    notes and a leading `to`/`a`/`an`/`the` are removed (`to eat` -> eat);
//!    a person's name with dates gives the family name (`Donald Trump
//!    (1946-)` -> trump). Phrases are not kept: one key per Chinese word is
//!    what keeps a word from pulling two English words together;
//! 3. if the word's entries (its readings, e.g. 行 xíng/háng) give different
//!    such words, the word is ambiguous and dropped;
//! 4. an English stop word (a function word: 的 -> "of") is dropped.
//!
//! Output: `word<TAB>english`, sorted by word, after a comment header.

use std::collections::BTreeMap;
use std::io::Write;

fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The one English word a sense says, if it says one: its first
/// `;`-separated alternative that is one word once notes in parentheses and
/// a leading `to`/`a`/`an`/`the` are removed; or, for a person's name
/// ("Donald Trump (1946-), American businessman ..."), the family name.
fn one_word(sense: &str) -> Option<String> {
    if let Some(name) = family_name(sense) {
        return Some(name);
    }
    sense.split(';').find_map(|alt| {
        let mut clean = String::new();
        let mut depth = 0usize;
        for c in alt.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => clean.push(c),
                _ => {}
            }
        }
        let clean = clean.trim().to_lowercase();
        let clean = ["to ", "a ", "an ", "the "]
            .iter()
            .find_map(|p| clean.strip_prefix(p))
            .unwrap_or(&clean)
            .trim()
            .to_string();
        (clean.len() >= 2 && clean.chars().all(|c| c.is_ascii_alphabetic())).then_some(clean)
    })
}

/// "Donald Trump (1946-), ..." -> "trump": two or three capitalised words
/// followed by a parenthesis with a year (a person's dates).
fn family_name(sense: &str) -> Option<String> {
    let (name, rest) = sense.split_once(" (")?;
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let words: Vec<&str> = name.split(' ').collect();
    let capitalised = words.iter().all(|w| {
        w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphabetic())
    });
    (capitalised && (2..=3).contains(&words.len())).then(|| words[words.len() - 1].to_lowercase())
}

const NOT_A_MEANING: [&str; 10] = [
    "surname",
    "variant of",
    "old variant",
    "archaic variant",
    "japanese variant",
    "used in",
    "see ",
    "abbr.",
    "cl:",
    "erhua variant",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--show") {
        // Debugging aid: every entry's glosses for the words given.
        for w in &args[1..] {
            for e in chinese_dictionary::query_by_chinese(w) {
                println!("{w}\t{}\t{:?}", e.pinyin_marks, e.english);
            }
        }
        return;
    }
    if args.len() != 3 {
        eprintln!("usage: build_bridge_dict JIEBA_DICT USER_DICT STOP_EN");
        std::process::exit(2);
    }
    let read = |p: &str| {
        std::fs::read_to_string(p).unwrap_or_else(|e| {
            eprintln!("{p}: cannot read: {e}");
            std::process::exit(1)
        })
    };
    let stop: std::collections::BTreeSet<String> = read(&args[2])
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut words: Vec<String> = Vec::new();
    for p in &args[..2] {
        for line in read(p).lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(w) = line.split_whitespace().next() {
                if w.chars().all(is_han) {
                    words.push(w.to_string());
                }
            }
        }
    }
    words.sort();
    words.dedup();
    let (mut looked, mut ambiguous, mut function) = (0usize, 0usize, 0usize);
    let mut out: BTreeMap<&str, String> = BTreeMap::new();
    for w in &words {
        let mut entries = chinese_dictionary::query_by_simplified(w);
        if entries.is_empty() {
            entries = chinese_dictionary::query_by_traditional(w);
        }
        if entries.is_empty() {
            continue;
        }
        looked += 1;
        let senses: Vec<Option<String>> = entries
            .iter()
            .filter_map(|e| e.english.first())
            .filter(|g| {
                let g = g.to_lowercase();
                !NOT_A_MEANING.iter().any(|p| g.starts_with(p))
            })
            .map(|g| one_word(g))
            .collect();
        let Some(Some(first)) = senses.first() else {
            continue;
        };
        if senses.iter().any(|s| s.as_ref() != Some(first)) {
            ambiguous += 1;
            continue;
        }
        if stop.contains(first) {
            function += 1;
            continue;
        }
        out.insert(w, first.clone());
    }
    let stdout = std::io::stdout();
    let mut o = std::io::BufWriter::new(stdout.lock());
    let _ = writeln!(
        o,
        "# stancemap bilingual bridge: Chinese word<TAB>one English word.\n\
         # From CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org) as carried by the\n\
         # chinese_dictionary crate 3.0.0; built by scripts/build_bridge_dict.sh\n\
         # (examples/build_bridge_dict.rs says how the sense is chosen).\n\
         # {} words looked up, {} found in CC-CEDICT, {} ambiguous between readings,\n\
         # {} function words dropped, {} kept.",
        words.len(),
        looked,
        ambiguous,
        function,
        out.len()
    );
    for (w, e) in &out {
        let _ = writeln!(o, "{w}\t{e}");
    }
}
