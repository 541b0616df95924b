#!/usr/bin/env python3
"""Per-sweep unique-follicle summary from an `antra eval --json` score file
(development only): true / detected / matched unique follicles and the
signed count error, to see whether a set over- or under-counts.

    tools/dev/cine_sweeps.py SCORE.json
"""
import json
import sys

score = json.load(open(sys.argv[1]))
total = 0
for c in score["cases"]:
    if c["kind"] != "cine":
        continue
    m = c["metrics"]
    print(f'{c["stem"]:28s} true {m["unique_true"]:3d} detected {m["unique_detected"]:3d} '
          f'matched {m["unique_found"]:3d} |dcount| {m["unique_count_mean_abs_error"]:.0f}')
