//! The featurize path: the [`Featurizer`], its workers' [`Shard`]s, and
//! the merge of the shards into [`Features`].

#[allow(unused_imports)]
use super::*;

/// The featurizer: analyzers built once, then applied to any number of passages.
#[derive(Debug)]
pub struct Featurizer {
    analyzer: Analyzer,
    cedict: Cedict,
    weighting: Weighting,
    lang_shares: crate::LangShares,
}

/// One worker's share of a featurization: its word cache (local key ids)
/// and the batches of passages it analyzed, each with its position in the
/// corpus. Each thread fills its own [`Shard`] with
/// [`Featurizer::add_batch`], sharing nothing; [`Featurizer::finish`] merges
/// them into one vocabulary sorted by key, so the result does not depend on
/// which thread took which batch.
pub struct Shard {
    cache: Cache,
    batches: Vec<(usize, Block)>,
    tokens: Vec<Token>,
    counter: tfidf::Counter,
    surfaces: SurfaceCounts,
}

impl Default for Shard {
    fn default() -> Self {
        Shard {
            cache: Cache::for_corpus(),
            batches: Vec::new(),
            tokens: Vec::new(),
            counter: tfidf::Counter::default(),
            surfaces: SurfaceCounts::default(),
        }
    }
}

/// How often each surface, as written, gave each key (local ids): every
/// token's span of text, a glossary phrase's whole span included. The
/// display forms are chosen from these, lowercased.
#[derive(Default)]
pub(crate) struct SurfaceCounts {
    by_raw: FxHashMap<Box<str>, Vec<(u32, u64)>>,
}

impl SurfaceCounts {
    fn add(&mut self, text: &str, tokens: &[Token]) {
        for t in tokens {
            let raw = &text[t.start..t.end];
            let keys = match self.by_raw.get_mut(raw) {
                Some(v) => v,
                None => self.by_raw.entry(raw.into()).or_default(),
            };
            match keys.iter_mut().find(|(k, _)| *k == t.key) {
                Some(e) => e.1 += 1,
                None => keys.push((t.key, 1)),
            }
        }
    }

    /// (key id, lowercase surface, occurrences), each lowercase surface of
    /// a key once (each distinct surface as written lowercased once).
    fn lowered(self) -> Vec<(u32, String, u64)> {
        let mut out: FxHashMap<(u32, String), u64> = FxHashMap::default();
        for (raw, keys) in self.by_raw {
            let lower: String = raw.chars().flat_map(char::to_lowercase).collect();
            for (k, n) in keys {
                *out.entry((k, lower.clone())).or_default() += n;
            }
        }
        out.into_iter().map(|((k, s), n)| (k, s, n)).collect()
    }
}

