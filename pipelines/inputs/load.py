"""Read and validate a load of input files together: all or nothing.

Files may hold sheets of several kinds. Sheets are validated in dependency order (`LOAD_ORDER`):
units first, so the units of this load are known to the content, year-end, adjustment and metric
sheets that follow. Duplicate keys are checked across the whole load, not per file. Any problem
in any file rejects the whole load with every problem listed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.inputs.readers import RawSheet, read_file_checked
from pipelines.inputs.templates import LOAD_ORDER
from pipelines.inputs.validation import (
    ALIAS_FRAME_SCHEMA,
    LOCATION_SCHEMA,
    duplicate_problems,
    empty_frame,
    strip_location,
    unit_load_problems,
    validate_located,
)


class FileLoad(NamedTuple):
    """One file's part of a load, per kind: what the load history records."""

    path: Path
    sha256: str
    kind: str
    rows: int


@dataclass
class LoadedInputs:
    """A validated load: per kind the concatenated frame, per file and kind the history entry.

    `frames["units"]` has the units table's columns plus `aliases` (a list of the unit's
    aliases); `aliases` is the unit_aliases table; `ctx` knows the units of this load.
    """

    frames: dict[str, pl.DataFrame]
    aliases: pl.DataFrame
    files: list[FileLoad]
    ctx: LoadContext
    _located: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _by_file: dict[str, dict[str, pl.DataFrame]] = field(default_factory=dict, repr=False)

    def rows_of(self, path: Path | str, kind: str) -> pl.DataFrame:
        """The validated rows one file contributed for one kind (shaped like `frames[kind]`)."""
        if kind not in self._by_file:  # split once per kind, not once per file
            self._by_file[kind] = {
                key[0]: strip_location(part) for key, part in
                self._located[kind].partition_by("_file", as_dict=True, maintain_order=True).items()
            }
        found = self._by_file[kind].get(str(path))
        return found if found is not None else self.frames[kind].clear()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_inputs(paths: Sequence[Path | str], ctx: LoadContext) -> LoadedInputs:
    """Read and validate every file; raise InputRejected with every problem of every file.

    Units sheets are validated first and their units made known (`ctx.with_units`) to the sheets
    of the other kinds. The same key twice in the load, within a file or across files, is a
    problem on every row concerned.
    """
    paths = [Path(p) for p in paths]
    problems: list[Problem] = []
    sheets: dict[str, list[RawSheet]] = {kind: [] for kind in LOAD_ORDER}
    for path in paths:
        found, file_problems = read_file_checked(path)
        problems += file_problems
        if not found and not file_problems:
            problems.append(
                Problem(str(path), None, None, None, None, "文件中没有数据表",
                        "the file holds no data sheet")
            )
        for sheet in found:
            sheets[sheet.kind].append(sheet)

    # Units first: checked against what is known before this load, then together.
    unit_parts, alias_parts = [], []
    for sheet in sheets["units"]:
        result = validate_located(sheet, ctx)
        problems += result.problems
        unit_parts.append(result.frame)
        if result.aliases is not None:
            alias_parts.append(result.aliases)
    units_located = _concat(unit_parts, empty_frame("units", located=True))
    aliases_located = _concat(alias_parts,
                              pl.DataFrame(schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA))
    problems += unit_load_problems(units_located, aliases_located, ctx)
    aliases = strip_location(aliases_located).unique(maintain_order=True)
    loaded_ctx = ctx.with_units(strip_location(units_located), aliases) if sheets["units"] else ctx

    located: dict[str, pl.DataFrame] = {"units": _with_alias_lists(units_located, aliases)}
    for kind in LOAD_ORDER:
        if kind == "units":
            continue
        parts = []
        for sheet in sheets[kind]:
            result = validate_located(sheet, loaded_ctx)
            problems += result.problems
            parts.append(result.frame)
        problems += duplicate_problems(kind, parts)
        located[kind] = _concat(parts, empty_frame(kind, located=True))

    if problems:
        raise InputRejected(problems)

    counts = {kind: dict(frame.group_by("_file").len().iter_rows())
              for kind, frame in located.items()}
    files: list[FileLoad] = []
    for path in paths:
        digest = sha256_file(path)
        for kind in LOAD_ORDER:
            if any(s.file == str(path) for s in sheets[kind]):
                files.append(FileLoad(path, digest, kind, counts[kind].get(str(path), 0)))
    return LoadedInputs(
        frames={kind: strip_location(frame) for kind, frame in located.items()},
        aliases=aliases,
        files=files,
        ctx=loaded_ctx,
        _located=located,
    )


def _concat(parts: list[pl.DataFrame], empty: pl.DataFrame) -> pl.DataFrame:
    parts = [p for p in parts if p.height]
    return pl.concat(parts, how="vertical") if parts else empty


def _with_alias_lists(units: pl.DataFrame, aliases: pl.DataFrame) -> pl.DataFrame:
    """Units with a list column of their aliases (empty list when none)."""
    lists = aliases.group_by("scheme", "unit", maintain_order=True).agg(
        pl.col("alias").alias("aliases")
    )
    joined = units.join(lists, on=["scheme", "unit"], how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("aliases").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
