#!/usr/bin/env bash
# The whole nightly run side by side, in one run: `stancemap run` (cold: an
# empty output folder, then warm: the same again) and the same procedure in
# Python (benches/run_compare.py: jieba + scikit-learn TfidfVectorizer,
# TruncatedSVD(100, n_iter=10), KMeans over k = 3..12 with the same sample
# sizes and initialisations, silhouette on the same sample), on one mixed
# corpus built from the public data sets (benches/compare.py's builder).
# Wall seconds and peak RSS from /usr/bin/time -v; stancemap's stages from
# its manifest.json.
#
# Usage: benches/run_compare.sh --data DIR [--mb N] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${STANCEMAP_DATA:-}"; MB=5; THREADS=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --mb) MB="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$DATA" ] || { echo "give --data DIR (or STANCEMAP_DATA)" >&2; exit 2; }
cargo build --release --quiet --bin stancemap
VENV=target/run-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r benches/requirements-compare.txt
fi
WORK=target/run-bench
CORPUS="$WORK/mixed-$MB"
python3 - "$DATA" "$MB" "$CORPUS" <<'PY'
import pathlib, sys
sys.path.insert(0, "benches")
import compare
out = pathlib.Path(sys.argv[3])
if not out.exists():
    compare.build_corpus(pathlib.Path(sys.argv[1]), "mixed", int(sys.argv[2]), out)
PY
measure() { # name, command...: wall seconds and peak MB
  local name="$1"; shift
  /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$WORK/$name.time"
  local wall peak
  wall=$(grep "Elapsed (wall" "$WORK/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  peak=$(grep "Maximum resident" "$WORK/$name.time" | awk '{printf "%.0f", $NF/1024}')
  printf '%-22s %8.2f s %7s MB\n' "$name" "$wall" "$peak"
  echo "$wall" > "$WORK/$name.wall"
}
stages() { # the stage times of a run folder's manifest
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("   stages (s):", ", ".join(f"{k} {v/1000:.2f}" for k, v in m["timings_ms"].items()), "| themes cache:", m["cache"]["themes"])' "$1/latest/manifest.json"
}
rm -rf "$WORK/out"
echo "corpus: $CORPUS ($(du -sb "$CORPUS" | cut -f1) bytes), $THREADS threads, $(date -u +%FT%TZ)"
measure "stancemap run (cold)" target/release/stancemap --threads "$THREADS" run --corpus "$CORPUS" --out "$WORK/out"
stages "$WORK/out"
measure "stancemap run (warm)" target/release/stancemap --threads "$THREADS" run --corpus "$CORPUS" --out "$WORK/out"
stages "$WORK/out"
measure "python (same steps)" "$VENV/bin/python" benches/run_compare.py "$CORPUS"
echo "   $(cat "$WORK/python (same steps).out")"
python3 -c 'import sys; c=float(open(sys.argv[1]).read()); p=float(open(sys.argv[2]).read()); print(f"python / stancemap cold: {p/c:.1f}x")' "$WORK/stancemap run (cold).wall" "$WORK/python (same steps).wall"
