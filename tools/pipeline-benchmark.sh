#!/usr/bin/env bash
# The segmentation pipeline's accuracy benchmark (BENCHMARKS.md):
#  1. phantom stills: generates the benchmark set (antra-phantom --preset
#     benchmark, seed 20261124: 70 stills per difficulty; never committed),
#     analyses every still with `antra analyze`, scores with `antra eval`,
#     overall and for medium + hard together (the issue's target);
#  2. poor-reserve stills: ovaries with 0, 1 or 2 follicles (medium and
#     hard, 20 each, seeds 20261130 + n; never committed), scored per count:
#     the trial's participants have premature ovarian insufficiency, and
#     the mixed benchmark stills hold a median of 7 follicles;
#  3. real screens (when ../shared is present): antra-real-eval over the 205
#     GE Voluson images with expert ovary masks (share of detections outside
#     the ovary, ruler scale against caliper read-outs).
#
#   tools/pipeline-benchmark.sh [BUILD_DIR] [-- extra antra analyze options]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
[ "${1:-}" = "--" ] && shift
extra=("$@")
phantom="$build_dir/tools/phantom/antra-phantom"
antra="$build_dir/src/cli/antra"
real_eval="$build_dir/tools/real_eval/antra-real-eval"
for tool in "$phantom" "$antra" "$real_eval"; do
  [ -x "$tool" ] || { echo "pipeline-benchmark: $tool not built" >&2; exit 2; }
done
data="$build_dir/pipeline-benchmark"
cases="$data/cases"
if [ ! -f "$cases/still-hard-070.truth.json" ]; then
  rm -rf "$cases"
  "$phantom" --out "$cases" --preset benchmark --seed 20261124 --quiet
fi
rm -rf "$data/results" "$data/truth-stills" "$data/truth-medium-hard"
mkdir -p "$data/results" "$data/truth-stills" "$data/truth-medium-hard"
for t in "$cases"/still-*.truth.json; do ln -sf "$(realpath "$t")" "$data/truth-stills/"; done
for t in "$cases"/still-medium-*.truth.json "$cases"/still-hard-*.truth.json; do
  ln -sf "$(realpath "$t")" "$data/truth-medium-hard/"
done
"$antra" analyze "$cases"/still-*.dcm --json "$data/results" "${extra[@]}" > /dev/null
echo "== phantom benchmark stills, all difficulties"
"$antra" eval "$data/truth-stills" "$data/results"
echo "== phantom benchmark stills, medium + hard (the issue's target set)"
"$antra" eval "$data/truth-medium-hard" "$data/results" --quiet
poor="$data/poor-reserve"
for n in 0 1 2; do
  if [ ! -f "$poor/f$n/still-hard-s$((20261130 + n))-020.truth.json" ]; then
    rm -rf "$poor/f$n"
    for difficulty in medium hard; do
      "$phantom" --out "$poor/f$n" --seed $((20261130 + n)) --difficulty "$difficulty" --follicles "$n" --count 20 \
        --encoding ybr-jpeg --quiet > /dev/null
    done
  fi
done
rm -rf "$poor/results"
mkdir -p "$poor/results"
"$antra" analyze "$poor"/f*/still-*.dcm --json "$poor/results" "${extra[@]}" > /dev/null
for n in 0 1 2; do
  echo "== poor-reserve stills, medium + hard, $n follicle(s) in the ovary"
  "$antra" eval "$poor/f$n" "$poor/results" --quiet
done
if [ -d ../shared/real-samples/mmotu-normal-ovary ]; then
  echo "== real screens (../shared/real-samples/mmotu-normal-ovary)"
  "$real_eval" --calipers tools/real_eval/calipers.csv
else
  echo "== real screens: ../shared absent, skipped"
fi
