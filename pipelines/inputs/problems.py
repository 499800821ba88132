"""Problems found in a user's input, and the all-or-nothing error that carries them.

Every problem names the file, the sheet, the row as Excel numbers it (the header is row 1), the
column, the value and what is wrong, in Chinese and in English, so an office clerk can find and fix
it without us.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell (or one row, or one file when row and column are None)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    problem_zh: str
    problem_en: str

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表 sheet「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行 row {self.row}")
        if self.column:
            parts.append(f"列 column「{self.column}」")
        return ", ".join(parts)

    def render(self) -> str:
        value = "" if self.value is None else f" 值 value「{self.value}」:"
        return f"{self.location()}:{value} {self.problem_zh} / {self.problem_en}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class InputRejected(Exception):
    """Raised when input is refused whole; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        head = (f"输入被拒绝,共 {n} 个问题,未载入任何数据。 / "
                f"Input rejected: {n} problem(s); nothing was loaded.")
        return "\n".join([head, *(f"  - {p.render()}" for p in self.problems)])


def _sort_key(p: Problem) -> tuple:
    return (p.file, p.sheet or "", p.row or 0, p.column or "", p.problem_en)
