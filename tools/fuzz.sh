#!/usr/bin/env bash
# Builds Antra's libFuzzer targets with clang and runs each for a given time.
#   tools/fuzz.sh [--seconds N] [--targets fuzz_dicom,fuzz_palette] [--jobs J] [--seed S] [--build DIR]
# Each target runs for N seconds (default 60); --jobs J runs J targets at once
# (default 1: one after the other). --seed S fixes libFuzzer's random seed, so
# the inputs tried are the same on every machine (CI uses it: a red CI run can
# be replayed, and run longer, locally); without it each run explores anew.
# Seeds: ../shared/dicom-samples and ../shared/real-samples (copied at run time,
# never committed), sample_images/, tests/fuzz/seeds/. Crashes are written to
# DIR/crashes/<target>/; copy each (after fixing it) into
# tests/fuzz/regressions/<target>/ so the normal test suite replays it.
# Prints, per target, the executions, executions per second and the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
targets="fuzz_dicom,fuzz_plain_image,fuzz_palette,fuzz_analysis_json,fuzz_mapping_csv,fuzz_visit_json,fuzz_viewer_script,fuzz_forest_file"
jobs=1
seed=""
build="build-fuzz"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    *) echo "usage: tools/fuzz.sh [--seconds N] [--targets a,b] [--jobs J] [--seed S] [--build DIR]" >&2; exit 2 ;;
  esac
done

CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DANTRA_FUZZ=ON -DANTRA_BUILD_VIEWER=OFF -DANTRA_BUILD_BENCHMARKS=OFF > "/tmp/antra-fuzz-configure.log" 2>&1 \
  || { cat /tmp/antra-fuzz-configure.log; exit 1; }
IFS=',' read -r -a list <<< "$targets"
cmake --build "$build" --target "${list[@]}" -j "$(nproc)"

shared="../shared"
seed_dir="$build/seeds"
rm -rf "$seed_dir"
mkdir -p "$seed_dir"
for t in "${list[@]}"; do mkdir -p "$seed_dir/$t" "$build/corpus/$t" "$build/crashes/$t"; done
copy_seeds() {  # target, files...
  local t="$1"; shift
  [ -d "$seed_dir/$t" ] || return 0
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$seed_dir/$t/" || true; done
}
shopt -s nullglob
copy_seeds fuzz_dicom "$shared"/dicom-samples/*.dcm sample_images/*.dcm
real=("$shared"/real-samples/mmotu-normal-ovary/images/*.JPG)
copy_seeds fuzz_plain_image "${real[@]:0:8}" sample_images/*.png
for f in tests/study/*.csv tests/fuzz/seeds/fuzz_mapping_csv/*; do [ -f "$f" ] && copy_seeds fuzz_mapping_csv "$f"; done
for f in $(find "${ANTRA_BUILD_DIR:-build}/test-artifacts" -name visit.json 2>/dev/null | head -20); do copy_seeds fuzz_visit_json "$f"; done
for t in "${list[@]}"; do
  [ -d "tests/fuzz/seeds/$t" ] && cp tests/fuzz/seeds/"$t"/* "$seed_dir/$t/" 2>/dev/null || true
  [ -d "tests/fuzz/regressions/$t" ] && cp tests/fuzz/regressions/"$t"/* "$seed_dir/$t/" 2>/dev/null || true
done

# One target: runs it, then writes "executions rate outcome" to $build/$t.result.
run_target() {
  local t="$1" log="$build/$1.log" rc execs rate outcome
  set +e
  ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/$t" "$build/corpus/$t" "$seed_dir/$t" \
    -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$build/crashes/$t/" -print_final_stats=1 ${seed:+-seed="$seed"} > "$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  if [ "$rc" -eq 0 ]; then outcome="ok"; else outcome="FAILED (exit $rc, see $log and $build/crashes/$t/)"; fi
  echo "${execs:-0} ${rate:-0} $outcome" > "$build/$t.result"
}

for t in "${list[@]}"; do
  rm -f "$build/$t.result"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

status=0
printf '%-22s %12s %10s %s\n' target executions exec/s outcome
for t in "${list[@]}"; do
  read -r execs rate outcome < "$build/$t.result" || { execs=0; rate=0; outcome="FAILED (no result)"; }
  [ "$outcome" = "ok" ] || status=1
  printf '%-22s %12s %10s %s\n' "$t" "$execs" "$rate" "$outcome"
done
# A failure is explained here, since CI keeps only the printed output: the
# sanitizer report and the failing input (base64, to turn into a regression).
for t in "${list[@]}"; do
  read -r _ _ outcome < "$build/$t.result" || outcome="FAILED"
  [ "$outcome" = "ok" ] && continue
  echo "=== $t failed; its report:"
  grep -n -A 25 -m 1 -E '^==[0-9]+==(ERROR|WARNING)|^ERROR: libFuzzer|deadly signal' "$build/$t.log" | head -40 || tail -20 "$build/$t.log"
  for crash in "$build/crashes/$t"/*; do
    [ -f "$crash" ] || continue
    echo "=== failing input $(basename "$crash") ($(stat -c %s "$crash") bytes), gzip+base64:"
    gzip -c "$crash" | base64 -w 120 | head -c 400000
    echo
  done
done
exit $status
