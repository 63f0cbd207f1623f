//! The worker pool: one worker per thread, each taking the next job.

#[allow(unused_imports)]
use super::*;

/// Jobs `0..n` over one worker per thread: each worker takes the next job
/// until none is left (so a worker on a busy core simply takes fewer) and
/// keeps its own state, which is returned, one per worker.
pub fn in_workers<S: Default + Send>(n: usize, job: impl Fn(&mut S, usize) + Sync) -> Vec<S> {
    let next = AtomicUsize::new(0);
    (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| {
            let mut state = S::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                job(&mut state, i);
            }
            state
        })
        .collect()
}
