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

from pipelines.cycle.inputs import split_by_basis
from pipelines.cycle.scope import scope_problems
from pipelines.inputs.context import LoadContext
from pipelines.inputs.kinds import LOAD_ORDER
from pipelines.inputs.kinds.units import ALIAS_FRAME_SCHEMA
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.inputs.readers import (
    CSV_ENCODINGS,
    CSV_SUFFIXES,
    RawSheet,
    match_headers,
    read_file_checked,
)
from pipelines.inputs.sheet_check import LOCATION_SCHEMA, forget_normalised
from pipelines.inputs.validation import (
    UNITS,
    batch_key,
    duplicate_problems,
    empty_frame,
    strip_location,
    unit_load_problems,
    validate_located,
    validate_together,
)
from pipelines.years.units import previous_name_problems

# The most rows validated in one pass (sheets of one kind with the same columns together).
BATCH_ROWS = 500_000


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


def _by_file(parts: list[tuple[int, pl.DataFrame]], paths: list[Path]) -> dict[str, pl.DataFrame]:
    """The validated rows of each file (its sheets' frames together), without location columns:
    the frames as validation made them, not a second copy split from the concatenation."""
    found: dict[str, list[pl.DataFrame]] = {}
    for i, frame in parts:
        found.setdefault(str(paths[i]), []).append(strip_location(frame))
    return {file: pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
            for file, frames in found.items()}


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_inputs(paths: Sequence[Path | str], ctx: LoadContext) -> LoadedInputs:
    """Read and validate every file; raise InputRejected with every problem of every file
    (see `_read_inputs`). The normalisations remembered during the load are forgotten after."""
    try:
        return _read_inputs(paths, ctx)
    finally:
        forget_normalised()


