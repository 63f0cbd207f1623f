#!/usr/bin/env python3
"""Build dev.jsonl and test.jsonl from the collection notes in collect/*.txt.

    python data/eval/field/build.py          # needs opencc-python-reimplemented (benches/requirements-field.txt)

Collection note format (one file per search batch, read in file-name order):

    # q: the search query that found the pages below (comment; any '#' line is ignored)
    @ https://page.address/...
    t: the page's title ('-' = the stored copy shows none -> "")
    d: 2025-01-27 | 2025-01 | 2025 | -        ('-' = the page states no date -> null)
    = <openai label> <china label>           (starts a passage of the page above)
    verbatim excerpt, one paragraph a line
    = ...                                    (another passage of the same page)

Paragraphs of one passage are joined with a newline. `lang` is zh when the
passage has Han characters, else en; `script` is hans / hant by which of
OpenCC's t2s / s2t conversions changes more characters (a line `s: hant`
before `=` overrides it for the page). The site is the address's host without
`www.`. Ids are given in collection order; a page goes to test when the first
eight hex digits of sha1(url) taken mod 100 are below 42, else to dev.
"""
import glob
import hashlib
import json
import os
import re
import sys
from urllib.parse import urlparse

import opencc

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = {"favor", "neutral", "against", "none"}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")
TEST_SHARE = 42


def die(path, line_no, msg):
    sys.exit(f"{path}:{line_no}: {msg}")


def script_of(text):
    if not HAN.search(text):
        return "latin"
    to_s = sum(a != b for a, b in zip(text, T2S.convert(text)))
    to_t = sum(a != b for a, b in zip(text, S2T.convert(text)))
    return "hant" if to_s > to_t else "hans"


def split_of(url):
    return "test" if int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % 100 < TEST_SHARE else "dev"


def site_of(url):
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def parse(path):
    pages, page, passage = [], None, None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n").strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@ "):
                page = {"url": line[2:].strip(), "title": None, "date": None, "script": None, "passages": []}
                pages.append(page)
                passage = None
            elif page is None:
                die(path, n, "text before the first '@ url' line")
            elif line.startswith("t: ") and passage is None:
                t = line[3:].strip()
                page["title"] = "" if t == "-" else t
            elif line.startswith("d: ") and passage is None:
                d = line[3:].strip()
                if d != "-" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d):
                    die(path, n, f"bad date {d!r}")
                page["date"] = None if d == "-" else d
            elif line.startswith("s: ") and passage is None:
                page["script"] = line[3:].strip()
            elif line.startswith("= "):
                labs = line[2:].split()
                if len(labs) != 2 or not set(labs) <= LABELS:
                    die(path, n, f"bad labels {line!r}")
                passage = {"openai": labs[0], "china": labs[1], "paras": []}
                page["passages"].append(passage)
            elif passage is None:
                die(path, n, f"unexpected line {line[:40]!r}")
            else:
                passage["paras"].append(line)
    return pages


def main():
    rows, seen_urls = [], {}
    for path in sorted(glob.glob(os.path.join(HERE, "collect", "*.txt"))):
        for page in parse(path):
            if page["url"] in seen_urls:
                sys.exit(f"{path}: page {page['url']} already collected in {seen_urls[page['url']]}")
            seen_urls[page["url"]] = os.path.basename(path)
            if page["title"] is None:
                sys.exit(f"{path}: page {page['url']} has no title")
            for p in page["passages"]:
                text = "\n".join(p["paras"])
                script = page["script"] or script_of(text)
                rows.append({
                    "id": f"f{len(rows) + 1:04d}",
                    "url": page["url"],
                    "title": page["title"],
                    "date": page["date"],
                    "site": site_of(page["url"]),
                    "lang": "en" if script == "latin" else "zh",
                    "script": script,
                    "text": text,
                    "openai": p["openai"],
                    "china": p["china"],
                })
    out = {"dev": [], "test": []}
    for r in rows:
        out[split_of(r["url"])].append(r)
    for name, rs in out.items():
        with open(os.path.join(HERE, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for r in rs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rs)} passages from {len({r['url'] for r in rs})} pages")


if __name__ == "__main__":
    main()
