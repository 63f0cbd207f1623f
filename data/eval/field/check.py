#!/usr/bin/env python3
"""Check dev.jsonl and test.jsonl against the agreed field-data format and print the counts.

    python data/eval/field/check.py [--table]     # exit 1 on any problem

Checks: valid JSON lines with exactly the agreed fields in the agreed order;
ids unique and f0001-style; every url present and http(s); title and site
strings; date null or YYYY / YYYY-MM / YYYY-MM-DD; lang/script consistent;
labels valid; no duplicate (whitespace-normalised) texts across both files;
each page in one split only; the split is the one the URL hash gives; and the
minimum counts (>= 400 passages, >= 150 pages, >= 200 en, >= 200 zh,
>= 60 hant, test >= 150). `--table` prints the README's count table.
"""
import hashlib
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "url", "title", "date", "site", "lang", "script", "text", "openai", "china"]
LABELS = ["favor", "neutral", "against", "none"]
TARGETS = ["openai", "china"]


def expected_split(url):
    return "test" if int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % 100 < 42 else "dev"


def main():
    problems, rows = [], []
    for split in ("dev", "test"):
        path = os.path.join(HERE, f"{split}.jsonl")
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                where = f"{split}.jsonl:{n}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    problems.append(f"{where}: not JSON ({e})")
                    continue
                if list(obj) != FIELDS:
                    problems.append(f"{where}: fields {list(obj)} != {FIELDS}")
                    continue
                obj["_split"], obj["_where"] = split, where
                rows.append(obj)
    ids, texts, page_split = Counter(), {}, {}
    for r in rows:
        w = r["_where"]
        ids[r["id"]] += 1
        if not re.fullmatch(r"f\d{4}", r["id"]):
            problems.append(f"{w}: bad id {r['id']!r}")
        if not isinstance(r["url"], str) or not re.match(r"https?://\S+$", r["url"]):
            problems.append(f"{w}: bad url {r['url']!r}")
        if not isinstance(r["title"], str) or not isinstance(r["site"], str) or not r["site"]:
            problems.append(f"{w}: title/site must be strings (site non-empty)")
        if r["date"] is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(r["date"])):
            problems.append(f"{w}: bad date {r['date']!r}")
        if (r["lang"], r["script"]) not in {("en", "latin"), ("zh", "hans"), ("zh", "hant")}:
            problems.append(f"{w}: lang/script {r['lang']}/{r['script']}")
        has_han = re.search(r"[\u4e00-\u9fff]", r["text"]) is not None
        if has_han != (r["lang"] == "zh"):
            problems.append(f"{w}: lang {r['lang']} but Han characters present={has_han}")
        for t in TARGETS:
            if r[t] not in LABELS:
                problems.append(f"{w}: bad {t} label {r[t]!r}")
        if not r["text"].strip() or len(r["text"]) > 1500:
            problems.append(f"{w}: text empty or longer than 1500 characters ({len(r['text'])})")
        key = re.sub(r"\s+", " ", r["text"]).strip()
        if key in texts:
            problems.append(f"{w}: duplicate text of {texts[key]}")
        texts[key] = w
        if page_split.setdefault(r["url"], r["_split"]) != r["_split"]:
            problems.append(f"{w}: page {r['url']} in both splits")
        if expected_split(r["url"]) != r["_split"]:
            problems.append(f"{w}: page hashes to {expected_split(r['url'])}")
    problems += [f"id {i} used {c} times" for i, c in ids.items() if c > 1]
    lang = Counter(r["lang"] for r in rows)
    script = Counter(r["script"] for r in rows)
    test_n = sum(r["_split"] == "test" for r in rows)
    for what, have, need in [
        ("passages", len(rows), 400), ("pages", len(page_split), 150), ("en passages", lang["en"], 200),
        ("zh passages", lang["zh"], 200), ("hant passages", script["hant"], 60), ("test passages", test_n, 150),
    ]:
        if have < need:
            problems.append(f"only {have} {what} (need >= {need})")
    print(f"{len(rows)} passages, {len(page_split)} pages; en {lang['en']}, zh {lang['zh']} "
          f"(hans {script['hans']}, hant {script['hant']}); dev {len(rows) - test_n}, test {test_n}")
    for t in TARGETS:
        c = Counter(r[t] for r in rows)
        print(f"  {t}: " + ", ".join(f"{l} {c[l]}" for l in LABELS))
    if "--table" in sys.argv:
        print("\n| split | lang | script | passages | openai favor/neutral/against/none | china favor/neutral/against/none |")
        print("| --- | --- | --- | --- | --- | --- |")
        groups = [(s, l, sc) for s in ("dev", "test") for l, sc in (("en", "latin"), ("zh", "hans"), ("zh", "hant"))]
        groups += [(s, "all", "all") for s in ("dev", "test")] + [("both", "all", "all")]
        for s, l, sc in groups:
            rs = [r for r in rows if s in (r["_split"], "both") and l in (r["lang"], "all") and sc in (r["script"], "all")]
            cells = ["/".join(str(sum(r[t] == lab for r in rs)) for lab in LABELS) for t in TARGETS]
            print(f"| {s} | {l} | {sc} | {len(rs)} | {cells[0]} | {cells[1]} |")
    for p in problems:
        print("PROBLEM:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
