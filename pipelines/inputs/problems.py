"""Problems found in a user's input, and the all-or-nothing error that carries them.

Every problem names the file, the sheet, the row as Excel numbers it (the header is row 1), the
column, the value and what is wrong, in Chinese and in English, so an office clerk can find and fix
it without us.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from pipelines.inputs.limits import current

# Characters that must not reach a terminal raw: control characters (ANSI escapes start with
# ESC), format characters (bidi overrides reorder the line, zero-width ones hide), separators
# that break the line. They are shown as \x1b, \u202e ...
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def printable(text: str) -> str:
    """`text` with every control, format and line-separator character escaped (\x1b, \u200b)."""
    # str.isprintable() is False for every hidden category above (and for spaces other than
    # ' ', unassigned code points): a line without any is returned as it is, without looking at
    # each character (`egov scores`' table of Chinese names took 0.03 s of CPU that way)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def echoed(value: str, limit: int) -> str:
    """A value as a report shows it: escaped, and cut after `limit` characters with its length."""
    if len(value) > limit:
        return (printable(value[:limit])
                + f"…(共 {len(value):,} 个字符 / {len(value):,} characters)")
    return printable(value)


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

    def render(self, echo: int | None = None) -> str:
        """One line: location, value (escaped, at most `echo` characters: the max_echo limit
        by default), the problem in Chinese and English. Nothing in it reaches a terminal raw."""
        echo = current().max_echo if echo is None else echo
        value = "" if self.value is None else f" 值 value「{echoed(str(self.value), echo)}」:"
        zh, en = echoed(self.problem_zh, echo * 2), echoed(self.problem_en, echo * 2)
        return f"{printable(self.location())}:{value} {zh} / {en}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class InputRejected(Exception):
    """Raised when input is refused whole; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(self.report())

    def head(self) -> str:
        """The report's first line."""
        n = len(self.problems)
        return (f"输入被拒绝,共 {n} 个问题,未载入任何数据。 / "
                f"Input rejected: {n} problem(s); nothing was loaded.")

    def report(self) -> str:
        """The head, the first `max_problems` problems (one line each), and how many more."""
        limits = current()
        listed = self.problems[: limits.max_problems]
        lines = [self.head(), *(f"  - {p.render(limits.max_echo)}" for p in listed)]
        rest = len(self.problems) - len(listed)
        if rest:
            lines.append(f"  … 另有 {rest:,} 个问题未列出 / {rest:,} more problem(s) not listed "
                         f"(设置 setting EGOV_MAX_PROBLEMS)")
            lines += summary(self.problems[limits.max_problems:], limits.max_echo)
        return "\n".join(lines)


SUMMARY_GROUPS = 10  # the largest (column, reason) groups a cut report summarises


def summary(problems: list[Problem], echo: int) -> list[str]:
    """The problems a report did not list, counted by column and reason (largest first, ties by
    column): what a clerk fixes next when 3,665 problems cannot be listed one by one."""
    counts: dict[tuple[str, str, str], int] = {}
    for p in problems:
        key = (p.column or "—", p.problem_zh, p.problem_en)
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = ["  未列出的问题按列与原因汇总 / the problems not listed, by column and reason:"]
    for (column, zh, en), n in ranked[:SUMMARY_GROUPS]:
        lines.append(f"    列 column「{printable(column)}」 {n:,} 个 problem(s): "
                     f"{echoed(zh, echo * 2)} / {echoed(en, echo * 2)}")
    others = ranked[SUMMARY_GROUPS:]
    if others:
        n = sum(count for _, count in others)
        lines.append(f"    … 其余 {len(others):,} 种原因共 {n:,} 个 / {n:,} more in "
                     f"{len(others):,} other reason(s)")
    return lines


def _sort_key(p: Problem) -> tuple:
    return (p.file, p.sheet or "", p.row or 0, p.column or "", p.problem_en)
