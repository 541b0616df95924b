#!/usr/bin/env bash
# Regenerates sample_images/ (committed): phantom scans with their ground
# truth, three stills per difficulty and one short cine sweep. Deterministic:
# the same seed and generator version give the same files.
#   tools/make-sample-images.sh [BUILD_DIR [OUT_DIR]]
# OUT_DIR defaults to sample_images (the test suite writes a copy elsewhere
# and compares it with the committed one).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
out_dir="${2:-sample_images}"
phantom="$build_dir/tools/phantom/antra-phantom"
seed=2026
if [ ! -x "$phantom" ]; then
  echo "make-sample-images: $phantom not built (cmake --build $build_dir)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out_dir")"
tmp="$(mktemp -d "$out_dir.new.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$phantom" --preset samples --seed "$seed" --out "$tmp" --quiet
cat > "$tmp/README.md" <<README
# Sample images

Simulated transvaginal ultrasound (the Antra phantom, \`docs/phantom.md\`), not
patient data: every identity in them is made up (PHANTOM^P001, PH-0001).
Each \`<stem>.dcm\` has its ground truth beside it in \`<stem>.truth.json\`
(\`docs/schemas/truth.schema.json\`).

| file | what |
|---|---|
| \`easy-0N.dcm\` | stills, clear follicles |
| \`medium-0N.dcm\` | stills, look-alikes (vessels, bowel, bladder), some low contrast |
| \`hard-0N.dcm\` | stills, heavy speckle, low contrast, 2-3 mm follicles, fan edges, shadows |
| \`cine-01.dcm\` | a 12-frame sweep (1 mm apart) through one ovary |

Encodings vary on purpose (MONOCHROME2 native, JPEG baseline grey and
YBR_FULL_422); all are calibrated by a Sequence of Ultrasound Regions only.

Regenerate with \`tools/make-sample-images.sh\` (seed $seed). Score results
against them with \`antra eval sample_images RESULTS_DIR\`.
README
chmod 755 "$tmp"
rm -rf "$out_dir"
mv "$tmp" "$out_dir"
trap - EXIT
echo "make-sample-images: wrote $(ls "$out_dir"/*.dcm | wc -l) images to $out_dir/ ($(du -sh "$out_dir" | cut -f1))"
