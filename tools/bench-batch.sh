#!/usr/bin/env bash
# Batch throughput and peak memory (BENCHMARKS.md, "antra batch").
#
#   tools/bench-batch.sh [BUILD_DIR] [WORK_DIR]
#
# Generates (once; kept in WORK_DIR) a phantom archive of 1,000 DICOM files:
# 25 participants x 5 visits x 2 ovaries x (one 8-frame sweep + 3 stills),
# 400x300 pixels, so 2,750 frames; and a 100-file archive holding the first
# 100 of them by path (hard links). Then runs, each into a fresh results folder
# with the default SQLite export:
#   1,000 files with --jobs 1 and --jobs 2  (frames per second, wall time)
#   100 files with --jobs 2                 (peak memory, against 1,000)
#   1,000 files again, nothing changed      (cost of a resumed/no-op run)
# Peak memory is the maximum resident set size from GNU time.
#
# On a machine shared with other work, wall times measure the neighbours as
# much as Antra: with the kernel's autogroup scheduling (the Debian default)
# every busy session gets an equal share, so on 2 cores with one other busy
# session a run gets one core whatever --jobs says. ANTRA_BENCH_NICE=-10 (root
# only) runs the benchmark in its own session whose autogroup has that nice
# value, so that each worker gets nearly a whole core even so.
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
build="${1:-build}"
work="${2:-/tmp/antra-bench-batch}"
antra="$(cd "$build" && pwd)/src/cli/antra"
phantom="$(cd "$build" && pwd)/tools/phantom/antra-phantom"
for tool in "$antra" "$phantom" /usr/bin/time; do
  [ -x "$tool" ] || { echo "bench-batch: $tool not found (build first; GNU time is Debian package 'time')" >&2; exit 1; }
done
if [ -n "${ANTRA_BENCH_NICE:-}" ] && [ -z "${ANTRA_BENCH_SESSION:-}" ]; then
  ANTRA_BENCH_SESSION=1 exec setsid --wait "$script" "$@"
fi
if [ -n "${ANTRA_BENCH_NICE:-}" ]; then
  echo "$ANTRA_BENCH_NICE" >"/proc/$$/autogroup" || { echo "bench-batch: cannot set the autogroup nice (root only)" >&2; exit 1; }
fi
mkdir -p "$work"
archive="$work/archive-1000"
small="$work/archive-100"

count_dicom() { find "$1" -type f -name '*.dcm' | wc -l; }

if [ ! -d "$archive" ] || [ "$(count_dicom "$archive")" -ne 1000 ]; then
  rm -rf "$archive" "$small"
  echo "bench-batch: generating 1,000 files (takes a few minutes)"
  "$phantom" --out "$archive" --seed 20261124 --study 25 --visits 5 --stills 3 --study-frames 8 \
    --width 400 --height 300 --quiet
fi
if [ ! -d "$small" ]; then
  mkdir -p "$small"
  find "$archive" -type f -name '*.dcm' | sort | head -100 | while read -r f; do
    rel="${f#"$archive"/}"
    mkdir -p "$small/$(dirname "$rel")"
    ln "$f" "$small/$rel"
  done
fi
echo "bench-batch: $(count_dicom "$archive") and $(count_dicom "$small") files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(cat /proc/$$/autogroup)"

# run NAME ARCHIVE JOBS [RESULTS_OF]: prints wall s, frames/s (analysis stage),
# peak RSS MiB. With RESULTS_OF, reruns into that earlier run's results.
run() {
  local name="$1" input="$2" jobs="$3" again="${4:-}"
  local out="$work/results-${again:-$name}"
  [ -n "$again" ] || rm -rf "$out"
  local log="$work/$name.time" summary="$work/$name.out"
  /usr/bin/time -v "$antra" batch "$input" --out "$out" --jobs "$jobs" --quiet >"$summary" 2>"$log" || true
  local wall rss fps analysed
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$log")"
  rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")"
  fps="$(grep -o '([0-9.]* frames/s)' "$summary" | tr -d '(' | cut -d' ' -f1 || true)"
  analysed="$(grep -o '[0-9]* analysed ([0-9]* frames)' "$summary" || true)"
  printf '%-22s jobs %-2s wall %7.1f s  analysis %7s frames/s  peak RSS %5s MiB  %s\n' \
    "$name" "$jobs" "$wall" "${fps:--}" "$rss" "$analysed"
  echo "$name $jobs $wall ${fps:-0} $rss" >>"$work/results.txt"
}

# What the machine gives two CPU-bound processes right now (1.0 to 2.0): the
# ceiling for any 2-worker speed-up measured in this session.
calibrate() {
  local burn='import time; t = time.time(); x = sum(range(40_000_000)); print(time.time() - t)'
  local one two_a two_b
  one="$(python3 -c "$burn")"
  python3 -c "$burn" >"$work/burn-a" & python3 -c "$burn" >"$work/burn-b"; wait
  two_a="$(cat "$work/burn-a")"; two_b="$(cat "$work/burn-b")"
  awk -v one="$one" -v a="$two_a" -v b="$two_b" \
    'BEGIN { printf "machine: two CPU-bound processes run %.2fx as fast as one (2.00 = two free cores)\n", 2 * one / (a > b ? a : b) }'
}
calibrate

: >"$work/results.txt"
run files-1000-jobs-1 "$archive" 1
run files-1000-jobs-2 "$archive" 2
run files-100-jobs-2 "$small" 2
run files-1000-rerun "$archive" 2 files-1000-jobs-2
awk '
  $1 == "files-1000-jobs-1" { f1 = $4; w1 = $3 }
  $1 == "files-1000-jobs-2" { f2 = $4; w2 = $3; m1000 = $5 }
  $1 == "files-100-jobs-2"  { m100 = $5 }
  END {
    if (f1 > 0) printf "speed-up, 2 workers vs 1: %.2fx frames/s (analysis stage), %.2fx wall time (target >= 1.8x)\n", f2 / f1, w1 / w2
    if (m100 > 0) printf "peak memory, 1,000 vs 100 files: %.2fx (target <= 1.5x)\n", m1000 / m100
  }' "$work/results.txt"
calibrate
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
