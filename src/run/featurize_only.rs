//! Ingest and featurize, streamed: the one featurize path of `stancemap
//! run`, `stancemap featurize`, `eval` and the benches. Each thread takes the
//! next file (the largest first), reads, decodes and splits it, analyzes its
//! passages into its own [`Shard`] and keeps only what the caller asks it to
//! keep of the document (`stancemap featurize` keeps counts and drops the
//! text, so memory holds the term counts, never the corpus; 80 MB of mixed
//! text peaked at 644 MB when the corpus was read whole first; see
//! docs/performance.md). [`Featurizer::finish`] then merges the shards.

use std::time::Instant;

use super::{CorpusSummary, RunError};
use crate::config::Config;
use crate::featurize::{in_workers, Features, Featurizer, Shard};
use crate::ingest::{self, read_document};
use crate::{Document, Skipped};

/// What one pass of ingest + featurize measured.
#[derive(Debug)]
pub struct FeaturizeOutcome {
    pub summary: CorpusSummary,
    pub features: Features,
    pub skipped: Vec<Skipped>,
    /// Bytes of passage text (normalised), as the featurizer saw them.
    pub text_bytes: u64,
    /// Seconds: reading, decoding, splitting and analyzing the files (done
    /// together, file by file), then weighing (vocabulary, IDF, matrix).
    pub secs_analyze: f64,
    pub secs_weigh: f64,
}

/// A document as far as the summary needs it once its text is gone.
struct Seen {
    bytes: u64,
    text_bytes: u64,
    /// Per passage: (language, boilerplate).
    passages: Vec<(crate::Lang, bool)>,
}

/// What [`stream`] gives: what was kept of each document read (corpus
/// order), the files skipped (sorted by path), the features of every
/// passage of the documents kept (in that order) and the two phases' times.
pub(crate) struct Streamed<T> {
    pub kept: Vec<T>,
    pub skipped: Vec<Skipped>,
    pub features: Features,
    pub secs_analyze: f64,
    pub secs_weigh: f64,
}

/// Ingest and featurize `config.corpus`: every file read, decoded, split
/// and analyzed by the next free worker, `keep` applied to each document
/// once its passages are analyzed, then the shards merged. `tick` is
/// called once per file (a progress bar).
pub(crate) fn stream<T: Send>(
    config: &Config,
    featurizer: &Featurizer,
    keep: impl Fn(Document) -> T + Sync,
    tick: impl Fn() + Sync,
) -> Result<Streamed<T>, RunError> {
    let t0 = Instant::now();
    let (files, mut skipped) = ingest::discover_with(&config.corpus, &config.ingest)?;
    let (meta, meta_problem) = ingest::read_metadata(&config.corpus, &config.ingest);
    skipped.extend(meta_problem);
    /// Per document read: its position, what is kept, and per passage
    /// whether it counts for document frequencies (not boilerplate).
    type Done<T> = Vec<(usize, Result<(T, Vec<bool>), String>)>;
    // The largest files first, so that the last jobs are small and the
    // workers run out of files together (the results do not depend on the
    // order: they are put back in corpus order).
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let shards = in_workers(files.len(), |(shard, done): &mut (Shard, Done<T>), j| {
        let i = order[j];
        let read = read_document(&files[i], &meta, &config.ingest).map(|doc| {
            featurizer.add_batch(shard, i, doc.passages.iter().map(|p| p.text.as_str()));
            let in_df = doc.passages.iter().map(|p| !p.boilerplate).collect();
            (keep(doc), in_df)
        });
        done.push((i, read));
        tick();
    });
    let (shards, done): (Vec<Shard>, Vec<Done<T>>) = shards.into_iter().unzip();
    let mut done: Done<T> = done.into_iter().flatten().collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    let mut kept = Vec::with_capacity(done.len());
    let mut in_df = Vec::new();
    for (i, read) in done {
        match read {
            Ok((t, flags)) => {
                kept.push(t);
                in_df.extend(flags);
            }
            Err(reason) => skipped.push(Skipped {
                path: files[i].id.clone(),
                reason,
            }),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let secs_analyze = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let features = featurizer.finish(shards, &in_df);
    let secs_weigh = t1.elapsed().as_secs_f64();
    Ok(Streamed {
        kept,
        skipped,
        features,
        secs_analyze,
        secs_weigh,
    })
}

/// Ingest and featurize `config.corpus` with `featurizer`, streaming: the
/// text of each document is dropped once analyzed.
pub fn featurize_corpus(
    config: &Config,
    featurizer: &Featurizer,
) -> Result<FeaturizeOutcome, RunError> {
    let keep = |doc: Document| Seen {
        bytes: doc.size,
        text_bytes: doc.passages.iter().map(|p| p.text.len() as u64).sum(),
        passages: doc
            .passages
            .iter()
            .map(|p| (p.lang, p.boilerplate))
            .collect(),
    };
    let Streamed {
        kept: documents,
        skipped,
        features,
        secs_analyze,
        secs_weigh,
    } = stream(config, featurizer, keep, || {})?;
    let mut by_lang = std::collections::BTreeMap::new();
    let mut boilerplate = 0;
    for &(lang, b) in documents.iter().flat_map(|d| &d.passages) {
        *by_lang.entry(lang).or_insert(0) += 1;
        boilerplate += usize::from(b);
    }
    let summary = CorpusSummary {
        documents: documents.len(),
        passages: features.n_tokens.len(),
        passages_by_lang: by_lang,
        boilerplate,
        tokens: features.n_tokens.iter().map(|&n| u64::from(n)).sum(),
        vocabulary: features.terms.len(),
        nonzeros: features.matrix.nnz(),
        bytes: documents.iter().map(|d| d.bytes).sum(),
        skipped: skipped.len(),
    };
    Ok(FeaturizeOutcome {
        summary,
        text_bytes: documents.iter().map(|d| d.text_bytes).sum(),
        features,
        skipped,
        secs_analyze,
        secs_weigh,
    })
}
