#!/usr/bin/env python3
"""The README's Slurm example, run for real: this test starts Debian's munged,
slurmctld and slurmd (one localhost node, configuration generated in a temp
folder), submits the README's array script as 2 shards into the test
PostgreSQL server, waits for it, and checks that the database then holds
exactly what one unsharded run puts there (every row of every table), and that
the shared results folder matches the unsharded one.

usage: batch_slurm_test.py ANTRA ANTRA_PHANTOM README WORKDIR POSTGRES_URL_FILE
Exit status 0 when every check passes, 77 (skipped) when not run as root
(slurmd must be root to start jobs), 1 otherwise, with the daemons' logs.
"""
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

antra, phantom, readme, work, pg_url_file = (os.path.abspath(a) for a in sys.argv[1:6])
failures = []
SHARDS = 2


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(*args, expect=(0,), env=None, timeout=600):
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode not in expect:
        print(p.stdout, p.stderr)
        raise RuntimeError(f"{' '.join(args[:2])} exited {p.returncode}, expected {expect}")
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_slurm_script():
    text = open(readme).read()
    m = re.search(r"<!-- slurm-example:begin -->\s*```sh\n(.*?)```\s*<!-- slurm-example:end -->", text, re.S)
    if not m:
        raise RuntimeError("README has no slurm-example block")
    return m.group(1)


class Postgres:
    """The test server (tests/export's fixture); one fresh database per use."""

    def __init__(self, url):
        self.url = url
        u = urllib.parse.urlparse(url)
        self.env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
        self.args = ["-h", u.hostname, "-p", str(u.port), "-U", urllib.parse.unquote(u.username)]
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
        self.psql = bins[-1] if bins else "psql"

    def sql(self, database, statement):
        return run(self.psql, *self.args, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement,
                   env=self.env).stdout

    def fresh_database(self, name):
        self.sql("postgres", f"DROP DATABASE IF EXISTS {name}")
        self.sql("postgres", f"CREATE DATABASE {name}")
        return urllib.parse.urlparse(self.url)._replace(path="/" + name).geturl()

    def drop(self, name):
        self.sql("postgres", f"DROP DATABASE IF EXISTS {name}")

    def rows(self, database):
        out = {}
        for table in ("subjects", "visits", "ovaries", "follicles", "source_images", "antra_meta"):
            out[table] = sorted(self.sql(database, f"SELECT * FROM {table}").splitlines())
        # The audit trail, its times left out (two runs write it at different times).
        out["review_events"] = sorted(self.sql(database, "SELECT subject_id, visit, seq, who, action, target, reason, "
                                               "revision, before_json, after_json FROM review_events").splitlines())
        return out


