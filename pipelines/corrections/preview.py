"""What a load would do, without doing it: validation report, rows new and replaced, and which
units' totals and ranks would move.

The dry run loads the files into a copy of the warehouse through the ordinary `ingest` (so the
preview is exactly what the load will do) and reads the copy's record of the load: its files and
its `revisions`. The real warehouse is not touched. The dashboard's upload page only shows this.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.corrections import journal
from pipelines.corrections.revisions import SCHEMA as REVISION_SCHEMA
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.loading import ensure_warehouse, ingest

PROBLEM_SCHEMA = {"file": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String,
                  "value": pl.String, "problem_zh": pl.String, "problem_en": pl.String}
FILE_SCHEMA = {"file": pl.String, "kind": pl.String, "rows": pl.Int64,
               "replaced_rows": pl.Int64}


@dataclass(frozen=True)
class Preview:
    """A dry run's outcome. `problems` is empty when the load would go through."""

    problems: pl.DataFrame
    report: str
    files: pl.DataFrame
    changes: pl.DataFrame

    @property
    def accepted(self) -> bool:
        return self.problems.is_empty()


def problems_frame(err: InputRejected) -> pl.DataFrame:
    """A refusal's problems as a table (one row per problem)."""
    return pl.DataFrame([p.as_dict() for p in err.problems], schema=PROBLEM_SCHEMA)


def dry_run(db: Path, files: Sequence[Path], *, record_refusal: bool = True) -> Preview:
    """Validate and load `files` into a copy of `db`; report what the load would change.

    A refusal is recorded in the real warehouse's refused-attempts journal (it is an attempt by
    the person who uploaded), unless `record_refusal` is False.
    """
    db = Path(db)
    ensure_warehouse(db)
    with tempfile.TemporaryDirectory(prefix="egov-preview-") as tmp:
        copy = Path(tmp) / db.name
        shutil.copyfile(db, copy)  # a publish is an atomic rename: this is one whole version
        try:
            summary = ingest(copy, list(files))
        except InputRejected as err:
            if record_refusal:
                journal.record_refused(db, files, len(err.problems))
            return Preview(problems_frame(err), err.report(), pl.DataFrame(schema=FILE_SCHEMA),
                           pl.DataFrame(schema=REVISION_SCHEMA))
        con = duckdb.connect(str(copy), read_only=True)
        try:
            changes = con.sql("SELECT * FROM revisions WHERE batch = "
                              "(SELECT max(batch) FROM loads) ORDER BY scheme, period, "
                              "unit_type, unit").pl()
        finally:
            con.close()
    return Preview(pl.DataFrame(schema=PROBLEM_SCHEMA), "",
                   pl.DataFrame(summary.files, schema=FILE_SCHEMA),
                   changes.select(list(REVISION_SCHEMA)).cast(REVISION_SCHEMA))


def unit_changes(changes: pl.DataFrame) -> pl.DataFrame:
    """Per unit: the year-end total and rank before and after (the headline of a preview or of a
    load's revisions), units whose year-end result moved first, largest change first."""
    year = changes.filter(pl.col("measure") == "total")
    return year.with_columns(
        change=pl.col("after") - pl.col("before"),
        rank_change=pl.col("rank_before") - pl.col("rank_after"),
    ).sort(pl.col("change").abs(), descending=True, nulls_last=True)


MAX_NAME_BYTES = 255  # a file name on every common file system


class UploadRefused(InputRejected):
    """Uploaded files whose names cannot be kept; nothing was saved."""

    def head(self) -> str:
        n = len(self.problems)
        return (f"上传被拒绝,共 {n} 个问题,未保存任何文件。 / "
                f"Upload refused: {n} problem(s); no file was kept.")


def name_problem(name: str) -> tuple[str, str] | None:
    """Why an uploaded file's name cannot be kept as a file name (None: it can). A browser sends
    only the name; a folder in it (/ or \\), `.` or `..`, a control character or an empty name
    means a hand-made request, and is refused rather than cut."""
    if not name.strip():
        return "文件名为空", "the file name is empty"
    if name.strip() in (".", ".."):
        return "文件名不能是 . 或 ..", "the file name cannot be . or .."
    if "/" in name or "\\" in name:
        return "文件名不能含有路径分隔符 / 或 \\", "the file name cannot hold a path separator"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "文件名含有控制字符", "the file name holds a control character"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return (f"文件名过长:上限为 {MAX_NAME_BYTES} 字节",
                f"the file name is too long: the limit is {MAX_NAME_BYTES} bytes")
    return None


def keep_uploads(db: Path, files: Sequence[tuple[str, bytes]], folder: str) -> list[Path]:
    """Save one upload's files, (name, bytes) each, under `<warehouse dir>/uploads/<folder>/`
    (kept: the history names them); return their paths in the same order.

    Names are checked first (`name_problem`); any bad one refuses the whole upload with an
    UploadRefused naming each, and nothing is saved. Two files of one name (letter case aside)
    are kept apart: the second is saved as 「name (2).csv」, the third 「name (3).csv」, so each
    report and the history can tell them apart.
    """
    problems = [Problem(name, None, None, None, None, *why)
                for name, _ in files if (why := name_problem(name)) is not None]
    if problems:
        raise UploadRefused(problems)
    target_dir = Path(db).resolve().parent / "uploads" / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    taken: set[str] = {p.name.casefold() for p in target_dir.iterdir()}
    paths = []
    for name, data in files:
        name = name.strip()
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem} ({n}){suffix}"
        taken.add(candidate.casefold())
        target = target_dir / candidate
        target.write_bytes(data)
        paths.append(target)
    return paths


def discard(paths: Sequence[Path]) -> None:
    """Remove saved uploads that were not loaded (and their folder when empty)."""
    for path in map(Path, paths):
        path.unlink(missing_ok=True)
        if path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()
