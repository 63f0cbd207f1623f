//! The `[themes]` section: written as [`RawParams`] (every key optional),
//! validated once into [`Params`] by [`RawParams::check`]. The stage never
//! re-checks.

use serde::{Deserialize, Serialize};

use crate::param::{invalid, ranged, ParamError};

/// The `[themes]` section as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// A fixed number of themes; when absent, k is chosen from
    /// `k_min..=k_max` by silhouette.
    pub k: Option<i64>,
    pub k_min: Option<i64>,
    pub k_max: Option<i64>,
    /// Dimensions of the LSA space, at most: a fifth of the clustered
    /// passages (at least 10) caps it, so that a small corpus keeps only its
    /// main directions instead of nearly all of them.
    pub n_components: Option<i64>,
    /// Power iterations of the randomized SVD.
    pub power_iterations: Option<i64>,
    /// Extra random directions of the randomized SVD.
    pub oversampling: Option<i64>,
    /// k-means initialisations (k-means++), the best by inertia is kept.
    pub n_init: Option<i64>,
    pub max_iter: Option<i64>,
    /// k-means stops when the squared centroid shift is below this share of
    /// the mean column variance (scikit-learn's convention).
    pub tolerance: Option<f64>,
    /// Passages with fewer content tokens go to the other group.
    pub min_content_tokens: Option<i64>,
    /// Clusters smaller than this go to the other group.
    pub min_theme_size: Option<i64>,
    /// k-means initialisations run on a sample of at most this many
    /// passages, the best then refined on all.
    pub fit_sample: Option<i64>,
    /// Silhouette is quadratic: computed on at most this many passages.
    pub silhouette_sample: Option<i64>,
    /// Top terms kept per theme and language.
    pub top_terms: Option<i64>,
    /// Terms in a theme's short label.
    pub label_terms: Option<i64>,
    /// Representative passages per theme.
    pub representatives: Option<i64>,
    /// Weight of the features used in both English and Chinese passages,
    /// before the LSA (1 = none).
    pub shared_term_weight: Option<f64>,
    /// Subtract each language's mean LSA vector before k-means.
    pub center_by_language: Option<bool>,
    /// Spherical k-means steps on the TF-IDF rows after k-means in LSA space.
    pub refine_iterations: Option<i64>,
}

/// The validated `[themes]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    pub k: Option<usize>,
    pub k_min: usize,
    pub k_max: usize,
    pub n_components: usize,
    pub power_iterations: usize,
    pub oversampling: usize,
    pub n_init: usize,
    pub max_iter: u64,
    pub tolerance: f64,
    pub min_content_tokens: u32,
    pub min_theme_size: usize,
    pub fit_sample: usize,
    pub silhouette_sample: usize,
    pub top_terms: usize,
    pub label_terms: usize,
    pub representatives: usize,
    pub shared_term_weight: f64,
    pub center_by_language: bool,
    pub refine_iterations: usize,
}

impl Default for Params {
    fn default() -> Self {
        // The defaults are the checked empty section: one source of truth.
        match RawParams::default().check() {
            Ok(p) => p,
            Err(e) => unreachable!("default [themes] section is invalid: {e}"),
        }
    }
}

