#!/usr/bin/env bash
# Frame time of antra-view with overlays on a 1024 x 768 cine (BENCHMARKS.md).
#   tools/viewer-benchmark.sh [BUILD_DIR] [FRAMES] [WINDOW]
# Writes a 120-frame JPEG cine with 20 follicles and its analysis (the test
# fixture writer, built with the tests), then has antra-view draw FRAMES frames
# with the cine advancing one frame per drawn frame (a new texture every
# frame, the worst case), overlays on, vsync off, and print the frame times.
# Runs under Xvfb with Mesa's software OpenGL (llvmpipe): this measures
# software rendering on the CPU, not a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
frames="${2:-600}"
window="${3:-1400x900}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/tests/viewer/viewer_fixture_writer" "$tmp/cine.dcm" --width 1024 --height 768 --frames 120 --follicles 20 --jpeg
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-noreset -screen 0 2000x1200x24" \
  "$build/src/viewer/antra-view" "$tmp/cine.dcm" --no-auto-analysis --benchmark-frames "$frames" --window-size "$window"
