//! stancemap's command line: parse the arguments, call the library, turn
//! errors into one clear line and an exit code (0 success, 1 run failure,
//! 2 usage or config error, 3 lock held).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use stancemap::config::{Config, ConfigError, RawConfig, DEFAULT_CONFIG_FILE};
use stancemap::featurize::Featurizer;
use stancemap::ingest::DecodeError;
use stancemap::param::LoadError;
use stancemap::run::{self, RunError};
use stancemap::stance::StanceError;

/// `println!` that gives up quietly when stdout is closed (`stancemap ... | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

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
    /// The stance of one text toward each target, as JSON (as in passages.jsonl).
    Score {
        /// Only this target (an id from the config: openai, china, ...).
        #[arg(long, value_name = "ID")]
        target: Option<String>,
        /// The title of the document the text comes from (context: whether it
        /// is about AI, whom "the company" means).
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// A text file (UTF-8, UTF-16 with BOM or GB18030), or - for standard input (the default).
        #[arg(value_name = "FILE | -")]
        input: Option<PathBuf>,
    },
    /// Evaluate against labelled data (see README).
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Show the configuration.
    Config {
        /// Print the resolved configuration as TOML.
        #[arg(long)]
        print: bool,
    },
}

#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// Themes: cluster a labelled set and print NMI and ARI against its
    /// labels, or, on a parallel set (tatoeba), the share of translation
    /// pairs whose two sides land in the same theme, against chance.
    Themes {
        /// A data set folder under --data (thucnews_titles_cn, ag_news_en,
        /// bbc_news, tatoeba_cmn_eng_parallel), a folder with one JSONL file,
        /// or a JSONL file.
        dataset: String,
        /// The folder of labelled data sets.
        #[arg(long, value_name = "DIR", default_value = ".")]
        data: PathBuf,
        /// Number of themes (default: the set's number of classes; 20 for parallel sets).
        #[arg(long)]
        k: Option<usize>,
        /// Use only the first N rows.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Stance: macro-F1 on the labelled seed passages, a field set (--field),
    /// and with --data the general-news concern rates, out-of-domain stance
    /// (NLPCC 2016, TweetEval) and polarity (ChnSentiCorp, SST-2).
    Stance {
        /// The folder of labelled data sets (the shared `data` folder beside the repository).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// A field set (JSONL: id, url, title, date, site, lang, script, text, openai, china).
        #[arg(long, value_name = "FILE")]
        field: Option<PathBuf>,
        /// Where to write the field-set predictions.
        #[arg(long, value_name = "FILE")]
        field_predictions: Option<PathBuf>,
        /// The labelled development set.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "data/eval/stance_dev.jsonl"
        )]
        dev: PathBuf,
        /// Where to write the dev-set predictions (for benches/stance_baselines.py).
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(&cli.global);
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("stancemap: error: {}", error_chain(&failure));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Exit codes: 0 success, 1 the run (or an evaluation) failed, 2 usage,
/// config or input error, 3 another run holds the lock.
const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_LOCKED: u8 = 3;

