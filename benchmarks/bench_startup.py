"""Start-up of the command line on the sample warehouse: wall and CPU seconds of whole commands.

Run: uv run python benchmarks/bench_startup.py [--db PATH] [--repeat N] [--checkout DIR ...]
[--only TEXT ...]

Each command is run N times as a new process (`python -m egov.cli ...`, what the `egov` script
runs), after one untimed run that builds the warehouse if absent and warms the file cache. Wall
time is the median of the runs; CPU time (user + sys of the child) the median too, which a
shared machine disturbs less than wall time; a child's CPU counts its own children (the 通报's
sandboxed rendering process). The load average is printed before and after.
With --checkout, the same commands run with each checkout's code (its .venv), interleaved run by
run, so that before and after share one machine state.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


FLOOR = "import click, duckdb, polars"


def issued_unit(db: Path) -> str:
    """A unit whose 反馈单 the sample records as issued: writing its sheet again only reads the
    warehouse (a first issue is a write, which the first, untimed run would make)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql("SELECT min(unit) FROM feedback_issued WHERE scheme = 'yueyang-2017'"
                       ).fetchall()[0][0]
    finally:
        con.close()


def commands(db: Path, out: Path) -> dict[str, list[str]]:
    """The commands measured (the issue's goal 4), by label; the floor is the libraries every
    reading command needs, imported and nothing else."""
    return {
        "floor: " + FLOOR: ["-c", FLOOR],
        "egov --help": ["--help"],
        "egov scores": ["scores", "--db", str(db), "--scheme", "jintan-2013", "--year", "2013"],
        "egov scores --month": ["scores", "--db", str(db), "--scheme", "jintan-2013", "--year",
                                "2013", "--month", "2013-06"],
        "egov notice": ["notice", "--db", str(db), "--scheme", "jintan-2013", "--year", "2013",
                        "--out", str(out)],
        "egov feedback --unit": ["feedback", "--db", str(db), "--scheme", "yueyang-2017",
                                 "--year", "2017", "--unit", issued_unit(db),
                                 "--out", str(out.with_name("反馈单.docx"))],
    }


def run_once(python: str, cwd: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one run of `python -m egov.cli ARGS` (or of
    `python -c CODE` for the floor)."""
    argv = [python, *args] if args[0] == "-c" else [python, "-m", "egov.cli", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="Sample warehouse (default: built in a temp dir).")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", action="append",
                        help="Measure only the commands whose label contains this (repeatable).")
    parser.add_argument("--checkout", type=Path, action="append",
                        help="A checkout to measure (repeatable; default: this one).")
    args = parser.parse_args()
    checkouts = args.checkout or [ROOT]
    tmp = Path(tempfile.mkdtemp(prefix="egov-startup-"))
    db = args.db or tmp / "sample.duckdb"
    if not db.exists():
        from pipelines import demo

        demo.build_sample_warehouse(db)
    cmds = commands(db, tmp / "通报.docx")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs; repeat {args.repeat}", flush=True)
    for label, cmd in cmds.items():
        if args.only and not any(part in label for part in args.only):
            continue
        row = [label]
        for checkout in checkouts:
            python = str(checkout / ".venv" / "bin" / "python")
            run_once(python, checkout, cmd)  # untimed: file cache, .pyc files
        samples: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
        for _ in range(args.repeat):
            for checkout in checkouts:
                python = str(checkout / ".venv" / "bin" / "python")
                samples[checkout].append(run_once(python, checkout, cmd))
        for checkout in checkouts:
            walls, cpus = zip(*samples[checkout], strict=True)
            row.append(f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s "
                       f"CPU (min {min(walls):.2f})")
        print(" | ".join(row), flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0)


if __name__ == "__main__":
    main()
