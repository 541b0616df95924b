#!/usr/bin/env bash
# Builds the project (all but the OpenGL viewer window, whose Mesa and GLFW
# libraries are not instrumented and report their own leaks; the viewer's
# headless core and its tests are included) with
# AddressSanitizer + UndefinedBehaviorSanitizer
# into build-asan and runs the test suite there.
#   tools/sanitize.sh [ctest arguments, e.g. -E slow_test_regex]
# Leak detection is on; any sanitizer report fails the test that triggered it.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${ANTRA_ASAN_BUILD_DIR:-build-asan}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DANTRA_SANITIZE=ON -DANTRA_BUILD_BENCHMARKS=OFF \
  -DANTRA_BUILD_VIEWER=OFF
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 1800 "$@"
