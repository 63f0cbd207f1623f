//! Themes: TF-IDF rows -> LSA -> k-means (linfa) -> themes labelled in both
//! languages.
//!
//! In: the passages (for their language and boilerplate flag) and their
//! [`Features`]. Out: [`Themes`], with each passage's theme and 2-D map
//! coordinates. Boilerplate and passages with too few content tokens are set
//! aside in the "other" group before anything is fitted, so they can neither
//! become themes nor pull the LSA axes.
//!
//! The decision that shaped it: English and Chinese passages share few
//! features even with the featurizer's bilingual bridge, so their TF-IDF rows
//! sit in nearly orthogonal subspaces and k-means splits by language first.
//! The features that do occur in both languages (bridged concepts, names like
//! OpenAI or GPT-5) are the only anchors between them, so before the LSA their
//! columns are weighted up (`themes.shared_term_weight`) and the rows
//! re-normalised: the leading LSA axes then follow what both languages talk
//! about, and language-specific words are placed by what they co-occur with.
//! Optionally (`themes.center_by_language`) each language's mean LSA vector
//! is subtracted as well. Single-language corpora are untouched by both.
//!
//! Then: rows L2-normalised, linfa k-means (k fixed or chosen by silhouette),
//! a few spherical k-means steps on the (weighted) TF-IDF rows themselves
//! (`themes.refine_iterations`: +0.03 NMI on THUCNews titles, +0.01 on AG
//! News, none lost on the seeds), clusters under `themes.min_theme_size`
//! set aside, themes ordered by size and labelled by c-TF-IDF (`label.rs`).

mod cluster;
pub mod eval;
pub mod eval_run;
mod label;
mod lsa;
mod params;

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

pub use cluster::{choose_k, kmeans, normalize_rows, sample_rows, silhouette, Clustering};
pub use label::{ctfidf, display};
pub use lsa::{randomized_svd, Lsa};
pub use params::{Params, RawParams};

use crate::featurize::Features;
use crate::{Lang, Passage, PassageRef};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermScore {
    pub term: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub id: u32,
    /// Short label: the best two or three terms, English and Chinese.
    pub label: String,
    pub size: usize,
    pub passages_by_lang: BTreeMap<Lang, usize>,
    pub top_terms_en: Vec<TermScore>,
    pub top_terms_zh: Vec<TermScore>,
    /// The most representative passages (closest to the centroid).
    pub representative: Vec<PassageRef>,
}

/// Passages set aside from clustering: boilerplate and content-free lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OtherGroup {
    pub size: usize,
    pub passages_by_lang: BTreeMap<Lang, usize>,
    /// Why they were set aside: `boilerplate`, `few_content_tokens`,
    /// `small_cluster` (a cluster below `themes.min_theme_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_reason: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Themes {
    pub k: usize,
    /// Mean silhouette of the chosen clustering, when k was chosen by it.
    pub silhouette: Option<f64>,
    /// The mean silhouette of each k tried, when k was chosen by it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silhouette_by_k: Vec<KScore>,
    /// Why there are fewer themes than asked, if there are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub themes: Vec<Theme>,
    pub other: OtherGroup,
    /// Per passage (corpus order): its theme id, `None` for the other group.
    #[serde(skip)]
    pub assignment: Vec<Option<u32>>,
    /// Per passage (corpus order): 2-D coordinates for the passage map.
    #[serde(skip)]
    pub coords: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    pub k: usize,
    pub silhouette: Option<f64>,
}

