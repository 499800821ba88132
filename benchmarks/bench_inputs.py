"""Benchmark the input side of a load in-process: read, validate, duplicate checks, and the
record of replaced rows, for a folder of input files (not part of the test suite).

    uv run python benchmarks/bench_inputs.py /tmp/s6k/n6000/raw/sample --repeat 3

It builds the context `egov ingest` builds for a new warehouse (every built-in scheme, no units),
then times, per run: `read_inputs` (read + validate + load-wide checks) and
`superseded.record` of the merged tables (the first load of a new warehouse). It prints the
import time of the input stack, each step's wall and CPU time (median of the runs), and the
process's peak RSS. `--profile` writes a pyinstrument profile of one run to stdout instead.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    wall, cpu = _clock()
    from pipelines.inputs.load import read_inputs  # the input stack

    imports = (time.perf_counter() - wall, time.process_time() - cpu)
    import polars as pl

    from pipelines import loading
    from pipelines.corrections import superseded
    from pipelines.inputs.context import LoadContext
    from pipelines.inputs.kinds import LOAD_ORDER
    from warehouse import database

    files = sorted(args.folder.glob("*.csv")) + sorted(args.folder.glob("*.xlsx"))
    state = loading.with_builtin_schemes(database.empty_state())
    schemes = {s.id: s for s in loading.schemes_of(state)}

    def run() -> dict[str, tuple[float, float]]:
        ctx = LoadContext(schemes, units=state["units"].select("scheme", "unit", "unit_type"),
                          aliases=state["unit_aliases"])
        t0 = _clock()
        loaded = read_inputs(files, ctx)
        t1 = _clock()
        tables = dict(state.tables)
        order = sorted(loaded.files, key=lambda f: (LOAD_ORDER.index(f.kind), str(f.path)))
        plan = [(info, loaded.rows_of(info.path, info.kind), 1 + i, False)
                for i, info in enumerate(order)]
        batched = loading._merge_batches(tables, plan)
        for info, rows, load_id, is_sample in plan:
            if load_id not in batched:
                loading._merge(tables, info.kind, rows, load_id, is_sample)
        t2 = _clock()
        out = superseded.record(state.tables, tables, range(1, 1 + len(plan)), 1)
        t3 = _clock()
        assert isinstance(out, pl.DataFrame)
        return {"read_inputs": (t1[0] - t0[0], t1[1] - t0[1]),
                "superseded.record": (t3[0] - t2[0], t3[1] - t2[1])}

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        run()
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return

    first = run()  # what one `egov ingest` process sees
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs = [run() for _ in range(args.repeat - 1)]
    print(f"files: {len(files)} in {args.folder}")
    print(f"import input stack: {imports[0]:.3f} s wall, {imports[1]:.3f} s CPU")
    for step in first:
        line = f"{step}: first run {first[step][0]:.3f} s wall, {first[step][1]:.3f} s CPU"
        if runs:
            w = statistics.median(r[step][0] for r in runs)
            c = statistics.median(r[step][1] for r in runs)
            line += f"; later runs (median of {len(runs)}) {w:.3f} s wall, {c:.3f} s CPU"
        print(line)
    print(f"peak RSS after the first run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