def _read_inputs(paths: Sequence[Path | str], ctx: LoadContext) -> LoadedInputs:
    """Read and validate every file; raise InputRejected with every problem of every file.

    Units sheets are validated first and their units made known (`ctx.with_units`) to the sheets
    of the other kinds. The same key twice in the load, within a file or across files, is a
    problem on every row concerned.

    Memory stays near one batch's text at a time: a CSV whose header row says it is not a units
    file is read after the units; sheets of one kind with the same columns are validated
    together up to BATCH_ROWS rows (a year's monthly files in two passes), and their text
    dropped.
    """
    paths = [Path(p) for p in paths]
    problems: list[Problem] = []
    later = {i for i, p in enumerate(paths) if _csv_kind(p) not in (None, UNITS)}
    sheets: dict[str, list[tuple[int, RawSheet]]] = {kind: [] for kind in LOAD_ORDER}
    found_in: dict[int, list[RawSheet]] = {}

    def read(i: int) -> list[RawSheet]:
        nonlocal problems
        found, file_problems = read_file_checked(paths[i])
        problems += file_problems
        found = split_by_basis(found, problems)  # 自评 rows load apart (pipelines/cycle/)
        if not found and not file_problems:
            problems.append(
                Problem(str(paths[i]), None, None, None, None, "文件中没有数据表",
                        "the file holds no data sheet")
            )
        found_in[i] = found
        return found

    for i in range(len(paths)):
        if i not in later:
            for sheet in read(i):
                sheets[sheet.kind].append((i, sheet))

    # Units first: checked against what is known before this load, then together.
    unit_parts, alias_parts = [], []
    for _, sheet in sheets[UNITS]:
        result = validate_located(sheet, ctx)
        problems += result.problems
        unit_parts.append(result.frame)
        if result.aliases is not None:
            alias_parts.append(result.aliases)
    units_located = _concat(unit_parts, empty_frame(UNITS, located=True))
    aliases_located = _concat(alias_parts,
                              pl.DataFrame(schema=ALIAS_FRAME_SCHEMA | LOCATION_SCHEMA))
    problems += unit_load_problems(units_located, aliases_located, ctx)
    units_located, found = previous_name_problems(units_located, aliases_located, ctx)
    problems += found
    aliases = strip_location(aliases_located).unique(maintain_order=True)
    loaded_ctx = ctx.with_units(strip_location(units_located), aliases) if sheets[UNITS] else ctx

    parts: dict[str, list[tuple[int, pl.DataFrame]]] = {kind: [] for kind in LOAD_ORDER}
    # Sheets waiting to be validated together (same kind, columns and headers, one after the
    # other), up to BATCH_ROWS rows: monthly files in a few passes, one batch's text in memory.
    pending: dict[tuple, list[tuple[int, RawSheet]]] = {}

    def flush(key: tuple) -> None:
        nonlocal problems
        batch = pending.pop(key, [])
        if not batch:
            return
        frames, found = validate_together([sheet for _, sheet in batch], loaded_ctx)
        problems += found
        for (i, sheet), frame in zip(batch, frames, strict=True):
            parts[sheet.kind].append((i, frame))
            sheet.frame = sheet.frame.clear()  # the text is no longer needed

    def validate(i: int, sheet: RawSheet) -> None:
        if sheet.kind == UNITS:  # told apart wrongly from its header row: one more problem
            problems.append(Problem(str(paths[i]), sheet.sheet, sheet.header_row, None, None,
                                    "单位名录须与其他数据分开、先行识别,请勿混在同一文件",
                                    "a units list must be its own file"))
            return
        key = batch_key(sheet)
        for other in [k for k in pending if k != key]:  # one batch's text at a time
            flush(other)
        waiting = sum(s.frame.height for _, s in pending.get(key, []))
        if waiting and waiting + sheet.frame.height > BATCH_ROWS:
            flush(key)
        pending.setdefault(key, []).append((i, sheet))

    for kind in LOAD_ORDER:
        if kind == UNITS:
            continue
        for i, sheet in sheets[kind]:
            validate(i, sheet)
    for i in sorted(later):
        for sheet in read(i):
            validate(i, sheet)
    for key in list(pending):
        flush(key)

    located: dict[str, pl.DataFrame] = {UNITS: _with_alias_lists(units_located, aliases)}
    for kind in LOAD_ORDER:
        if kind == UNITS:
            continue
        ordered = [frame for _, frame in sorted(parts[kind], key=lambda p: p[0])]
        problems += duplicate_problems(kind, ordered)
        located[kind] = _concat(ordered, empty_frame(kind, located=True))
    problems += scope_problems(located, loaded_ctx)  # a body or unit account's own rows only
    sheets_of = {str(paths[i]): {s.kind for s in found} for i, found in found_in.items()}

    if problems:
        raise InputRejected(problems)

    by_file = {kind: _by_file(sorted(parts[kind], key=lambda p: p[0]), paths)
               for kind in LOAD_ORDER if kind != UNITS}
    counts = {kind: {file: frame.height for file, frame in found.items()}
              for kind, found in by_file.items()}
    counts[UNITS] = dict(located[UNITS].group_by("_file").len().iter_rows())
    files: list[FileLoad] = []
    for path in paths:
        digest = sha256_file(path)
        for kind in LOAD_ORDER:
            if kind in sheets_of.get(str(path), set()):
                files.append(FileLoad(path, digest, kind, counts[kind].get(str(path), 0)))
    # Only the units keep their location columns (rows_of splits them by file); the other
    # kinds' location columns are freed here: they served the load-wide checks.
    return LoadedInputs(
        frames={kind: strip_location(frame) for kind, frame in located.items()},
        aliases=aliases,
        files=files,
        ctx=loaded_ctx,
        _located={UNITS: located[UNITS]},
        _by_file=by_file,
    )


def _csv_kind(path: Path) -> str | None:
    """The template a CSV file's header row names (None for a workbook, or when unsure)."""
    if path.suffix.lower() not in CSV_SUFFIXES or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return None
    for encoding in CSV_ENCODINGS:
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as err:
            if err.start > len(head) - 4:  # a character cut at the end of the sniffed bytes
                text = head[:err.start].decode(encoding, errors="ignore")
                break
    else:
        return None
    lines = [line for line in text.removeprefix("\ufeff").splitlines()[:-1] if line.strip()]
    if not lines or '"' in lines[0]:
        return None
    kind, _, problems = match_headers(lines[0].split(","), str(path), None)
    return None if problems else kind


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
