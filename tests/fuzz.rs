//! Property tests (a fuzz suite that runs with `cargo test`): arbitrary bytes
//! through ingest and arbitrary text through the analyzers never panic, and
//! every token's offsets lie on character boundaries of its passage.

use std::sync::LazyLock;

use proptest::prelude::*;
use stancemap::featurize::{Featurizer, Params as FeaturizeParams};
use stancemap::ingest::{document_from_bytes, RawParams};

static FEATURIZER: LazyLock<Featurizer> =
    LazyLock::new(|| Featurizer::new(&FeaturizeParams::default()).unwrap());

/// Text that looks like the corpus: Han, Latin, digits, hyphens, punctuation
/// of both languages, odd whitespace, combining marks and full-width forms.
fn corpus_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("大模型".to_string()),
        Just("预训练".to_string()),
        Just("通义千问".to_string()),
        Just("GPT-4o".to_string()),
        Just("Llama 3.1".to_string()),
        Just("open-source".to_string()),
        Just("OpenAI’s".to_string()),
        Just("，。！？“”".to_string()),
        Just("\u{3000}\t\r\n".to_string()),
        Just("ＧＰＴ－５".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{FEFF}\u{200B}".to_string()),
        "[a-zA-Z0-9 .,'-]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn ingest_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), md in any::<bool>()) {
        let params = RawParams::default().check().unwrap();
        let id = if md { "x.md" } else { "x.txt" };
        if let Ok(doc) = document_from_bytes(id, &bytes, None, &params) {
            for p in &doc.passages {
                prop_assert!(p.line_start >= 1 && p.line_start <= p.line_end);
                prop_assert!(!p.text.is_empty());
                prop_assert_eq!(p.text.trim(), p.text.as_str());
            }
        }
    }

    #[test]
    fn ingest_of_text_keeps_every_line(text in corpus_like()) {
        let params = RawParams::default().check().unwrap();
        if let Ok(doc) = document_from_bytes("x.txt", text.as_bytes(), None, &params) {
            let lines: Vec<&str> = text.split('\n').collect();
            for p in &doc.passages {
                let line = lines[p.line_start as usize - 1];
                prop_assert_eq!(stancemap::ingest::normalize(line), p.text.clone());
            }
        }
    }

    #[test]
    fn analyzer_offsets_lie_on_char_boundaries(text in corpus_like()) {
        for (key, start, end) in FEATURIZER.analyze(&text) {
            prop_assert!(start < end && end <= text.len(), "{key} {start}..{end}");
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            prop_assert!(!key.is_empty());
        }
    }

    #[test]
    fn analyzer_never_panics_on_any_string(text in "\\PC{0,200}") {
        let _ = FEATURIZER.analyze(&text);
    }
}
