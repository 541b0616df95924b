#!/usr/bin/env python3
"""Diagnostic for the ovary locator on cine sweeps (development only).

    tools/dev/sweep_ovary.py CASES_DIR RESULTS_DIR

For every phantom sweep in CASES_DIR (`*.truth.json`) and `antra analyze`'s
result for it in RESULTS_DIR, prints one character per frame for where the
pipeline put the ovary, then how many of the sweep's detections lie inside
and outside the true ovary of their frame:

  H   the estimated ovary's centre lies inside the true ovary
  .   it lies outside (the map chose another region)
  x   the pipeline found no ovary although the frame shows one
  -   the frame shows no ovary

Why: a sweep-level ovary (the maps of neighbouring frames combined) can only
help where the per-frame choice flickers between the right region and wrong
ones within a sweep; where a sweep's frames are all '.', the map is wrong in
the same way in every frame and combining frames cannot fix it. The summary
counts the sweeps by the share of their ovary frames marked H, and the
detections outside the true ovary by the mark of their frame.
"""
import json
import pathlib
import sys

from cine_tracks import inside  # the same point-in-outline test (beside this script)


def result_for(results, stem):
    path = results / (stem + ".json")
    if not path.exists():
        raise SystemExit(f"{path}: no result for {stem}")
    return json.loads(path.read_text())


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    cases, results = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    bands = [(0.9, "H in >= 90 %"), (0.5, "50-90 %"), (0.1, "10-50 %"), (-1.0, "<= 10 %")]
    kinds = {name: 0 for _, name in bands}
    out_by_mark = {mark: 0 for mark in "H.x-"}
    for truth_path in sorted(cases.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        if truth["case"]["kind"] != "cine":
            continue
        stem = truth_path.name[: -len(".truth.json")]
        result = result_for(results, stem)
        marks, det_in, det_out = [], 0, 0
        for true_frame, frame in zip(truth["frames"], result["frames"]):
            true_ovary = true_frame.get("ovary")
            found = frame.get("ovary")
            if not true_ovary:
                marks.append("-")
            elif not found:
                marks.append("x")
            else:
                marks.append("H" if inside(true_ovary["contour_px"], found["center_px"]) else ".")
            for f in frame["follicles"]:
                if true_ovary and inside(true_ovary["contour_px"], f["center_px"]):
                    det_in += 1
                else:
                    det_out += 1
                    out_by_mark[marks[-1]] += 1
        shown = [m for m in marks if m in "H.x"]
        share = sum(m == "H" for m in shown) / max(1, len(shown))
        kinds[next(name for floor, name in bands if share >= floor)] += 1
        print(f"{stem:28s} {''.join(marks)}  detections in/out of the true ovary {det_in}/{det_out}")
    print("sweeps: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    print("detections outside the true ovary, by the mark of their frame: "
          + ", ".join(f"{mark} {count}" for mark, count in out_by_mark.items()))


if __name__ == "__main__":
    main()
