#!/usr/bin/env bash
# The phantom accuracy benchmark: generates the benchmark set (210 stills, 70
# per difficulty, and 10 sweeps of 24 frames; deterministic, never committed)
# into BUILD_DIR/phantom-benchmark/cases, analyzes it with `antra analyze`,
# and scores the results with `antra eval`.
#
#   tools/phantom-benchmark.sh [BUILD_DIR] [--oracle | --perturbed]
#
#   --oracle     score the truth itself converted to results (must be perfect)
#   --perturbed  score a deterministic perturbation of the truth (checks that
#                the scorer sees misses, false positives and size errors)
#
# The set is regenerated only when the generator version or seed changes.
# ANTRA_ANALYZE=/path/to/antra runs the analysis with another build of antra
# (for example a pipeline branch), while this build scores; ANTRA_ANALYZE_ARGS
# adds arguments to `antra analyze` (for example "--preset NAME").
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="build"
mode="analyze"
for arg in "$@"; do
  case "$arg" in
    --oracle) mode="oracle" ;;
    --perturbed) mode="perturbed" ;;
    -*) echo "usage: tools/phantom-benchmark.sh [BUILD_DIR] [--oracle|--perturbed]" >&2; exit 2 ;;
    *) build_dir="$arg" ;;
  esac
done
seed=20261124
phantom="$build_dir/tools/phantom/antra-phantom"
antra="$build_dir/src/cli/antra"
analyzer="${ANTRA_ANALYZE:-$antra}"
data="$build_dir/phantom-benchmark"
cases="$data/cases"
results="$data/results-$mode"
for tool in "$phantom" "$antra"; do
  if [ ! -x "$tool" ]; then
    echo "phantom-benchmark: $tool not built (cmake --build $build_dir)" >&2
    exit 2
  fi
done

stamp="seed $seed, $("$antra" --version)"
if [ ! -f "$cases/.stamp" ] || [ "$(cat "$cases/.stamp")" != "$stamp" ]; then
  echo "phantom-benchmark: generating the benchmark set into $cases"
  rm -rf "$cases"
  start=$(date +%s)
  "$phantom" --preset benchmark --seed "$seed" --out "$cases" --quiet
  echo "phantom-benchmark: generated in $(( $(date +%s) - start )) s"
  echo "$stamp" > "$cases/.stamp"
fi

rm -rf "$results"
mkdir -p "$results"
case "$mode" in
  oracle) "$phantom" oracle "$cases" "$results" ;;
  perturbed) "$phantom" oracle "$cases" "$results" --perturb 7 ;;
  analyze)
    if ! "$analyzer" analyze --help > /dev/null 2>&1; then
      echo "phantom-benchmark: this antra has no 'analyze' command yet (issue 4); try --oracle" >&2
      exit 2
    fi
    start=$(date +%s)
    # Some inputs may fail (exit 1); the scorer reports them as missing results.
    # shellcheck disable=SC2086  # ANTRA_ANALYZE_ARGS is a list of words
    "$analyzer" analyze "$cases"/*.dcm --json "$results" ${ANTRA_ANALYZE_ARGS:-} || echo "phantom-benchmark: antra analyze exited $? (scored anyway)" >&2
    echo "phantom-benchmark: analyzed in $(( $(date +%s) - start )) s"
    ;;
esac
"$antra" eval "$cases" "$results" --json "$data/score-$mode.json"
