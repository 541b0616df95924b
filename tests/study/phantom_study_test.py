#!/usr/bin/env python3
"""End to end on a small multi-visit study made by the phantom generator:
antra-phantom -> antra analyze -> antra study -> antra export (SQLite,
PostgreSQL, REDCap, SR) -> antra review -> rerun -> antra report.

usage: phantom_study_test.py ANTRA ANTRA_PHANTOM SCHEMA WORKDIR [POSTGRES_URL_FILE]
Exit status 0 when every check passes; each failed check is printed.
"""
import csv
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import jsonschema

antra, phantom, schema_path, work = sys.argv[1:5]
pg_url_file = sys.argv[5] if len(sys.argv) > 5 else ""
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(*args, expect=0):
    p = subprocess.run(args, capture_output=True, text=True)
    if expect is not None and p.returncode != expect:
        print(p.stdout, p.stderr)
        raise SystemExit(f"{' '.join(args[:2])} exited {p.returncode}, expected {expect}")
    return p


def tree_hash(root):
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(root, "**"), recursive=True)):
        if os.path.isfile(path):
            h.update(path.encode())
            h.update(open(path, "rb").read())
    return h.hexdigest()


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
archive, analyses, results = (os.path.join(work, d) for d in ("archive", "analyses", "results"))

# 1. A study: 2 participants x 3 visits, per ovary a sweep and a still.
run(phantom, "--out", archive, "--seed", "11", "--study", "2", "--visits", "3", "--stills", "1",
    "--study-frames", "6", "--width", "320", "--height", "240", "--quiet")
truth = json.load(open(os.path.join(archive, "study-truth.json")))
dicoms = sorted(glob.glob(os.path.join(archive, "**", "*.dcm"), recursive=True))
run(antra, "analyze", *dicoms, "--json", analyses + "/")

