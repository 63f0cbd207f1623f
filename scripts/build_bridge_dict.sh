#!/usr/bin/env bash
# Rebuilds data/bridge/cedict_zh_en.tsv, the bilingual bridge compiled into
# stancemap, reproducibly:
#   - CC-CEDICT as carried by the `chinese_dictionary` crate, version 3.0.0
#     (crates.io, checksum in Cargo.lock), enabled by `--features cedict`;
#   - the words jieba knows: jieba-rs 0.11.0's src/data/dict.txt plus
#     data/jieba_userdict.txt;
#   - English stop words: data/stopwords/en.txt.
# The sense rule is in examples/build_bridge_dict.rs. Same inputs, same file.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fetch --quiet
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
jieba_dict=$(ls -d "$registry"/*/jieba-rs-0.11.0/src/data/dict.txt | head -n 1)
if [[ ! -f "$jieba_dict" ]]; then
    echo "jieba-rs 0.11.0 source not found under $registry" >&2
    exit 1
fi
out=data/bridge/cedict_zh_en.tsv
cargo run --quiet --release --features cedict --example build_bridge_dict -- \
    "$jieba_dict" data/jieba_userdict.txt data/stopwords/en.txt > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out: $(grep -vc '^#' "$out") entries, $(wc -c < "$out") bytes"
