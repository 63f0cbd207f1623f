//! Batch sizing: passages handed to the workers in batches of text.

#[allow(unused_imports)]
use super::*;

/// Passages are handed to the workers in batches of at most this many
/// bytes of text: small enough that a worker on a busy core takes fewer of
/// them, large enough that handing one out costs nothing. Unit tests use
/// small batches so that their corpora span many.
pub(crate) const BATCH_BYTES: usize = if cfg!(test) { 4 * 1024 } else { 256 * 1024 };

/// Toward the end of the corpus batches shrink to an eighth of what is left,
/// down to this size, so that the workers run out of text together instead
/// of one finishing a whole batch while the others wait (guided
/// scheduling). The bounds depend on the texts alone, not the thread count.
pub(crate) const MIN_BATCH_BYTES: usize = if cfg!(test) { 512 } else { 16 * 1024 };

/// Where each batch of passages starts, then `texts.len()`: batches of
/// [`BATCH_BYTES`], shrinking toward [`MIN_BATCH_BYTES`] at the end.
pub(crate) fn batch_bounds(texts: &[&str]) -> Vec<usize> {
    let mut left: usize = texts.iter().map(|t| t.len() + 1).sum();
    let size = |left: usize| (left / 8).clamp(MIN_BATCH_BYTES, BATCH_BYTES);
    let mut bounds = vec![0];
    let (mut bytes, mut target) = (0, size(left));
    for (i, t) in texts.iter().enumerate() {
        bytes += t.len() + 1;
        if bytes >= target {
            bounds.push(i + 1);
            left -= bytes;
            bytes = 0;
            target = size(left);
        }
    }
    if *bounds.last().unwrap_or(&0) != texts.len() {
        bounds.push(texts.len());
    }
    bounds
}
