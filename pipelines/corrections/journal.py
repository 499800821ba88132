"""Refused load attempts, kept beside the warehouse (`<warehouse>.refused.jsonl`).

A refused load changes nothing in the warehouse (the file stays byte-identical), so the attempt is
written to a small append-only journal next to it instead: when, who, which files (with their
SHA-256) and how many problems. `egov history` lists these with the loads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pipelines.access.identity import current_user
from warehouse import database


def journal_path(db: Path) -> Path:
    """`egov.duckdb` → `egov.duckdb.refused.jsonl`, in the same folder."""
    db = Path(db)
    return db.with_name(db.name + ".refused.jsonl")


def record_refused(db: Path, files: Sequence[Path], problems: int) -> None:
    """Append one refused attempt. Never raises: failing to journal must not hide the report."""
    from pipelines.inputs.load import sha256_file

    entries = []
    for path in files:
        try:
            digest = sha256_file(Path(path))
        except OSError:
            digest = ""
        entries.append({"file": str(path), "sha256": digest})
    line = json.dumps({"at": database.now().isoformat(sep=" "), "user": current_user(),
                       "files": entries, "problems": problems}, ensure_ascii=False)
    try:
        with journal_path(db).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError:
        pass


def refused_attempts(db: Path) -> list[dict]:
    """Every journaled attempt, oldest first (unreadable lines are skipped)."""
    path = journal_path(db)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("files"), list):
            out.append(entry)
    return out