# 2. Result folders.
out = run(antra, "study", archive, "--analyses", analyses, "--out", results).stdout
check(out.count("created") == 6, "six visits created")
key = {row["patient_id"]: row for row in csv.DictReader(open(os.path.join(results, "private", "subject-key.csv")))}
validator = jsonschema.Draft202012Validator(json.load(open(schema_path)))
identity = set()
for participant in truth["participants"]:
    subject = key[participant["patient_id"]]["subject_id"]
    identity.update([participant["patient_id"]] + [p for p in participant["patient_name"].split("^") if len(p) >= 3])
    first = min(v["study_date"] for v in participant["visits"])
    for tv in participant["visits"]:
        folder = os.path.join(results, subject, "visit-%02d" % (tv["visit"] - 1))  # phantom V1 is the baseline
        path = os.path.join(folder, "visit.json")
        check(os.path.exists(path), f"{folder} written")
        if not os.path.exists(path):
            continue
        visit = json.load(open(path))
        errors = [e.message for e in validator.iter_errors(visit)]
        check(not errors, f"{path} matches the schema: {errors[:2]}")
        check(visit["baseline_date"].replace("-", "") == first, f"{path} baseline is the earliest scan")
        for ovary in tv["ovaries"]:
            side = {"L": "left", "R": "right"}[ovary["side"]]
            n_truth = len(ovary["files"])
            n_found = sum(1 for s in visit["scans"] if s["side"] == side)
            check(n_found == n_truth, f"{path}: {n_truth} {side} scans, found {n_found}")
            check(visit["ovaries"][side]["counting_scan"] is not None
                  and visit["ovaries"][side]["counting_scan"]["kind"] == "sweep",
                  f"{path}: {side} ovary counted on its sweep")
        for f in tv["ovaries"][0]["files"]:
            dump = run("dcmdump", "+P", "PatientBirthDate", os.path.join(archive, f["file"])).stdout
            if "[" in dump:
                birth = dump.split("[")[1].split("]")[0]
                identity.update([birth, f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"])

# 2b. With a mapping that lists only the first participant: the other's scans
# are reported and skipped, never guessed; the arm never reaches results/.
mapped = os.path.join(work, "results-mapped")
first_patient = truth["participants"][0]["patient_id"]
mapping = os.path.join(work, "mapping.csv")
open(mapping, "w").write(f"PatientID,SubjectID,Arm,BaselineDate\n{first_patient},SITE1-001,active-arm,2026-01-05\n")
p = run(antra, "study", archive, "--analyses", analyses, "--out", mapped, "--mapping", mapping, expect=1)
n_other = sum(len(o["files"]) for v in truth["participants"][1]["visits"] for o in v["ovaries"])
check(p.stderr.count("PatientID not in the subject mapping") == n_other, f"{n_other} unmapped scans reported")
check(truth["participants"][1]["patient_id"] not in p.stderr, "the unmapped PatientID is not printed")
check(sorted(os.listdir(mapped)) == ["SITE1-001", "private"], f"only the mapped subject: {os.listdir(mapped)}")
for path in glob.glob(os.path.join(mapped, "**", "*"), recursive=True):
    if os.path.isfile(path):
        check(b"active-arm" not in open(path, "rb").read(), f"{path} holds the treatment arm")
hostile = os.path.join(work, "hostile-mapping.csv")
open(hostile, "w").write(f"PatientID,SubjectID\n{first_patient},../escaped\n")
p = run(antra, "study", archive, "--out", os.path.join(work, "results-hostile"), "--mapping", hostile, expect=1)
check("mapping line 2" in p.stderr and not os.path.exists(os.path.join(work, "escaped")), f"hostile mapping refused: {p.stderr.strip()}")

# 3. Nothing identifying outside private/.
for path in glob.glob(os.path.join(results, "**", "*"), recursive=True):
    if not os.path.isfile(path) or os.path.relpath(path, results).startswith("private"):
        continue
    data = open(path, "rb").read().lower()
    for needle in identity:
        check(needle.lower().encode() not in data, f"{path} holds '{needle}'")

# 4. SQLite: exported once, rerun changes nothing, rows match the files.
db = os.path.join(results, "study.sqlite")
before = tree_hash(os.path.join(results, "S001"))
check("6 visit(s) inserted" in run(antra, "export", results).stdout, "SQLite: 6 visits inserted")
db_hash = hashlib.sha256(open(db, "rb").read()).hexdigest()
check("6 unchanged" in run(antra, "export", results).stdout, "SQLite: rerun unchanged")
check(hashlib.sha256(open(db, "rb").read()).hexdigest() == db_hash, "SQLite file identical after rerun")
check(tree_hash(os.path.join(results, "S001")) == before, "exports never change result files")
visits = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(results, "*", "visit-*", "visit.json")))]
n_follicles = sum(len(v["ovaries"][s]["follicles"]) for v in visits for s in ("left", "right"))
con = sqlite3.connect(db)
check(con.execute("select count(*) from follicles").fetchone()[0] == n_follicles, "SQLite follicles = files")
check(con.execute("select count(*) from visits").fetchone()[0] == 6, "SQLite visits = 6")
for v in visits:
    row = con.execute("select total_afc from visits where subject_id=? and visit=?", (v["subject_id"], v["visit"])).fetchone()
    check(row[0] == v["total_afc"], f"SQLite total AFC of {v['subject_id']} {v['visit_label']}")
con.close()

# 5. PostgreSQL (the real server of the ctest fixture).
if pg_url_file:
    url = open(pg_url_file).read().strip()
    first = run(antra, "export", results, "--to", url).stdout
    second = run(antra, "export", results, "--to", url).stdout
    check("6 unchanged" in second, f"PostgreSQL rerun unchanged: {second.strip()}")
    check("secret" not in first and url.split(":")[2].split("@")[0] not in first, "PostgreSQL output hides the password")

# 6. REDCap and its dictionary.
redcap = os.path.join(work, "redcap", "afc.csv")
run(antra, "export", results, "--to", "redcap:" + redcap)
dictionary = {row["Variable / Field Name"] for row in csv.DictReader(open(redcap.replace(".csv", "-data-dictionary.csv")))}
columns = next(csv.reader(open(redcap)))
system = {"redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"}
check(all(c in dictionary for c in columns if c not in system), "every REDCap column is defined in the dictionary")

# 7. DICOM SR: one per visit, readable by DCMTK.
sr = os.path.join(work, "sr")
run(antra, "export", results, "--to", "sr:" + sr)
srs = sorted(glob.glob(os.path.join(sr, "*.dcm")))
check(len(srs) == 6, "six SR files")
dump = run("dsrdump", srs[0]).stdout
check("OB-GYN Ultrasound Procedure Report" in dump, "SR title is TID 5000's")
sr_text = "".join(run("dsrdump", "+Pc", path).stdout for path in srs)
check("99ANTRA" not in sr_text and "121070" not in sr_text, "SRs use no private or retired code")
check("130901,DCM" in sr_text and "130910,DCM" in sr_text, "SRs carry the antral follicle count groups (DCM 130901/130910)")

