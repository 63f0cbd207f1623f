//! Per-passage stance -> aggregates per theme, document and date.
//!
//! Passages are taken in the order given (corpus order), sums are made in that
//! order and means rounded to three decimals, so a rerun on the same input
//! writes the same bytes.

use std::collections::BTreeMap;

use super::rules::round3;
use super::{Aggregate, PassageStance, StanceLabel, StanceSummary};
use crate::PassageRef;

/// One scored passage and its groups.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    pub passage: &'a PassageRef,
    /// Theme id, `None` for the other group.
    pub theme: Option<u32>,
    /// The document's date (`YYYY-MM-DD` or `YYYY-MM`), if known.
    pub date: Option<&'a str>,
    pub stance: &'a PassageStance,
}

#[derive(Default)]
struct Acc {
    sum: f64,
    agg: Aggregate,
}

type Groups = BTreeMap<String, BTreeMap<String, Acc>>;

fn add(
    groups: &mut Groups,
    target: &str,
    key: &str,
    p: &PassageRef,
    score: f64,
    label: StanceLabel,
) {
    let acc = groups
        .entry(target.to_string())
        .or_default()
        .entry(key.to_string())
        .or_default();
    acc.sum += score;
    acc.agg.n += 1;
    match label {
        StanceLabel::Favor => acc.agg.favor += 1,
        StanceLabel::Neutral => acc.agg.neutral += 1,
        StanceLabel::Against => acc.agg.against += 1,
    }
    acc.agg.passages.push(p.clone());
}

fn finish(groups: Groups) -> BTreeMap<String, BTreeMap<String, Aggregate>> {
    groups
        .into_iter()
        .map(|(t, g)| {
            let g = g
                .into_iter()
                .map(|(k, mut acc)| {
                    acc.agg.mean = round3(acc.sum / acc.agg.n.max(1) as f64);
                    (k, acc.agg)
                })
                .collect();
            (t, g)
        })
        .collect()
}

/// Aggregate stance toward each target (`targets`: id -> display name) over
/// the passages that concern it, grouped three ways.
pub fn aggregate<'a>(
    targets: BTreeMap<String, String>,
    passages: impl IntoIterator<Item = Scored<'a>>,
) -> StanceSummary {
    let (mut by_theme, mut by_document, mut by_date) =
        (Groups::new(), Groups::new(), Groups::new());
    for s in passages {
        let theme = s
            .theme
            .map_or_else(|| "other".to_string(), |t| t.to_string());
        let date = s.date.unwrap_or("undated");
        for (target, stance) in s.stance {
            let Some(ts) = stance else { continue };
            add(&mut by_theme, target, &theme, s.passage, ts.score, ts.label);
            add(
                &mut by_document,
                target,
                &s.passage.doc,
                s.passage,
                ts.score,
                ts.label,
            );
            add(&mut by_date, target, date, s.passage, ts.score, ts.label);
        }
    }
    StanceSummary {
        targets,
        by_theme: finish(by_theme),
        by_document: finish(by_document),
        by_date: finish(by_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::TargetStance;

    fn ts(score: f64, label: StanceLabel) -> Option<TargetStance> {
        Some(TargetStance {
            score,
            label,
            evidence: vec![],
        })
    }

    #[test]
    fn groups_means_counts_and_passages() {
        let p1 = PassageRef {
            doc: "a.txt".into(),
            line_start: 1,
            line_end: 1,
        };
        let p2 = PassageRef {
            doc: "b.txt".into(),
            line_start: 3,
            line_end: 3,
        };
        let s1: PassageStance = [
            ("openai".to_string(), ts(0.5, StanceLabel::Favor)),
            ("china".to_string(), None),
        ]
        .into();
        let s2: PassageStance = [
            ("openai".to_string(), ts(-0.2, StanceLabel::Against)),
            ("china".to_string(), ts(0.0, StanceLabel::Neutral)),
        ]
        .into();
        let targets: BTreeMap<String, String> = [
            ("openai".into(), "OpenAI".into()),
            ("china".into(), "Chinese models".into()),
        ]
        .into();
        let rows = [
            Scored {
                passage: &p1,
                theme: Some(2),
                date: Some("2023-05"),
                stance: &s1,
            },
            Scored {
                passage: &p2,
                theme: None,
                date: None,
                stance: &s2,
            },
        ];
        let sum = aggregate(targets.clone(), rows);
        assert_eq!(sum, aggregate(targets, rows), "deterministic");
        let o = &sum.by_date["openai"];
        assert_eq!(o["2023-05"].mean, 0.5);
        assert_eq!(o["undated"].against, 1);
        assert_eq!(sum.by_theme["openai"]["2"].passages, vec![p1.clone()]);
        assert_eq!(sum.by_theme["china"].keys().collect::<Vec<_>>(), ["other"]);
        assert_eq!(sum.by_document["china"]["b.txt"].n, 1);
        assert!(!sum.by_document["china"].contains_key("a.txt"));
    }
}
