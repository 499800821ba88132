"""Benchmark the load at scale: egov against DuckDB's bare load and a pandas peer, same files.

Run (from a fresh clone; bytecode compiled so imports are measured as a user sees them):

    UV_COMPILE_BYTECODE=1 uv sync
    uv run python benchmarks/bench_scale.py --units 600 6000 60000

For each N (units of the scheme, default jintan-2013) it writes the seeded input files
(`pipelines.scale_data`, 示例数据: units, 12 monthly content files, year-end, adjustments,
metrics) and measures, as whole processes with their peak memory (max RSS from /usr/bin/time, or
from the kernel's child accounting where that is missing):

- duckdb:   DuckDB reading the same CSVs into one table per template and checkpointing: the floor;
- ingest:   `egov ingest --db NEW FILE...` of every file (validate, score, publish);
- build:    `egov build --raw DIR --db NEW` (the same plus the curated Parquet);
- pandas:   benchmarks/pandas_peer.py, the same checks and scores written in pandas;
- month:    `egov ingest` of one resubmitted month for all N units on top of the loaded year
            (the monthly routine; the warehouse is published when the command ends).

Wall time is the figure; CPU time (user + system) is shown beside it because the machine may be
shared: a process waiting for a core shows in wall time only.

With `--years 2` (series years, jintan-2013 only) the same N units then get a second year of the
series: the sample's next-year scheme (pipelines/years/sample.py, jintan-2014 示例方案: other
weights, an indicator renumbered, one dropped and one new) is added with `egov scheme add`, its
files are written for the same invented units (`write_scale_data(..., scheme=, units_of=)`) and

- year2:    `egov ingest` of the second year's files into the warehouse holding the first
            (scored, matched to the first year: prev_total, prev_rank, rank_change);
- trend:    `egov trend --series jintan --format csv` over both years (one row per unit and year).

Ratios are egov ingest over DuckDB (lower is better) and pandas over egov ingest (higher is
better). `--before DIR` also runs `egov ingest` and the month with another checkout (its .venv and
code; e.g. `git worktree add --detach DIR COMMIT && (cd DIR && uv sync)`), each right after this
one's on the same files, so that before and after see the same machine. `--phases` runs egov's
commands with EGOV_PHASES=1 and keeps each phase's wall, CPU and peak memory (pipelines/phases.py)
in the JSON and prints them: the peak memory by phase. `--pages DB` also runs
benchmarks/bench_pages.py over a warehouse (see that script). Results print as a Markdown
table and, with --out, as JSON. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TIME = Path("/usr/bin/time")

DUCKDB_LOAD = """
import sys, duckdb
from pathlib import Path
db, folder = sys.argv[1], Path(sys.argv[2])
groups = {}
for f in sorted(folder.glob("*.csv")):
    groups.setdefault(f.stem.split("-")[0], []).append(str(f))
con = duckdb.connect(db)
for kind, files in groups.items():
    con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_csv(?, header=true, "
                "union_by_name=true)", [files])
con.execute("CHECKPOINT")
con.close()
"""


def phases_of(stderr: str) -> list[dict]:
    """The `[phase]` lines of EGOV_PHASES=1 (pipelines/phases.py) as records."""
    out = []
    for line in stderr.splitlines():
        if line.startswith("[phase] "):
            f = line.split()
            out.append({"phase": f[1], "wall_s": float(f[2]), "cpu_s": float(f[5]),
                        "rss_mb": float(f[9]), "peak_mb": float(f[12])})
    return out


def run(cmd: list[str], label: str, root: Path = ROOT, phases: bool = False) -> dict:
    """Run a command as its own process (with `root`'s code): wall seconds, peak RSS (MB),
    exit code; with `phases`, the load's phases (EGOV_PHASES=1)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    if phases:
        env["EGOV_PHASES"] = "1"
    # A country's year (60,000 units) puts ~7M rows in one year-end CSV: past the default input
    # limits (README, "Limits"), which an office of that size raises the same way.
    env.setdefault("EGOV_MAX_FILE_MB", "4096")
    env.setdefault("EGOV_MAX_ROWS", "50000000")
    env.setdefault("EGOV_MAX_CELLS", "500000000")
    if TIME.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
            start = time.perf_counter()
            proc = subprocess.run([str(TIME), "-f", "%e %U %S %M", "-o", out.name, *cmd], env=env,
                                  capture_output=True, text=True, cwd=root)
            wall = time.perf_counter() - start
            fields = out.read().split()
            peak_mb = int(fields[-1]) / 1024 if fields else float("nan")
            cpu = float(fields[-3]) + float(fields[-2]) if fields else float("nan")
    else:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=root)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = max(before.ru_maxrss, after.ru_maxrss) / 1024
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        print(f"  {label} failed ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr)
    print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, {peak_mb:.0f} MB, load "
          f"{os.getloadavg()[0]:.1f}", file=sys.stderr)
    out = {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "peak_mb": round(peak_mb, 1),
           "exit": proc.returncode, "load_1min": round(os.getloadavg()[0], 2)}
    if phases:
        out["phases"] = phases_of(proc.stderr)
        for p in out["phases"]:
            print(f"    {p['phase']:<16} {p['wall_s']:7.2f} s wall {p['cpu_s']:7.2f} s CPU "
                  f"peak {p['peak_mb']:7.0f} MB", file=sys.stderr)
    return out


