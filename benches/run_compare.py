"""The whole nightly procedure in Python, as a user would write it today, for
the side-by-side with `stancemap run` (benches/run_compare.sh): jieba +
scikit-learn TfidfVectorizer with stancemap's weighting (min_df=2,
max_df=0.95, sublinear TF, smooth IDF, L2 rows), TruncatedSVD with
stancemap's rank (100, at most a fifth of the passages, at least 10) and
n_iter=10, rows L2-normalised, then for every k in 3..12 KMeans(k-means++,
n_init=10, max_iter=300, tol=1e-4) fitted on the same 20,000-row sample
stancemap fits on, every passage labelled, silhouette on the same
2,000-row sample; the best k kept. Reads every non-empty line of every
.txt/.md file of the corpus as a passage (the corpora of compare.py have
one passage per line, as stancemap splits them). Prints one JSON line with
seconds per stage.

Left out (so Python does a little less than stancemap): boilerplate
detection, the bilingual bridge, the shared-term weighting, stancemap's
sparse refinement steps, labels, stance and the report."""

import json
import pathlib
import re
import sys
import time

t0 = time.perf_counter()
import jieba  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

SEED = 42
K_MIN, K_MAX = 3, 12
FIT_SAMPLE, SILHOUETTE_SAMPLE = 20_000, 2_000

jieba.setLogLevel(60)
jieba.initialize()
times = {}

root = pathlib.Path(sys.argv[1])
passages = []
nbytes = 0
for path in sorted(p for p in root.rglob("*") if p.suffix in (".txt", ".md")):
    data = path.read_bytes()
    nbytes += len(data)
    passages.extend(line for line in data.decode("utf-8").splitlines() if line.strip())

word = re.compile(r"(?u)\b\w\w+\b")
han = re.compile(r"[\u4e00-\u9fff]")


def tokenize(text):
    return jieba.lcut(text) if han.search(text) else word.findall(text)


vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=True,
                      min_df=2, max_df=0.95, sublinear_tf=True, smooth_idf=True)
X = vec.fit_transform(passages)
times["ingest+featurize"] = time.perf_counter() - t0

t = time.perf_counter()
n = X.shape[0]
rank = min(100, max(n // 5, 10))
svd = TruncatedSVD(n_components=rank, n_iter=10, n_oversamples=10, random_state=SEED)
Z = normalize(svd.fit_transform(X))
times["svd"] = time.perf_counter() - t

t = time.perf_counter()
rng = np.random.default_rng(SEED)
fit_rows = np.sort(rng.choice(n, size=min(n, FIT_SAMPLE), replace=False))
sil_rows = np.sort(rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False))
best = None
scores = {}
for k in range(K_MIN, min(K_MAX, n - 1) + 1):
    km = KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, tol=1e-4,
                random_state=SEED).fit(Z[fit_rows])
    labels = km.predict(Z)
    s = float(silhouette_score(Z[sil_rows], labels[sil_rows]))
    scores[k] = round(s, 4)
    if best is None or s > best[0]:
        best = (s, k, labels)
times["kmeans sweep"] = time.perf_counter() - t
times["total"] = time.perf_counter() - t0

print(json.dumps({
    "tool": "python jieba+sklearn",
    "bytes": nbytes,
    "passages": n,
    "nonzeros": int(X.nnz),
    "k": best[1],
    "silhouette_by_k": scores,
    "seconds": {k: round(v, 2) for k, v in times.items()},
}))
