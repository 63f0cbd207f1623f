//! stancemap's command line: parse the arguments, call the library, turn
//! errors into one clear line and an exit code (0 success, 1 run failure,
//! 2 usage or config error, 3 lock held).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use stancemap::config::{Config, ConfigError, RawConfig, DEFAULT_CONFIG_FILE};
use stancemap::featurize::Featurizer;
use stancemap::run::{self, RunError};

#[derive(Parser, Debug)]
#[command(
    name = "stancemap",
    version,
    about = "Themes and stance toward OpenAI and Chinese models across English and Chinese articles"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Debug)]
struct Global {
    /// Config file (TOML). Default: ./stancemap.toml when it exists.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,
    /// More log lines (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
}

#[derive(Args, Debug, Default)]
struct CorpusArgs {
    /// Corpus folder (default: seeds, or `corpus` in the config).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The nightly job: themes and stance over the corpus, report into OUT/<run-id>/ and OUT/latest.
    Run {
        #[command(flatten)]
        corpus: CorpusArgs,
        /// Output folder (default: reports, or `output` in the config).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Ingest and featurize only, and print the throughput: a quick benchmark on your own corpus.
    Featurize {
        #[command(flatten)]
        corpus: CorpusArgs,
    },
    /// Show the configuration.
    Config {
        /// Print the resolved configuration as TOML.
        #[arg(long)]
        print: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(&cli.global);
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { message, code }) => {
            eprintln!("stancemap: error: {message}");
            ExitCode::from(code)
        }
    }
}

struct Failure {
    message: String,
    code: u8,
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        Failure {
            code: e.exit_code() as u8,
            message: error_chain(&e),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure {
            code: 2,
            message: e.to_string(),
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn init_logging(g: &Global) {
    let level = if g.quiet {
        "error"
    } else {
        match g.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("stancemap={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Read the config file (explicit, or ./stancemap.toml if present), apply the
/// flags, validate once.
fn load_config(
    g: &Global,
    corpus: Option<PathBuf>,
    out: Option<PathBuf>,
) -> Result<Config, Failure> {
    let (mut raw, base) = match &g.config {
        Some(path) => (RawConfig::from_file(path)?, parent(path)),
        None if Path::new(DEFAULT_CONFIG_FILE).is_file() => (
            RawConfig::from_file(Path::new(DEFAULT_CONFIG_FILE))?,
            PathBuf::from("."),
        ),
        None => (RawConfig::default(), PathBuf::from(".")),
    };
    if let Some(c) = corpus {
        raw.corpus = Some(c);
    }
    if let Some(o) = out {
        raw.output = Some(o);
    }
    if g.threads == Some(0) {
        return Err(Failure {
            code: 2,
            message: "--threads 0: give a number of threads, at least 1".into(),
        });
    }
    Ok(raw.check(&base)?)
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn set_threads(n: Option<usize>) {
    if let Some(n) = n {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
}

fn execute(cli: Cli) -> Result<(), Failure> {
    let g = &cli.global;
    set_threads(g.threads);
    match cli.command.unwrap_or(Command::Run {
        corpus: CorpusArgs::default(),
        out: None,
    }) {
        Command::Run { corpus, out } => {
            let config = load_config(g, corpus.corpus, out)?;
            let outcome = run::run(&config)?;
            print_run_summary(&config, &outcome);
            Ok(())
        }
        Command::Featurize { corpus } => {
            let config = load_config(g, corpus.corpus, None)?;
            featurize_command(&config)
        }
        Command::Config { print } => {
            let config = load_config(g, None, None)?;
            if !print {
                println!("stancemap config --print shows the resolved configuration (defaults, then the file, then flags).");
            } else {
                let value = serde_json::to_value(&config).map_err(|e| Failure {
                    code: 1,
                    message: e.to_string(),
                })?;
                let text = toml::to_string_pretty(&value).map_err(|e| Failure {
                    code: 1,
                    message: e.to_string(),
                })?;
                print!("{text}");
            }
            Ok(())
        }
    }
}

fn print_run_summary(config: &Config, o: &run::RunOutcome) {
    let s = &o.corpus_summary;
    let langs: Vec<String> = s
        .passages_by_lang
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    println!(
        "stancemap: read {} documents from {}",
        s.documents,
        config.corpus.display()
    );
    println!(
        "  passages: {} ({}), {} flagged as boilerplate",
        s.passages,
        langs.join(", "),
        s.boilerplate
    );
    println!(
        "  vocabulary: {} terms over {} tokens",
        s.vocabulary, s.tokens
    );
    if o.skipped.is_empty() {
        println!("  skipped: none");
    } else {
        println!("  skipped: {}", o.skipped.len());
        for sk in &o.skipped {
            println!("    {}: {}", sk.path, sk.reason);
        }
    }
    println!(
        "  report: {} (latest -> {})",
        o.run_dir.display(),
        o.latest.display()
    );
}

fn featurize_command(config: &Config) -> Result<(), Failure> {
    let featurizer = Featurizer::new(&config.featurize)?;
    let t0 = Instant::now();
    let corpus =
        stancemap::ingest::ingest(&config.corpus, &config.ingest).map_err(RunError::from)?;
    let t_ingest = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let features = run::featurize_passages(&corpus, &featurizer);
    let t_feat = t1.elapsed().as_secs_f64();
    let s = run::CorpusSummary::new(&corpus, &features);
    let text_bytes: usize = corpus.passages().map(|p| p.text.len()).sum();
    let mb = |b: f64, t: f64| if t > 0.0 { b / 1e6 / t } else { f64::INFINITY };
    println!(
        "corpus:      {} ({} documents, {} skipped)",
        config.corpus.display(),
        s.documents,
        s.skipped
    );
    println!(
        "bytes:       {} in files, {} of passage text",
        s.bytes, text_bytes
    );
    for (l, n) in &s.passages_by_lang {
        println!("passages {:<5} {n}", format!("{l}:"));
    }
    println!(
        "vocabulary:  {} terms ({} keys before min_df/max_df)",
        s.vocabulary, features.n_keys_seen
    );
    println!("non-zeros:   {}", s.nonzeros);
    println!("threads:     {}", rayon::current_num_threads());
    println!(
        "ingest:      {t_ingest:.3} s ({:.1} MB/s of file bytes)",
        mb(s.bytes as f64, t_ingest)
    );
    println!(
        "featurize:   {t_feat:.3} s ({:.1} MB/s of passage text)",
        mb(text_bytes as f64, t_feat)
    );
    for sk in &corpus.skipped {
        println!("skipped:     {}: {}", sk.path, sk.reason);
    }
    Ok(())
}
