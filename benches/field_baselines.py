#!/usr/bin/env python3
"""Sentiment baselines (VADER, SnowNLP) on the field stance set, the same (passage, target) pairs
stancemap is scored on.

    python3 -m venv /tmp/fieldvenv && /tmp/fieldvenv/bin/pip install -r benches/requirements-field.txt
    /tmp/fieldvenv/bin/python benches/field_baselines.py data/eval/field/dev.jsonl [--json OUT]

Input: a field file in the format of data/eval/field/README.md (one JSON object a line with
`lang`, `script`, `text`, and the gold labels `openai` and `china`, each favor / neutral /
against / none).

Mapping, as benches/stance_baselines.py does for the seed dev set: whole-passage sentiment ->
per-target stance. Every target the passage concerns gets the passage's sentiment: VADER
compound >= 0.05 favor, <= -0.05 against, else neutral (VADER's own thresholds); SnowNLP
sentiments >= 0.6 favor, <= 0.4 against, else neutral. Systems:

  VADER            VADER on every passage
  SnowNLP          SnowNLP on every passage (text as given, traditional script included)
  VADER+SnowNLP    VADER on English passages, SnowNLP on Chinese ones (the issue's baseline)
  VADER+SnowNLP(t2s)  the same, Chinese converted to simplified first with SnowNLP's own `.han`
  ... /sentences   the same sentiment, computed only over the sentences that name the target
                   (the whole passage when none does)

Two ways to decide which targets a passage concerns, as in benches/stance_baselines.py:

  gold concern (oracle)   the gold label is not `none`; a concerned passage always gets a stance
  names the target        the passage matches the target's alias list below (no scorer is run:
                          this replaces stancemap's alias detection that the seed script reads
                          from a predictions file, so the baseline stands on its own); a
                          concerned passage the aliases miss counts as a false negative of its
                          gold class, a `none` passage they hit as a false positive

Metrics are those of src/stance/eval.rs (docs/stance-labelling.md): the confusion matrix
over favor / neutral / against / none, macro-F1 = mean F1 of favor, neutral and against.
Printed per target, overall and per language and per script.
"""
import json
import re
import sys

from snownlp import SnowNLP
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

CLASSES = ["favor", "neutral", "against", "none"]
STANCES = ["favor", "neutral", "against"]
TARGETS = ["openai", "china"]
SUBSETS = [
    ("all", lambda r: True),
    ("en", lambda r: r["lang"] == "en"),
    ("zh", lambda r: r["lang"] == "zh"),
    ("zh-hans", lambda r: r["script"] == "hans"),
    ("zh-hant", lambda r: r["script"] == "hant"),
]

# "Names the target": a plain alias list, deliberately naive (no context, no disambiguation:
# "China" in a tourism story counts), the concern a sentiment baseline would have on its own.
# Latin aliases are bounded by non-letters rather than \b, which never fires between a Han
# character and a Latin one ("用GPT-4").
ALIASES = {
    "openai": [
        r"open\s?ai", r"chat\s?gpt", r"(?<![a-z])gpt[-\s]?(?:\d|oss)", r"(?<![a-z0-9])o[134](?:-mini|-pro)?(?![a-z0-9])", r"(?<![a-z])sora(?![a-z])",
        r"altman", r"奥特曼", r"奧特曼", r"奥尔特曼", r"奧爾特曼", r"阿尔特曼", r"阿爾特曼",
    ],
    "china": [
        r"deepseek", r"深度求索", r"qwen", r"通义", r"通義", r"千问", r"千問", r"ernie", r"文心", r"baidu", r"百度",
        r"alibaba", r"阿里", r"tencent", r"腾讯", r"騰訊", r"混元", r"元宝", r"元寶", r"bytedance", r"字节", r"字節",
        r"doubao", r"豆包", r"(?<![a-z])kimi(?![a-z])", r"moonshot", r"月之暗面", r"zhipu", r"智谱", r"智譜", r"(?<![a-z])glm", r"minimax",
        r"baichuan", r"百川", r"01\.ai", r"零一万物", r"零一萬物", r"stepfun", r"阶跃", r"階躍", r"huawei", r"华为", r"華為",
        r"pangu", r"盘古", r"盤古", r"iflytek", r"讯飞", r"訊飛", r"sensetime", r"商汤", r"商湯", r"可灵", r"可靈",
        r"(?<![a-z])china(?![a-z])", r"(?<![a-z])chinese(?![a-z])", r"中国", r"中國", r"大陆", r"大陸", r"国产", r"國產", r"国内", r"國內",
    ],
}
ALIAS_RE = {t: re.compile("|".join(a), re.IGNORECASE) for t, a in ALIASES.items()}
SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")

vader = SentimentIntensityAnalyzer()


def vader_label(text):
    c = vader.polarity_scores(text)["compound"]
    return "favor" if c >= 0.05 else "against" if c <= -0.05 else "neutral"


def snow_score(text, to_simplified=False):
    try:
        s = SnowNLP(text)
        if to_simplified:
            s = SnowNLP(s.han)
        return s.sentiments
    except Exception:  # SnowNLP fails on some inputs (no Chinese, empty)
        return 0.5


