#!/usr/bin/env python3
"""VADER and SnowNLP on the same passages as stancemap's stance evaluation.

    python3 -m venv .venv && .venv/bin/pip install -r benches/requirements-stance.txt
    mkdir -p target/stance_eval && cargo run --release -- eval stance --data DATA_DIR \
        --predictions target/stance_eval/dev_predictions.jsonl
    .venv/bin/python benches/stance_baselines.py [DATA_DIR] [target/stance_eval/dev_predictions.jsonl]

Whole-passage sentiment -> per-target stance, the only mapping these tools allow:
every target the passage concerns gets the passage's sentiment. "Concerns" is
taken from stancemap's alias detection (the `pred` column of the predictions
file is not `none`), so all three systems are scored on the same
(passage, target) pairs and differ only in the polarity they assign.
Labels: VADER compound >= 0.05 favor, <= -0.05 against, else neutral (VADER's
own thresholds); SnowNLP sentiments >= 0.6 favor, <= 0.4 against, else neutral.
"VADER+SnowNLP" uses VADER on English and mixed passages and SnowNLP on Chinese.
Metrics are the ones src/stance/eval.rs computes (see docs/stance-labelling.md).
"""
import json
import os
import sys

from snownlp import SnowNLP
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

CLASSES = ["favor", "neutral", "against", "none"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
PREDS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "stance_eval", "dev_predictions.jsonl")

vader = SentimentIntensityAnalyzer()


def vader_label(text):
    c = vader.polarity_scores(text)["compound"]
    return "favor" if c >= 0.05 else "against" if c <= -0.05 else "neutral"


def snow_score(text):
    try:
        return SnowNLP(text).sentiments
    except Exception:  # SnowNLP fails on some inputs (no Chinese, empty)
        return 0.5


def snow_label(text):
    s = snow_score(text)
    return "favor" if s >= 0.6 else "against" if s <= 0.4 else "neutral"


def f1(conf, c):
    i = CLASSES.index(c)
    tp = conf[i][i]
    pred = sum(conf[g][i] for g in range(4))
    gold = sum(conf[i])
    return 0.0 if pred + gold == 0 else 2 * tp / (pred + gold)


def macro(conf, classes):
    return sum(f1(conf, c) for c in classes) / len(classes)


def new_conf():
    return [[0] * 4 for _ in range(4)]


def add(conf, gold, pred):
    conf[CLASSES.index(gold)][CLASSES.index(pred)] += 1


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def dev():
    rows = read_jsonl(PREDS)
    systems = {
        "stancemap": lambda r, t: r["pred"][t],
        "VADER": lambda r, t: r["_vader"],
        "SnowNLP": lambda r, t: r["_snow"],
        "VADER+SnowNLP": lambda r, t: r["_snow"] if r["lang"] == "zh" else r["_vader"],
    }
    for r in rows:
        r["_vader"] = vader_label(r["text"])
        r["_snow"] = snow_label(r["text"])
    targets = sorted(rows[0]["gold"])
    for oracle in (False, True):
        which = "gold concern (oracle)" if oracle else "stancemap's concern detection"
        print(f"\n## Dev set ({len(rows)} passages), macro-F1 (favor/neutral/against); concern: {which}")
        print("| system | " + " | ".join(f"{t}" for t in targets) + " |")
        print("| --- |" + " --- |" * len(targets))
        for name, fn in systems.items():
            cells = []
            for t in targets:
                conf = new_conf()
                for r in rows:
                    concerned = r["gold"][t] != "none" if oracle else r["pred"][t] != "none"
                    label = fn(r, t) if concerned else "none"
                    if label == "none" and concerned:
                        label = "neutral"  # stancemap found no alias: no stance
                    add(conf, r["gold"][t], label)
                cells.append(f"{macro(conf, ['favor', 'neutral', 'against']):.3f}")
            print(f"| {name} | " + " | ".join(cells) + " |")


def ood():
    print("\n## Out of domain: stance (every text concerns its target)")
    print("| dataset | system | n | F_avg (favor, against) | macro-F1 (favor/none/against) |")
    print("| --- | --- | --- | --- | --- |")
    for d, fn, name in [
        ("nlpcc2016_stance_cn", "nlpcc2016_taskA_stance.jsonl", "NLPCC 2016 task A (zh)"),
        ("tweeteval_stance_en", "tweeteval_stance.jsonl", "TweetEval stance (en)"),
    ]:
        path = os.path.join(DATA, d, fn)
        if not os.path.exists(path):
            print(f"| {name} | skipped: no {path} | | | |")
            continue
        rows = [r for r in read_jsonl(path) if r["stance"].lower() in ("favor", "against", "none")]
        for sysname, lab in [("VADER", vader_label), ("SnowNLP", snow_label)]:
            conf = new_conf()
            for r in rows:
                g = r["stance"].lower()
                g = "neutral" if g == "none" else g
                add(conf, g, lab(r["text"]))
            print(f"| {name} | {sysname} | {len(rows)} | {macro(conf, ['favor', 'against']):.3f} | "
                  f"{macro(conf, ['favor', 'neutral', 'against']):.3f} |")


def polarity():
    print("\n## Out of domain: polarity (VADER compound >= 0 / SnowNLP >= 0.5 is positive)")
    print("| dataset | system | n | accuracy | macro-F1 |")
    print("| --- | --- | --- | --- | --- |")
    for d, fn, name, split in [
        ("chnsenticorp_htl_cn", "ChnSentiCorp_htl_all.jsonl", "ChnSentiCorp htl (zh)", None),
        ("sst2_en", "sst2.jsonl", "SST-2 glue_dev (en)", "glue_dev"),
    ]:
        path = os.path.join(DATA, d, fn)
        if not os.path.exists(path):
            print(f"| {name} | skipped | | | |")
            continue
        rows = [r for r in read_jsonl(path) if split is None or r.get("split") == split]
        for sysname, pos in [
            ("VADER", lambda t: vader.polarity_scores(t)["compound"] >= 0),
            ("SnowNLP", lambda t: snow_score(t) >= 0.5),
        ]:
            conf = new_conf()
            for r in rows:
                g = "favor" if r["label"] in ("pos", "positive") else "against"
                add(conf, g, "favor" if pos(r["text"]) else "against")
            n = sum(map(sum, conf))
            acc = (conf[0][0] + conf[2][2]) / n
            print(f"| {name} | {sysname} | {n} | {acc:.3f} | {macro(conf, ['favor', 'against']):.3f} |")


if __name__ == "__main__":
    dev()
    if "--dev-only" not in sys.argv:
        ood()
        polarity()