impl RawParams {
    pub fn check(self) -> Result<Params, ParamError> {
        let k = match self.k {
            None => None,
            Some(k) => Some(ranged("themes.k", Some(k), 0, 1, 1000)?),
        };
        let k_min = ranged("themes.k_min", self.k_min, 3, 2, 1000)?;
        let k_max = ranged("themes.k_max", self.k_max, 12, 2, 1000)?;
        if k_max < k_min {
            return Err(invalid(
                "themes.k_max",
                k_max,
                format!("at least themes.k_min ({k_min})"),
            ));
        }
        let tolerance = self.tolerance.unwrap_or(1e-4);
        if !(tolerance.is_finite() && tolerance > 0.0 && tolerance < 1.0) {
            return Err(invalid(
                "themes.tolerance",
                tolerance,
                "a number above 0 and below 1",
            ));
        }
        let shared_term_weight = self.shared_term_weight.unwrap_or(3.0);
        if !(shared_term_weight.is_finite() && (0.1..=100.0).contains(&shared_term_weight)) {
            return Err(invalid(
                "themes.shared_term_weight",
                shared_term_weight,
                "a number from 0.1 to 100 (1 = no weighting)",
            ));
        }
        Ok(Params {
            k,
            k_min,
            k_max,
            n_components: ranged("themes.n_components", self.n_components, 100, 2, 1000)?,
            power_iterations: ranged("themes.power_iterations", self.power_iterations, 10, 0, 50)?,
            oversampling: ranged("themes.oversampling", self.oversampling, 10, 0, 1000)?,
            n_init: ranged("themes.n_init", self.n_init, 10, 1, 1000)?,
            max_iter: ranged("themes.max_iter", self.max_iter, 300, 1, 100_000)?,
            tolerance,
            min_content_tokens: ranged(
                "themes.min_content_tokens",
                self.min_content_tokens,
                5,
                0,
                1000,
            )?,
            min_theme_size: ranged(
                "themes.min_theme_size",
                self.min_theme_size,
                3,
                1,
                1_000_000,
            )?,
            fit_sample: ranged(
                "themes.fit_sample",
                self.fit_sample,
                20_000,
                100,
                100_000_000,
            )?,
            silhouette_sample: ranged(
                "themes.silhouette_sample",
                self.silhouette_sample,
                2000,
                10,
                1_000_000,
            )?,
            top_terms: ranged("themes.top_terms", self.top_terms, 10, 1, 1000)?,
            label_terms: ranged("themes.label_terms", self.label_terms, 3, 1, 10)?,
            representatives: ranged("themes.representatives", self.representatives, 3, 0, 100)?,
            shared_term_weight,
            center_by_language: self.center_by_language.unwrap_or(false),
            refine_iterations: ranged(
                "themes.refine_iterations",
                self.refine_iterations,
                10,
                0,
                1000,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Params, ParamError> {
        let raw: RawParams =
            toml::from_str(s).map_err(|e| crate::param::invalid("toml", e, "valid"))?;
        raw.check()
    }

    #[test]
    fn defaults_are_valid() {
        let p = Params::default();
        assert_eq!(p.k, None);
        assert_eq!((p.k_min, p.k_max), (3, 12));
        assert_eq!(p.n_components, 100);
    }

    #[test]
    fn fixed_k_parses() {
        assert_eq!(parse("k = 5").map(|p| p.k).ok(), Some(Some(5)));
    }

    #[test]
    fn each_bad_value_is_named() {
        for (text, key) in [
            ("k = 0", "themes.k"),
            ("k_min = 1", "themes.k_min"),
            ("k_min = 8\nk_max = 4", "themes.k_max"),
            ("n_components = 1", "themes.n_components"),
            ("n_init = 0", "themes.n_init"),
            ("max_iter = 0", "themes.max_iter"),
            ("tolerance = 0.0", "themes.tolerance"),
            ("tolerance = nan", "themes.tolerance"),
            ("min_content_tokens = -1", "themes.min_content_tokens"),
            ("min_theme_size = 0", "themes.min_theme_size"),
            ("silhouette_sample = 3", "themes.silhouette_sample"),
            ("fit_sample = 5", "themes.fit_sample"),
            ("top_terms = 0", "themes.top_terms"),
            ("label_terms = 11", "themes.label_terms"),
            ("shared_term_weight = 0.0", "themes.shared_term_weight"),
        ] {
            match parse(text) {
                Err(ParamError::Invalid { key: k, .. }) => assert_eq!(k, key, "{text}"),
                other => panic!("{text}: expected an invalid {key}, got {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_key_is_rejected() {
        assert!(toml::from_str::<RawParams>("kk = 3").is_err());
    }
}