# 8. A reviewer's deletion draws the key image again: it shows the reviewed follicles.
subject = key[truth["participants"][0]["patient_id"]]["subject_id"]
visit_dir = os.path.join(results, subject, "visit-00")
automatic = json.load(open(os.path.join(visit_dir, "visit.json")))
side = "left" if automatic["ovaries"]["left"]["follicles"] else "right"
key_image = os.path.join(visit_dir, f"key-{side}.png")
key_before = open(key_image, "rb").read() if os.path.exists(key_image) else b""
follicle = automatic["ovaries"][side]["follicles"][0]["id"]
run(antra, "review", results, subject, "0", "--reviewer", "Dr Test", "--reason", "a vessel",
    "--delete-follicle", f"{side}:{follicle}")
check(key_before != b"" and os.path.exists(key_image) and open(key_image, "rb").read() != key_before,
      "a reviewer's deletion redraws the key image")

# 8b. An unreadable scan-paths.csv does not stop a review being saved: the key
# images cannot be drawn then, and the output says so.
scan_paths = os.path.join(results, "private", "scan-paths.csv")
saved_paths = open(scan_paths, "rb").read()
open(scan_paths, "w").write('sop_instance_uid,path\n"unterminated\n')
visit1 = json.load(open(os.path.join(results, subject, "visit-01", "visit.json")))
side1 = "left" if visit1["ovaries"]["left"]["follicles"] else "right"
out = run(antra, "review", results, subject, "1", "--reviewer", "Dr Test", "--reason", "a vessel",
          "--delete-follicle", f"{side1}:{visit1['ovaries'][side1]['follicles'][0]['id']}").stdout
check("scan-paths.csv" in out and "could not be reopened" in out, f"review saved without scan paths: {out}")
check(len(json.load(open(os.path.join(results, subject, "visit-01", "visit.json")))["ovaries"][side1]["follicles"])
      == len(visit1["ovaries"][side1]["follicles"]) - 1, "the deletion was saved")
open(scan_paths, "wb").write(saved_paths)

# 8c. A scan that shows no ovary (a uterus view, say): marked from the command
# line it is listed but not counted, audited, and can be given back to its ovary.
visit2_path = os.path.join(results, subject, "visit-02", "visit.json")
visit2 = json.load(open(visit2_path))
side2 = "left" if visit2["ovaries"]["left"]["counting_scan"] else "right"
uid2 = visit2["ovaries"][side2]["counting_scan"]["sop_instance_uid"]
run(antra, "review", results, subject, "2", "--reviewer", "Dr Test", "--reason", "uterus view",
    "--set-scan-side", f"{uid2}:not-ovary")
marked = json.load(open(visit2_path))
scan2 = next(s for s in marked["scans"] if s["sop_instance_uid"] == uid2)
check(scan2["side"] == "not-ovary" and scan2["side_source"] == "reviewer", f"scan marked not-ovary: {scan2['side']}")
check((marked["ovaries"][side2]["counting_scan"] or {}).get("sop_instance_uid") != uid2,
      "a scan showing no ovary is not counted")
last = json.loads(open(os.path.join(results, subject, "visit-02", "audit.jsonl")).read().splitlines()[-1])
check(last["action"] == "set-scan-side" and last["after"]["side"] == "not-ovary" and last["reason"] == "uterus view",
      "marking a scan is audited")
bad = run(antra, "review", results, subject, "2", "--reviewer", "Dr Test", "--reason", "x",
          "--set-scan-side", f"{uid2}:middle", expect=1)
check("not-ovary" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, f"a bad side is one clear line: {bad.stderr}")
run(antra, "review", results, subject, "2", "--reviewer", "Dr Test", "--reason", "it was the ovary after all",
    "--set-scan-side", f"{uid2}:{side2}")
back = json.load(open(visit2_path))
check(back["ovaries"][side2]["counting_scan"]["sop_instance_uid"] == uid2, "given back, the scan counts again")
check(back["ovaries"][side2]["afc"] == visit2["ovaries"][side2]["afc"], "and the ovary's AFC is as before")