impl Featurizer {
    /// Load the word lists (built-in and from the config) and build the analyzers.
    pub fn new(params: &Params) -> Result<Self, crate::param::LoadError> {
        let mut stop_en =
            lexicon::stop_words(&Source::builtin("stopwords/en.txt", lexicon::STOP_EN))?;
        let mut stop_zh =
            lexicon::stop_words(&Source::builtin("stopwords/zh.txt", lexicon::STOP_ZH))?;
        for p in &params.stop_words {
            for w in lexicon::stop_words(&Source::file(p)?)? {
                if w.chars().any(crate::text::is_han) {
                    stop_zh.push(w);
                } else {
                    stop_en.push(w);
                }
            }
        }
        let mut dict =
            lexicon::user_dict(&Source::builtin("jieba_userdict.txt", lexicon::USER_DICT))?;
        for p in &params.user_dict {
            dict.extend(lexicon::user_dict(&Source::file(p)?)?);
        }
        let mut glossary = if params.builtin_glossary {
            lexicon::glossary(&Source::builtin("glossary.toml", lexicon::GLOSSARY))?
        } else {
            Vec::new()
        };
        for p in &params.glossary {
            glossary.extend(lexicon::glossary(&Source::file(p)?)?);
        }
        let analyzer = Analyzer::new(analyzer::AnalyzerParts {
            stop_en: &stop_en,
            stop_zh: &stop_zh,
            user_dict: &dict,
            glossary: &glossary,
            hmm: params.hmm,
            min_han_chars: params.min_han_chars,
            cedict: params.cedict_fallback != Cedict::Off,
        });
        Ok(Featurizer {
            analyzer,
            cedict: params.cedict_fallback,
            weighting: params.weighting,
            lang_shares: params.lang_shares,
        })
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The feature keys of one text, in order, with byte offsets (for tests,
    /// `stancemap` tooling and anyone who wants to see what the analyzers do),
    /// as a bilingual corpus sees them: bridged words and phrases as their
    /// concepts.
    pub fn analyze(&self, text: &str) -> Vec<(String, usize, usize)> {
        let mut cache = Cache::default();
        let mut out = Vec::new();
        self.analyzer.analyze(text, &mut cache, &mut out);
        out.iter()
            .filter_map(|t| {
                let key = &cache.keys[t.key as usize];
                let concept = key.split(BRIDGE_MARK).next().unwrap_or(key);
                (!concept.is_empty()).then(|| (concept.to_string(), t.start, t.end))
            })
            .collect()
    }

    /// TF-IDF over `texts`: the fast path. One worker per thread, each with
    /// its own word cache and key ids, takes batches of passages until none
    /// is left (so a worker on a busy core simply takes fewer), and shares
    /// nothing but the analyzers. Document frequencies count only the
    /// passages with `in_df[i]` (boilerplate is vectorised but does not
    /// shape the vocabulary).
    pub fn featurize(&self, texts: &[&str], in_df: &[bool]) -> Features {
        assert_eq!(texts.len(), in_df.len(), "one in_df flag per text");
        let bounds = batch_bounds(texts);
        let shards: Vec<Shard> = in_workers(bounds.len() - 1, |shard: &mut Shard, b| {
            let (first, end) = (bounds[b], bounds[b + 1]);
            self.add_batch(shard, first, texts[first..end].iter().copied());
        });
        self.finish(shards, in_df)
    }

    /// Analyze a batch of consecutive passages (a document, or any run of
    /// them) into `shard`. `position` orders the batches in the result: the
    /// index of the batch's first passage, or of its document.
    pub fn add_batch<'t>(
        &self,
        shard: &mut Shard,
        position: usize,
        texts: impl Iterator<Item = &'t str>,
    ) {
        if !self.analyzer.jieba_ready() {
            return self.add_batch_han_last(shard, position, texts);
        }
        let mut block = Block::default();
        for text in texts {
            shard.tokens.clear();
            self.analyzer
                .analyze(text, &mut shard.cache, &mut shard.tokens);
            block.push_tokens(shard.tokens.iter().map(|t| t.key), &mut shard.counter);
            shard.surfaces.add(text, &shard.tokens);
        }
        shard.batches.push((position, block));
    }

    /// [`Featurizer::add_batch`] while jieba is still being built: the text
    /// that needs no jieba first, then (waiting for jieba if need be) the
    /// Han runs. The passages' counts are the same; a worker just does not
    /// sit idle while the dictionary loads.
    pub(super) fn add_batch_han_last<'t>(
        &self,
        shard: &mut Shard,
        position: usize,
        texts: impl Iterator<Item = &'t str>,
    ) {
        let texts: Vec<&str> = texts.collect();
        let mut later = Vec::new();
        let mut passages: Vec<(Vec<u32>, std::ops::Range<usize>)> = Vec::with_capacity(texts.len());
        for text in &texts {
            shard.tokens.clear();
            let first = later.len();
            self.analyzer
                .analyze_later(text, &mut shard.cache, &mut shard.tokens, &mut later);
            shard.surfaces.add(text, &shard.tokens);
            let ids = shard.tokens.iter().map(|t| t.key).collect();
            passages.push((ids, first..later.len()));
        }
        let mut block = Block::default();
        for (text, (mut ids, runs)) in texts.iter().zip(passages) {
            shard.tokens.clear();
            self.analyzer
                .analyze_han_runs(text, &later[runs], &mut shard.cache, &mut shard.tokens);
            shard.surfaces.add(text, &shard.tokens);
            ids.extend(shard.tokens.iter().map(|t| t.key));
            block.push_tokens(ids.into_iter(), &mut shard.counter);
        }
        shard.batches.push((position, block));
    }

    /// TF-IDF over the batches of all shards, in the order of their
    /// positions; `in_df` has one flag per passage in that order.
    pub fn finish(&self, shards: Vec<Shard>, in_df: &[bool]) -> Features {
        let (caches, rest): (Vec<Cache>, Vec<_>) = shards
            .into_iter()
            .map(|w| (w.cache, (w.batches, w.surfaces)))
            .unzip();
        let (batches, surfaces): (Vec<Vec<(usize, Block)>>, Vec<SurfaceCounts>) =
            rest.into_iter().unzip();
        let lowered: Vec<Vec<(u32, String, u64)>> = surfaces
            .into_par_iter()
            .map(SurfaceCounts::lowered)
            .collect();
        let parts = caches
            .par_iter()
            .zip(batches)
            .zip(&lowered)
            .map(|((cache, blocks), surfaces)| Part {
                keys: cache.keys.iter().collect(),
                blocks,
                surfaces: surfaces
                    .iter()
                    .map(|(k, s, n)| (*k, s.as_str(), *n))
                    .collect(),
            })
            .collect();
        let features = self.weigh_parts(parts, in_df);
        // Each worker's cache freed on its own thread.
        caches.into_par_iter().for_each(drop);
        features
    }

