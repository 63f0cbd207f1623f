//! Score text from the command line or stdin (quick checks, and what
//! `stancemap score` will print): `cargo run --example stance_score -- "text"`.
use std::io::Read;

use stancemap::stance::{Params, Scorer};

fn main() {
    let mut text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        let _ = std::io::stdin().read_to_string(&mut text);
    }
    let scorer = match Scorer::new(&Params::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let s = scorer.score(&text);
    println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
}
