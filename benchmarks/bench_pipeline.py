"""Benchmark the pipeline on the sample data: generate, build, score, query.

Run: uv run python benchmarks/bench_pipeline.py [--repeat N]
Prints the median and min wall time of each step over N runs (fresh temporary directories).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    from pipelines.build import build
    from pipelines.loading import open_state, score_state
    from pipelines.sample_data import write_sample_data
    from warehouse import queries

    print(f"imports: {time.perf_counter() - start:.2f} s (once)")

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        raw = base / "raw"
        rows = [
            ("write sample workbooks", lambda: write_sample_data(raw / "sample")),
        ]
        for name, fn in rows:
            med, best = timed(fn, args.repeat)
            print(f"{name}: median {med:.3f} s, min {best:.3f} s")

        counter = iter(range(10_000))

        def fresh_build() -> None:
            n = next(counter)
            build(base / f"egov{n}.duckdb", raw, base / f"curated{n}")

        med, best = timed(fresh_build, args.repeat)
        print(f"egov build (read, validate, score, publish, Parquet): median {med:.3f} s, "
              f"min {best:.3f} s")

        db = base / "egov0.duckdb"
        state = open_state(db)
        med, best = timed(lambda: score_state(state), args.repeat)
        print(f"score all four schemes (engine only): median {med:.3f} s, min {best:.3f} s")

        med, best = timed(lambda: queries.yearend_scores(db, "jintan-2013", 2013, None),
                          args.repeat * 4)
        print(f"query year-end scores (jintan-2013): median {med * 1000:.1f} ms, "
              f"min {best * 1000:.1f} ms")
        med, best = timed(lambda: queries.monthly_scores(db, "jintan-2013", "2013-06", None),
                          args.repeat * 4)
        print(f"query monthly scores (jintan-2013, 2013-06): median {med * 1000:.1f} ms, "
              f"min {best * 1000:.1f} ms")


if __name__ == "__main__":
    main()
