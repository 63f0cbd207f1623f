"""Side by side, in one run: stancemap's featurizer and the Python pipeline
(jieba + scikit-learn TfidfVectorizer) on the same English, Chinese and mixed
corpora built from real text; end-to-end MB/s (file bytes over wall time,
process start to exit), peak memory, and the ratio. Beside them, the limit:
the bare segmenters stancemap is built on (jieba-rs `cut`, Unicode words and
lowercase; examples/segmenter_floor.rs), end to end on the same files with
nothing else, so the ratio neither tool could pass is printed too. Then a
scaling check of stancemap alone at 1x, 4x and 16x.

Usage: python3 benches/compare.py [--data DIR] [--mb N] [--threads N] [--skip-python] [--skip-limit] [--scaling [--scale-base MB]]
Run it through benches/compare.sh, which builds stancemap and installs the
Python side into a virtualenv."""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent


def lines_of(path, field):
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get(field) or ""
            text = " ".join(text.split())
            if text:
                yield text


def build_corpus(data, lang, mb, out):
    """About `mb` MB of real passages, ten files, one passage per line."""
    en_src = [data / "bbc_news/bbc_news.jsonl", data / "ag_news_en/ag_news.jsonl"]
    zh_src = [data / "thucnews_titles_cn/thucnews_titles.jsonl", data / "chnsenticorp_htl_cn/ChnSentiCorp_htl_all.jsonl"]
    en = [t for p in en_src for t in lines_of(p, "text")]
    zh = [t for p in zh_src for t in lines_of(p, "text")]
    if lang == "en":
        pool = en
    elif lang == "zh":
        pool = zh
    else:
        pool = [x for pair in zip(en, zh * (len(en) // len(zh) + 1)) for x in pair]
    out.mkdir(parents=True, exist_ok=True)
    target = mb * 1_000_000
    written, i, files = 0, 0, [[] for _ in range(10)]
    while written < target:
        t = pool[i % len(pool)]
        files[i % 10].append(t)
        written += len(t.encode()) + 1
        i += 1
    for k, lines in enumerate(files):
        (out / f"part{k:02}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


WRAPPER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(r.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def measure(cmd):
    """Run `cmd` under a fresh wrapper process (so the peak RSS is this
    command's alone); wall seconds and peak RSS in MB."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{out.stderr}")
    return secs, int(out.stdout.split()[-1]) / 1024


def row(lang, tool, nbytes, secs, mem):
    print(f"{lang:<10}{tool:<26}{nbytes/1e6:>7.1f}{secs:>9.2f}{nbytes/1e6/secs:>8.1f}{mem:>9.0f}")


def ratio(lang, what, value):
    print(f"{lang:<10}{what:<26}{'':>7}{'':>9}{value}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--skip-limit", action="store_true", help="do not run the bare segmenters")
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--scale-base", type=int, default=6, help="MB of the 1x scaling corpus (16x is about 100 MB by default)")
    args = ap.parse_args()
    data = pathlib.Path(args.data)
    if not data.is_dir():
        sys.exit(f"data folder {data} not found: pass --data DIR (the labelled sets, e.g. ../shared/data)")
    exe = REPO / "target" / "release" / "stancemap"
    floor = REPO / "target" / "release" / "examples" / "segmenter_floor"
    work = REPO / "target" / "bench-corpus"

    print(f"{'corpus':<10}{'tool':<26}{'MB':>7}{'seconds':>9}{'MB/s':>8}{'peak MB':>9}")
    for lang in ["en", "zh", "mixed"]:
        d = work / f"{lang}-{args.mb}"
        nbytes = build_corpus(data, lang, args.mb, d)
        s_secs, s_mem = measure([str(exe), "--threads", str(args.threads), "featurize", "--corpus", str(d)])
        row(lang, f"stancemap {args.threads}t", nbytes, s_secs, s_mem)
        if not args.skip_limit:
            f_secs, f_mem = measure([str(floor), str(d), str(args.threads)])
            row(lang, "bare segmenters (limit)", nbytes, f_secs, f_mem)
            ratio(lang, "stancemap / limit", f"{100*f_secs/s_secs:>7.0f}%")
        if not args.skip_python:
            p_secs, p_mem = measure([args.python, str(REPO / "benches" / "tfidf_baseline.py"), str(d)])
            row(lang, "python jieba+sklearn", nbytes, p_secs, p_mem)
            ratio(lang, "ratio (stancemap/python)", f"{p_secs/s_secs:>7.1f}x")
            if not args.skip_limit:
                ratio(lang, "ratio (limit/python)", f"{p_secs/f_secs:>7.1f}x")

    if args.scaling:
        print("\nscaling, stancemap featurize on the mixed corpus (peak - text: memory beyond the text itself)")
        print(f"{'size':<8}{'MB':>8}{'seconds':>9}{'MB/s':>8}{'peak MB':>9}{'peak - text':>13}")
        for factor in [1, 4, 16]:
            d = work / f"mixed-scale-{factor}"
            nbytes = build_corpus(data, "mixed", args.scale_base * factor, d)
            secs, mem = measure([str(exe), "--threads", str(args.threads), "featurize", "--corpus", str(d)])
            print(f"{str(factor) + 'x':<8}{nbytes/1e6:>8.1f}{secs:>9.2f}{nbytes/1e6/secs:>8.1f}{mem:>9.0f}{mem - nbytes/2**20:>13.0f}")


if __name__ == "__main__":
    main()
