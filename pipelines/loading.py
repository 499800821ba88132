"""Load validated input into the warehouse: merge by key, rescore, publish. All or nothing.

Every write goes through `rescore_and_publish`: the state (schemes, units, facts, load history)
plus freshly computed dimension and result tables are written to a new file that replaces the
old one atomically. If reading, validating or scoring fails, the old warehouse stays as it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.access.identity import current_user
from pipelines.access.lock import writer_lock, writes_warehouse
from pipelines.corrections import revisions, superseded
from pipelines.engine.scoring import Facts, Results, score_all
from pipelines.engine.unranked import unranked_of
from pipelines.inputs.context import LoadContext
from pipelines.inputs.kinds import KINDS, LOAD_ORDER
from pipelines.inputs.kinds import units as unit_list
from pipelines.inputs.problems import InputRejected
from pipelines.inputs.readers import CSV_SUFFIXES, EXCEL_SUFFIXES
from pipelines.phases import phase
from pipelines.schemes.checks import load_scheme_dir
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import dimension_frames, node_leaf_sum
from pipelines.years.units import previous_names_of
from warehouse import database

# Loading and rescoring import what only a write needs (pandera): those imports are inside the
# functions, so that reading commands such as `egov scores` start without them. Rank stability is
# not computed here: it is computed when asked (pipelines/stability_on_demand.py).

INPUT_SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES

# Rows with the same key replace earlier ones (each kind's `replace_key`; adjustments have no
# natural row key: a file's adjustments replace that unit's earlier adjustments of the same kind,
# 加分 or 减分, that year). Each kind goes to its own table (`InputKind.table`).


@dataclass(frozen=True)
class LoadSummary:
    files: list[dict]  # file, kind, rows, replaced_rows
    db: Path
    notes: tuple[str, ...] = ()  # how some rows were read, e.g. ratios above 1 capped

    def render(self) -> str:
        lines = [f"已写入 warehouse written: {self.db}"]
        for f in self.files:
            lines.append(
                f"  {f['file']}: {f['kind']} {f['rows']} 行 rows"
                + (f", 替换 replaced {f['replaced_rows']}" if f["replaced_rows"] else "")
            )
        lines += [f"  注意 note: {n}" for n in self.notes]
        return "\n".join(lines)


# ---------------------------------------------------------------- schemes --------------------


def builtin_schemes() -> list[Scheme]:
    """The schemes shipped in `schemes/`, one file per scheme id."""
    return load_scheme_dir()


def schemes_of(state: database.WarehouseState) -> list[Scheme]:
    """The schemes a warehouse holds, in the order they were added."""
    rows = state["schemes"].sort("added_at", "scheme")
    return [Scheme.model_validate_json(d) for d in rows["definition"]]


def scheme_row(scheme: Scheme, *, builtin: bool, version: int, added_at) -> dict:
    return {
        "scheme": scheme.id,
        "name": scheme.name,
        "jurisdiction": scheme.jurisdiction,
        "year": scheme.year,
        "series": scheme.series,
        "total_points": float(scheme.total_points),
        "has_content": scheme.content is not None,
        "has_grades": scheme.grades is not None,
        "builtin": builtin,
        "version": version,
        "added_at": added_at,
        "documents": "; ".join(d.number for d in scheme.documents),
        "definition": scheme.model_dump_json(),
    }


def with_builtin_schemes(state: database.WarehouseState) -> database.WarehouseState:
    """Built-in schemes refreshed from `schemes/` (unless a user replaced one), others kept."""
    existing = {r["scheme"]: r for r in state["schemes"].iter_rows(named=True)}
    rows = []
    for scheme in builtin_schemes():
        row = existing.get(scheme.id)
        if row is not None and not row["builtin"]:
            continue  # replaced by the user with `egov scheme add --replace`
        rows.append(scheme_row(scheme, builtin=True, version=row["version"] if row else 1,
                               added_at=row["added_at"] if row else database.now()))
    builtin_ids = {r["scheme"] for r in rows}
    kept = state["schemes"].filter(~pl.col("scheme").is_in(builtin_ids))
    fresh = pl.DataFrame(rows, schema=state["schemes"].schema)
    return state.replace(schemes=pl.concat([kept, fresh]))


def open_state(db: Path) -> database.WarehouseState:
    """The warehouse's state, or a new one holding every built-in scheme and no units."""
    state = database.read_state(db) if db.exists() else database.empty_state()
    return with_builtin_schemes(state)


