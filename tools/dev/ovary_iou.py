#!/usr/bin/env python3
"""How well the pipeline located the ovary on phantom stills.

  tools/dev/ovary_iou.py CASES RESULTS

For every CASES/<stem>.truth.json with an ovary in frame 0 and a
RESULTS/<stem>.json from `antra analyze --json`, compares the estimated ovary
of frame 0 with the true one on a 4-pixel grid: prints the mean and median
intersection over union, how many stills score under 0.1 (a missing estimate
scores 0), and in how many the estimate's centre lies in the true ovary.
Standard library only (no PIL or numpy on the machines).
"""
import importlib.util
import json
import pathlib
import sys

_spec = importlib.util.spec_from_file_location("truth_ovary_masks", pathlib.Path(__file__).with_name("truth_ovary_masks.py"))
_masks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_masks)

STEP = 4  # pixels per grid cell


def raster(contour, width, height):
    return _masks.fill_polygon([(x / STEP, y / STEP) for x, y in contour], width // STEP, height // STEP)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cases, results = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    ious, centre_inside = [], 0
    for truth_path in sorted(cases.glob("*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        result_path = results / (stem + ".json")
        if not result_path.exists():
            continue
        truth = json.loads(truth_path.read_text())
        true_ovary = truth["frames"][0].get("ovary")
        if not true_ovary:
            continue
        width, height = truth["image"]["width"], truth["image"]["height"]
        estimate = json.loads(result_path.read_text())["frames"][0].get("ovary") or {}
        truth_rows = raster(true_ovary["contour_px"], width, height)
        if not estimate.get("contour_px"):
            ious.append(0.0)
            continue
        estimate_rows = raster(estimate["contour_px"], width, height)
        inter = sum(sum(1 for a, b in zip(ra, rb) if a and b) for ra, rb in zip(truth_rows, estimate_rows))
        union = sum(r.count(255) for r in truth_rows) + sum(r.count(255) for r in estimate_rows) - inter
        ious.append(inter / max(1, union))
        cx, cy = estimate["center_px"]
        row = truth_rows[min(len(truth_rows) - 1, int(cy / STEP))]
        centre_inside += row[min(len(row) - 1, int(cx / STEP))] != 0
    if not ious:
        sys.exit("no still with both a true ovary and a result")
    ious.sort()
    n = len(ious)
    print(f"{n} stills: mean IoU {sum(ious) / n:.3f}, median {ious[n // 2]:.3f}, "
          f"IoU < 0.1: {sum(i < 0.1 for i in ious)}, estimated centre in the true ovary: {centre_inside}")


if __name__ == "__main__":
    main()
