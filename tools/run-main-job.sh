#!/usr/bin/env bash
# The main job over sample_images/ (what the README's first command ends with).
# Also run by the test suite, so the first README command is proven by CI.
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
mkdir -p "$out"
"$antra" info "${samples[@]}"
"$antra" info --json "${samples[@]}" > "$out/info.json"
echo "run-main-job: wrote $out/info.json"
"$antra" analyze "${samples[@]}" --json "$out/analysis" --overlay "$out/overlays"
echo "run-main-job: wrote $out/analysis/ and $out/overlays/"
