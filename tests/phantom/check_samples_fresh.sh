#!/usr/bin/env bash
# sample_images/ must be what tools/make-sample-images.sh makes with this
# generator: regenerate into the build tree and compare the truth files
# (pixels may differ by rounding on another CPU's SIMD paths; truth must not).
#   check_samples_fresh.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir="$1"
build_dir="$2"
out="$build_dir/sample-images-check"
"$source_dir/tools/make-sample-images.sh" "$build_dir" "$out" > /dev/null
status=0
for f in "$source_dir"/sample_images/*.truth.json; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$out/$name"; then
    echo "check-samples: sample_images/$name differs from a fresh generation; run tools/make-sample-images.sh" >&2
    status=1
  fi
done
for f in "$source_dir"/sample_images/*.dcm; do
  cmp -s "$f" "$out/$(basename "$f")" || echo "check-samples: note: $(basename "$f") pixels differ (allowed)"
done
[ "$(ls "$out"/*.truth.json | wc -l)" = "$(ls "$source_dir"/sample_images/*.truth.json | wc -l)" ] || { echo "check-samples: file lists differ" >&2; status=1; }
exit $status