# 8d. A coordinator transcribing a worksheet: every correction the viewer
# makes can be made from the command line, each audited.
# An ovary with follicles, in a visit steps 8b/8c and 9 leave alone or only add to.
edit_visit, side2 = next((v, sd) for v in ("2", "1") for sd in ("left", "right")
                         if json.load(open(os.path.join(results, subject, f"visit-0{v}", "visit.json")))
                         ["ovaries"][sd]["follicles"])
visit2_path = os.path.join(results, subject, f"visit-0{edit_visit}", "visit.json")
before = json.load(open(visit2_path))["ovaries"][side2]
first_id = before["follicles"][0]["id"]
run(antra, "review", results, subject, edit_visit, "--reviewer", "Dr Test", "--reason", "worksheet",
    "--edit-follicle", f"{side2}:{first_id}:7,12", "--add-follicle", f"{side2}:5.5,4",
    "--ovary-diameters", f"{side2}:31,22,18")
after = json.load(open(visit2_path))["ovaries"][side2]
edited = next(f for f in after["follicles"] if f["id"] == first_id)
check(edited["diameters_mm"] == [12, 7] and edited["origin"] == "edited", f"edited follicle: {edited['diameters_mm']}")
added = [f for f in after["follicles"] if f["origin"] == "added"]
check(len(added) == 1 and added[0]["diameters_mm"] == [5.5, 4] and added[0]["counted_in_afc"], "typed-in follicle added")
check(after["diameters_mm"] == {"length": 31, "width": 22, "height": 18, "source": "reviewer"},
      f"ovary diameters: {after['diameters_mm']}")
check(after["volume_ml"] is not None and abs(after["volume_ml"] - 0.523 * 31 * 22 * 18 / 1000) < 1e-9, "ovary volume")
check(after["afc"] == sum(f["counted_in_afc"] for f in after["follicles"]), "AFC recounted from the edited follicles")
trail = [json.loads(line)["action"] for line in open(os.path.join(results, subject, f"visit-0{edit_visit}", "audit.jsonl"))]
check(trail[-3:] == ["edit-follicle", "add-follicle", "set-ovary-diameters"], f"each correction audited: {trail[-3:]}")
for bad_args in (["--ovary-diameters", f"{side2}:31"], ["--add-follicle", f"{side2}:abc,4"],
                 ["--edit-follicle", f"{side2}:{first_id}"], ["--counting-scan", f"{side2}:9.9.9"]):
    bad = run(antra, "review", results, subject, edit_visit, "--reviewer", "Dr Test", "--reason", "x", *bad_args, expect=1)
    check(len(bad.stderr.strip().splitlines()) == 1 and "error" in bad.stderr, f"{bad_args}: one clear line: {bad.stderr}")
check(json.load(open(visit2_path))["ovaries"][side2] == after, "a refused correction changes nothing")

# 8e. A box around the ovary from the command line, as the viewer's Shift+O:
# the counting scan analysed again with the box given; automatic follicles
# outside it deleted, new ones found inside it added, each step audited.
other = key[truth["participants"][1]["patient_id"]]["subject_id"]
box_path = os.path.join(results, other, "visit-00", "visit.json")
boxed_before = json.load(open(box_path))
box_side = "left" if boxed_before["ovaries"]["left"]["afc"] is not None else "right"
box_uid = boxed_before["ovaries"][box_side]["counting_scan"]["sop_instance_uid"]
bx, by, bw, bh = 40, 20, 200, 200
out = run(antra, "review", results, other, "0", "--reviewer", "Dr Test", "--reason", "ovary boxed",
          "--ovary-box", f"{box_uid}:{bx},{by},{bw},{bh}").stdout
boxed = json.load(open(box_path))
box_trail = [json.loads(line) for line in open(os.path.join(results, other, "visit-00", "audit.jsonl"))]
new_entries = box_trail[-(len(out.strip().splitlines())):]
actions = [e["action"] for e in new_entries]
check(actions[0] == "set-ovary-box" and actions[-1] == "ovary-box-analysis"
      and all(a == "delete-follicle" for a in actions[1:-1]), f"box, deletions, analysis audited in order: {actions}")