    /// The common end: the bridges decided for the corpus, every part's
    /// keys resolved into one vocabulary (sorted: column order), then
    /// document frequencies, pruning, IDF, the matrix and the display forms.
    pub(super) fn weigh_parts(&self, parts: Vec<Part<'_>>, in_df: &[bool]) -> Features {
        let two_languages = bilingual(&parts, self.lang_shares);
        let cedict = match self.cedict {
            Cedict::On => true,
            Cedict::Off => false,
            Cedict::Auto => two_languages,
        };
        let resolved: Vec<Vec<Option<&str>>> = parts
            .par_iter()
            .map(|p| {
                p.keys
                    .iter()
                    .map(|k| resolve(k, two_languages, cedict))
                    .collect()
            })
            .collect();
        let (keys, columns) = shared_vocabulary(&resolved);
        let mut surfaces = Vec::with_capacity(parts.len());
        let mut blocks: Vec<(usize, usize, Block)> = Vec::new();
        for (p, part) in parts.into_iter().enumerate() {
            surfaces.push(part.surfaces);
            blocks.extend(part.blocks.into_iter().map(|(pos, b)| (pos, p, b)));
        }
        blocks.par_sort_unstable_by_key(|(position, _, _)| *position);
        self.weigh_resolved(&keys, blocks, surfaces, &columns, in_df)
    }

    /// `blocks`: (position, part, block) in passage order, in their part's
    /// ids; `ids`: the key (in `keys`) of each part's ids; `surfaces`:
    /// each part's surfaces.
    fn weigh_resolved(
        &self,
        keys: &[&str],
        mut blocks: Vec<(usize, usize, Block)>,
        surfaces: Vec<Surfaces<'_>>,
        ids: &[Vec<u32>],
        in_df: &[bool],
    ) -> Features {
        let n_rows: usize = blocks.iter().map(|(_, _, b)| b.n_rows()).sum();
        assert_eq!(n_rows, in_df.len(), "one in_df flag per passage");
        let with_ids: Vec<(&Block, &[u32])> = blocks
            .iter()
            .map(|(_, p, b)| (b, ids[*p].as_slice()))
            .collect();
        let df_all = tfidf::document_frequencies(&with_ids, in_df, keys.len());
        let n_docs = in_df.iter().filter(|&&b| b).count();
        let keep = tfidf::keep_terms(&df_all, n_docs, &self.weighting);
        let mut column = vec![NONE; keys.len()];
        let mut kept = 0u32;
        for (i, &k) in keep.iter().enumerate() {
            if k {
                column[i] = kept;
                kept += 1;
            }
        }
        let df: Vec<u32> = (0..keys.len())
            .filter(|&i| keep[i])
            .map(|i| df_all[i])
            .collect();
        let idf: Vec<f64> = df
            .iter()
            .map(|&d| tfidf::idf(d, n_docs, self.weighting.smooth_idf))
            .collect();
        // The display forms are chosen beside the renaming and the matrix
        // (each has parts that run on one thread).
        let ((matrix, n_tokens), terms) = rayon::join(
            || {
                // One pass from each part's ids to the matrix's columns:
                // dropped keys leave the passage and its token count,
                // pruned terms only the passage.
                blocks.par_iter_mut().for_each(|(_, p, block)| {
                    let ids = &ids[*p];
                    block.rename(|id| match some(ids[id as usize]) {
                        None => Renamed::Dropped,
                        Some(k) => some(column[k as usize]).map_or(Renamed::Pruned, Renamed::To),
                    });
                });
                let blocks: Vec<Block> = blocks.into_iter().map(|(_, _, b)| b).collect();
                let n_tokens: Vec<u32> = blocks
                    .iter()
                    .flat_map(|b| b.n_tokens.iter().copied())
                    .collect();
                let matrix = tfidf::matrix(blocks, &idf, self.weighting.sublinear_tf);
                (matrix, n_tokens)
            },
            || {
                // Each part's surfaces in columns, the parts in parallel.
                let surfaces: Vec<Surfaces<'_>> = surfaces
                    .into_par_iter()
                    .zip(ids)
                    .map(|(part, ids)| {
                        part.into_iter()
                            .filter_map(|(k, s, n)| {
                                some(ids[k as usize])
                                    .and_then(|k| some(column[k as usize]))
                                    .map(|c| (c, s, n))
                            })
                            .collect()
                    })
                    .collect();
                display_terms(keys, &surfaces, &column, kept as usize)
            },
        );
        Features {
            terms,
            matrix,
            n_tokens,
            df,
            n_keys_seen: keys.len(),
        }
    }
}