def bench_size(n: int, scheme: str, base: Path, seed: int, skip: set[str],
               years: int = 1, before: Path | None = None,
               phases: bool = False) -> dict:
    from pipelines.scale_data import write_month_file, write_scale_data

    folder = base / f"n{n}"
    raw = folder / "raw" / "sample"  # under sample/: `egov build` flags the units 示例数据
    start = time.perf_counter()
    files = write_scale_data(raw, n, scheme, seed=seed)
    generated = time.perf_counter() - start
    rows = sum(files.rows.values())
    size_mb = sum(p.stat().st_size for p in files.all()) / 1e6
    print(f"N={n}: {rows:,} rows in {len(files.all())} files ({size_mb:.0f} MB), "
          f"written in {generated:.1f} s", file=sys.stderr)
    paths = [str(p) for p in files.all()]
    egov = str(BIN / "egov")
    out: dict = {"units": n, "rows": rows, "files_mb": round(size_mb, 1), "rows_by_kind":
                 files.rows, "generate_seconds": round(generated, 2)}
    out["duckdb"] = run([sys.executable, "-c", DUCKDB_LOAD, str(folder / "duck.duckdb"),
                         str(raw)], "duckdb bare load")
    out["ingest"] = run([egov, "ingest", "--db", str(folder / "ingest.duckdb"), *paths],
                        "egov ingest", phases=phases)
    if before is not None:
        out["before_ingest"] = run([str(before / ".venv" / "bin" / "egov"), "ingest", "--db",
                                    str(folder / "before.duckdb"), *paths],
                                   f"egov ingest, before ({before})", root=before, phases=phases)
    if "build" not in skip:
        out["build"] = run([egov, "build", "--raw", str(folder / "raw"), "--db",
                                str(folder / "build.duckdb"), "--curated",
                                str(folder / "curated")], "egov build")
    if "pandas" not in skip:
        out["pandas"] = run([sys.executable, str(ROOT / "benchmarks" / "pandas_peer.py"), "--db",
                             str(folder / "pandas.duckdb"), *paths], "pandas peer")
    if files.content and "month" not in skip:
        month = folder / f"content-{max(files.content):02d}-revised.csv"
        month_rows = write_month_file(month, n, scheme, max(files.content), seed=seed,
                                      revision=2)
        db = folder / "month.duckdb"
        shutil.copy(folder / "ingest.duckdb", db)
        out["month"] = run([egov, "ingest", "--db", str(db), str(month)],
                           f"one month on top ({month_rows:,} rows)", phases=phases)
        out["month"]["rows"] = month_rows
        if before is not None:
            db = folder / "before-month.duckdb"
            shutil.copy(folder / "before.duckdb", db)
            out["before_month"] = run([str(before / ".venv" / "bin" / "egov"), "ingest", "--db",
                                       str(db), str(month)], "one month on top, before",
                                      root=before, phases=phases)
    if years > 1:
        out.update(bench_next_years(n, scheme, folder, seed, years))
    out["warehouse_mb"] = round((folder / "ingest.duckdb").stat().st_size / 1e6, 1)
    out["ingest_vs_duckdb"] = round(out["ingest"]["seconds"] / out["duckdb"]["seconds"], 2)
    out["ingest_vs_duckdb_cpu"] = round(out["ingest"]["cpu_seconds"]
                                        / out["duckdb"]["cpu_seconds"], 2)
    if "before_ingest" in out:
        out["before_ingest_vs_duckdb"] = round(out["before_ingest"]["seconds"]
                                               / out["duckdb"]["seconds"], 2)
        out["before_ingest_vs_duckdb_cpu"] = round(out["before_ingest"]["cpu_seconds"]
                                                   / out["duckdb"]["cpu_seconds"], 2)
    if "pandas" in out:
        out["pandas_vs_ingest"] = round(out["pandas"]["seconds"] / out["ingest"]["seconds"], 2)
    return out