def snow_label(text, to_simplified=False):
    s = snow_score(text, to_simplified)
    return "favor" if s >= 0.6 else "against" if s <= 0.4 else "neutral"


def names(row, target):
    return ALIAS_RE[target].search(row["text"]) is not None


def target_sentences(row, target):
    sents = [s for s in SENTENCE_END.split(row["text"]) if s and s.strip()]
    hit = [s for s in sents if ALIAS_RE[target].search(s)]
    return " ".join(hit) if hit else row["text"]


def f1(conf, c):
    i = CLASSES.index(c)
    tp = conf[i][i]
    pred = sum(conf[g][i] for g in range(4))
    gold = sum(conf[i])
    return 0.0 if pred + gold == 0 else 2 * tp / (pred + gold)


def macro(conf):
    return sum(f1(conf, c) for c in STANCES) / len(STANCES)


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: not JSON ({e})")
            for k in ["lang", "script", "text"] + TARGETS:
                if k not in r:
                    sys.exit(f"{path}:{n}: missing field {k!r}")
            for t in TARGETS:
                if r[t] not in CLASSES:
                    sys.exit(f"{path}:{n}: bad {t} label {r[t]!r}")
            rows.append(r)
    if not rows:
        sys.exit(f"{path}: no passages")
    return rows


def label_fns():
    """name -> fn(row, target) giving the baseline's stance for a concerned pair."""
    def zh(r, text, t2s):
        return snow_label(text, t2s) if r["lang"] == "zh" else vader_label(text)

    return {
        "VADER": lambda r, t: vader_label(r["text"]),
        "SnowNLP": lambda r, t: snow_label(r["text"]),
        "VADER+SnowNLP": lambda r, t: zh(r, r["text"], False),
        "VADER+SnowNLP(t2s)": lambda r, t: zh(r, r["text"], True),
        "VADER+SnowNLP/sentences": lambda r, t: zh(r, target_sentences(r, t), False),
        "VADER+SnowNLP(t2s)/sentences": lambda r, t: zh(r, target_sentences(r, t), True),
    }


def evaluate(rows):
    fns = label_fns()
    # Cache each system's label per (row, target): SnowNLP is slow.
    cache = {name: [{t: fn(r, t) for t in TARGETS} for r in rows] for name, fn in fns.items()}
    results = {}
    for concern in ("gold", "names"):
        for name in fns:
            for t in TARGETS:
                for sub, keep in SUBSETS:
                    conf = [[0] * 4 for _ in range(4)]
                    for i, r in enumerate(rows):
                        if not keep(r):
                            continue
                        concerned = r[t] != "none" if concern == "gold" else names(r, t)
                        pred = cache[name][i][t] if concerned else "none"
                        conf[CLASSES.index(r[t])][CLASSES.index(pred)] += 1
                    n = sum(map(sum, conf))
                    results[(concern, name, t, sub)] = (macro(conf), n)
    detection = {}
    for t in TARGETS:
        for sub, keep in SUBSETS:
            rs = [r for r in rows if keep(r)]
            tp = sum(1 for r in rs if r[t] != "none" and names(r, t))
            fp = sum(1 for r in rs if r[t] == "none" and names(r, t))
            fn = sum(1 for r in rs if r[t] != "none" and not names(r, t))
            detection[(t, sub)] = (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
    return results, detection


def main():
    argv = sys.argv[1:]
    out = None
    if "--json" in argv:
        i = argv.index("--json")
        if i + 1 >= len(argv):
            sys.exit("--json needs a file name")
        out = argv[i + 1]
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__.split("\n\n")[1])
    path = args[0]
    rows = read_jsonl(path)
    results, detection = evaluate(rows)
    counts = {sub: sum(1 for r in rows if keep(r)) for sub, keep in SUBSETS}
    print(f"# Sentiment baselines on {path} ({len(rows)} passages; "
          + ", ".join(f"{s} {counts[s]}" for s, _ in SUBSETS[1:]) + ")")
    print("macro-F1 over favor / neutral / against, per target; columns: subset of passages")
    for concern, title in (("gold", "concern: gold (oracle)"), ("names", "concern: the passage names the target (alias list)")):
        print(f"\n## {title}")
        print("| system | target | " + " | ".join(s for s, _ in SUBSETS) + " |")
        print("| --- | --- |" + " --- |" * len(SUBSETS))
        for name in label_fns():
            for t in TARGETS:
                cells = [f"{results[(concern, name, t, s)][0]:.3f}" for s, _ in SUBSETS]
                print(f"| {name} | {t} | " + " | ".join(cells) + " |")
    print("\n## concern detection of the alias list (precision / recall of 'concerned')")
    print("| target | " + " | ".join(s for s, _ in SUBSETS) + " |")
    print("| --- |" + " --- |" * len(SUBSETS))
    for t in TARGETS:
        print(f"| {t} | " + " | ".join(f"{detection[(t, s)][0]:.2f} / {detection[(t, s)][1]:.2f}" for s, _ in SUBSETS) + " |")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"|".join(k): {"macro_f1": v[0], "n": v[1]} for k, v in results.items()}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
