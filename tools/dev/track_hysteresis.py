#!/usr/bin/env python3
"""What hysteresis linking would give on cine sweeps (development only).

    tools/dev/track_hysteresis.py RESULTS_DIR OUT_DIR HIGH [MIN_STRONG]

RESULTS_DIR holds `antra analyze --json` output made with a low judge
threshold (`--params` with candidate_model.accept_probability lowered), so
the linker has also seen the weak detections. Every unique follicle is kept
only if at least MIN_STRONG (default 1) of its sections have a confidence of
at least HIGH: tracks are started by strong detections and continued by weak
ones. OUT_DIR gets the same files with the other unique follicles removed;
score them with `antra eval CASES OUT_DIR` (unique-follicle figures only: the
per-frame lists are left as they were).

BENCHMARKS.md, "Tried on 2026-11-26 (eleventh session)", has the results.
"""
import json
import pathlib
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    high = float(sys.argv[3])
    min_strong = int(sys.argv[4]) if len(sys.argv) == 5 else 1
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.json")):
        result = json.loads(path.read_text())
        by_frame = {f["index"]: {x["id"]: x for x in f["follicles"]} for f in result["frames"]}
        kept = []
        for unique in result.get("follicles", []):
            confidences = [by_frame[a["index"]][a["follicle_id"]]["confidence"]
                           for a in unique["frames"] if a["follicle_id"] in by_frame.get(a["index"], {})]
            if sum(c >= high for c in confidences) >= min_strong:
                kept.append(unique)
        result["follicles"] = kept
        (dst / path.name).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
