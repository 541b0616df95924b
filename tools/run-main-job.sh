#!/usr/bin/env bash
# The main job over sample_images/ (what the README's first command ends with):
# `antra batch` over the folder (per-visit results, errors.csv, study.sqlite),
# then the study report. Also run by the test suite, so the first README
# command is proven by CI. A rerun reuses the earlier analyses (resumable).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
out="${2:-results}"
antra="$build_dir/src/cli/antra"
shopt -s nullglob
samples=(sample_images/*.dcm)
if [ ${#samples[@]} -eq 0 ]; then
  echo "run-main-job: sample_images/ holds no DICOM files" >&2
  exit 1
fi
"$antra" batch sample_images --out "$out" --progress-lines
"$antra" report "$out"
echo "run-main-job: results in $out/ (visits, errors.csv, study.sqlite)"
