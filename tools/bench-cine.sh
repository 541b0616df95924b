#!/usr/bin/env bash
# Cine speed and memory: a 60-frame and a 600-frame 800 x 600 phantom sweep
# (JPEG baseline, as scanners store cine), each analysed in its own process on
# one core (taskset -c 0): decode + per-frame pipeline + linking.
#   tools/bench-cine.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
data="$build/bench-cine"
mkdir -p "$data"
# Both sweeps cross the same ~42 mm of ovary: 60 frames 0.7 mm apart, 600 frames 0.07 mm apart.
for frames in 60 600; do
  step=$([ "$frames" = 60 ] && echo 0.7 || echo 0.07)
  if [ ! -f "$data/$frames/done" ]; then
    rm -rf "$data/$frames"
    "$build/tools/phantom/antra-phantom" --out "$data/$frames" --seed 7 --difficulty medium --count 1 \
      --cine "$frames" --step "$step" --width 800 --height 600 --encoding mono-jpeg --quiet
    touch "$data/$frames/done"
  fi
done
for frames in 60 600; do
  for file in "$data/$frames"/*.dcm; do
    taskset -c 0 "$build/tools/cine_bench/antra-cine-bench" "$file"
  done
done