/// What stops the stage (an unusable corpus is not an error: it gives no
/// themes and a [`Themes::note`]).
#[derive(Debug, thiserror::Error)]
pub enum ThemesError {
    #[error("themes: {passages} passages but {rows} feature rows and {tokens} token counts")]
    Mismatch {
        passages: usize,
        rows: usize,
        tokens: usize,
    },
    #[error(transparent)]
    Lsa(#[from] lsa::LsaError),
    #[error(transparent)]
    Cluster(#[from] cluster::ClusterError),
}

const BOILERPLATE: &str = "boilerplate";
const FEW_TOKENS: &str = "few_content_tokens";
const SMALL_CLUSTER: &str = "small_cluster";

/// Find the themes of `passages` (corpus order, the rows of `features`).
pub fn find_themes(
    passages: &[&Passage],
    features: &Features,
    params: &Params,
    seed: u64,
) -> Result<Themes, ThemesError> {
    let n = passages.len();
    let matrix = features.matrix_f64();
    if matrix.rows() != n || features.n_tokens.len() != n {
        return Err(ThemesError::Mismatch {
            passages: n,
            rows: matrix.rows(),
            tokens: features.n_tokens.len(),
        });
    }

    // The other group, decided before any fitting.
    let mut reason: Vec<Option<&'static str>> = passages
        .iter()
        .zip(matrix.outer_iterator())
        .zip(&features.n_tokens)
        .map(|((p, row), &t)| {
            if p.boilerplate {
                Some(BOILERPLATE)
            } else if t < params.min_content_tokens || row.nnz() == 0 {
                Some(FEW_TOKENS)
            } else {
                None
            }
        })
        .collect();
    let content: Vec<usize> = (0..n).filter(|&i| reason[i].is_none()).collect();

    let mut out = Themes {
        assignment: vec![None; n],
        coords: vec![[0.0, 0.0]; n],
        ..Themes::default()
    };
    if content.len() < params.min_theme_size.max(2) {
        out.note = Some(format!(
            "{} passages with content (not boilerplate, at least {} content tokens): too few to cluster",
            content.len(),
            params.min_content_tokens
        ));
        out.other = other_group(passages, &reason);
        return Ok(out);
    }

    let langs: Vec<Lang> = content.iter().map(|&i| passages[i].lang).collect();
    let t0 = std::time::Instant::now();
    let mut sub = select_rows(&matrix, &content);
    weight_shared_terms(&mut sub, &langs, params.shared_term_weight);
    let rank = params.n_components.min((content.len() / 5).max(10));
    let lsa = randomized_svd(
        &sub,
        rank,
        params.oversampling,
        params.power_iterations,
        seed,
    )?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "themes: LSA");
    let mut x = lsa.embedding.clone();
    if params.center_by_language {
        center_by_language(&mut x, &langs);
    }
    normalize_rows(&mut x);

    let (mut clustering, silhouette, trace) = match params.k {
        Some(k) => (
            kmeans(&x, k.min(content.len()), params, seed)?,
            None,
            Vec::new(),
        ),
        None => choose_k(&x, params, seed)?,
    };
    if let Some(k) = params.k.filter(|&k| k > content.len()) {
        out.note = Some(format!(
            "themes.k = {k} but only {} passages with content: k = {}",
            content.len(),
            clustering.k
        ));
    }
    if params.refine_iterations > 0 {
        cluster::refine_sparse(
            &sub,
            &mut clustering.labels,
            clustering.k,
            params.refine_iterations,
        );
        clustering.centroids = cluster::centroids_of(&x, &clustering.labels, clustering.k);
    }
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        "themes: LSA and k-means"
    );
    out.silhouette = silhouette;
    out.silhouette_by_k = trace
        .into_iter()
        .map(|(k, s)| KScore { k, silhouette: s })
        .collect();

    // Clusters big enough to be themes, largest first (ties: earliest member).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clustering.k];
    for (row, &c) in clustering.labels.iter().enumerate() {
        members[c].push(row);
    }
    let mut order: Vec<usize> = (0..clustering.k)
        .filter(|&c| !members[c].is_empty())
        .collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(members[c].len()), members[c][0]));
    let mut kept = Vec::new();
    for c in order {
        if members[c].len() >= params.min_theme_size {
            kept.push(c);
        } else {
            for &row in &members[c] {
                reason[content[row]] = Some(SMALL_CLUSTER);
            }
        }
    }

    let mut class_of: Vec<Option<usize>> = vec![None; n];
    for (id, &c) in kept.iter().enumerate() {
        for &row in &members[c] {
            class_of[content[row]] = Some(id);
            out.assignment[content[row]] = Some(id as u32);
        }
    }
    let scores = ctfidf(&matrix, &class_of, kept.len());
    for (id, &c) in kept.iter().enumerate() {
        let l = label::label_one(
            &scores[id],
            &features.terms,
            params.top_terms,
            params.label_terms,
        );
        let reps = label::representatives(
            &x,
            &members[c],
            clustering.centroids.row(c),
            params.representatives,
        );
        let mut by_lang = BTreeMap::new();
        for &row in &members[c] {
            *by_lang.entry(passages[content[row]].lang).or_insert(0) += 1;
        }
        out.themes.push(Theme {
            id: id as u32,
            label: l.label,
            size: members[c].len(),
            passages_by_lang: by_lang,
            top_terms_en: l.top_en,
            top_terms_zh: l.top_zh,
            representative: reps
                .into_iter()
                .map(|row| PassageRef::from(passages[content[row]]))
                .collect(),
        });
    }
    out.k = out.themes.len();
    out.other = other_group(passages, &reason);

    // Map coordinates: every passage, set aside or not, projected on the
    // first two LSA axes.
    let all = lsa.project(&matrix);
    for (i, row) in all.axis_iter(Axis(0)).enumerate() {
        out.coords[i] = [
            row.get(0).copied().unwrap_or(0.0),
            row.get(1).copied().unwrap_or(0.0),
        ];
    }
    Ok(out)
}

