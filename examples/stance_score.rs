//! Score text from the command line (quick checks): `cargo run --example stance_score -- "text"`.
use stancemap::stance::{Params, Scorer};

fn main() {
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
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
