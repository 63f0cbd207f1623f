#!/usr/bin/env python3
"""The scikit-learn baseline for stancemap's themes (issue 3).

jieba (Chinese) + TfidfVectorizer + TruncatedSVD(100) + Normalizer + KMeans,
the LSA document-clustering pipeline of scikit-learn's examples, on a JSONL
data set; prints one JSON object: NMI and ARI against the labels (labelled
sets) or the share of translation pairs in the same cluster against chance
(parallel en/zh sets), and the seconds each step took.

The vectorizer uses the same document-frequency settings as stancemap's
featurizer defaults (min_df=2, max_df=0.95, sublinear TF, smooth IDF) and
scikit-learn's English stop words for English text; KMeans runs 10
initialisations, as stancemap does.

    python3 -m venv .venv && .venv/bin/pip install -r benches/requirements-themes.txt
    .venv/bin/python benches/themes_baseline.py --data PATH.jsonl --k 10
"""
import argparse
import json
import re
import sys
import time

import numpy as np

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def load(path, limit):
    texts, labels, en, zh = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            if limit and len(texts) + len(en) >= limit:
                break
            row = json.loads(line)
            if "en" in row and "zh" in row:
                en.append(row["en"])
                zh.append(row["zh"])
            else:
                body = row.get("text") or ""
                title = row.get("title")
                texts.append(f"{title}\n{body}" if title and body else (title or body))
                labels.append(str(row["label"]))
    return texts, labels, en, zh


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--components", type=int, default=100)
    args = ap.parse_args()

    t_import = time.perf_counter()
    import jieba
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    jieba.setLogLevel(60)
    import_s = time.perf_counter() - t_import

    texts, labels, en, zh = load(args.data, args.limit)
    parallel = bool(en)
    if parallel:
        texts = en + zh
    t0 = time.perf_counter()
    han = sum(len(HAN.findall(t)) for t in texts)
    letters = sum(sum(c.isalpha() for c in t) for t in texts)
    any_zh = han > 0
    mostly_en = han < 0.2 * max(letters, 1)

    def tokenize(text):
        # jieba cuts Chinese and passes Latin words through; keep word-like tokens.
        return [w.lower() for w in jieba.lcut(text) if w.strip() and any(ch.isalnum() for ch in w)]

    if any_zh:
        vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                              min_df=2, max_df=0.95, sublinear_tf=True)
    else:
        vec = TfidfVectorizer(min_df=2, max_df=0.95, sublinear_tf=True,
                              stop_words="english" if mostly_en else None)
    X = vec.fit_transform(texts)
    t_feat = time.perf_counter() - t0

    t1 = time.perf_counter()
    n_comp = max(2, min(args.components, X.shape[1] - 1, X.shape[0] - 1))
    lsa = make_pipeline(TruncatedSVD(n_comp, random_state=args.seed), Normalizer(copy=False))
    Z = lsa.fit_transform(X)
    km = KMeans(n_clusters=args.k, n_init=10, random_state=args.seed)
    pred = km.fit_predict(Z)
    t_clu = time.perf_counter() - t1

    out = {
        "tool": "scikit-learn",
        "data": args.data,
        "n": len(texts),
        "k": args.k,
        "n_terms": int(X.shape[1]),
        "featurize_seconds": round(t_feat, 3),
        "cluster_seconds": round(t_clu, 3),
        "import_seconds": round(import_s, 3),
        "versions": {"scikit-learn": __import__("sklearn").__version__,
                     "jieba": getattr(jieba, "__version__", "?"),
                     "numpy": np.__version__},
    }
    if parallel:
        n = len(en)
        a, b = pred[:n], pred[n:]
        same = float(np.mean(a == b))
        pa = np.bincount(a, minlength=args.k) / n
        pb = np.bincount(b, minlength=args.k) / n
        out.update({"pairs": n, "same_theme": same, "chance": float(pa @ pb)})
    else:
        out.update({
            "nmi": float(normalized_mutual_info_score(labels, pred)),
            "ari": float(adjusted_rand_score(labels, pred)),
        })
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
