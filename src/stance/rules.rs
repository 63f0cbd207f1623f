//! Matched terms -> signed evidence attached to targets.
//!
//! Rules, in the spirit of VADER (negation, degree, contrast, hedges,
//! questions), plus what a passage-level scorer cannot do: relations. A
//! relation term ("lags behind", "落后于", "surpasses", "gap") gives opposite
//! weights to its subject (the nearest target before it in the clause; the
//! agent after 被 or `by` in the passive) and its object (the nearest target
//! after it; a target after 对). Every other polar term attaches to one
//! target: the nearest in its clause, else in its sentence, else the last one
//! named (damped). All lookups are bounded windows or binary searches, so a
//! passage costs time linear in its length.

use super::lexicon::{Entry, Found, Generics, Kind, Matcher, Source, GATE_CASE, GATE_CONCEPT};
use super::text::{tokenize, Break, Token};
use super::Evidence;

/// The compiled lexicons a passage is matched against.
#[derive(Debug, Clone, Copy)]
pub struct Lexicons<'a> {
    pub matcher: &'a Matcher,
    /// Words that show a passage is about AI (kind `concept`).
    pub concepts: &'a Matcher,
    pub generics: &'a Generics,
}

/// What a passage knows from outside itself: its document's title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The title is about AI: gated aliases (China, 中国, Baidu) count.
    pub about_ai: bool,
    /// The targets the title names first (its topic), 0 if none: what "the
    /// company" / 该公司 means in a passage that names no target before it.
    pub topic: u64,
}

impl Context {
    pub fn of_title(lex: Lexicons<'_>, title: &str) -> Context {
        let tokens = tokenize(title);
        let p = Passage::build(
            lex,
            title,
            &tokens.tokens,
            &tokens.question_starts,
            Context::default(),
        );
        let topic = p
            .mentions
            .iter()
            .find(|m| m.mask != 0)
            .map_or(0, |&m| p.group(m, usize::MAX));
        Context {
            about_ai: p.about_ai,
            topic,
        }
    }
}

/// Is the token a number ("30%", "十", "两")? Shortage words before one only measure.
fn is_number(t: &Token<'_>) -> bool {
    t.numeric
        || (t.han
            && t.key
                .chars()
                .all(|c| "一二三四五六七八九十百千万亿两半几数零〇".contains(c)))
}

/// Does a matched alias pass its case gate ("Open AI" but not "open ai")?
fn case_ok(e: &Entry, first: &Token<'_>) -> bool {
    e.gate & GATE_CASE == 0 || e.term.chars().next().is_some_and(char::is_uppercase) == first.cap
}

/// VADER's negation scalar: a negated term flips and loses a quarter.
const NEGATION: f64 = -0.74;
/// What precedes `but` keeps half its weight, what follows gains half.
const BEFORE_CONTRAST: f64 = 0.5;
const AFTER_CONTRAST: f64 = 1.5;
const CONCESSION: f64 = 0.5;
const QUESTION: f64 = 0.5;
/// Weight kept by a term attached to a target named in an earlier sentence.
const CARRIED: f64 = 0.8;
/// Look-back budgets in English words (a Han character counts half).
const NEGATION_WINDOW: f64 = 3.0;
const DEGREE_WINDOW: f64 = 2.0;
const PAIR_WINDOW: f64 = 8.0;
/// Words after a loss/fix verb that still let it act on what precedes it.
const INTRANSITIVE_TAIL: f64 = 2.0;
/// Mentions scanned on each side when a clause is pathologically long.
const SCAN_LIMIT: usize = 64;

/// Evidence per target; `None` where no alias of the target occurs.
pub type Attached = Vec<Option<Vec<Evidence>>>;

/// A role filled by targets (bit mask) and whether the mask was carried over
/// from an earlier sentence.
type Slot = Option<(u64, bool)>;

#[derive(Debug, Clone)]
struct Item {
    kind: Kind,
    source: Source,
    ts: usize,
    te: usize,
    /// The weight's sign is flipped by a paired loss/fix term (its rule name).
    flipped: Option<(&'static str, usize)>,
    /// Used up by pairing (loss/fix) or by a term (negator).
    consumed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    None,
    Conj,
    Comma,
    CommaConj,
}

#[derive(Debug, Clone, Copy)]
struct Mention {
    ts: usize,
    te: usize,
    mask: u64,
}

fn cost(t: &Token<'_>) -> f64 {
    if t.han {
        0.5
    } else {
        1.0
    }
}

const BE: [&str; 10] = [
    "is", "are", "was", "were", "be", "been", "being", "get", "gets", "got",
];

struct Passage<'t, 'a> {
    text: &'a str,
    toks: &'t [Token<'a>],
    items: Vec<Item>,
    /// Item covering each token, `u32::MAX` if none.
    item_at: Vec<u32>,
    clause: Vec<u32>,
    sentence: Vec<u32>,
    mentions: Vec<Mention>,
    question: Vec<bool>,
    /// Per sentence: first and last contrast token.
    contrast: Vec<Option<(usize, usize)>>,
    /// Per clause: hedge product, concession, first need (pos, factor), first hope.
    hedge: Vec<f64>,
    concession: Vec<bool>,
    need: Vec<Option<(usize, f64)>>,
    hope: Vec<Option<(usize, f64)>>,
    /// Per clause: the first clause-wide negator.
    negclause: Vec<Option<usize>>,
    /// Per sentence: the next sentence opens with a contrast ("... However, ...").
    contrast_next: Vec<bool>,
    /// The passage (or its title) is about AI: gated aliases counted.
    about_ai: bool,
}

