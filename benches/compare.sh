#!/usr/bin/env bash
# Side-by-side featurizer comparison: stancemap vs jieba + scikit-learn.
# Builds stancemap and the bare-segmenter limit (examples/segmenter_floor.rs)
# in release mode, installs the Python pipeline from PyPI into
# target/bench-venv, then runs benches/compare.py with the arguments given
# (e.g. --mb 20 --scaling --data ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin stancemap --example segmenter_floor
if [ ! -x target/bench-venv/bin/python ]; then
  python3 -m venv target/bench-venv
  target/bench-venv/bin/pip install --quiet -r benches/requirements-compare.txt
fi
exec target/bench-venv/bin/python benches/compare.py --python target/bench-venv/bin/python "$@"
