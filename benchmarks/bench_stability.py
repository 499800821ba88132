"""Rank stability and scheme comparison at scale: how long 1,000 draws take for N units.

    uv run python benchmarks/bench_stability.py --units 100 1000 6000 --repeat 3

Builds Jintan-shaped results for N units directly (random indicator fractions for the 128
year-end indicators, random content points, a few bonuses) through the scoring engine, then times
`rank_stability` (1,000 draws, ±20%) and `compare` against the 50/50 draft. The engine's own
scoring time is printed for reference. Each cell is the median wall time and, in brackets, the
CPU time of this process (user + system, all threads): on a shared machine the CPU time is the
comparable figure. The last column is the process's peak RSS after that size (the sizes run in
one process, smallest first, so it is the largest size's). Prints a Markdown table for
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import write_jintan_draft  # noqa: E402

from pipelines.engine.compare import compare  # noqa: E402
from pipelines.engine.scoring import Facts, score_all  # noqa: E402
from pipelines.engine.stability import rank_stability  # noqa: E402
from pipelines.schemes.checks import load_scheme_dir, load_scheme_file  # noqa: E402
from pipelines.schemes.tables import iter_leaves  # noqa: E402
from warehouse import database  # noqa: E402


def facts_for(scheme, n: int, seed: int = 1) -> Facts:
    """N units of Jintan's four types with random year-end scores and content points."""
    rng = np.random.default_rng(seed)
    state = database.empty_state()
    types = [u.name for u in scheme.unit_types]
    unit_names = [f"单位{i:05d}" for i in range(n)]
    unit_types = [types[i % len(types)] for i in range(n)]
    units = pl.DataFrame({"scheme": scheme.id, "unit": unit_names, "unit_type": unit_types,
                          "is_sample": True, "load_id": 1}).cast(state["units"].schema)
    leaves = [leaf for r in scheme.rubrics for leaf in iter_leaves(r)]
    quality = rng.uniform(0.3, 1.0, n)
    frac = np.clip(quality[:, None] + rng.normal(0, 0.15, (n, len(leaves))), 0, 1)
    yearend = pl.DataFrame({
        "scheme": scheme.id, "year": scheme.year,
        "unit": np.repeat(unit_names, len(leaves)),
        "indicator": [leaf.indicator.code for leaf in leaves] * n,
        "part": "",
        "score": (frac * np.array([leaf.indicator.max_points for leaf in leaves])).ravel(),
        "exempt": False, "load_id": 1,
    }).with_columns(pl.col("score").round(1))
    yearend = yearend.select(
        [pl.col(c) if c in yearend.columns else pl.lit(None).alias(c)
         for c in state["yearend_inputs"].columns]).cast(state["yearend_inputs"].schema)
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    tallies = pl.DataFrame({
        "scheme": scheme.id, "month": np.tile(months, n), "year": scheme.year,
        "unit": np.repeat(unit_names, 12), "item": 1,
        "count": rng.poisson(np.repeat(quality * 60, 12)), "city_adopted": 0,
        "province_adopted": 0, "load_id": 1,
    }).cast(state["content_tallies"].schema)
    return Facts(units, tallies, yearend, state["adjustment_inputs"], state["metric_values"])


def timed(fn, repeat: int) -> tuple[str, object]:
    """The median wall time and CPU time of `repeat` calls, as a table cell; the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls):.2f} s ({statistics.median(cpus):.2f} s CPU)", out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 1000, 6000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    jintan = next(s for s in load_scheme_dir() if s.id == "jintan-2013")
    with tempfile.TemporaryDirectory() as tmp:
        draft = load_scheme_file(write_jintan_draft(Path(tmp) / "draft.yaml"))
    print("| units | score (engine) | rank_stability, 1,000 draws | compare with the 50/50 draft "
          "| peak RSS |")
    print("|---|---|---|---|---|")
    for n in args.units:
        facts = facts_for(jintan, n)
        t_score, results = timed(lambda f=facts: score_all([jintan], f), args.repeat)
        t_stab, _ = timed(lambda r=results: rank_stability(jintan, r), args.repeat)
        t_cmp, _ = timed(lambda f=facts: compare(jintan, draft, f), args.repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(f"| {n:,} | {t_score} | {t_stab} | {t_cmp} | {peak:.2f} GB |", flush=True)


if __name__ == "__main__":
    main()