impl<'t, 'a> Passage<'t, 'a> {
    /// Match the lexicons, apply the alias gates, find the mentions (aliases,
    /// generic references, "the company" resolved to the title's topic) and
    /// pair loss/fix verbs with what they flip.
    fn build(
        lex: Lexicons<'_>,
        text: &'a str,
        toks: &'t [Token<'a>],
        qstarts: &[usize],
        ctx: Context,
    ) -> Self {
        let m = lex.matcher;
        let found: Vec<Found> = m.find(toks);
        // The concept gate: a concept word, an alias that needs no gate, or
        // a title about AI.
        let about_ai = ctx.about_ai
            || !lex.concepts.find(toks).is_empty()
            || found.iter().any(|f| {
                let e = &m.entries[f.entry as usize];
                matches!(e.kind, Kind::Alias(mask) if mask != 0)
                    && e.gate & GATE_CONCEPT == 0
                    && case_ok(e, &toks[f.tok_start])
            });
        let mut items: Vec<Item> = Vec::with_capacity(found.len());
        for f in &found {
            let e = &m.entries[f.entry as usize];
            let mut kind = e.kind;
            match kind {
                Kind::Alias(_)
                    if !case_ok(e, &toks[f.tok_start])
                        || (e.gate & GATE_CONCEPT != 0 && !about_ai) =>
                {
                    continue
                }
                // "less than 10%", "不到一年": a measure, not a shortage.
                Kind::Short(_) if toks.get(f.tok_end).is_some_and(is_number) => continue,
                Kind::Short(w) if w != 0.0 => kind = Kind::Polar(w),
                Kind::Short(_) => kind = Kind::Negator(0.0),
                _ => {}
            }
            // "May 30": a month, not a hedge.
            if matches!(e.kind, Kind::Hedge(_))
                && toks[f.tok_start].cap
                && toks.get(f.tok_end).is_some_and(|t| t.numeric)
            {
                continue;
            }
            // A capitalised general word inside a sentence is part of a name
            // ("Natural Language Processing Group", "Artificial Intelligence").
            let first = &toks[f.tok_start];
            if e.source == Source::General
                && !first.han
                && first.cap
                && f.tok_start > 0
                && first.brk != Break::Sentence
            {
                continue;
            }
            let item = Item {
                kind,
                source: e.source,
                ts: f.tok_start,
                te: f.tok_end,
                flipped: None,
                consumed: false,
            };
            // "lag far behind": adjacent relation terms of one direction are one phrase.
            if let (Some(prev), Kind::Relation(s2, o2)) = (items.last_mut(), item.kind) {
                if let Kind::Relation(s1, o1) = prev.kind {
                    if prev.te == item.ts
                        && s1.signum() == s2.signum()
                        && toks[item.ts].brk == Break::None
                    {
                        let pick = |a: f64, b: f64| if a.abs() >= b.abs() { a } else { b };
                        prev.kind = Kind::Relation(pick(s1, s2), pick(o1, o2));
                        prev.te = item.te;
                        continue;
                    }
                }
            }
            items.push(item);
        }
        let n = toks.len();
        let mut item_at = vec![u32::MAX; n];
        for (k, it) in items.iter().enumerate() {
            for slot in &mut item_at[it.ts..it.te] {
                *slot = k as u32;
            }
        }
        let mut clause = Vec::with_capacity(n);
        let mut sentence = Vec::with_capacity(n);
        let (mut c, mut s) = (0u32, 0u32);
        for (i, t) in toks.iter().enumerate() {
            let starts_clause_word = item_at[i] != u32::MAX
                && items[item_at[i] as usize].ts == i
                && matches!(
                    items[item_at[i] as usize].kind,
                    Kind::Contrast | Kind::Concession
                );
            if i > 0 {
                if t.brk == Break::Sentence {
                    s += 1;
                    c += 1;
                } else if t.brk == Break::Clause || starts_clause_word {
                    c += 1;
                }
            }
            clause.push(c);
            sentence.push(s);
        }
        let (nc, ns) = (c as usize + 1, s as usize + 1);
        let mut question = vec![false; ns];
        for &q in qstarts {
            if let Some(&s) = sentence.get(q) {
                question[s as usize] = true;
            }
        }
        let mut p = Passage {
            text,
            toks,
            mentions: Vec::new(),
            contrast: vec![None; ns],
            contrast_next: vec![false; ns],
            about_ai,
            hedge: vec![1.0; nc],
            concession: vec![false; nc],
            need: vec![None; nc],
            hope: vec![None; nc],
            negclause: vec![None; nc],
            question,
            items,
            item_at,
            clause,
            sentence,
        };
        for it in &p.items {
            let (cl, se) = (p.clause[it.ts] as usize, p.sentence[it.ts] as usize);
            match it.kind {
                Kind::Alias(mask) => p.mentions.push(Mention {
                    ts: it.ts,
                    te: it.te,
                    mask,
                }),
                Kind::Contrast => {
                    let e = p.contrast[se].get_or_insert((it.ts, it.ts));
                    e.1 = it.ts;
                    // "... strong. However, ...": the sentence before weighs less.
                    let opens = it.ts == 0 || p.sentence[it.ts - 1] != p.sentence[it.ts];
                    if opens && se > 0 {
                        p.contrast_next[se - 1] = true;
                    }
                }
                Kind::Concession => p.concession[cl] = true,
                Kind::Hedge(f) => p.hedge[cl] *= f,
                Kind::Need(f) => {
                    p.need[cl].get_or_insert((it.ts, f));
                }
                Kind::Hope(f) => {
                    p.hope[cl].get_or_insert((it.ts, f));
                }
                Kind::ClauseNegator => {
                    p.negclause[cl].get_or_insert(it.ts);
                }
                _ => {}
            }
        }
        // Generic references ("domestic models", "国内厂商"), gated like aliases.
        let is_alias = |t: usize| {
            let k = p.item_at[t];
            k != u32::MAX && matches!(p.items[k as usize].kind, Kind::Alias(_))
        };
        let generic: Vec<Mention> = lex
            .generics
            .find(toks, is_alias)
            .into_iter()
            .filter(|&(ts, te, _)| about_ai || !lex.generics.gated_head(toks, ts, te))
            .map(|(ts, te, mask)| Mention { ts, te, mask })
            .collect();
        p.mentions.extend(generic);
        p.mentions.sort_by_key(|m| m.ts);
        // "The company said ..." in a passage that names no target before it:
        // the company of the title.
        if ctx.topic != 0 {
            let first = p.mentions.iter().find(|m| m.mask != 0).map(|m| m.ts);
            let anaphors: Vec<Mention> = p
                .items
                .iter()
                .filter(|it| matches!(it.kind, Kind::Anaphor))
                .filter(|it| first.is_none_or(|f| it.ts < f))
                .map(|it| Mention {
                    ts: it.ts,
                    te: it.te,
                    mask: ctx.topic,
                })
                .collect();
            if !anaphors.is_empty() {
                p.mentions.extend(anaphors);
                p.mentions.sort_by_key(|m| m.ts);
            }
        }
        p.pair_loss_fix();
        p
    }

    fn same_clause(&self, a: usize, b: usize) -> bool {
        self.clause[a] == self.clause[b]
    }

    /// Index of the first mention starting at or after token `t`.
    fn mention_idx(&self, t: usize) -> usize {
        self.mentions.partition_point(|m| m.ts < t)
    }

    fn left_in_clause(&self, ts: usize) -> Option<Mention> {
        let i = self.mention_idx(ts);
        i.checked_sub(1)
            .map(|k| self.mentions[k])
            .filter(|m| self.same_clause(m.ts, ts))
    }

    fn right_in_clause(&self, te: usize) -> Option<Mention> {
        self.mentions
            .get(self.mention_idx(te))
            .copied()
            .filter(|m| te > 0 && self.same_clause(m.ts, te - 1))
    }

    /// The first mention of the clause (or sentence) before token `ts`: the
    /// subject, in the usual word order of both languages.
    fn first_left(&self, ts: usize, sentence: bool) -> Option<Mention> {
        let i = self.mention_idx(ts);
        let same = |m: &Mention| {
            if sentence {
                self.sentence[m.ts] == self.sentence[ts]
            } else {
                self.same_clause(m.ts, ts)
            }
        };
        let mut k = i;
        let mut best = None;
        while k > 0 && i - k < SCAN_LIMIT {
            k -= 1;
            if !same(&self.mentions[k]) {
                break;
            }
            best = Some(self.mentions[k]);
        }
        best
    }

    /// How mention `b` follows mention `a`: joined by a coordinator or
    /// nothing in one clause ("Google and Qwen", "谷歌、百度和智谱AI",
    /// "DeepSeek (深度求索)"), by a comma only (an item of a list), or not at all.
    fn link(&self, a: &Mention, b: &Mention) -> Link {
        if b.ts < a.te || b.ts - a.te > 2 || self.sentence[a.ts] != self.sentence[b.ts] {
            return Link::None;
        }
        let joiners = (a.te..b.ts).all(|t| {
            matches!(
                self.toks[t].key.as_ref(),
                "and" | "or" | "&" | "和" | "与" | "及" | "以" | "乃" | "至" | "的" | "或"
            )
        });
        if !joiners {
            Link::None
        } else if self.same_clause(a.ts, b.ts) {
            Link::Conj
        } else if b.ts > a.te {
            // ", and": closes a list ("A, B, and C"), or joins two clauses.
            Link::CommaConj
        } else {
            Link::Comma
        }
    }

    /// The targets coordinated with mention `m` (not reaching token `limit`):
    /// "Qwen and DeepSeek both ...", "Baidu, Alibaba and Tencent lag". Items
    /// joined only by commas count when the list closes with a coordinator
    /// ("A, B and C"), not in "Unlike OpenAI, DeepSeek ...".
    fn group(&self, m: Mention, limit: usize) -> u64 {
        let Some(i) = self.mentions.iter().position(|x| x.ts == m.ts) else {
            return m.mask;
        };
        let (mut a, mut b) = (i, i);
        while a > 0
            && i - a < SCAN_LIMIT
            && self.link(&self.mentions[a - 1], &self.mentions[a]) != Link::None
        {
            a -= 1;
        }
        while b + 1 < self.mentions.len()
            && b - i < SCAN_LIMIT
            && self.mentions[b + 1].ts < limit
            && self.link(&self.mentions[b], &self.mentions[b + 1]) != Link::None
        {
            b += 1;
        }
        let links: Vec<Link> = (a..b)
            .map(|k| self.link(&self.mentions[k], &self.mentions[k + 1]))
            .collect();
        let list_ok = match links.last() {
            None | Some(Link::Conj) => true,
            Some(Link::CommaConj) => links.contains(&Link::Comma),
            _ => false,
        };
        if !list_ok {
            // Keep only the run joined by coordinators around `m`.
            let base = a;
            let (mut a2, mut b2) = (i, i);
            while a2 > base && links[a2 - 1 - base] == Link::Conj {
                a2 -= 1;
            }
            while b2 < b && links[b2 - base] == Link::Conj {
                b2 += 1;
            }
            (a, b) = (a2, b2);
        }
        self.mentions[a..=b].iter().fold(0, |acc, x| acc | x.mask)
    }

    /// May a term at `ts` speak of a target named in an earlier sentence?
    /// In Chinese, which drops subjects, yes; in English only when the
    /// sentence refers back with a pronoun.
    fn may_carry(&self, ts: usize) -> bool {
        if self.toks[ts].han {
            return true;
        }
        let s = self.sentence[ts];
        let i = self.items.partition_point(|it| it.ts < ts);
        let back = self.items[..i]
            .iter()
            .rev()
            .take(SCAN_LIMIT)
            .take_while(|it| self.sentence[it.ts] == s);
        let ahead = self.items[i..]
            .iter()
            .take(SCAN_LIMIT)
            .take_while(|it| self.sentence[it.ts] == s);
        back.chain(ahead)
            .any(|it| matches!(it.kind, Kind::Pronoun | Kind::Anaphor))
    }

    fn left_in_sentence(&self, ts: usize) -> Option<Mention> {
        let i = self.mention_idx(ts);
        i.checked_sub(1)
            .map(|k| self.mentions[k])
            .filter(|m| self.sentence[m.ts] == self.sentence[ts])
    }

    fn right_in_sentence(&self, te: usize) -> Option<Mention> {
        self.mentions
            .get(self.mention_idx(te))
            .copied()
            .filter(|m| te > 0 && self.sentence[m.ts] == self.sentence[te - 1])
    }

    /// Nothing but at most one word follows token `te` in its clause.
    fn ends_clause(&self, te: usize) -> bool {
        (te..self.toks.len())
            .take_while(|&t| te > 0 && self.same_clause(t, te - 1))
            .take(2)
            .count()
            <= 1
    }

    /// The last mention of the sentence before token `ts`'s.
    fn in_previous_sentence(&self, ts: usize) -> Option<Mention> {
        let s = self.sentence[ts];
        let i = self.mention_idx(ts);
        self.mentions[..i]
            .iter()
            .rev()
            .take(SCAN_LIMIT)
            .find(|m| self.sentence[m.ts] < s)
            .filter(|m| self.sentence[m.ts] + 1 == s)
            .copied()
    }

    fn last_before(&self, ts: usize) -> Option<Mention> {
        let i = self.mention_idx(ts);
        i.checked_sub(1).map(|k| self.mentions[k])
    }

    /// The target a one-sided term speaks of, and whether it was carried
    /// over; targets coordinated with the nearest one share it.
    fn target_of(&self, ts: usize, te: usize, clause_only: bool) -> Option<(u64, bool)> {
        let l = self.left_in_clause(ts);
        let r = self.right_in_clause(te);
        let pick = match (l, r) {
            (Some(l), Some(r)) => Some(if ts - l.te <= r.ts - te { l } else { r }),
            (l, r) => l.or(r),
        };
        if let Some(m) = pick {
            return Some((self.group(m, usize::MAX), false));
        }
        if clause_only {
            return None;
        }
        if let Some(m) = pick
            .or_else(|| self.left_in_sentence(ts))
            .or_else(|| self.right_in_sentence(te))
        {
            return Some((m.mask, false));
        }
        if self.may_carry(ts) {
            if let Some(m) = self.last_before(ts) {
                return Some((m.mask, true));
            }
        }
        // A passage that names one target only is about it: a domain term
        // in a sentence that names none speaks of it, damped ("... an
        // exodus of researchers. OpenAI has lost ...").
        self.sole_target().map(|mask| (mask, true))
    }

    /// The targets of a passage whose mentions all name the same targets.
    fn sole_target(&self) -> Option<u64> {
        let mut named = self.mentions.iter().map(|m| m.mask).filter(|&m| m != 0);
        let first = named.next()?;
        named.all(|m| m == first).then_some(first)
    }

    /// The nearest item of a kind in the clause before token `ts`.
    fn item_before(&self, ts: usize, want: fn(&Kind) -> bool) -> Option<&Item> {
        let k = self.item_at.get(ts).copied().unwrap_or(u32::MAX);
        // Start from the item before the one at `ts`.
        let mut idx = if k == u32::MAX {
            self.items.partition_point(|it| it.ts < ts)
        } else {
            k as usize
        };
        let mut seen = 0;
        while idx > 0 && seen < SCAN_LIMIT {
            idx -= 1;
            seen += 1;
            let it = &self.items[idx];
            if !self.same_clause(it.ts, ts) {
                break;
            }
            if want(&it.kind) {
                return Some(it);
            }
        }
        None
    }

    /// Subject and object of a relation term at `[ts, te)`.
    fn roles(&self, ts: usize, te: usize) -> (Slot, Slot, bool) {
        let mut passive = false;
        let mut subject = self
            .first_left(ts, false)
            .map(|m| (self.group(m, ts), false));
        let mut object = self
            .right_in_clause(te)
            .map(|m| (self.group(m, usize::MAX), false));
        // 被: X 被 Y 超越 — Y is the agent, X the patient.
        if let Some(b) = self.item_before(ts, |k| matches!(k, Kind::Passive)) {
            let agent = self.left_in_clause(ts).filter(|m| m.ts >= b.te);
            let patient = self.left_in_clause(b.ts);
            if agent.is_some() || patient.is_some() {
                subject = agent.map(|m| (m.mask, false));
                object = patient.map(|m| (m.mask, false));
                passive = true;
            }
        } else if let Some(o) = self.item_before(ts, |k| matches!(k, Kind::ObjectMarker)) {
            // 对 Y 实现超越: Y is the object although it comes first.
            if let Some(y) = self.left_in_clause(ts).filter(|m| m.ts >= o.te) {
                object = Some((y.mask, false));
                subject = self.left_in_clause(o.ts).map(|m| (m.mask, false));
            }
        } else {
            // English passive: "is surpassed (by Y)", "will be dethroned".
            let last = &self.toks[te - 1];
            let participle = !last.han && (last.key.ends_with("ed") || last.key.ends_with("en"));
            let be = (1..=2).any(|d| {
                ts.checked_sub(d).is_some_and(|i| {
                    self.same_clause(i, ts) && BE.contains(&self.toks[i].key.as_ref())
                })
            });
            if participle && be {
                passive = true;
                let by = self.toks.get(te).is_some_and(|t| t.key == "by");
                let agent = if by { object } else { None };
                object = subject;
                subject = agent;
            }
        }
        // "the catching-up of X", "the lead of X": X is the subject.
        if !passive && self.toks.get(te).is_some_and(|t| t.key == "of") {
            if let (None, Some(o)) = (subject, object) {
                subject = Some(o);
                object = None;
            }
        }
        // Fallbacks: a pronoun object is the last target named; a missing
        // subject is the sentence's, then a pronoun's, then the topic's.
        let pronoun_object = (te..(te + 2).min(self.toks.len())).any(|t| {
            let k = self.item_at[t];
            k != u32::MAX && matches!(self.items[k as usize].kind, Kind::Pronoun | Kind::Anaphor)
        });
        if object.is_none() && !passive && pronoun_object {
            let before_clause = self.last_before(ts).filter(|m| !self.same_clause(m.ts, ts));
            object = before_clause.map(|m| (m.mask, true));
        }
        if subject.is_none() {
            let pron = self
                .item_before(ts, |k| matches!(k, Kind::Pronoun | Kind::Anaphor))
                .is_some();
            let pro_drop = self.toks[ts].han && object.is_none();
            subject = self
                .first_left(ts, true)
                .map(|m| (m.mask, false))
                .or_else(|| {
                    (pron || pro_drop)
                        .then(|| self.last_before(ts).map(|m| (m.mask, true)))
                        .flatten()
                });
            if let (Some((s, c)), Some((o, _))) = (subject, object) {
                subject = (s & !o != 0).then_some((s & !o, c));
            }
        }
        // "OpenAI set the bar with o1. DeepSeek has caught up.": a relation
        // that ends its clause measures against the target of the sentence before.
        if object.is_none() && !passive && self.ends_clause(te) {
            if let Some((s, _)) = subject {
                object = self
                    .in_previous_sentence(ts)
                    .map(|m| m.mask & !s)
                    .filter(|&o| o != 0)
                    .map(|o| (o, true));
            }
        }
        (subject, object, passive)
    }

    /// First and second party of a gap term in its clause.
    fn parties(&self, ts: usize, te: usize) -> (Slot, Slot) {
        let i = self.mention_idx(ts);
        let mut in_clause: Vec<Mention> = Vec::new();
        let mut k = i;
        while k > 0 && i - k < SCAN_LIMIT {
            k -= 1;
            if !self.same_clause(self.mentions[k].ts, ts) {
                break;
            }
            in_clause.push(self.mentions[k]);
        }
        in_clause.reverse();
        in_clause.extend(
            self.mentions[i..]
                .iter()
                .take(SCAN_LIMIT)
                .take_while(|m| self.same_clause(m.ts, te - 1))
                .copied(),
        );
        let Some(first) = in_clause.first().copied() else {
            let x = self
                .first_left(ts, true)
                .map(|m| (m.mask, false))
                .or_else(|| {
                    self.may_carry(ts)
                        .then(|| self.last_before(ts).map(|m| (m.mask, true)))
                        .flatten()
                });
            return (x, None);
        };
        if let Some(second) = in_clause.iter().find(|m| m.mask != first.mask) {
            return (
                Some((first.mask, false)),
                Some((second.mask & !first.mask, false)),
            );
        }
        // One target: second party when introduced by with / and / 与.
        let marked = (1..=2).any(|d| {
            first.ts.checked_sub(d).is_some_and(|t| {
                let k = self.item_at[t];
                k != u32::MAX && matches!(self.items[k as usize].kind, Kind::PartyMarker)
            })
        });
        let between = first.ts >= te
            && (te..first.ts).any(|t| matches!(self.toks[t].key.as_ref(), "between" | "among"));
        if marked {
            (None, Some((first.mask, false)))
        } else if first.ts < ts || between {
            (Some((first.mask, false)), None)
        } else {
            // "measure the gap as OpenAI develops": not a party.
            (None, None)
        }
    }

    /// Negators and degree words in the look-back window of token `ts`.
    fn look_back(&self, ts: usize) -> (usize, f64, Vec<usize>) {
        let mut spent = 0.0;
        let mut negations = 0;
        let mut degree = 1.0;
        let mut used = Vec::new();
        let mut t = ts;
        while t > 0 {
            t -= 1;
            if !self.same_clause(t, ts) {
                break;
            }
            spent += cost(&self.toks[t]);
            if spent > NEGATION_WINDOW {
                break;
            }
            let k = self.item_at[t];
            if k == u32::MAX {
                continue;
            }
            let it = &self.items[k as usize];
            t = it.ts;
            match it.kind {
                Kind::Negator(_) => {
                    negations += 1;
                    used.push(k as usize);
                }
                Kind::Degree(f) if spent <= DEGREE_WINDOW => degree *= f,
                _ => {}
            }
        }
        (negations, degree, used)
    }

    /// Pair each loss/fix term with the nearest opposite-signed term in its
    /// clause; the pair flips that term and the loss/fix adds nothing.
    fn pair_loss_fix(&mut self) {
        for k in 0..self.items.len() {
            // (flips positives?, looks right?): a decline verb acts on its
            // subject only ("growth slowed", "增长放缓").
            let (want_positive, right) = match self.items[k].kind {
                Kind::Loss(_) => (true, true),
                Kind::Decline(_) => (true, false),
                Kind::Fix(_) => (false, true),
                _ => continue,
            };
            let (ts, te) = (self.items[k].ts, self.items[k].te);
            let sign_ok = |it: &Item| -> bool {
                let w = match it.kind {
                    Kind::Polar(w) => w,
                    Kind::Relation(s, _) => s,
                    _ => return false,
                };
                !it.consumed && it.flipped.is_none() && (w > 0.0) == want_positive && w != 0.0
            };
            let mut best: Option<(f64, usize)> = None;
            // Right side.
            let mut dist = 0.0;
            let mut t = if right { te } else { self.toks.len() };
            while t < self.toks.len() && self.same_clause(t, ts) && dist <= PAIR_WINDOW {
                let j = self.item_at[t];
                if j != u32::MAX && j as usize != k && sign_ok(&self.items[j as usize]) {
                    best = Some((dist, j as usize));
                    break;
                }
                dist += cost(&self.toks[t]);
                t += 1;
            }
            // Left side, only when the verb ends its clause (intransitive:
            // "its lead is eroding", "领先优势正在消解"); a verb followed by
            // more words has its object there, even one the lexicon lacks.
            let rest: f64 = (te..self.toks.len())
                .take_while(|&t| self.same_clause(t, ts))
                .take(8)
                .map(|t| cost(&self.toks[t]))
                .sum();
            let mut dist = 0.0;
            let mut t = if best.is_some() || (right && rest > INTRANSITIVE_TAIL) {
                0
            } else {
                ts
            };
            while t > 0 && dist <= PAIR_WINDOW {
                t -= 1;
                if !self.same_clause(t, ts) {
                    break;
                }
                let j = self.item_at[t];
                if j != u32::MAX && j as usize != k && sign_ok(&self.items[j as usize]) {
                    if best.is_none_or(|(d, _)| dist < d) {
                        best = Some((dist, j as usize));
                    }
                    break;
                }
                dist += cost(&self.toks[t]);
            }
            if let Some((_, j)) = best {
                self.items[j].flipped = Some((if want_positive { "loss" } else { "fix" }, ts));
                self.items[k].consumed = true;
            }
        }
    }

    /// Evidence for a term whose span is `[ts, te)` (in tokens).
    fn evidence(&self, ts: usize, te: usize, weight: f64, rule: String) -> Evidence {
        let (a, b) = (&self.toks[ts], &self.toks[te - 1]);
        Evidence {
            term: self.text[a.byte_start..b.byte_end].to_string(),
            weight: round3(weight),
            start: a.start,
            end: b.end,
            rule,
        }
    }
}

