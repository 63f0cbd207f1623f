//! `stancemap.toml` documents every key of every section with its default:
//! with every documented key uncommented it is a valid config, and it names
//! every key the resolved configuration has.

use std::collections::BTreeSet;
use std::path::Path;

use stancemap::config::RawConfig;

/// The file with each `# key = value` line uncommented (the example
/// `[[stance.targets]]` table, after a `# [[` line, stays commented).
fn uncommented(text: &str) -> (String, BTreeSet<String>) {
    let (mut out, mut keys) = (String::new(), BTreeSet::new());
    let (mut section, mut in_example) = (String::new(), false);
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            in_example = false;
        }
        if line.starts_with("# [[") {
            in_example = true;
        }
        let key: String = line
            .strip_prefix("# ")
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let is_key = !key.is_empty() && line[2 + key.len()..].starts_with(" = ");
        if is_key && !in_example {
            keys.insert(if section.is_empty() {
                key
            } else {
                format!("{section}.{key}")
            });
            out.push_str(&line[2..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (out, keys)
}

#[test]
fn every_documented_key_is_valid_and_every_key_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("stancemap.toml")).unwrap();
    let (toml_text, documented) = uncommented(&text);
    let raw = RawConfig::from_toml(&toml_text, Path::new("stancemap.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{toml_text}"));
    let config = raw
        .check(root)
        .unwrap_or_else(|e| panic!("the documented values are not valid: {e}"));
    let value = serde_json::to_value(&config).unwrap();
    let mut resolved = BTreeSet::new();
    for (k, v) in value.as_object().unwrap() {
        match v.as_object() {
            Some(section) => resolved.extend(section.keys().map(|s| format!("{k}.{s}"))),
            None => {
                resolved.insert(k.clone());
            }
        }
    }
    // Targets are documented as the example table.
    resolved.remove("stance.targets");
    let missing: Vec<_> = resolved.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "keys of the configuration not documented in stancemap.toml: {missing:?}"
    );
    assert!(documented.len() > 40, "{documented:?}");
}

#[test]
fn report_terms_shown_reads_its_old_name_too() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (text, n) in [
        ("[report]\nterms_shown = 5\n", 5),
        ("[report]\ntop_terms = 6\n", 6),
    ] {
        let c = RawConfig::from_toml(text, Path::new("t.toml"))
            .unwrap()
            .check(base)
            .unwrap();
        assert_eq!(c.report.top_terms, n, "{text}");
    }
    let e = RawConfig::from_toml("[report]\nterms_shown = 0\n", Path::new("t.toml"))
        .unwrap()
        .check(base)
        .unwrap_err();
    assert!(e.to_string().contains("report.terms_shown"), "{e}");
}
