//! Featurize: passages -> tokens (per-language analyzers, bilingual bridge)
//! -> sparse TF-IDF.
//!
//! In: passage texts (and which of them count for document frequencies).
//! Out: [`Features`], a CSR matrix over one vocabulary for both languages.
//! The decision that shaped it: workers analyze passages in parallel with
//! their own word cache and key interner and never share state; their local
//! ids are merged once at the end into a vocabulary sorted by key, so the
//! result is the same whatever the thread count.

mod analyzer;
pub mod bridge_dict;
mod english;
pub mod lexicon;
mod stem;
mod tfidf;

mod batches;
#[doc(hidden)]
pub mod bench_support;
mod bilingual;
mod display;
mod featurizer;
mod params;
mod pool;
mod terms;
#[cfg(test)]
mod tests;
mod vocabulary;

#[allow(unused_imports)]
use std::path::{Path, PathBuf};

#[allow(unused_imports)]
use std::sync::atomic::{AtomicUsize, Ordering};

#[allow(unused_imports)]
use compact_str::CompactString;
#[allow(unused_imports)]
use rayon::prelude::*;
#[allow(unused_imports)]
use rustc_hash::FxHashMap;
#[allow(unused_imports)]
use serde::{Deserialize, Serialize};

pub use analyzer::{concept_key, script_runs, Analyzer, Cache, Token};
pub use tfidf::{idf, Matrix, Weighting};

pub use bilingual::{BRIDGE_MARK, CEDICT_MARK};
pub use featurizer::{Featurizer, Shard};
pub use params::{Cedict, Params, RawParams};
pub use pool::in_workers;
pub use terms::{Features, Term};

#[allow(unused_imports)]
use batches::*;
#[allow(unused_imports)]
use bilingual::*;
#[allow(unused_imports)]
use display::*;
#[allow(unused_imports)]
use featurizer::*;
#[allow(unused_imports)]
use vocabulary::*;

#[allow(unused_imports)]
use crate::param::{invalid, ParamError};
#[allow(unused_imports)]
use lexicon::Source;
#[allow(unused_imports)]
use tfidf::{Block, Renamed};
