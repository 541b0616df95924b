#!/usr/bin/env python3
"""Diagnostic for cine linking (development only, not part of the product).

    tools/dev/cine_tracks.py CASES_DIR RESULTS_DIR [--csv OUT.csv]

For every unique follicle that `antra analyze` reported on a phantom sweep,
prints what its track looks like (frames, confidences, size profile, share of
sections inside the detected ovary) and whether it matches a true follicle.
Matching follows src/eval/score.cpp (ScoreUnique): a detected unique follicle
may match a true one when, in a frame where the true cross-section is listed
(visible, if the follicle is visible at all), its centre lies within
max(1.5 mm, half the true mean diameter). One-to-one, greedy by distance here
(the scorer uses the Hungarian method), so counts may differ slightly.

Unmatched detections are labelled:
  dup      within tolerance of a true follicle already matched by another
           detection (a second track of one follicle)
  ovary    centre inside the true ovary in its best frame
  outside  elsewhere (look-alikes, background)
"""
import csv
import json
import math
import pathlib
import sys


def inside(poly, p):
    x, y = p
    n = len(poly)
    c = False
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                c = not c
    return c


def profile_shape(sizes):
    """Peakedness of the size profile: (max - mean of the two ends) / max."""
    if len(sizes) < 3:
        return float("nan")
    m = max(sizes)
    return (m - 0.5 * (sizes[0] + sizes[-1])) / m if m > 0 else 0.0


def main():
    args = sys.argv[1:]
    out_csv = None
    if "--csv" in args:
        i = args.index("--csv")
        out_csv = args[i + 1]
        del args[i:i + 2]
    cases, results = map(pathlib.Path, args)
    rows = []
    for truth_path in sorted(cases.glob("*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        truth = json.loads(truth_path.read_text())
        if truth["case"]["kind"] != "cine":
            continue
        res_path = results / (stem + ".json")
        if not res_path.exists():
            continue
        res = json.loads(res_path.read_text())
        mmpp = truth["calibration"]["mm_per_pixel"]["x"]
        sections = {}  # (id, frame) -> truth section
        true_ovary = {}
        for f in truth["frames"]:
            for c in f["follicles"]:
                sections[(c["id"], f["index"])] = c
            if f.get("ovary"):
                true_ovary[f["index"]] = f["ovary"]["contour_px"]
        uniques = {u["id"]: u for u in truth["follicles"]}
        frames = {f["index"]: f for f in res["frames"]}
        detected = res.get("follicles", [])
        # Candidate pairs (distance / tolerance) for matching.
        pairs = []
        for i, u in uniques.items():
            for j, d in enumerate(detected):
                best = None
                for ap in d["frames"]:
                    c = sections.get((i, ap["index"]))
                    if c is None:
                        continue
                    if u["visible"] and c["visible_fraction"] < 0.5:
                        continue
                    dist = math.dist(c["center_px"], ap["center_px"]) * mmpp
                    tol = max(1.5, 0.5 * c["mean_diameter_mm"])
                    v = dist / tol
                    best = v if best is None else min(best, v)
                if best is not None and best <= 1.0:
                    pairs.append((best, i, j))
        pairs.sort()
        match_of_det, matched_true = {}, set()
        near_true = {}
        for v, i, j in pairs:
            near_true.setdefault(j, i)
            if j in match_of_det or i in matched_true:
                continue
            match_of_det[j] = i
            matched_true.add(i)
        for j, d in enumerate(detected):
            confs, sizes, in_ovary = [], [], 0
            for ap in d["frames"]:
                fr = frames[ap["index"]]
                fol = next((x for x in fr["follicles"] if x["id"] == ap["follicle_id"]), None)
                if fol is None:
                    continue
                confs.append(fol["confidence"])
                sizes.append(fol.get("mean_diameter_mm") or 0)
                ov = fr.get("ovary")
                if ov and ov.get("contour_px") and inside(ov["contour_px"], ap["center_px"]):
                    in_ovary += 1
            none_real = 1.0
            for c in confs:
                none_real *= 1 - c
            if j in match_of_det:
                label = "true"
                u = uniques[match_of_det[j]]
                true_mm = u["mean_diameter_mm"]
            else:
                true_mm = ""
                if j in near_true:
                    label = "dup"
                else:
                    bf = d["best_frame"]
                    ov = true_ovary.get(bf)
                    label = "ovary" if ov and inside(ov, d["center_px"]) else "outside"
            idx = [ap["index"] for ap in d["frames"]]
            rows.append({
                "stem": stem,
                "difficulty": truth["case"]["difficulty"],
                "id": d["id"],
                "label": label,
                "frames": len(idx),
                "span": idx[-1] - idx[0] + 1,
                "first": idx[0],
                "mean_mm": round(d.get("mean_diameter_mm") or 0, 2),
                "true_mm": true_mm,
                "track_conf": round(1 - none_real, 3),
                "max_conf": round(max(confs), 3) if confs else 0,
                "mean_conf": round(sum(confs) / len(confs), 3) if confs else 0,
                "median_conf": round(sorted(confs)[len(confs) // 2], 3) if confs else 0,
                "in_ovary": round(in_ovary / max(1, len(idx)), 2),
                "peak": round(profile_shape(sizes), 2),
                "size_cv": round((lambda s: (sum((x - sum(s) / len(s)) ** 2 for x in s) / len(s)) ** 0.5 / (sum(s) / len(s)) if s and sum(s) > 0 else 0)(sizes), 2),
                "sizes": " ".join(f"{x:.1f}" for x in sizes),
                "confs": " ".join(f"{x:.2f}" for x in confs),
                "frame_list": " ".join(str(i) for i in idx),
            })
    keys = list(rows[0].keys()) if rows else []
    if out_csv:
        with open(out_csv, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=keys)
            w.writeheader()
            w.writerows(rows)
    for r in rows:
        print(" ".join(f"{k}={r[k]}" for k in keys if k not in ("sizes", "confs")))
        print("    sizes", r["sizes"], "| confs", r["confs"])


if __name__ == "__main__":
    main()