fn other_group(passages: &[&Passage], reason: &[Option<&'static str>]) -> OtherGroup {
    let mut g = OtherGroup::default();
    for (p, r) in passages.iter().zip(reason) {
        if let Some(r) = r {
            g.size += 1;
            *g.passages_by_lang.entry(p.lang).or_insert(0) += 1;
            *g.by_reason.entry((*r).to_string()).or_insert(0) += 1;
        }
    }
    g
}

/// The listed rows of a CSR matrix, as a new CSR matrix.
fn select_rows(m: &sprs::CsMat<f64>, rows: &[usize]) -> sprs::CsMat<f64> {
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    let mut indices = Vec::new();
    let mut data = Vec::new();
    indptr.push(0);
    for &r in rows {
        if let Some(row) = m.outer_view(r) {
            for (j, &v) in row.iter() {
                indices.push(j);
                data.push(v);
            }
        }
        indptr.push(indices.len());
    }
    sprs::CsMat::new((rows.len(), m.cols()), indptr, indices, data)
}

/// Columns used by both English and Chinese rows (mixed-language rows do
/// not count), in column order.
pub fn shared_columns(m: &sprs::CsMat<f64>, langs: &[Lang]) -> Vec<bool> {
    let mut seen = vec![(false, false); m.cols()];
    for (row, &lang) in m.outer_iterator().zip(langs) {
        for (j, _) in row.iter() {
            match lang {
                Lang::En => seen[j].0 = true,
                Lang::Zh => seen[j].1 = true,
                Lang::Mixed => {}
            }
        }
    }
    seen.into_iter().map(|(en, zh)| en && zh).collect()
}

/// Multiply the columns shared by both languages by `w` and re-normalise
/// each row to unit length. A no-op when `w` is 1, no column is shared, or
/// the corpus is not really bilingual ([`crate::is_bilingual`]: four English
/// titles among 20,000 Chinese ones must not reweight the Chinese vocabulary
/// they happen to share).
fn weight_shared_terms(m: &mut sprs::CsMat<f64>, langs: &[Lang], w: f64) {
    let en = langs.iter().filter(|&&l| l == Lang::En).count();
    let zh = langs.iter().filter(|&&l| l == Lang::Zh).count();
    if w == 1.0 || !crate::is_bilingual(zh, en, langs.len()) {
        return;
    }
    let shared = shared_columns(m, langs);
    if !shared.iter().any(|&s| s) {
        return;
    }
    for mut row in m.outer_iterator_mut() {
        for (j, v) in row.iter_mut() {
            if shared[j] {
                *v *= w;
            }
        }
        let norm = row.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (_, v) in row.iter_mut() {
                *v /= norm;
            }
        }
    }
}

/// Subtract each language's mean row, when the rows span two or more
/// languages with at least two rows each; a language with a single row is
/// centred by the mean of all rows (its own mean would erase it).
fn center_by_language(x: &mut Array2<f64>, langs: &[Lang]) {
    let mut groups: BTreeMap<Lang, Vec<usize>> = BTreeMap::new();
    for (i, &l) in langs.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    if groups.values().filter(|g| g.len() >= 2).count() < 2 {
        return;
    }
    let overall = x
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    for rows in groups.values() {
        let mean = if rows.len() >= 2 {
            let mut mean = Array1::<f64>::zeros(x.ncols());
            for &i in rows {
                mean += &x.row(i);
            }
            mean / rows.len() as f64
        } else {
            overall.clone()
        };
        for &i in rows {
            let mut r = x.row_mut(i);
            r -= &mean;
        }
    }
}

#[cfg(test)]
mod tests;
