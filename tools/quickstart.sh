#!/usr/bin/env bash
# The README's two commands:
#   tools/quickstart.sh run    install, build, run the main job on sample_images/
#   tools/quickstart.sh test   install, build, run every test
# Works on a fresh Debian 12 machine as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
build_dir="${ANTRA_BUILD_DIR:-build}"
jobs="$(nproc)"

tools/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
  run)
    exec tools/run-main-job.sh "$build_dir"
    ;;
  test)
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" --timeout 900
    ;;
  *)
    echo "usage: tools/quickstart.sh run|test" >&2
    exit 2
    ;;
esac
