//! Evaluation (stub; filled below).
