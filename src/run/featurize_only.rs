//! `stancemap featurize`: ingest and the featurizer only, streamed. Each
//! thread takes the next file, reads, decodes and splits it, analyzes its
//! passages into its own [`Shard`] and drops the text before taking another,
//! so memory holds the term counts, never the corpus (80 MB of mixed text
//! peaked at 644 MB when the corpus was read whole first; see README).

use std::time::Instant;

use super::{CorpusSummary, RunError};
use crate::config::Config;
use crate::featurize::{in_workers, Features, Featurizer, Shard};
use crate::ingest::{self, read_document};
use crate::Skipped;

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

/// Ingest and featurize `config.corpus` with `featurizer`, streaming.
pub fn featurize_corpus(
    config: &Config,
    featurizer: &Featurizer,
) -> Result<FeaturizeOutcome, RunError> {
    let t0 = Instant::now();
    let (files, mut skipped) = ingest::discover(&config.corpus)?;
    let (meta, meta_problem) = ingest::read_metadata(&config.corpus, &config.ingest);
    skipped.extend(meta_problem);
    type Done = Vec<(usize, Result<Seen, String>)>;
    // The largest files first, so that the last jobs are small and the
    // workers run out of files together (the results do not depend on the
    // order: they are put back in corpus order).
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let shards = in_workers(files.len(), |(shard, done): &mut (Shard, Done), j| {
        let i = order[j];
        let seen = read_document(&files[i], &meta, &config.ingest).map(|doc| {
            featurizer.add_batch(shard, i, doc.passages.iter().map(|p| p.text.as_str()));
            Seen {
                bytes: doc.size,
                text_bytes: doc.passages.iter().map(|p| p.text.len() as u64).sum(),
                passages: doc
                    .passages
                    .iter()
                    .map(|p| (p.lang, p.boilerplate))
                    .collect(),
            }
        });
        done.push((i, seen));
    });
    let (shards, done): (Vec<Shard>, Vec<Done>) = shards.into_iter().unzip();
    let mut done: Done = done.into_iter().flatten().collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    let mut documents = Vec::new();
    for (i, seen) in done {
        match seen {
            Ok(s) => documents.push(s),
            Err(reason) => skipped.push(Skipped {
                path: files[i].id.clone(),
                reason,
            }),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let secs_analyze = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let in_df: Vec<bool> = documents
        .iter()
        .flat_map(|d| d.passages.iter().map(|&(_, b)| !b))
        .collect();
    let features = featurizer.finish(shards, &in_df);
    let secs_weigh = t1.elapsed().as_secs_f64();

    let mut by_lang = std::collections::BTreeMap::new();
    for &(lang, _) in documents.iter().flat_map(|d| &d.passages) {
        *by_lang.entry(lang).or_insert(0) += 1;
    }
    let summary = CorpusSummary {
        documents: documents.len(),
        passages: in_df.len(),
        passages_by_lang: by_lang,
        boilerplate: in_df.iter().filter(|&&c| !c).count(),
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