class Slurm:
    """munged + slurmctld + slurmd for one node on localhost, all in `base`."""

    def __init__(self, base):
        self.base = base
        self.conf = os.path.join(base, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.pid_files = []

    def log_paths(self):
        return sorted(glob.glob(os.path.join(self.base, "log", "*")))

    def start(self):
        b = self.base
        for d in ("munge", "state", "spool", "log"):
            os.makedirs(os.path.join(b, d), exist_ok=True)
        os.chmod(os.path.join(b, "munge"), 0o700)
        key = os.path.join(b, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        sock = os.path.join(b, "munge", "munge.sock")
        self.pid_files.append(os.path.join(b, "munge", "munged.pid"))
        run("munged", "--force", f"--socket={sock}", f"--key-file={key}", f"--log-file={b}/log/munged.log",
            f"--pid-file={self.pid_files[-1]}", f"--seed-file={b}/munge/munged.seed")
        host = socket.gethostname().split(".")[0]
        cpus = os.cpu_count() or 1
        mem_mb = int(open("/proc/meminfo").read().split()[1]) // 1024 // 2
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=antratest
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
AuthInfo=socket={sock}
CredType=cred/munge
StateSaveLocation={b}/state
SlurmdSpoolDir={b}/spool
SlurmctldPidFile={b}/slurmctld.pid
SlurmdPidFile={b}/slurmd.pid
SlurmctldLogFile={b}/log/slurmctld.log
SlurmdLogFile={b}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
NodeName=antra-node NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem_mb} State=UNKNOWN
PartitionName=antra Nodes=antra-node Default=YES MaxTime=INFINITE State=UP
""")
        self.pid_files += [os.path.join(b, "slurmctld.pid"), os.path.join(b, "slurmd.pid")]
        # -i: ignore state a crashed earlier test might have left.
        run("slurmctld", "-f", self.conf, "-i", env=self.env)
        run("slurmd", "-f", self.conf, "-N", "antra-node", env=self.env)
        deadline = time.time() + 60
        while time.time() < deadline:
            p = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True, env=self.env)
            if p.returncode == 0 and p.stdout.strip() in ("idle", "mixed", "allocated"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"the Slurm node did not become idle within 60 s (sinfo: {p.stdout.strip()} {p.stderr.strip()})")

    def record_pids(self, record):
        """Daemons outlive a test killed by ctest's timeout: note them so the next run can stop them."""
        with open(record, "w") as f:
            for pid_file in self.pid_files:
                if os.path.exists(pid_file):
                    f.write(open(pid_file).read().split()[0] + " " + self.base + "\n")

    @staticmethod
    def stop_leftovers(record):
        if not os.path.exists(record):
            return
        for line in open(record).read().splitlines():
            pid, base = line.split(" ", 1)
            try:
                if base in open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"):
                    os.kill(int(pid), signal.SIGKILL)
                    print(f"stopped daemon {pid} left by an earlier run")
            except (OSError, ValueError):
                pass
        os.remove(record)

    def stop(self):
        for pid_file in reversed(self.pid_files):
            try:
                pid = int(open(pid_file).read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
            try:
                os.kill(pid, signal.SIGTERM)
                for _ in range(100):
                    os.kill(pid, 0)
                    time.sleep(0.05)
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def print_logs(self):
        for path in self.log_paths():
            print(f"----- {path} (last 40 lines)")
            print("".join(open(path, errors="replace").readlines()[-40:]))


def make_archive(archive):
    run(phantom, "--out", archive, "--seed", "31", "--study", "3", "--visits", "2", "--stills", "1",
        "--study-frames", "4", "--width", "320", "--height", "240", "--quiet")
    truth = json.load(open(os.path.join(archive, "study-truth.json")))
    lines = ["PatientID,SubjectID,BaselineDate"]
    for i, p in enumerate(truth["participants"]):
        first = min(v["study_date"] for v in p["visits"])
        lines.append(f"{p['patient_id']},SITE2-{i + 1:03d},{first[:4]}-{first[4:6]}-{first[6:]}")
    # One corrupt file, so each shard's errors are checked too.
    open(os.path.join(archive, "P001", "broken"), "wb").write(b"\0" * 128 + b"DICM" + b"\x7f" * 64)
    mapping = os.path.join(os.path.dirname(archive), "subjects.csv")
    open(mapping, "w").write("\n".join(lines) + "\n")
    return mapping


def tree(root, skip):
    files = {}
    for path in glob.glob(os.path.join(root, "**"), recursive=True):
        rel = os.path.relpath(path, root)
        if not os.path.isfile(path) or rel in skip or rel.startswith("private/."):
            continue
        data = open(path, "rb").read()
        if path.endswith("audit.jsonl"):
            data = [dict(json.loads(l), time=None) for l in data.decode().splitlines()]
        files[rel] = data
    return files


def main():
    if os.geteuid() != 0:
        print("skipped: slurmd must run as root to start jobs (CI runs the suite as root)")
        return 77
    for tool in ("munged", "slurmctld", "slurmd", "sbatch", "sinfo"):
        if not shutil.which(tool):
            print(f"FAIL: {tool} not found: install the Debian packages munge and slurm-wlm (tools/install-deps.sh)")
            return 1
    if not os.path.exists(pg_url_file):
        print(f"FAIL: no PostgreSQL URL in {pg_url_file} (the ctest fixture 'postgres' starts the server)")
        return 1
    pg = Postgres(open(pg_url_file).read().strip())
    record = os.path.join(os.path.dirname(work), "batch-slurm-daemons.txt")
    Slurm.stop_leftovers(record)
    # ctest's timeout sends SIGTERM first: turn it into an exit, so the
    # daemons are stopped by the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    archive = os.path.join(work, "archive")
    mapping = make_archive(archive)

    # One unsharded run: what the database must hold afterwards.
    reference_url = pg.fresh_database("antra_slurm_reference")
    reference = os.path.join(work, "reference")
    run(antra, "batch", archive, "--out", reference, "--mapping", mapping, "--db", reference_url, "--quiet",
        expect=(1,))

    shards_url = pg.fresh_database("antra_slurm_shards")
    results = os.path.join(work, "results")
    script = os.path.join(work, "antra-batch.sbatch")
    open(script, "w").write(readme_slurm_script())
    # Daemon sockets and state in a short private folder (socket paths are
    # limited to 108 bytes).
    slurm = Slurm(tempfile.mkdtemp(prefix="antra-slurm-"))
    try:
        try:
            slurm.start()
        finally:
            slurm.record_pids(record)
        env = dict(slurm.env, ANTRA=antra, ARCHIVE=archive, RESULTS=results, MAPPING=mapping, DB_URL=shards_url)
        # The README's script as written; only the array size and resources
        # are fitted to this one small node on the command line.
        submitted = subprocess.run(
            ["sbatch", "--wait", f"--array=0-{SHARDS - 1}", "--cpus-per-task=1", "--mem=1G",
             f"--output={work}/antra-batch-%A_%a.log", "--chdir", work, script],
            capture_output=True, text=True, env=env, timeout=600)
        print(submitted.stdout.strip(), submitted.stderr.strip())
        logs = sorted(glob.glob(os.path.join(work, "antra-batch-*.log")))
        for log in logs:
            print(f"----- {log}")
            print(open(log, errors="replace").read())
        # Both shards see the corrupt file; exactly one reports it (exit 1).
        check(submitted.returncode in (0, 1), f"sbatch --wait exit status {submitted.returncode}")
        check(len(logs) == SHARDS, f"{SHARDS} array task logs, found {len(logs)}")
        for i in range(SHARDS):
            check(os.path.exists(os.path.join(results, f"errors-shard-{i}-of-{SHARDS}.csv")),
                  f"shard {i} finished (wrote its errors file)")
        reported = []
        for i in range(SHARDS):
            path = os.path.join(results, f"errors-shard-{i}-of-{SHARDS}.csv")
            if os.path.exists(path):
                reported += open(path).read().splitlines()[1:]
        check(len(reported) == 1 and "broken" in reported[0], f"the corrupt file is reported once: {reported}")

        expected, actual = pg.rows("antra_slurm_reference"), pg.rows("antra_slurm_shards")
        check(len(expected["visits"]) == 6, f"reference has 6 visits: {len(expected['visits'])}")
        for table in expected:
            check(expected[table] == actual[table],
                  f"table {table}: {len(expected[table])} rows unsharded, {len(actual[table])} from the shards, "
                  f"equal: {expected[table] == actual[table]}")
        skip = {"errors.csv", "study.sqlite"} | {f"errors-shard-{i}-of-{SHARDS}.csv" for i in range(SHARDS)}
        check(tree(reference, skip) == tree(results, skip), "the shared results folder matches the unsharded one")
    except Exception as e:  # noqa: BLE001 - any failure must still stop the daemons and show their logs
        failures.append(str(e))
        print("FAIL:", e)
    finally:
        slurm.stop()  # first: nothing below may leave the daemons running
        if failures:
            slurm.print_logs()
        shutil.rmtree(slurm.base, ignore_errors=True)
        pg.drop("antra_slurm_reference")
        pg.drop("antra_slurm_shards")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("batch on Slurm: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