def ensure_warehouse(db: Path) -> None:
    """A --db path that does not exist yet is created with the built-in schemes
    (docs/contract.md, Commands)."""
    if not db.exists():
        with writer_lock(db):
            if not db.exists():
                rescore_and_publish(db, open_state(db))


# ---------------------------------------------------------------- facts ----------------------


def facts_of(state: database.WarehouseState) -> Facts:
    return Facts(
        units=state["units"],
        content_tallies=state["content_tallies"],
        yearend_inputs=state["yearend_inputs"],
        adjustment_inputs=state["adjustment_inputs"],
        metric_values=state["metric_values"],
    )


def score_state(state: database.WarehouseState) -> tuple[list[Scheme], Results]:
    schemes = schemes_of(state)
    return schemes, score_all(schemes, facts_of(state))


def rescore_and_publish(db: Path, state: database.WarehouseState,
                        batch: int | None = None) -> None:
    """Recompute dimensions and results from the state and publish the whole warehouse.
    With `batch` (a load), what the load changed in the results is recorded in `revisions`.

    The state is consumed: its tables are emptied once scored, so that each frame is freed as
    soon as it is written (the caller's dict is the state's own; at 60,000 units the facts and
    results are 2–3 GB that would otherwise all stay until the new file is complete)."""
    given = state
    phase("score")
    schemes, results = score_state(state)
    if batch is not None:
        phase("revisions")
        state = state.replace(revisions=revisions.record(db, state["revisions"], results, batch))
    tables = {**dimension_frames(schemes), **state.tables, **results.tables()}
    del results, state  # `tables` is now the only holder of every frame (with `given`, below)
    given.tables.clear()
    phase("publish")
    database.publish(db, tables)
    phase("done")


