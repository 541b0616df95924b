#!/usr/bin/env python3
"""What a reviewer gets from a box around the ovary in a visit, on phantom cases.

  tools/dev/visit_box_merge.py CASES AUTOMATIC BOXED OUT

In a visit (antra-view --results, or `antra review --ovary-box`) the box does
not replace the automatic follicles: those outside it are deleted, those
inside are kept, and the follicles the analysis with the box finds that are
not among them are added (VisitEditor::ApplyOvaryBoxAnalysis). This writes
that result as analysis JSON, OUT/<stem>.json, for `antra eval CASES OUT`:

  AUTOMATIC  `antra analyze --json` of CASES (the automatic result)
  BOXED      `antra analyze --json --ovary-mask MASKS` of CASES, MASKS from
             `tools/dev/truth_ovary_masks.py CASES MASKS --box` (the box a
             reader drags around the ovary of the whole image or sweep)

"The same follicle" is decided as study/visit_edit.cpp's SameFollicle does:
seen within two frames of the kept follicle's frame, its centre there within
the larger of the two half lengths. Stills: frame 0's follicles; sweeps: the
unique follicles (top-level `follicles`). Standard library only.
"""
import json
import math
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from truth_ovary_masks import ovary_polygon  # noqa: E402


def half_length(follicle):
    (ax, ay), (bx, by) = follicle["calipers_px"]["long"]
    return math.hypot(bx - ax, by - ay) / 2


def seen(follicle, still):
    if still:
        return [(0, follicle["center_px"])]
    return [(f["index"], f["center_px"]) for f in follicle["frames"]]


def same(candidate, candidate_seen, kept, kept_frame):
    reach = max(half_length(kept), half_length(candidate))
    if half_length(kept) <= 0 or not candidate_seen:
        return False
    frame, centre = min(candidate_seen, key=lambda s: abs(s[0] - kept_frame))
    if abs(frame - kept_frame) > 2:
        return False
    return math.hypot(centre[0] - kept["center_px"][0], centre[1] - kept["center_px"][1]) <= reach


def merge(automatic, boxed, box):
    (x0, y0), _, (x1, y1), _ = box
    inside = lambda f: x0 <= f["center_px"][0] <= x1 and y0 <= f["center_px"][1] <= y1
    still = not automatic.get("follicles")  and not boxed.get("follicles")
    if still:
        kept = [f for f in automatic["frames"][0]["follicles"] if inside(f)]
        found = boxed["frames"][0]["follicles"] if boxed["frames"] else []
        frame_of = lambda f: 0
    else:
        kept = [f for f in automatic.get("follicles", []) if inside(f)]
        found = boxed.get("follicles", [])
        frame_of = lambda f: f["best_frame"]
    added = [c for c in found
             if not any(same(c, seen(c, still), k, frame_of(k)) for k in kept)]
    out = dict(automatic)
    if still:
        out["frames"] = [dict(automatic["frames"][0], follicles=kept + added)] + automatic["frames"][1:]
    else:
        out["follicles"] = kept + added
    return out, len(automatic["frames"][0]["follicles"] if still else automatic.get("follicles", [])) - len(kept), len(added)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    cases, automatic_dir, boxed_dir, out = (pathlib.Path(a) for a in sys.argv[1:])
    out.mkdir(parents=True, exist_ok=True)
    merged = deleted = added = 0
    for truth_path in sorted(cases.glob("*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        box = ovary_polygon(json.loads(truth_path.read_text()), True)
        automatic_path, boxed_path = automatic_dir / (stem + ".json"), boxed_dir / (stem + ".json")
        if box is None or not automatic_path.exists() or not boxed_path.exists():
            continue
        result, gone, new = merge(json.loads(automatic_path.read_text()), json.loads(boxed_path.read_text()), box)
        (out / (stem + ".json")).write_text(json.dumps(result))
        merged += 1
        deleted += gone
        added += new
    print(f"{merged} cases merged: {deleted} automatic follicles outside the box deleted, {added} added from the box analysis")


if __name__ == "__main__":
    main()