pub fn round3(x: f64) -> f64 {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Where evidence goes: one list per target, created when the target is
/// mentioned (concerned) or given evidence.
struct Sink {
    out: Attached,
    /// The target that takes what no named target does, as a mask.
    fallback: Option<u64>,
}

impl Sink {
    fn new(p: &Passage<'_, '_>, n_targets: usize, fallback: Option<usize>) -> Sink {
        let mut out: Attached = vec![None; n_targets];
        for mention in &p.mentions {
            for (t, slot) in out.iter_mut().enumerate() {
                if mention.mask >> t & 1 == 1 {
                    slot.get_or_insert_with(Vec::new);
                }
            }
        }
        let fallback = fallback.filter(|&f| f < n_targets && f < 64);
        if let Some(f) = fallback {
            out[f].get_or_insert_with(Vec::new);
        }
        Sink {
            out,
            fallback: fallback.map(|f| 1u64 << f),
        }
    }

    fn push(&mut self, p: &Passage<'_, '_>, it: &Item, mask: u64, w: f64, rule: &str) {
        if w == 0.0 {
            return;
        }
        for (t, slot) in self.out.iter_mut().enumerate() {
            if t < 64 && mask >> t & 1 == 1 {
                slot.get_or_insert_with(Vec::new).push(p.evidence(
                    it.ts,
                    it.te,
                    w,
                    rule.to_string(),
                ));
            }
        }
    }

    /// Evidence in text order, ties by rule then weight.
    fn finish(mut self) -> Attached {
        for ev in self.out.iter_mut().flatten() {
            ev.sort_by(|a, b| {
                (a.start, a.end, &a.rule)
                    .cmp(&(b.start, b.end, &b.rule))
                    .then(a.weight.total_cmp(&b.weight))
            });
        }
        self.out
    }
}

/// The factor every side of a scored term shares, and the names of the
/// rules that made it.
struct Modifiers {
    factor: f64,
    rules: Vec<&'static str>,
}

impl Modifiers {
    /// `head+extra+rules[+carried]`: the rule string of one piece of evidence.
    fn rule(&self, head: &str, carried: bool, extra: &[&str]) -> String {
        let mut r = vec![head];
        r.extend_from_slice(extra);
        r.extend(self.rules.iter().copied());
        if carried {
            r.push("carried");
        }
        r.join("+")
    }
}

fn carry(c: bool) -> f64 {
    if c {
        CARRIED
    } else {
        1.0
    }
}

impl Passage<'_, '_> {
    fn scorable(&self, k: usize) -> bool {
        let it = &self.items[k];
        match it.kind {
            Kind::Polar(_) | Kind::Relation(..) | Kind::Gap(..) => true,
            Kind::Switch(..) | Kind::Parity(_) => true,
            Kind::Loss(_) | Kind::Decline(_) | Kind::Fix(_) => !it.consumed,
            _ => false,
        }
    }

    /// Negation, degree, contrast, concession, hedges, questions, need, hope
    /// and the general lexicons' weight for item `k`; the negators it uses
    /// are consumed.
    fn modifiers(&mut self, k: usize, general_weight: f64) -> Modifiers {
        let it = self.items[k].clone();
        let (_, degree, mut used) = self.look_back(it.ts);
        // "难以撼动其主导地位": the negation of the verb reaches what it flips.
        if let Some((_, at)) = it.flipped {
            used.extend(self.look_back(at).2);
            used.sort_unstable();
            used.dedup();
        }
        let cl = self.clause[it.ts] as usize;
        let se = self.sentence[it.ts] as usize;
        let clause_negated = self.negclause[cl].is_some_and(|at| at < it.ts);
        let negations = used.len() + usize::from(clause_negated);
        for &u in &used {
            self.items[u].consumed = true;
        }
        let mut factor = 1.0;
        let mut rules: Vec<&'static str> = Vec::new();
        if let Some((by, _)) = it.flipped {
            factor = -factor;
            rules.push(by);
        }
        if negations % 2 == 1 {
            factor *= NEGATION;
            rules.push("negation");
        }
        if degree > 1.0 {
            rules.push("intensifier");
        } else if degree < 1.0 {
            rules.push("diminisher");
        }
        factor *= degree;
        if let Some((first, last)) = self.contrast[se] {
            if it.ts > first {
                factor *= AFTER_CONTRAST;
                rules.push("after-contrast");
            }
            if it.ts < last {
                factor *= BEFORE_CONTRAST;
                rules.push("before-contrast");
            }
        }
        if self.contrast_next[se] {
            factor *= BEFORE_CONTRAST;
            rules.push("before-contrast");
        }
        if self.concession[cl] {
            factor *= CONCESSION;
            rules.push("concession");
        }
        if self.hedge[cl] != 1.0 {
            factor *= self.hedge[cl];
            rules.push(if self.hedge[cl] < 0.0 {
                "past"
            } else {
                "hedge"
            });
        }
        if self.question[se] {
            factor *= QUESTION;
            rules.push("question");
        }
        let base_sign = match it.kind {
            Kind::Polar(w) | Kind::Loss(w) | Kind::Decline(w) | Kind::Fix(w) => w,
            Kind::Relation(s, _) => s,
            Kind::Parity(w) => w,
            _ => -1.0,
        } * factor;
        if let Some((_, f)) = self.need[cl].filter(|&(pos, _)| pos < it.ts) {
            factor *= if base_sign > 0.0 { -f } else { f };
            rules.push("need");
        }
        if let Some((_, f)) = self.hope[cl].filter(|&(pos, _)| pos < it.ts) {
            factor *= f;
            rules.push("hope");
        }
        if it.source == Source::General {
            factor *= general_weight;
            rules.push("general");
        }
        Modifiers { factor, rules }
    }

    /// A gap's direction: widening (> 1), narrowing (< 0, flips who is
    /// ahead) from a direction word of its clause that is not negated.
    fn gap_direction(&self, it: &Item) -> (f64, Option<&'static str>) {
        let dir = self
            .items
            .iter()
            .skip(
                self.items
                    .partition_point(|x| x.te <= it.ts)
                    .saturating_sub(SCAN_LIMIT),
            )
            .take(2 * SCAN_LIMIT)
            .filter(|x| self.same_clause(x.ts, it.ts))
            .find_map(|x| match x.kind {
                Kind::GapDir(f) => Some((f, x.ts)),
                _ => None,
            });
        match dir {
            Some((f, at)) if self.look_back(at).0.is_multiple_of(2) => {
                (f, Some(if f > 0.0 { "widening" } else { "narrowing" }))
            }
            _ => (1.0, None),
        }
    }

    /// The party a switch leaves and the one it moves to: "dropped X for Y",
    /// "switched from X to Y", "Y replaced X", "弃用X改用Y". A verb of
    /// moving to (`to_verb`: 转向Y, "switch to Y") has its destination first
    /// and leaves only a party marked by from / 从 ("从X转向Y").
    fn switch_parties(&self, it: &Item, to_verb: bool) -> (Slot, Slot) {
        let from_marked =
            |m: &Mention| m.ts > 0 && matches!(self.toks[m.ts - 1].key.as_ref(), "from" | "从");
        let before = self.left_in_clause(it.ts);
        let marked_before = before.filter(from_marked);
        let i = self.mention_idx(it.te);
        let after: Vec<Mention> = self.mentions[i..]
            .iter()
            .take(SCAN_LIMIT)
            .take_while(|m| self.sentence[m.ts] == self.sentence[it.ts])
            .copied()
            .collect();
        let (from, to) = if to_verb {
            (marked_before, after.first().copied())
        } else if let Some(f) = marked_before {
            (Some(f), after.first().copied())
        } else {
            // "Y replaced X": the subject is where the users went.
            let to = after.get(1).copied().or(before);
            (after.first().copied(), to)
        };
        let from = from.map(|m| self.group(m, usize::MAX));
        let to = to
            .map(|m| self.group(m, usize::MAX) & !from.unwrap_or(0))
            .filter(|&t| t != 0);
        (from.map(|f| (f, false)), to.map(|t| (t, false)))
    }

    /// The first party of a parity term: the first target of its clause
    /// (else of its sentence, else carried), not the standard it is measured
    /// against ("X与Y不相上下": X).
    fn parity_party(&self, it: &Item) -> Slot {
        self.first_left(it.ts, false)
            .or_else(|| self.first_left(it.ts, true))
            .map(|m| (m.mask, false))
            .or_else(|| {
                self.may_carry(it.ts)
                    .then(|| self.last_before(it.ts).map(|m| (m.mask, true)))
                    .flatten()
            })
    }

    /// Score item `k` with its modifiers into `sink`.
    fn score_item(&self, k: usize, md: &Modifiers, sink: &mut Sink) {
        let it = &self.items[k];
        let f = md.factor;
        let fb = sink.fallback;
        match it.kind {
            Kind::Polar(w) | Kind::Loss(w) | Kind::Decline(w) | Kind::Fix(w) => {
                let head = match it.kind {
                    Kind::Loss(_) | Kind::Decline(_) => "loss",
                    Kind::Fix(_) => "fix",
                    _ => "lexicon",
                };
                // A mood word from the general lexicons says something about
                // a target only in the target's own clause.
                let clause_only = it.source == Source::General;
                let target = self
                    .target_of(it.ts, it.te, clause_only)
                    .or(fb.map(|f| (f, false)));
                if let Some((mask, c)) = target {
                    sink.push(self, it, mask, w * f * carry(c), &md.rule(head, c, &[]));
                }
            }
            Kind::Relation(ws, wo) => {
                let (subj, obj, passive) = self.roles(it.ts, it.te);
                let extra: &[&str] = if passive { &["passive"] } else { &[] };
                let subj = or_fallback(subj, obj.is_none(), fb);
                for (side, w, head) in
                    [(subj, ws, "relation:subject"), (obj, wo, "relation:object")]
                {
                    if let Some((mask, c)) = side {
                        sink.push(self, it, mask, w * f * carry(c), &md.rule(head, c, extra));
                    }
                }
            }
            Kind::Gap(w1, w2) => {
                let (g, dir) = self.gap_direction(it);
                let extra: Vec<&str> = dir.into_iter().collect();
                let (x, y) = self.parties(it.ts, it.te);
                let x = or_fallback(x, y.is_none(), fb);
                for (side, w, head) in [(x, w1, "gap:first"), (y, w2, "gap:second")] {
                    if let Some((mask, c)) = side {
                        sink.push(
                            self,
                            it,
                            mask,
                            w * g * f * carry(c),
                            &md.rule(head, c, &extra),
                        );
                    }
                }
            }
            Kind::Switch(wf, wt) => {
                let to_verb = wf == 0.0;
                let (from, to) = self.switch_parties(it, to_verb);
                let wf = if to_verb { -wt } else { wf };
                let from = or_fallback(from, to.is_none(), fb);
                for (side, w, head) in [(from, wf, "switch:from"), (to, wt, "switch:to")] {
                    if let Some((mask, c)) = side {
                        sink.push(self, it, mask, w * f * carry(c), &md.rule(head, c, &[]));
                    }
                }
            }
            Kind::Parity(w) => {
                if let Some((mask, c)) = self.parity_party(it).or(fb.map(|f| (f, false))) {
                    sink.push(self, it, mask, w * f * carry(c), &md.rule("parity", c, &[]));
                }
            }
            _ => {}
        }
    }

    /// Negators that negated nothing but carry weight of their own ("failed to").
    fn score_lone_negators(&self, sink: &mut Sink) {
        for it in &self.items {
            let (Kind::Negator(w), false) = (it.kind, it.consumed) else {
                continue;
            };
            if w == 0.0 {
                continue;
            }
            let target = self
                .target_of(it.ts, it.te, false)
                .or(sink.fallback.map(|f| (f, false)));
            if let Some((mask, c)) = target {
                let rule = if c { "negator+carried" } else { "negator" };
                sink.push(self, it, mask, w * carry(c), rule);
            }
        }
    }
}

/// Find the terms of `text`, apply the rules and attach evidence to targets.
/// `fallback`: a target that takes what no named target does (used when every
/// passage is known to be about one target, as in the stance benchmarks);
/// `ctx`: what the document's title says.
pub fn attach(
    lex: Lexicons<'_>,
    text: &str,
    n_targets: usize,
    general_weight: f64,
    fallback: Option<usize>,
    ctx: Context,
) -> Attached {
    let tokens = tokenize(text);
    let mut p = Passage::build(lex, text, &tokens.tokens, &tokens.question_starts, ctx);
    let mut sink = Sink::new(&p, n_targets, fallback);
    for k in 0..p.items.len() {
        if p.scorable(k) {
            let md = p.modifiers(k, general_weight);
            p.score_item(k, &md, &mut sink);
        }
    }
    p.score_lone_negators(&mut sink);
    sink.finish()
}

/// The first party of a two-sided rule, or the passage's fallback target
/// when neither party is named.
fn or_fallback(
    first: Option<(u64, bool)>,
    no_second: bool,
    fallback: Option<u64>,
) -> Option<(u64, bool)> {
    first.or_else(|| no_second.then_some(fallback.map(|f| (f, false))).flatten())
}

#[cfg(test)]
mod tests {
    //! The rules on a tiny inline lexicon, so the factors are exact and do not
    //! depend on the shipped weights.

    use super::*;
    use crate::stance::lexicon::{parse_tsv, Entry};

    const LEX: &str = "lag behind\trel\t-2\t1\nsurpass\trel\t2\t-1\ngap\tgap\t-1\t1\n\
        widen\tgapdir\t1.5\nstrong\tpol\t2\nweak\tpol\t-2\nlead\tpol\t2\nerode\tloss\t-1\n\
        not\tneg\nvery\tdeg\t1.5\nbut\tbut\nmay\thedge\t0.5\nmust\tneed\t0.5\nit\tpron\n\
        Rival\tother\n落后于\trel\t-2\t1\n被\tpassive\n超越\trel\t2\t-1\n";

    fn run(text: &str) -> Attached {
        let mut entries: Vec<Entry> = parse_tsv(LEX, Source::Domain).unwrap();
        for (term, mask) in [("Alpha", 1u64), ("Beta", 2), ("阿尔法", 1), ("贝塔", 2)] {
            entries.push(Entry {
                term: term.into(),
                kind: Kind::Alias(mask),
                source: Source::Domain,
                surface: false,
                gate: 0,
            });
        }
        let m = Matcher::new(entries);
        let concepts = Matcher::new(Vec::new());
        let generics = Generics::default();
        let lex = Lexicons {
            matcher: &m,
            concepts: &concepts,
            generics: &generics,
        };
        attach(lex, text, 2, 0.5, None, Context::default())
    }

    fn weights(a: &Attached, t: usize) -> Vec<(String, f64)> {
        a[t].as_ref()
            .map(|ev| ev.iter().map(|e| (e.rule.clone(), e.weight)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn relation_weights_go_to_subject_and_object() {
        let a = run("Alpha lags behind Beta.");
        assert_eq!(weights(&a, 0), [("relation:subject".into(), -2.0)]);
        assert_eq!(weights(&a, 1), [("relation:object".into(), 1.0)]);
        let a = run("阿尔法被贝塔超越。");
        assert_eq!(weights(&a, 0), [("relation:object+passive".into(), -1.0)]);
        assert_eq!(weights(&a, 1), [("relation:subject+passive".into(), 2.0)]);
    }

    #[test]
    fn negation_degree_contrast_hedge_need_factors() {
        assert_eq!(
            weights(&run("Alpha is not strong."), 0),
            [("lexicon+negation".into(), -1.48)]
        );
        assert_eq!(
            weights(&run("Alpha is very strong."), 0),
            [("lexicon+intensifier".into(), 3.0)]
        );
        assert_eq!(
            weights(&run("Alpha is strong but weak."), 0),
            [
                ("lexicon+before-contrast".into(), 1.0),
                ("lexicon+after-contrast".into(), -3.0)
            ]
        );
        assert_eq!(
            weights(&run("Alpha may be strong."), 0),
            [("lexicon+hedge".into(), 1.0)]
        );
        assert_eq!(
            weights(&run("Alpha must be strong."), 0),
            [("lexicon+need".into(), -1.0)]
        );
        assert_eq!(
            weights(&run("Is Alpha strong?"), 0),
            [("lexicon+question".into(), 1.0)]
        );
    }

    #[test]
    fn gaps_loss_carry_and_other_players() {
        let a = run("The gap between Alpha and Beta will widen.");
        assert_eq!(weights(&a, 0), [("gap:first+widening".into(), -1.5)]);
        assert_eq!(weights(&a, 1), [("gap:second+widening".into(), 1.5)]);
        assert_eq!(
            weights(&run("Alpha's lead is eroding."), 0),
            [("lexicon+loss".into(), -2.0)]
        );
        // English carries to an earlier sentence only through a pronoun.
        assert_eq!(
            weights(&run("Alpha shipped. It is weak."), 0),
            [("lexicon+carried".into(), -1.6)]
        );
        // Without one, a sentence that names no target speaks of the
        // passage's only target, damped; with two targets, of neither.
        assert_eq!(
            weights(&run("Alpha shipped. The weather is weak."), 0),
            [("lexicon+carried".into(), -1.6)]
        );
        assert!(weights(&run("Alpha met Beta. The weather is weak."), 0).is_empty());
        // Another player takes what is said of it.
        let a = run("Rival is strong, Alpha is weak.");
        assert_eq!(weights(&a, 0), [("lexicon".into(), -2.0)]);
    }

    /// As `run`, with a gated alias (`Gamma`, target 1), a concept word
    /// (`model`), switch and parity terms and an anaphor, under a title.
    fn run_in(text: &str, title: Option<&str>) -> Attached {
        let lex = format!(
            "{LEX}ditch\tswitch\t-2\t1.5\non par with\tparity\t1.5\nthe company\tanaphor\n"
        );
        let mut entries: Vec<Entry> = parse_tsv(&lex, Source::Domain).unwrap();
        for (term, mask, gate) in [
            ("Alpha", 1u64, 0u8),
            ("Beta", 2, 0),
            ("Gamma", 2, GATE_CONCEPT),
        ] {
            entries.push(Entry {
                term: term.into(),
                kind: Kind::Alias(mask),
                source: Source::Domain,
                surface: false,
                gate,
            });
        }
        let m = Matcher::new(entries);
        let concepts = Matcher::new(parse_tsv("model\tconcept\n", Source::Domain).unwrap());
        let generics = Generics::default();
        let lex = Lexicons {
            matcher: &m,
            concepts: &concepts,
            generics: &generics,
        };
        let ctx = title.map(|t| Context::of_title(lex, t)).unwrap_or_default();
        attach(lex, text, 2, 0.5, None, ctx)
    }

    #[test]
    fn concept_gate_switch_parity_coordination_and_title_topic() {
        assert!(run_in("Gamma is strong.", None)[1].is_none());
        assert_eq!(
            weights(&run_in("Gamma's model is strong.", None), 1),
            [("lexicon".into(), 2.0)]
        );
        assert!(run_in("Gamma is strong.", Some("A model"))[1].is_some());
        let a = run_in("Users ditch Alpha for Beta.", None);
        assert_eq!(weights(&a, 0), [("switch:from".into(), -2.0)]);
        assert_eq!(weights(&a, 1), [("switch:to".into(), 1.5)]);
        let a = run_in("Beta is on par with Alpha.", None);
        assert_eq!(weights(&a, 1), [("parity".into(), 1.5)]);
        assert_eq!(weights(&a, 0), []);
        let a = run_in("Alpha and Beta are strong.", None);
        assert_eq!(weights(&a, 0), weights(&a, 1));
        // A comma list counts when it closes with a coordinator, not otherwise.
        let a = run_in("Unlike Alpha, Beta is strong.", None);
        assert!(weights(&a, 0).is_empty());
        let a = run_in("The company is strong.", Some("Beta news"));
        assert_eq!(weights(&a, 1), [("lexicon".into(), 2.0)]);
        assert!(run_in("The company is strong.", None)[1].is_none());
    }

    #[test]
    fn offsets_are_characters_and_terms_are_slices() {
        let text = "«阿尔法»落后于贝塔, but Alpha is strong 😀.";
        let a = run(text);
        let chars: Vec<char> = text.chars().collect();
        for ev in a.iter().flatten().flatten() {
            assert_eq!(chars[ev.start..ev.end].iter().collect::<String>(), ev.term);
        }
        assert_eq!(a[0].as_ref().unwrap()[0].start, 5);
    }
}
