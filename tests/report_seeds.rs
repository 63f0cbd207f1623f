//! `stancemap run` on the seeds writes the report: every chart whose stage
//! ran, as PNG and SVG, decoding at its size with ink in it; the pages link
//! them; the data files are there.

mod common;

use std::path::Path;

use common::*;

/// Charts and the data files of the stages they need.
const CHARTS: [(&str, &[&str]); 9] = [
    ("corpus", &[]),
    ("themes", &["themes.json"]),
    ("top_terms", &["themes.json"]),
    ("passage_map", &["themes.json"]),
    ("stance_by_theme", &["themes.json", "stance.json"]),
    ("stance_by_source", &["stance.json"]),
    ("stance_trend", &["stance.json"]),
    ("theme_share_time", &["themes.json"]),
    ("theme_share_source", &["themes.json"]),
];

fn png_size_and_ink(path: &Path) -> (u32, u32, usize, usize) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(file).read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let ch = info.color_type.samples();
    let px = &buf[..info.buffer_size()];
    let ink = px
        .chunks(ch)
        .filter(|p| p.iter().take(3).any(|&v| v < 235))
        .count();
    (info.width, info.height, ink, px.len() / ch)
}

#[test]
fn seeds_run_writes_charts_pages_and_data() {
    let out = tempfile::tempdir().expect("tmp");
    let o = stancemap(
        &["run", "--out", out.path().to_str().expect("utf-8 path")],
        &repo(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let latest = out.path().join("latest");
    for f in [
        "passages.jsonl",
        "passages.csv",
        "manifest.json",
        "index.html",
        "summary.md",
    ] {
        assert!(latest.join(f).is_file(), "{f} missing");
    }
    let html = std::fs::read_to_string(latest.join("index.html")).expect("index.html");
    let md = std::fs::read_to_string(latest.join("summary.md")).expect("summary.md");
    let mut drawn = 0;
    for (chart, needs) in CHARTS {
        if !needs.iter().all(|f| latest.join(f).exists()) {
            assert!(
                !latest.join("charts").join(format!("{chart}.png")).exists(),
                "{chart} drawn without its data"
            );
            continue;
        }
        drawn += 1;
        let png = latest.join("charts").join(format!("{chart}.png"));
        let (w, h, ink, all) = png_size_and_ink(&png);
        assert_eq!(w, 1200, "{chart} width");
        assert!((320..=2400).contains(&h), "{chart} height {h}");
        assert!(ink * 50 > all, "{chart}: nearly blank ({ink} of {all})");
        let svg = std::fs::read_to_string(latest.join("charts").join(format!("{chart}.svg")))
            .expect("svg");
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{chart}.svg: {e}"));
        assert_eq!(
            doc.root_element().attribute("width"),
            Some(w.to_string().as_str())
        );
        assert_eq!(
            doc.root_element().attribute("height"),
            Some(h.to_string().as_str())
        );
        assert!(
            html.contains(&format!("<figure id=\"{chart}\">")),
            "index.html lacks {chart}"
        );
        assert!(
            md.contains(&format!("](charts/{chart}.png)")),
            "summary.md lacks {chart}"
        );
    }
    assert!(drawn >= 1);
    assert!(
        html.contains("语料概览"),
        "Chinese title missing from the page"
    );
}
