"""A table of a 通报's 附件 (or of a 反馈单's): its own module, so the Word writer and the
feedback sheets take it without loading the notice's facts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Annex:
    """One ranking table of the 附件: a unit type's results."""

    title: str
    columns: list[str]
    rows: list[list[str]]