inside = lambda f: bx <= f["center_px"][0] <= bx + bw and by <= f["center_px"][1] <= by + bh
on_scan = [f for f in boxed["ovaries"][box_side]["follicles"] if f["sop_instance_uid"] == box_uid]
check(all(inside(f) for f in on_scan if f["origin"] == "automatic"), "no automatic follicle outside the box is left")
deleted = [e["before"] for e in new_entries if e["action"] == "delete-follicle"]
check(all(not inside(f) for f in deleted), "only follicles outside the box were deleted")
analysis_entry = new_entries[-1]
added_ids = [f["id"] for f in analysis_entry["after"]["added"]]
check(all(any(f["id"] == i and f["origin"] == "automatic" for f in on_scan) for i in added_ids),
      f"the follicles the analysis added are in the visit: {added_ids}")
check(all(inside(f) for f in analysis_entry["after"]["added"]), "and inside the box")
check(analysis_entry["after"]["software_version"] != "" and analysis_entry["after"]["ovary_box_px"] == [bx, by, bw, bh],
      "the analysis entry names the software and the box")
scan_entry = next(sc for sc in boxed["scans"] if sc["sop_instance_uid"] == box_uid)
check(scan_entry.get("ovary_box_px") == [bx, by, bw, bh], "the box is kept with the scan")
check(boxed["ovaries"][box_side]["afc"] == sum(f["counted_in_afc"] for f in boxed["ovaries"][box_side]["follicles"]),
      "the AFC is recounted")
print(f"ovary box: {len(deleted)} deleted outside, {len(added_ids)} added inside, "
      f"AFC {boxed_before['ovaries'][box_side]['afc']} -> {boxed['ovaries'][box_side]['afc']}")
for bad_args in (["--ovary-box", f"{box_uid}:1,2,3"], ["--ovary-box", f"{box_uid}:0,0,600,100"],
                 ["--ovary-box", "9.9.9:0,0,10,10"], ["--ovary-box", f"{box_uid}:0,0,10,10", "--preset", "no-such"]):
    bad = run(antra, "review", results, other, "0", "--reviewer", "Dr Test", "--reason", "x", *bad_args, expect=1)
    check(len(bad.stderr.strip().splitlines()) == 1 and "error" in bad.stderr, f"{bad_args}: one clear line: {bad.stderr}")
check(json.load(open(box_path)) == boxed, "a refused box changes nothing")

# 9. Sign-off protection: sign a visit off, change its inputs, run again.
run(antra, "review", results, subject, "0", "--reviewer", "Dr Test", "--sign-off")
signed = open(os.path.join(results, subject, "visit-00", "visit.json"), "rb").read()
counting = json.loads(signed)["ovaries"]["left"]["counting_scan"]["sop_instance_uid"]
for path in glob.glob(os.path.join(analyses, "*.json")):
    if json.load(open(path))["image"]["sop_instance_uid"] == counting:
        os.remove(path)
rerun = run(antra, "study", archive, "--analyses", analyses, "--out", results).stdout
check(f"{subject} visit-00: stored beside (needs review)" in rerun, f"rerun over a signed-off visit: {rerun}")
check(open(os.path.join(results, subject, "visit-00", "visit.json"), "rb").read() == signed, "signed-off visit.json untouched")
check(os.path.exists(os.path.join(results, subject, "visit-00", "automatic-pending", "visit.json")), "new result stored beside")
report = run(antra, "report", results).stdout
check("!" in report and "Unreviewed visits (5)" in report, "study report flags pending and unreviewed visits")
check(os.path.exists(os.path.join(results, "reports")) is False, "study-wide report writes no chart")
run(antra, "report", results, subject)
check(os.path.exists(os.path.join(results, "reports", subject + "-afc.png")), "participant chart written")

# 10. Agreement with the phantom's truth (information: the pipeline's accuracy, not this test's pass mark).
agree = total = 0
for participant in truth["participants"]:
    s = key[participant["patient_id"]]["subject_id"]
    for tv in participant["visits"]:
        for ovary in tv["ovaries"]:
            side = {"L": "left", "R": "right"}[ovary["side"]]
            path = os.path.join(results, s, "visit-%02d" % (tv["visit"] - 1), "visit.json")
            found = json.load(open(path))["ovaries"][side]["afc"]
            total += 1
            agree += found == ovary["afc"]
print(f"ovary AFC equal to truth: {agree}/{total} (pipeline branch without cine linking)")

print("FAILED checks:", len(failures)) if failures else print("all checks passed")
sys.exit(1 if failures else 0)
