//! The layering of `src/`, checked over every `use crate::...` statement.
//!
//! Data flows one way: ingest -> featurize -> themes -> stance -> report.
//! - A stage imports no composer (`config`, `run`): config is read once and
//!   handed down as each stage's validated params.
//! - A stage imports only the stages it consumes (below), never a later one:
//!   everything else passes through lib.rs's shared types (`crate::Passage`,
//!   `crate::Corpus`, ...), the parameter leaf `crate::param` and the shared
//!   text module `crate::text`.
//! - The leaves (`text`, `io_limits`, `param`) import nothing from the crate
//!   but the leaves before them in that order.
//! - The composers (`config`, `run`, `main`, `lib`) may import anything.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const STAGES: [&str; 5] = ["ingest", "featurize", "themes", "stance", "report"];
/// In order: a leaf may import only the leaves before it.
const LEAVES: [&str; 3] = ["text", "io_limits", "param"];
const COMPOSERS: [&str; 4] = ["config", "run", "main", "lib"];

/// The stages each stage reads the output of. The report is the sink: it
/// reads the themes and the stance (their output types), nothing else.
/// Stance takes themes' assignment as a plain slice, so it imports no stage.
fn consumes(stage: &str) -> &'static [&'static str] {
    match stage {
        "themes" => &["featurize"],
        "report" => &["themes", "stance"],
        _ => &[],
    }
}

/// Known exceptions, each with its reason. Keep this list short.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "src/themes/eval_run.rs",
    "ingest",
    "the themes evaluation harness labels each row's language with ingest's \
     rule; it is a composer (ingest + featurize + themes) kept beside themes",
)];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to: `src/featurize/mod.rs` ->
/// `featurize`, `src/param.rs` -> `param`, `src/bin/x.rs` -> `bin`.
fn module_of(rel: &Path) -> String {
    let mut parts = rel.iter().skip(1); // "src"
    let first = parts.next().expect("a path under src").to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The first path segment of every name a `use crate::...;` statement
/// imports: `use crate::{Lang, stance::Scorer};` -> `Lang`, `stance`.
fn imported_roots(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(at) = rest.find("use crate::") {
        let before = &rest[..at];
        let is_statement = before
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '{' || c == ';' || c == ')');
        let start = at + "use crate::".len();
        let end = rest[start..].find(';').map_or(rest.len(), |e| start + e);
        if is_statement {
            let line = source[..offset + at].lines().count().max(1);
            let body = rest[start..end].trim();
            let line = if source[..offset + at].ends_with('\n') {
                line + 1
            } else {
                line
            };
            for root in roots(body) {
                out.push((line, root));
            }
        }
        offset += end;
        rest = &rest[end..];
    }
    out
}

fn roots(body: &str) -> Vec<String> {
    let body = body.trim();
    if let Some(inner) = body.strip_prefix('{') {
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        // Split at top-level commas.
        let (mut depth, mut from, mut v) = (0, 0, Vec::new());
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    v.extend(first_segment(&inner[from..i]));
                    from = i + 1;
                }
                _ => {}
            }
        }
        v.extend(first_segment(&inner[from..]));
        v
    } else {
        first_segment(body).into_iter().collect()
    }
}

fn first_segment(path: &str) -> Option<String> {
    let seg: String = path
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!seg.is_empty() && seg != "self").then_some(seg)
}

/// Every violation, as `file:line: module imports crate::x (why not)`.
fn violations(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let modules: BTreeSet<&str> = STAGES
        .iter()
        .chain(&LEAVES)
        .chain(&COMPOSERS)
        .copied()
        .collect();
    let mut out = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).expect("under the root");
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        let module = module_of(rel);
        let source = std::fs::read_to_string(&path).expect("read source");
        for (line, imported) in imported_roots(&source) {
            if imported == module || !modules.contains(imported.as_str()) {
                // Its own module, or a shared type of lib.rs.
                continue;
            }
            if EXCEPTIONS
                .iter()
                .any(|(f, m, _)| *f == rel_s && *m == imported)
            {
                continue;
            }
            let why = if COMPOSERS.contains(&module.as_str()) {
                continue;
            } else if let Some(at) = LEAVES.iter().position(|l| *l == module) {
                if LEAVES[..at].contains(&imported.as_str()) {
                    continue;
                }
                "a leaf imports nothing from the crate but the leaves before it".to_string()
            } else if LEAVES.contains(&imported.as_str()) {
                continue;
            } else if COMPOSERS.contains(&imported.as_str()) {
                format!("a stage never imports the composer `{imported}`")
            } else {
                let pos = |m: &str| STAGES.iter().position(|s| *s == m);
                match (pos(&module), pos(&imported)) {
                    (Some(_), Some(_)) if consumes(&module).contains(&imported.as_str()) => {
                        continue
                    }
                    (Some(a), Some(b)) if b > a => {
                        format!("`{imported}` is a later stage than `{module}`")
                    }
                    (Some(_), Some(_)) => format!(
                        "`{module}` consumes only {:?}; pass the data through lib.rs's shared types",
                        consumes(&module)
                    ),
                    _ => format!("`{module}` is not a known module of the layering"),
                }
            };
            out.push(format!(
                "{rel_s}:{line}: `{module}` imports crate::{imported}: {why}"
            ));
        }
    }
    out
}

#[test]
fn stages_import_only_what_they_consume() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let v = violations(root);
    assert!(
        v.is_empty(),
        "{} layering violation(s):\n{}",
        v.len(),
        v.join("\n")
    );
}

#[test]
fn every_module_is_placed_in_the_layering() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let known: BTreeSet<&str> = STAGES
        .iter()
        .chain(&LEAVES)
        .chain(&COMPOSERS)
        .copied()
        .collect();
    let unplaced: BTreeSet<String> = files
        .iter()
        .map(|p| module_of(p.strip_prefix(root).unwrap()))
        .filter(|m| !known.contains(m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules not placed in tests/layering.rs: {unplaced:?}"
    );
}

#[test]
fn the_checker_sees_each_kind_of_violation() {
    let src = "use crate::config::{invalid, ConfigError};\n\
               use crate::{Lang, report::View};\n\
               pub use crate::text::is_han;\n\
               fn f() { use crate::stance::Scorer; }\n";
    let got: Vec<(usize, String)> = imported_roots(src);
    assert_eq!(
        got,
        [
            (1, "config".to_string()),
            (2, "Lang".to_string()),
            (2, "report".to_string()),
            (3, "text".to_string()),
            (4, "stance".to_string()),
        ]
    );
    // A scratch tree with one stage importing config and a later stage.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/featurize")).unwrap();
    std::fs::write(
        dir.path().join("src/featurize/mod.rs"),
        "use crate::config::Config;\nuse crate::themes::Themes;\nuse crate::{text, Passage};\n",
    )
    .unwrap();
    let v = violations(dir.path());
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].contains("src/featurize/mod.rs:1") && v[0].contains("composer `config`"));
    assert!(v[1].contains(":2") && v[1].contains("later stage"));
}