@writes_warehouse
def ingest(db: Path, files: list[Path], *, sample_root: Path | None = None) -> LoadSummary:
    """Validate these files together and load them; all or nothing (InputRejected on any
    problem, with the warehouse untouched). Units from files under `sample_root` are flagged
    as sample data (示例数据).

    Into an existing warehouse whose schemes are unchanged, the load is applied to a copy of the
    file and only the schemes it touches are rescored (`pipelines/delta.py`); otherwise (a new
    warehouse, schemes changed, or a warehouse written by an earlier version) the whole warehouse
    is built from its state (`rescore_and_publish`). Both give the same tables.
    """
    from pipelines import delta
    from pipelines.corrections import journal
    from pipelines.inputs.load import read_inputs

    phase("open-state")
    incremental = False
    if db.exists():
        catalog = database.read_state(db, database.CATALOG_TABLES)
        refreshed = with_builtin_schemes(catalog)
        incremental = (_same_schemes(catalog["schemes"], refreshed["schemes"])
                       and superseded.kept_in(db))
        state = refreshed if incremental else with_builtin_schemes(database.read_state(db))
    else:
        state = open_state(db)
    schemes = {s.id: s for s in schemes_of(state)}
    ctx = LoadContext(
        schemes,
        units=state["units"].select("scheme", "unit", "unit_type"),
        aliases=state["unit_aliases"],
    )
    phase("read+validate")
    try:
        loaded = read_inputs(files, ctx)
    except InputRejected as err:
        journal.record_refused(db, files, len(err.problems))
        raise

    phase("plan")
    loads = state["loads"]
    next_id = (loads["load_id"].max() or 0) + 1 if not loads.is_empty() else 1
    loaded_at, batch, user = database.now(), next_id, current_user()
    kinds_in_order = sorted(loaded.files, key=lambda f: (LOAD_ORDER.index(f.kind), str(f.path)))
    plan = []
    for offset, (info, rows) in enumerate(_rows_by_file(loaded, kinds_in_order)):
        is_sample = sample_root is not None and _is_under(info.path, sample_root)
        plan.append((info, rows, next_id + offset, is_sample))
    del loaded  # what the plan does not hold is freed before the merge
    notes = [note for info, rows, _, _ in plan
             for note in KINDS[info.kind].load_notes(info.path, rows, schemes)]

    def record(merge: Callable[[str, pl.DataFrame, int, bool], int]) -> tuple[list, list]:
        summaries, load_rows = [], []
        for info, rows, load_id, is_sample in plan:
            replaced = merge(info.kind, rows, load_id, is_sample)
            load_rows.append({"load_id": load_id, "file": str(info.path), "sha256": info.sha256,
                              "kind": info.kind,
                              "schemes": ",".join(sorted(rows["scheme"].unique().to_list())),
                              "rows": rows.height, "replaced_rows": replaced,
                              "loaded_at": loaded_at, "batch": batch, "loaded_by": user})
            summaries.append({"file": str(info.path), "kind": info.kind, "rows": rows.height,
                              "replaced_rows": replaced})
        return summaries, load_rows

    if incremental:
        summaries: list[dict] = []

        recorder = revisions.Recorder(score_all, batch)

        def write(con) -> set[str]:
            recorder.bind(con)
            superseded.capture(con, [(info.kind, rows) for info, rows, _, _ in plan], batch)
            found, load_rows = record(lambda kind, rows, load_id, is_sample: delta.merge(
                con, kind, rows, load_id, is_sample, list(KINDS[kind].replace_key)))
            summaries.extend(found)
            con.register("incoming", pl.DataFrame(load_rows, schema=loads.schema).to_arrow())
            con.execute("INSERT INTO loads BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
            touched = {s for _, rows, _, _ in plan for s in rows["scheme"].unique().to_list()}
            plan.clear()  # the rows are in the warehouse now: free them before rescoring
            return touched

        phase("delta")
        delta.apply(db, write, schemes, recorder)
        phase("done")
        return LoadSummary(summaries, db, tuple(notes))

    phase("merge")
    tables = dict(state.tables)
    batched = _merge_batches(tables, plan)
    summaries, load_rows = record(
        lambda kind, rows, load_id, is_sample: batched[load_id] if load_id in batched
        else _merge(tables, kind, rows, load_id, is_sample))
    tables["loads"] = pl.concat([loads, pl.DataFrame(load_rows, schema=loads.schema)])
    phase("superseded")
    merged = len(plan)
    plan.clear()  # the rows are in `tables` now: free the load's own frames before scoring
    if any(not state[t].is_empty() for t in (*superseded.KEYED_TABLES, superseded.ALIASES)):
        tables["superseded_rows"] = superseded.record(state.tables, tables,
                                                      range(batch, batch + merged), batch)
    # else: nothing was there to replace (the first load): the record stays as it was
    del state  # the tables before the load: only the record of what it replaced needed them
    rescore_and_publish(db, database.WarehouseState(tables), batch=batch)
    return LoadSummary(summaries, db, tuple(notes))


# Kinds whose keys never repeat within a load (the load refuses the same key twice), so all of a
# load's files of the kind can be merged at once: the same result as one file after the other.
BATCHED_KINDS = tuple(k for k, spec in KINDS.items() if spec.batched)


def _merge_batches(tables: dict[str, pl.DataFrame], plan: list) -> dict[int, int]:
    """Merge every file of a batched kind in one pass over the old table (not one per file);
    the replaced rows per load id."""
    replaced: dict[int, int] = {}
    for kind in BATCHED_KINDS:
        parts = [(rows, load_id) for info, rows, load_id, _ in plan if info.kind == kind]
        if not parts:
            continue
        table = KINDS[kind].table
        key = list(KINDS[kind].replace_key)
        old = tables[table]
        news = [rows.with_columns(load_id=pl.lit(load_id)).select(list(old.schema))
                .cast(old.schema) for rows, load_id in parts]
        if old.is_empty():
            replaced |= {load_id: 0 for _, load_id in parts}
            tables[table] = pl.concat(news)
            continue
        presents = [new.select(key).unique() for new in news]
        for (_, load_id), present in zip(parts, presents, strict=True):
            replaced[load_id] = old.join(present, on=key, how="semi").height
        tables[table] = pl.concat([old.join(pl.concat(presents), on=key, how="anti"), *news])
    return replaced


def _rows_by_file(loaded, files: list) -> list[tuple]:
    """Each file's validated rows of its kind, in the order of `files`, without copying them:
    a kind only one file holds is the kind's whole frame; a kind of several files is cut into
    slices of that frame where its rows come file by file (as `read_inputs` concatenates them,
    checked on the `_file` location column), else split by `LoadedInputs.rows_of` (a copy)."""
    files_of: dict[str, int] = {}
    for info in loaded.files:
        files_of[info.kind] = files_of.get(info.kind, 0) + 1
    slices: dict[str, dict[str, pl.DataFrame] | None] = {}

    def rows(info) -> pl.DataFrame:
        frame = loaded.frames[info.kind]
        if files_of[info.kind] == 1:
            return frame
        if info.kind not in slices:
            located = getattr(loaded, "_located", {}).get(info.kind)
            slices[info.kind] = _file_slices(located, frame)
        found = slices[info.kind]
        if found is None:
            return loaded.rows_of(info.path, info.kind)
        part = found.get(str(info.path))
        return part if part is not None else frame.clear()

    return [(info, rows(info)) for info in files]


def _file_slices(located: pl.DataFrame | None,
                 frame: pl.DataFrame) -> dict[str, pl.DataFrame] | None:
    """Zero-copy slices of `frame` (the located frame's rows without their location columns)
    per file, when each file's rows are contiguous in `located`."""
    if located is None or "_file" not in located.columns or located.height != frame.height:
        return None
    runs = located.select(pl.col("_file").rle()).unnest("_file")
    if runs["value"].n_unique() != runs.height:  # a file's rows come in more than one run
        return None
    out, offset = {}, 0
    for length, name in runs.iter_rows():
        out[name] = frame.slice(offset, length)
        offset += length
    return out


def _same_schemes(stored: pl.DataFrame, refreshed: pl.DataFrame) -> bool:
    """Are the scheme definitions the warehouse was scored with the ones in force now?"""
    def key(frame: pl.DataFrame) -> set[tuple]:
        return set(frame.select("scheme", "definition", "builtin", "version").iter_rows())

    return key(stored) == key(refreshed)


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _merge(tables: dict[str, pl.DataFrame], kind: str, rows: pl.DataFrame, load_id: int,
           is_sample: bool) -> int:
    """Replace rows with the same key by these rows; return how many were replaced."""
    key = list(KINDS[kind].replace_key)
    if kind == unit_list.KIND.kind:  # the units and their aliases
        units = rows.select("scheme", "unit", "unit_type",
                           previous_names_of(rows).alias("previous_names"),
                           unranked_of(rows)).with_columns(
            is_sample=pl.lit(is_sample), load_id=pl.lit(load_id, dtype=pl.Int32))
        old = tables["units"]
        replaced = old.join(units, on=key, how="semi").height
        tables["units"] = pl.concat(
            [old.join(units, on=key, how="anti"), units.select(old.columns).cast(old.schema)])
        aliases_old = tables["unit_aliases"]
        new_aliases = rows.select("scheme", "unit", "aliases").explode("aliases").drop_nulls(
            "aliases").select("scheme", alias="aliases", unit="unit")
        tables["unit_aliases"] = pl.concat([
            aliases_old.join(units, on=["scheme", "unit"], how="anti")
            .join(new_aliases, on=["scheme", "alias"], how="anti"),
            new_aliases.cast(aliases_old.schema),
        ]).unique(["scheme", "alias"], keep="last")
        return replaced
    table = KINDS[kind].table
    old = tables[table]
    new = rows.with_columns(load_id=pl.lit(load_id)).select(list(old.schema)).cast(old.schema)
    if old.is_empty():
        tables[table] = new
        return 0
    present = new.select(key).unique()
    replaced = old.join(present, on=key, how="semi").height
    tables[table] = pl.concat([old.join(present, on=key, how="anti"), new])
    return replaced


def input_files(raw_dir: Path) -> list[Path]:
    """Every input file under a directory, in a stable order."""
    def hidden(path: Path) -> bool:
        # Excel lock files (~$) and anything inside a dot-folder (e.g. a half-written sample).
        parts = path.relative_to(raw_dir).parts
        return path.name.startswith("~$") or any(p.startswith(".") for p in parts)

    return sorted(p for p in raw_dir.rglob("*")
                  if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not hidden(p))


def write_curated(db: Path, curated_dir: Path) -> list[Path]:
    """Every warehouse table as Parquet under curated_dir (rebuilt, not edited): the hand-over
    to a distributed engine.

    A table with `scheme` and `year` columns (facts and results) is a hive-partitioned dataset,
    `<table>.parquet/scheme=<id>/year=<yyyy>/data_0.parquet` (the two columns live in the
    folder names); any other table is one file, `<table>.parquet`. Spark, Trino, DuckDB
    (`read_parquet(..., hive_partitioning=true)`) and Polars (`scan_parquet`) read both.
    """
    curated_dir.mkdir(parents=True, exist_ok=True)
    written = []
    con = database.connect_read_only(db)
    try:
        tables = con.sql(
            "SELECT table_name, list(column_name) FROM information_schema.columns "
            "WHERE table_name IN (SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE') GROUP BY table_name ORDER BY table_name").fetchall()
        for name, columns in tables:
            out = curated_dir / f"{name}.parquet"
            if out.is_dir():
                shutil.rmtree(out)
            elif out.exists():
                out.unlink()
            if {"scheme", "year"} <= set(columns):
                con.execute(f"COPY (SELECT * FROM {name}) TO ? "
                            "(FORMAT parquet, PARTITION_BY (scheme, year))", [str(out)])
                if not out.exists():  # an empty table writes no partition: keep an empty file
                    con.execute(f"COPY (SELECT * FROM {name}) TO ? (FORMAT parquet)",
                                [str(out)])
            else:
                con.execute(f"COPY (SELECT * FROM {name}) TO ? (FORMAT parquet)", [str(out)])
            written.append(out)
    finally:
        con.close()
    return written


def scheme_json_summary(schemes: list[Scheme]) -> list[dict]:
    """`egov schemes --format json` (docs/contract.md): rubrics with unit types and 一级
    categories."""
    out = []
    for s in schemes:
        out.append({
            "scheme": s.id,
            "name": s.name,
            "jurisdiction": s.jurisdiction,
            "year": s.year,
            "unit_types": [u.name for u in s.unit_types],
            "stages": [{"stage": st.id, "name": st.name, "weight": st.weight} for st in s.stages],
            "rubrics": [
                {
                    "rubric": r.name,
                    "id": r.id,
                    "unit_types": list(r.unit_types),
                    "max_points": r.max_points,
                    "categories": [
                        # A scored item at the top (a flat index) is a 一级指标 of its own,
                        # named as the tables name it (its name, or its code).
                        {"name": c.name or getattr(c, "code", None),
                         "max_points": c.max_points if c.max_points is not None else
                         node_leaf_sum(c),
                         # 权重 as written, where the scheme gives weights (schemes/weights.py)
                         **({} if c.weight is None else {"weight": str(c.weight)})}
                        for c in r.categories
                    ],
                }
                for r in s.rubrics
            ],
        })
    return out


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