def bench_next_years(n: int, scheme: str, folder: Path, seed: int, years: int) -> dict:
    """The series' second year on top of the first in folder/ingest.duckdb, then egov trend."""
    from pipelines.scale_data import builtin_scheme, write_scale_data
    from pipelines.schemes.admin import scheme_yaml
    from pipelines.years.sample import BASE_SCHEME_ID, sample_next_scheme

    if scheme != BASE_SCHEME_ID or years != 2:
        raise SystemExit(f"--years 2 is measured for {BASE_SCHEME_ID} (its sample next year)")
    egov = str(BIN / "egov")
    db = str(folder / "ingest.duckdb")
    nxt = sample_next_scheme(builtin_scheme(scheme))
    scheme_file = folder / f"{nxt.id}.yaml"
    scheme_file.write_text(scheme_yaml(nxt), encoding="utf-8")
    out: dict = {"scheme_add": run([egov, "scheme", "add", "--db", db, str(scheme_file)],
                                   f"egov scheme add {nxt.id} (rescores the first year)")}
    raw = folder / "raw2" / "sample"
    files = write_scale_data(raw, n, seed=seed, scheme=nxt, units_of=scheme)
    out["year2"] = run([egov, "ingest", "--db", db, *map(str, files.all())],
                       f"egov ingest of {nxt.id} ({sum(files.rows.values()):,} rows)")
    out["year2"]["rows"] = sum(files.rows.values())
    # The output (one row per unit and year) is read by run() through a pipe, as a user's shell
    # or spreadsheet import would.
    out["trend"] = run([egov, "trend", "--db", db, "--series", nxt.series or "", "--format",
                        "csv"], f"egov trend --series {nxt.series}")
    return out


def machine() -> dict:
    import duckdb
    import pandas
    import polars

    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(mem_gb, 1), "processor": platform.processor() or platform.machine(),
            "duckdb": duckdb.__version__, "polars": polars.__version__,
            "pandas": pandas.__version__}


def table(results: list[dict]) -> str:
    head = ("| units | rows | DuckDB bare load | egov ingest | ratio | egov build | pandas peer | "
            "pandas / egov | one month on top | warehouse |")
    lines = [head, "|" + "---|" * 10]
    def cell(r: dict, key: str) -> str:
        m = r.get(key)
        if not m:
            return "—"
        return f"{m['seconds']:.1f} s ({m['cpu_seconds']:.1f} s CPU), {m['peak_mb'] / 1024:.2f} GB"

    for r in results:
        ratio = f"{r['pandas_vs_ingest']:.1f}×" if "pandas_vs_ingest" in r else "—"
        lines.append(
            f"| {r['units']:,} | {r['rows']:,} | {cell(r, 'duckdb')} | {cell(r, 'ingest')} | "
            f"{r['ingest_vs_duckdb']:.1f}× | {cell(r, 'build')} | {cell(r, 'pandas')} | "
            f"{ratio} | {cell(r, 'month')} | {r['warehouse_mb']:.0f} MB |")
        if "before_ingest" in r:
            lines.append(
                f"| {r['units']:,} before | {r['rows']:,} | (same) | {cell(r, 'before_ingest')} | "
                f"{r['before_ingest_vs_duckdb']:.1f}× | — | — | — | {cell(r, 'before_month')} "
                "| — |")
    if any("year2" in r for r in results):
        lines += ["", "| units | scheme add (2nd year) | 2nd year's ingest | rows | egov trend |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r['units']:,} | {cell(r, 'scheme_add')} | {cell(r, 'year2')} | "
                  f"{r['year2']['rows']:,} | {cell(r, 'trend')} |" for r in results if "year2" in r]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, nargs="+", default=[600, 6000])
    parser.add_argument("--scheme", default="jintan-2013")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--years", type=int, default=1, choices=[1, 2],
                        help="2: a second year of the series on top (jintan-2013 only), then "
                             "egov trend over both.")
    parser.add_argument("--keep", type=Path, help="Keep the files and warehouses here.")
    parser.add_argument("--out", type=Path, help="Also write the results as JSON here.")
    parser.add_argument("--pages", type=Path, help="Then run bench_pages.py over this warehouse.")
    parser.add_argument("--before", type=Path,
                        help="Another checkout whose egov ingest and month run beside this one's.")
    parser.add_argument("--phases", action="store_true",
                        help="EGOV_PHASES=1 for egov's loads: time and peak memory per phase.")
    parser.add_argument("--skip", nargs="*", default=[], choices=["build", "pandas", "month"],
                        help="Leave these measurements out (e.g. the pandas peer at 60,000 units, "
                             "whose memory grows past what a shared machine has to spare).")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="egov-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for n in args.units:
            results.append(bench_size(n, args.scheme, base, args.seed, set(args.skip),
                                      args.years, args.before, args.phases))
            if not args.keep:
                shutil.rmtree(base / f"n{n}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    report = {"machine": machine(), "scheme": args.scheme, "results": results,
              "load_average_end": os.getloadavg()}
    print(f"\n{args.scheme}, machine: {json.dumps(report['machine'])}\n")
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.pages:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_pages.py"), "--db",
                        str(args.pages)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
