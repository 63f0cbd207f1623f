#!/usr/bin/env bash
# Scaling of the whole `stancemap run`: 1, 4 and 16 times a base mixed corpus
# built from the public data sets (benches/compare.py's builder; the default
# base of 6.25 MB makes the 16x corpus 100 MB). Per size: seconds per stage
# (manifest.json), wall seconds and peak RSS (/usr/bin/time -v), one cold
# run into an empty output folder.
#
# Usage: benches/run_scaling.sh --data DIR [--base-mb N] [--factors "1 4 16"] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${STANCEMAP_DATA:-}"; BASE=6.25; FACTORS="1 4 16"; THREADS=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --base-mb) BASE="$2"; shift 2 ;;
    --factors) FACTORS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$DATA" ] || { echo "give --data DIR (or STANCEMAP_DATA)" >&2; exit 2; }
cargo build --release --quiet --bin stancemap
WORK=target/run-scaling
mkdir -p "$WORK"
echo "stancemap run scaling, $THREADS threads, $(date -u +%FT%TZ)"
printf '%-6s %8s %9s %8s %8s %8s %8s %8s %8s %8s\n' factor MB passages ingest featur. themes stance report wall_s peak_MB
for f in $FACTORS; do
  corpus="$WORK/mixed-$BASE-x$f"
  python3 - "$DATA" "$BASE" "$f" "$corpus" <<'PY'
import pathlib, sys
sys.path.insert(0, "benches")
import compare
out = pathlib.Path(sys.argv[4])
if not out.exists():
    # compare.build_corpus takes whole MB; scale its target directly.
    mb = float(sys.argv[2]) * int(sys.argv[3])
    compare.build_corpus(pathlib.Path(sys.argv[1]), "mixed", mb, out)
PY
  rm -rf "$WORK/out"
  /usr/bin/time -v target/release/stancemap --threads "$THREADS" -q run --corpus "$corpus" --out "$WORK/out" 2> "$WORK/time-$f" > /dev/null
  python3 - "$f" "$WORK/out/latest/manifest.json" "$WORK/time-$f" <<'PY'
import json, sys
m = json.load(open(sys.argv[2]))
t = {l.split(":")[0].strip(): l.rsplit(":", 1)[1].strip() for l in open(sys.argv[3]) if ":" in l}
wall = [l for l in open(sys.argv[3]) if "Elapsed (wall" in l][0].split()[-1].split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
peak = int(t["Maximum resident set size (kbytes)"]) / 1024
s = {k: v / 1000 for k, v in m["timings_ms"].items()}
print(f"{sys.argv[1]:<6} {m['counts']['bytes']/1e6:>8.1f} {m['counts']['passages']:>9} {s.get('ingest',0):>8.2f} {s.get('featurize',0):>8.2f} {s.get('themes',0):>8.2f} {s.get('stance',0):>8.2f} {s.get('report',0):>8.2f} {wall:>8.1f} {peak:>8.0f}")
PY
done