/// Why a command failed: every error a command can end with, each mapped to
/// its exit code in one place ([`Failure::exit_code`]).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Run(#[from] RunError),
    /// Flags that cannot be used together or a value a flag does not take.
    #[error("{0}")]
    Usage(String),
    /// A file named on the command line that cannot be read (or is not a
    /// bounded regular file).
    #[error("{name}: {source}")]
    InputRead {
        name: String,
        #[source]
        source: stancemap::io_limits::ReadError,
    },
    #[error("{name}: {source}")]
    Decode {
        name: String,
        #[source]
        source: DecodeError,
    },
    #[error("standard input: {0}")]
    Stdin(#[source] std::io::Error),
    #[error(transparent)]
    Stance(#[from] StanceError),
    #[error(transparent)]
    ThemesEval(#[from] stancemap::themes::eval_run::ThemesEvalError),
    #[error(transparent)]
    StanceEval(#[from] stancemap::stance::eval::StanceEvalError),
    #[error("cannot print the configuration: {0}")]
    Print(String),
}

impl Failure {
    /// The one mapping from error to exit code.
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Config(_)
            | Failure::Load(_)
            | Failure::Usage(_)
            | Failure::InputRead { .. }
            | Failure::Decode { .. }
            | Failure::Stance(_) => EXIT_USAGE,
            // A corpus that is not there is the user's to fix, as is a word
            // list or lexicon the config names.
            Failure::Run(RunError::Load(_) | RunError::Ingest(_)) => EXIT_USAGE,
            Failure::Run(RunError::Locked { .. }) => EXIT_LOCKED,
            Failure::Run(RunError::Output { .. } | RunError::Themes(_) | RunError::Report(_))
            | Failure::Stdin(_)
            | Failure::ThemesEval(_)
            | Failure::StanceEval(_)
            | Failure::Print(_) => EXIT_FAILED,
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
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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
    let (raw, base) = match &g.config {
        Some(path) => (RawConfig::from_file(path)?, parent(path)),
        None if Path::new(DEFAULT_CONFIG_FILE).is_file() => (
            RawConfig::from_file(Path::new(DEFAULT_CONFIG_FILE))?,
            PathBuf::from("."),
        ),
        None => (RawConfig::default(), PathBuf::from(".")),
    };
    check_threads(g.threads)?;
    // Paths in the config file resolve against its folder; flags against
    // the working folder.
    let mut config = raw.check(&base)?;
    if let Some(c) = corpus {
        config.corpus = c;
    }
    if let Some(o) = out {
        config.output = o;
    }
    Ok(config)
}

/// The most worker threads `--threads` accepts.
const MAX_THREADS: usize = 256;

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn check_threads(n: Option<usize>) -> Result<(), Failure> {
    match n {
        Some(0) => Err(Failure::Usage(
            "--threads 0: give a number of threads, at least 1".into(),
        )),
        Some(n) if n > MAX_THREADS => Err(Failure::Usage(format!(
            "--threads {n}: at most {MAX_THREADS} (the default uses every core)"
        ))),
        _ => Ok(()),
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
    check_threads(g.threads)?;
    set_threads(g.threads);
    match cli.command.unwrap_or(Command::Run {
        corpus: CorpusArgs::default(),
        out: None,
    }) {
        Command::Run { corpus, out } => {
            let config = load_config(g, corpus.corpus, out)?;
            use std::io::IsTerminal;
            let options = run::RunOptions {
                progress: !g.quiet && std::io::stderr().is_terminal(),
            };
            let outcome = run::run(&config, options)?;
            print_run_summary(&config, &outcome);
            Ok(())
        }
        Command::Featurize { corpus } => {
            let config = load_config(g, corpus.corpus, None)?;
            featurize_command(&config)
        }
        Command::Score {
            target,
            title,
            input,
        } => {
            let config = load_config(g, None, None)?;
            let (name, bytes) = match input.as_deref() {
                None => ("standard input".to_string(), read_stdin()?),
                Some(p) if p == Path::new("-") => ("standard input".to_string(), read_stdin()?),
                Some(p) => (
                    p.display().to_string(),
                    stancemap::io_limits::read_bounded(p, 512 << 20).map_err(|source| {
                        Failure::InputRead {
                            name: p.display().to_string(),
                            source,
                        }
                    })?,
                ),
            };
            let text = stancemap::ingest::decode(&bytes)
                .map_err(|source| Failure::Decode { name, source })?
                .text;
            let value = stancemap::stance::score_command(
                &config.stance,
                target.as_deref(),
                title.as_deref(),
                &text,
            )?;
            say!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
            Ok(())
        }
        Command::Eval { what } => {
            let config = load_config(g, None, None)?;
            match what {
                EvalCommand::Themes {
                    dataset,
                    data,
                    k,
                    limit,
                } => {
                    use stancemap::themes::eval_run;
                    let path = eval_run::resolve(&dataset, &data)?;
                    let ds = eval_run::load(&path, limit)?;
                    let json = match &ds {
                        eval_run::Dataset::Labelled(l) => {
                            let k =
                                k.or(eval_run::default_k(&dataset, false)).ok_or_else(|| {
                                    Failure::Usage(format!(
                                        "{dataset}: give --k (the number of themes)"
                                    ))
                                })?;
                            let r = eval_run::evaluate_labelled(
                                l,
                                k,
                                &config.featurize,
                                &config.themes,
                                config.seed,
                            )?;
                            serde_json::to_string_pretty(&r)
                        }
                        eval_run::Dataset::Parallel(p) => {
                            let k = k.or(eval_run::default_k(&dataset, true)).unwrap_or(20);
                            let r = eval_run::evaluate_parallel(
                                p,
                                k,
                                &config.featurize,
                                &config.themes,
                                config.seed,
                            )?;
                            serde_json::to_string_pretty(&r)
                        }
                    };
                    say!("{}", json.unwrap_or_default());
                }
                EvalCommand::Stance {
                    data,
                    field,
                    field_predictions,
                    dev,
                    predictions,
                } => {
                    if let Some(field) = &field {
                        let report = stancemap::stance::eval::field_report(
                            &config.stance,
                            field,
                            field_predictions.as_deref(),
                        )?;
                        say!("{}", report.trim_end());
                    }
                    if field.is_none() || data.is_some() {
                        let corpus = stancemap::ingest::ingest(&config.corpus, &config.ingest)
                            .map_err(RunError::from)?;
                        let report = stancemap::stance::eval::report(
                            &config.stance,
                            &corpus,
                            &dev,
                            data.as_deref(),
                            predictions.as_deref(),
                        )?;
                        say!("{}", report.trim_end());
                    }
                }
            }
            Ok(())
        }
        Command::Config { print } => {
            let config = load_config(g, None, None)?;
            if !print {
                say!("stancemap config --print shows the resolved configuration (defaults, then the file, then flags).");
            } else {
                let mut value =
                    serde_json::to_value(&config).map_err(|e| Failure::Print(e.to_string()))?;
                drop_nulls(&mut value);
                let text =
                    toml::to_string_pretty(&value).map_err(|e| Failure::Print(e.to_string()))?;
                say!("{}", text.trim_end());
            }
            Ok(())
        }
    }
}

/// TOML has no null: unset optional values are left out.
fn drop_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn read_stdin() -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(Failure::Stdin)?;
    Ok(bytes)
}

fn print_run_summary(config: &Config, o: &run::RunOutcome) {
    let s = &o.corpus_summary;
    let langs: Vec<String> = s
        .passages_by_lang
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    say!(
        "stancemap: read {} documents from {}",
        s.documents,
        config.corpus.display()
    );
    say!(
        "  passages: {} ({}), {} flagged as boilerplate",
        s.passages,
        langs.join(", "),
        s.boilerplate
    );
    say!(
        "  vocabulary: {} terms over {} tokens",
        s.vocabulary,
        s.tokens
    );
    if o.skipped.is_empty() {
        say!("  skipped: none");
    } else {
        say!("  skipped: {}", o.skipped.len());
        for sk in &o.skipped {
            say!("    {}: {}", sk.path, sk.reason);
        }
    }
    say!(
        "  report: {} (latest -> {})",
        o.run_dir.display(),
        o.latest.display()
    );
}

fn featurize_command(config: &Config) -> Result<(), Failure> {
    let t0 = Instant::now();
    let featurizer = Featurizer::new(&config.featurize)?;
    let t_load = t0.elapsed().as_secs_f64();
    let o = run::featurize_corpus(config, &featurizer)?;
    let total = t0.elapsed().as_secs_f64();
    let s = &o.summary;
    let mb = |b: u64, t: f64| {
        if t > 0.0 {
            b as f64 / 1e6 / t
        } else {
            f64::INFINITY
        }
    };
    say!(
        "corpus:      {} ({} documents, {} skipped)",
        config.corpus.display(),
        s.documents,
        s.skipped
    );
    say!(
        "bytes:       {} in files, {} of passage text",
        s.bytes,
        o.text_bytes
    );
    for (l, n) in &s.passages_by_lang {
        say!("passages {:<5} {n}", format!("{l}:"));
    }
    say!(
        "vocabulary:  {} terms ({} keys before min_df/max_df)",
        s.vocabulary,
        o.features.n_keys_seen
    );
    say!("non-zeros:   {}", s.nonzeros);
    say!("threads:     {}", rayon::current_num_threads());
    say!("load:        {t_load:.3} s (word lists; jieba's dictionary loads during analyze)");
    say!(
        "analyze:     {:.3} s (read, decode, split, analyze: {:.1} MB/s of file bytes)",
        o.secs_analyze,
        mb(s.bytes, o.secs_analyze)
    );
    say!(
        "weigh:       {:.3} s (vocabulary, IDF, matrix)",
        o.secs_weigh
    );
    say!(
        "total:       {total:.3} s ({:.1} MB/s of file bytes)",
        mb(s.bytes, total)
    );
    if let Some(peak) = peak_memory_mb() {
        say!("peak memory: {peak:.0} MB");
    }
    for sk in &o.skipped {
        say!("skipped:     {}: {}", sk.path, sk.reason);
    }
    Ok(())
}

/// Have glibc give large freed buffers back to the OS. By default its mmap
/// threshold grows to the size of the largest buffer freed (up to 32 MB), so
/// after the first file is read, every later file buffer, decoded text and
/// count block comes from the heap and stays resident after it is freed:
/// on 80 MB of text that was 44 MB of a 231 MB peak. A fixed 1 MiB threshold
/// keeps the peak to what is live.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; it is called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// The process's peak resident memory, where the OS tells it (Linux).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
