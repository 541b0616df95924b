#!/usr/bin/env python3
"""Ovary masks from phantom truth, for `antra analyze --ovary-mask FOLDER`.

  tools/dev/truth_ovary_masks.py CASES OUT [--box]

Writes OUT/<stem>.png (255 inside frame 0's true ovary outline, 0 elsewhere)
for every CASES/*.truth.json whose first frame has an ovary. With --box, the
mask is instead the bounding box of the true ovary over all the case's frames
(what a reader drags around the ovary of a whole sweep), for every case with
an ovary in some frame. Measures what the
pipeline finds when the ovary is known (BENCHMARKS.md), i.e. how much of the
gap is the ovary locator's. Standard library only (no PIL on the machines).
"""
import json
import pathlib
import struct
import sys
import zlib


def fill_polygon(points, width, height):
    """Rows of bytes, 255 where a pixel centre lies inside (even-odd rule)."""
    rows = []
    n = len(points)
    for y in range(height):
        yc = y + 0.5
        xs = []
        for i in range(n):
            (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
            if (y0 <= yc < y1) or (y1 <= yc < y0):
                xs.append(x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
        xs.sort()
        row = bytearray(width)
        for a, b in zip(xs[0::2], xs[1::2]):
            lo, hi = max(0, int(a + 0.5)), min(width, int(b + 0.5))
            if hi > lo:
                row[lo:hi] = b"\xff" * (hi - lo)
        rows.append(bytes(row))
    return rows


def write_png(path, rows, width, height):
    raw = b"".join(b"\x00" + r for r in rows)
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(png)
    tmp.replace(path)


def ovary_polygon(truth, box):
    """Frame 0's ovary outline, or with `box` the bounding box over all frames."""
    outlines = [f["ovary"]["contour_px"] for f in truth.get("frames") or []
                if f.get("ovary") and len(f["ovary"].get("contour_px", [])) >= 3]
    if not box:
        first = (truth.get("frames") or [{}])[0].get("ovary")
        return first["contour_px"] if first and len(first.get("contour_px", [])) >= 3 else None
    if not outlines:
        return None
    xs = [p[0] for o in outlines for p in o]
    ys = [p[1] for o in outlines for p in o]
    return [[min(xs), min(ys)], [max(xs), min(ys)], [max(xs), max(ys)], [min(xs), max(ys)]]


def main():
    args = [a for a in sys.argv[1:] if a != "--box"]
    if len(args) != 2:
        sys.exit(__doc__)
    box = "--box" in sys.argv[1:]
    cases, out = pathlib.Path(args[0]), pathlib.Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for truth_path in sorted(cases.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        polygon = ovary_polygon(truth, box)
        if polygon is None:
            skipped += 1
            continue
        width, height = truth["image"]["width"], truth["image"]["height"]
        stem = truth_path.name[: -len(".truth.json")]
        write_png(out / (stem + ".png"), fill_polygon(polygon, width, height), width, height)
        written += 1
    print(f"{written} masks written, {skipped} cases without an ovary")


if __name__ == "__main__":
    main()
