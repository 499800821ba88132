"""One sheet under validation, a whole column at a time: typed columns and located problems.

Cells are parsed once per distinct value (a column of 800,000 counts holds a few hundred distinct
texts), joined back onto the column, and every bad cell becomes a `Problem` naming its Excel row.
Only the bad cells go through Python one by one; the good ones stay in Polars.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.normalize import (
    NormalizeError,
    clean_text,
    code_key,
    match_key,
    parse_bool,
    parse_month,
    parse_number,
    parse_year,
)
from pipelines.inputs.problems import Problem

if TYPE_CHECKING:
    import pandera.polars as pa

    from pipelines.inputs.readers import RawSheet

REQUIRED = ("必填,不能为空", "required: must not be empty")
TOO_LARGE = ("数值过大,超出可表示的范围", "the number is too large to be represented")
TOLERANCE = 1e-9
# Where each validated row came from, for load-wide checks: file, sheet, Excel row, and the
# header and typed value of the cell that names the row (unit, indicator, item, metric or alias).
LOCATION_SCHEMA: dict[str, pl.DataType] = {
    "_file": pl.String(),
    "_sheet": pl.String(),
    "_row": pl.Int32(),
    "_col": pl.String(),
    "_val": pl.String(),
}

_MISSING = object()
Messages = "str | pl.Series | formatted"


def keys(values: pl.Series | list) -> pl.Series:
    """`match_key` of every value, computed once per distinct value."""
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.String)
    return map_unique(series.cast(pl.String), match_key, pl.String)


# The normalisers are pure functions of the cell's text: their results are remembered across the
# sheets and files of a load (a load of 16 files names the same 6,000 units 16 times).
_PURE = frozenset({clean_text, match_key, code_key, parse_number, parse_month, parse_year,
                   parse_bool})
# Only short texts (names, numbers, months, codes) are remembered, at most _MEMO_LIMIT per
# normaliser (the table starts afresh past it), and a load forgets them when it ends
# (`forget_normalised`): a server validating many uploads keeps no cells.
_MEMO: dict[tuple, dict[str | None, Any]] = {}
_MEMO_LIMIT = 1 << 18
_MEMO_CHARS = 64


def _memorable(value: str | None) -> bool:
    return value is None or len(value) <= _MEMO_CHARS


def forget_normalised() -> None:
    """Drop the remembered normalisations (at the end of a load)."""
    _MEMO.clear()


def _memo(fn: Callable[..., Any], kwargs: dict[str, Any], use: str = "value"
          ) -> dict[str | None, Any] | None:
    """The remembered results of fn with these arguments (None when fn is not a pure one);
    `use` keeps apart tables whose entries differ in shape (a value, or a parse outcome)."""
    if fn not in _PURE:
        return None
    key = (use, fn, *sorted(kwargs.items()))
    table = _MEMO.get(key)
    if table is None or len(table) > _MEMO_LIMIT:
        table = _MEMO[key] = {}
    return table


def key_of(value: str | None) -> str | None:
    """`match_key` of one cell, remembered like the column normalisations (for the few checks
    that still go row by row)."""
    memo = _memo(match_key, {})
    assert memo is not None
    if not _memorable(value):
        return match_key(value)
    if value not in memo:
        memo[value] = match_key(value)
    return memo[value]


def _laid_onto(column: pl.Series, mapped: pl.DataFrame) -> pl.DataFrame:
    """`mapped` (a row per distinct value of `column`, the value in `_raw`) laid onto each cell
    of `column` in order; a column of one distinct text (one scheme, a blank column) needs no
    join."""
    if mapped.height == 1:
        return pl.DataFrame([pl.repeat(mapped[c][0], column.len(), dtype=mapped[c].dtype,
                                       eager=True).alias(c) for c in mapped.columns])
    return column.to_frame("_raw").join(mapped, on="_raw", how="left", nulls_equal=True,
                                        maintain_order="left")


def map_unique(series: pl.Series, fn: Callable[[Any], Any], dtype: pl.DataType) -> pl.Series:
    """fn of every value, called once per distinct value (None for a null unless fn says else)."""
    uniq = series.unique()
    memo = _memo(fn, {})
    if memo is None:
        out = [fn(v) for v in uniq.to_list()]
    else:
        out = []
        for v in uniq.to_list():
            if not _memorable(v):
                out.append(fn(v))
                continue
            if v not in memo:
                memo[v] = fn(v)
            out.append(memo[v])
    values = pl.Series(out, dtype=dtype)
    same = _same_per_value(series, uniq, values)
    if same is not None:
        return same.alias(series.name)
    mapped = pl.DataFrame({"_raw": uniq, "_out": values})
    return _laid_onto(series, mapped).get_column("_out").alias(series.name)


def _same_per_value(column: pl.Series, uniq: pl.Series, values: pl.Series) -> pl.Series | None:
    """The column mapped without a join when the mapping of its distinct values (`uniq` ->
    `values`) is one Polars does itself: the identity (a key or text already canonical: "jintan-
    2013", "2013-01", a unit's name) or a plain cast ("12" -> 12.0). Checked on every distinct
    value, so each cell maps as it would through the join; None when it does not hold."""
    if values.dtype == pl.String and column.dtype == pl.String:
        candidate, direct = uniq, column
    elif values.dtype in (pl.Float64, pl.Int64) and column.dtype == pl.String:
        candidate = uniq.cast(values.dtype, strict=False)
        direct = None
    else:
        return None
    for a, b in zip(candidate.to_list(), values.to_list(), strict=True):
        if a != b or (a is None) != (b is None) or (
                isinstance(a, float) and math.copysign(1.0, a) != math.copysign(1.0, b)):
            return None
    return direct if direct is not None else column.cast(values.dtype, strict=False)


def _format(template: str, columns: dict[str, pl.Series | str]) -> pl.Series:
    series = {k: v for k, v in columns.items() if isinstance(v, pl.Series)}
    parts: list[pl.Expr] = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        if m.start() > pos:
            parts.append(pl.lit(template[pos:m.start()]))
        name = m.group(1)
        if name in series:
            parts.append(pl.col(name).cast(pl.String).fill_null(""))
        else:
            parts.append(pl.lit(str(columns[name])))
        pos = m.end()
    if pos < len(template):
        parts.append(pl.lit(template[pos:]))
    frame = pl.DataFrame({k: v.alias(k) for k, v in series.items()})
    return frame.select(pl.concat_str(parts).alias("_msg")).to_series()


class formatted:  # noqa: N801 - used like a function that returns a column of messages
    """Messages from a template whose {name} fields are filled row by row from these columns,
    built only for the rows that need one (`gather`)."""

    def __init__(self, template: str, **columns: pl.Series | str):
        self.template = template
        self.columns = columns

    def gather(self, idx: pl.Series) -> pl.Series:
        return _format(self.template, {k: v.gather(idx) if isinstance(v, pl.Series) else v
                                       for k, v in self.columns.items()})


def fmt_number(x: float | None) -> str:
    """A number as a clerk writes it: 3 not 3.0, 0.5 not 0.500."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class SheetCheck:
    """One sheet under validation: its text columns, typed columns, and the problems found.

    Several sheets of one kind with the same columns and headers (a load's monthly files) can be
    checked as one (`SheetCheck.together`): fewer, larger column operations; each problem and
    each validated row still names its own file, sheet and Excel row.
    """

    def __init__(self, sheet: RawSheet, ctx: LoadContext,
                 sources: list[RawSheet] | None = None):
        self.sheet = sheet
        self.ctx = ctx
        self.n = sheet.frame.height
        self.frame = sheet.frame
        self.rows = sheet.row_numbers
        # Checked together: the sheet each row comes from (an index into `sources`).
        self.sources = sources or [sheet]
        self.source: pl.Series | None = None
        if sources is not None and len(sources) > 1:
            self.source = pl.concat([pl.repeat(k, s.frame.height, dtype=pl.UInt32, eager=True)
                                     for k, s in enumerate(sources)])
        self.problems: list[Problem] = []
        self._lists: dict[str, list[str | None]] = {}
        self._bad: list[pl.Series] = []
        self._bad_single: list[int] = []
        self._all_bad = False

    # -- cells ----------------------------------------------------------------------------------

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def col(self, column: str) -> pl.Series:
        """The column's cells as typed (all null for a column the sheet does not have)."""
        if column in self.frame.columns:
            return self.frame.get_column(column)
        return pl.repeat(None, self.n, dtype=pl.String, eager=True).alias(column)

    def raw(self, column: str) -> list[str | None]:
        """The column's cells as a Python list (for the small per-row checks)."""
        if column not in self._lists:
            self._lists[column] = self.col(column).to_list()
        return self._lists[column]

    def blank(self, column: str) -> pl.Series:
        """Is each cell blank (nothing but spaces)?"""
        col = self.col(column)
        texts = [v for v in col.unique().to_list() if v is not None and clean_text(v) is None]
        blank = col.is_null()
        if texts:
            blank = blank | col.is_in(pl.Series(texts, dtype=pl.String).implode())
        return blank.alias(column)

    # -- problems -------------------------------------------------------------------------------

    def add(self, i: int, column: str | None, zh: str, en: str, value: object = _MISSING) -> None:
        """A problem in data row i (0-based) and column (canonical name)."""
        if value is _MISSING:
            value = self.raw(column)[i] if column and self.has(column) else None
        src = self.sheet if self.source is None else self.sources[self.source[i]]
        self.problems.append(
            Problem(src.file, src.sheet, int(self.rows[i]),
                    self.sheet.header(column) if column else None,
                    None if value is None else str(value), zh, en)
        )
        self._bad_single.append(i)

    def add_many(self, mask: pl.Series, column: str | None, zh: Messages, en: Messages,
                 values: pl.Series | None = None) -> None:
        """A problem in every row where mask is true; messages are one text or one per row."""
        idx = mask.fill_null(False).arg_true()
        if idx.len() == 0:
            return
        rows = self.rows.gather(idx).to_list()
        if values is None:
            values = self.col(column) if column else pl.Series([None] * self.n, dtype=pl.String)
        cells = values.gather(idx).to_list()
        zhs = [zh] * len(rows) if isinstance(zh, str) else zh.gather(idx).to_list()
        ens = [en] * len(rows) if isinstance(en, str) else en.gather(idx).to_list()
        header = self.sheet.header(column) if column else None
        srcs = ([self.sheet] * len(rows) if self.source is None
                else [self.sources[k] for k in self.source.gather(idx).to_list()])
        for src, row, cell, z, e in zip(srcs, rows, cells, zhs, ens, strict=True):
            self.problems.append(Problem(src.file, src.sheet, row, header,
                                         None if cell is None else _shown(cell), z, e))
        self._bad.append(idx)

    def add_sheet(self, column: str | None, zh: str, en: str, source: int | None = None
                  ) -> None:
        """A problem with the sheet as a whole (reported on the header row); checked together,
        with one `source` sheet (every one when None)."""
        targets = range(len(self.sources)) if source is None else [source]
        for k in targets:
            src = self.sources[k]
            self.problems.append(
                Problem(src.file, src.sheet, src.header_row,
                        src.header(column) if column else None, None, zh, en)
            )
        if self.source is None or source is None:
            self._all_bad = True
        else:
            self._bad.append((self.source == source).arg_true())

    def by_source(self, mask: pl.Series) -> list[tuple[int, pl.Series]]:
        """The mask restricted to each source sheet that has a true row in it (one sheet: the
        mask itself), for problems a sheet has as a whole."""
        if self.source is None:
            return [(0, mask)] if mask.fill_null(False).any() else []
        return [(k, part) for k in range(len(self.sources))
                if (part := mask & (self.source == k)).fill_null(False).any()]

    def bad(self) -> pl.Series:
        """Does each row have a problem?"""
        if self._all_bad:
            return pl.Series([True] * self.n, dtype=pl.Boolean)
        idx = pl.concat([*self._bad, pl.Series(self._bad_single, dtype=pl.UInt32)]
                        ) if self._bad else pl.Series(self._bad_single, dtype=pl.UInt32)
        return pl.Series(range(self.n), dtype=pl.UInt32).is_in(idx.cast(pl.UInt32).implode())

    # -- typed columns --------------------------------------------------------------------------

    def parse(self, column: str, fn: Callable[..., Any], required: bool = False,
              dtype: pl.DataType = pl.Float64, **kwargs: Any) -> pl.Series:
        """Each cell through `fn` (once per distinct text); unreadable cells, numbers too large
        to hold and (if required) blank cells are problems; their values are null."""
        col = self.col(column)
        uniq = col.unique()
        memo = _memo(fn, kwargs, use="parse")
        values, zh, en = [], [], []
        for cell in uniq.to_list():
            if memo is not None and cell in memo:
                value, z, e = memo[cell]
            else:
                value, z, e = _parsed(fn, cell, kwargs)
                if memo is not None and _memorable(cell):
                    memo[cell] = (value, z, e)
            values.append(value)
            zh.append(z)
            en.append(e)
        if all(z is None for z in zh):  # no cell unreadable: perhaps no join at all
            same = _same_per_value(col, uniq, pl.Series(values, dtype=dtype))
            if same is not None:
                out = same.alias(column)
                if required:
                    self.add_many(out.is_null(), column, *REQUIRED)
                return out
        mapped = pl.DataFrame({"_raw": uniq, "_v": pl.Series(values, dtype=dtype),
                               "_zh": pl.Series(zh, dtype=pl.String),
                               "_en": pl.Series(en, dtype=pl.String)})
        joined = _laid_onto(col, mapped)
        err = joined.get_column("_zh").is_not_null()
        self.add_many(err, column, joined.get_column("_zh"), joined.get_column("_en"))
        out = joined.get_column("_v").alias(column)
        if required:
            self.add_many(out.is_null() & ~err, column, *REQUIRED)
        return out

    def text(self, column: str, required: bool = False) -> pl.Series:
        return self.parse(column, clean_text, required=required, dtype=pl.String)

    def schemes(self) -> pl.Series:
        """The canonical scheme id of each row (null where blank or unknown)."""
        lookup = {match_key(s): s for s in self.ctx.schemes}
        known = ", ".join(sorted(self.ctx.schemes)) or "(无 none)"
        key = keys(self.col("scheme"))
        out = map_unique(key, lookup.get, pl.String).alias("scheme")
        self.add_many(key.is_null(), "scheme", *REQUIRED)
        self.add_many(key.is_not_null() & out.is_null(), "scheme", f"未知的方案;已有方案: {known}",
                      f"unknown scheme; known schemes: {known}")
        return out

    def _scheme_year(self, schemes: pl.Series) -> pl.Series:
        years = {s: sc.year for s, sc in self.ctx.schemes.items()}
        return map_unique(schemes, years.get, pl.Int64)

    def check_year(self, schemes: pl.Series, years: pl.Series) -> None:
        want = self._scheme_year(schemes)
        mask = schemes.is_not_null() & years.is_not_null() & (years != want)
        self.add_many(mask, "year", formatted("年度应为方案「{s}」的年度 {y}", s=schemes, y=want),
                      formatted("the year must be the scheme's year, {y}", y=want))

    def check_month(self, schemes: pl.Series, months: pl.Series) -> None:
        want = self._scheme_year(schemes)
        year = months.str.slice(0, 4).cast(pl.Int64, strict=False)
        mask = schemes.is_not_null() & months.is_not_null() & (year != want)
        self.add_many(mask, "month",
                      formatted("月份不在方案「{s}」的年度 {y} 内", s=schemes, y=want),
                      formatted("the month is not in the scheme's year, {y}", y=want))

    def units(self, schemes: pl.Series) -> pl.DataFrame:
        """Resolve each row's unit (name or alias, by match key): columns _i, unit, unit_type,
        rubric (the year-end rubric of the unit's type)."""
        lookup = unit_lookup(self.ctx)
        named = schemes.drop_nulls().unique()
        if named.len() == 1 and schemes.null_count() == 0:
            # One scheme (the usual file): each distinct cell is resolved once, then laid onto
            # the rows by one join.
            cells = self.col("unit")
            uniq = cells.unique()
            resolved = pl.DataFrame({"_raw": uniq, "_key": keys(uniq),
                                     "scheme": pl.repeat(named[0], uniq.len(), eager=True)})
            resolved = resolved.join(lookup, on=["scheme", "_key"], how="left",
                                     maintain_order="left")
            joined = _laid_onto(cells, resolved).select(
                _i=pl.int_range(self.n, dtype=pl.Int64), scheme=pl.lit(schemes),
                _key="_key", unit="unit", unit_type="unit_type", rubric="rubric")
        else:
            rows = pl.DataFrame({"_i": pl.int_range(self.n, eager=True, dtype=pl.Int64),
                                 "scheme": schemes, "_key": keys(self.col("unit"))})
            joined = rows.join(lookup, on=["scheme", "_key"], how="left", maintain_order="left")
        self.add_many(joined.get_column("_key").is_null(), "unit", *REQUIRED)
        unknown = (joined.get_column("scheme").is_not_null()
                   & joined.get_column("_key").is_not_null()
                   & joined.get_column("unit").is_null())
        if unknown.any():
            with_units = list(set(self.ctx.units["scheme"].to_list()))
            msgs = pl.DataFrame({"s": schemes}).select(
                zh=pl.concat_str(
                    pl.lit("未知的单位:不在方案「"), pl.col("s").fill_null(""),
                    pl.lit("」的单位名录中,也不是登记的别名"),
                    pl.when(pl.col("s").is_in(with_units)).then(pl.lit(""))
                    .otherwise(pl.lit(";该方案尚未载入单位名录,请先导入单位名录"))),
                en=pl.concat_str(
                    pl.lit("unknown unit: not in the scheme's unit list, nor a registered alias"),
                    pl.when(pl.col("s").is_in(with_units)).then(pl.lit("")).otherwise(pl.lit(
                        "; no units are loaded for this scheme yet: load a units file first"))),
            )
            self.add_many(unknown, "unit", msgs.get_column("zh"), msgs.get_column("en"))
        return joined.select("_i", "unit", "unit_type", "rubric")

    # -- pandera --------------------------------------------------------------------------------

    def run_model(
        self,
        model: type[pa.DataFrameModel],
        frame: pl.DataFrame,
        messages: dict[str, Callable[[dict[str, Any]], tuple[str, str, str]]],
    ) -> None:
        """Validate `frame` (with column _i) by a pandera model, every failure as a problem.

        `messages` maps a dataframe-level check's name to a function of the failing row giving
        (column, zh, en); column checks are worded from the check itself.
        """
        from pipelines.inputs.pandera_import import pa, pandas_unloaded  # on first use

        try:
            with pandas_unloaded():
                model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            cases = err.failure_cases
            for case in cases.iter_rows(named=True):
                index = case["index"]
                if index is None:  # a schema-level failure (dtype); a bug of ours, not the user's
                    raise
                row = frame.row(int(index), named=True)
                i = int(row["_i"])
                if case["check"] in messages:
                    column, zh, en = messages[case["check"]](row)
                else:
                    column = case["column"]
                    zh, en = check_message(case["check"])
                self.add(i, column, zh, en)

    # -- output ---------------------------------------------------------------------------------

    def located(self, schema: dict[str, pl.DataType], location: dict[str, pl.DataType],
                naming: str, data: dict[str, pl.Series | list[Any]]) -> pl.DataFrame:
        """The rows without problems, typed by `schema`, with the location columns."""
        columns = {name: (value if isinstance(value, pl.Series)
                          else pl.Series(value, dtype=schema[name], strict=False))
                   .alias(name).cast(schema[name], strict=False)
                   for name, value in data.items()}
        if self.source is None:
            file: pl.Series | pl.Expr = pl.lit(self.sheet.file, dtype=pl.String)
            sheet: pl.Series | pl.Expr = pl.lit(self.sheet.sheet, dtype=pl.String)
            extra: dict[str, pl.Series] = {}
        else:
            file = pl.Series([s.file for s in self.sources], dtype=pl.String).gather(self.source)
            sheet = pl.Series([s.sheet for s in self.sources], dtype=pl.String).gather(
                self.source)
            extra = {"_src": self.source}
        frame = pl.DataFrame(columns).with_columns(
            _file=file,
            _sheet=sheet,
            _row=self.rows.cast(pl.Int32),
            _col=pl.lit(self.sheet.header(naming), dtype=pl.String),
            _val=self.col(naming),
            **extra,
        ).select(*schema, *location, *extra)
        if not (self._all_bad or self._bad or self._bad_single):
            return frame  # every row passed: no filtered copy
        return frame.filter(~self.bad())

    @classmethod
    def together(cls, sheets: list[RawSheet], ctx: LoadContext) -> SheetCheck:
        """One check of several sheets of one kind with the same columns and headers."""
        first = sheets[0]
        if len(sheets) == 1:
            return cls(first, ctx)
        combined = dataclasses.replace(
            first, frame=pl.concat([s.frame for s in sheets], how="vertical"),
            row_numbers=pl.concat([s.row_numbers for s in sheets]))
        return cls(combined, ctx, sources=sheets)

    def split(self, frame: pl.DataFrame) -> list[pl.DataFrame]:
        """The validated rows of each source sheet (slices of `frame`, in order, no copy)."""
        if self.source is None:
            return [frame]
        found = dict(frame.get_column("_src").value_counts().iter_rows())
        frame = frame.drop("_src")
        parts, offset = [], 0
        for count in (found.get(k, 0) for k in range(len(self.sources))):
            parts.append(frame.slice(offset, count))
            offset += count
        return parts


def _parsed(fn: Callable[..., Any], cell: str | None, kwargs: dict[str, Any]
            ) -> tuple[Any, str | None, str | None]:
    """fn of one cell: (value, None, None), or (None, zh, en) when it cannot be read."""
    try:
        value = fn(cell, **kwargs)
    except NormalizeError as err:
        return None, err.zh, err.en
    if isinstance(value, float) and not math.isfinite(value):
        return None, *TOO_LARGE
    return value, None, None


def _shown(cell: object) -> str:
    text = str(cell)
    return text if len(text) <= 200 else text[:200] + f"…(共 {len(text):,} 字符)"


def check_message(check: str) -> tuple[str, str]:
    """Chinese and English words for a pandera column check such as greater_than_or_equal_to(0)."""
    m = re.match(r"(\w+)\((.*)\)$", check or "")
    name, arg = (m.group(1), m.group(2)) if m else (check, "")
    words = {
        "greater_than_or_equal_to": (f"不能小于 {arg}", f"must not be below {arg}"),
        "greater_than": (f"应大于 {arg}", f"must be above {arg}"),
        "less_than_or_equal_to": (f"不能大于 {arg}", f"must not be above {arg}"),
        "whole_number": ("应为整数", "a whole number is expected"),
    }
    return words.get(name, (f"未通过检查 {check}", f"failed check {check}"))


def unit_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, match key) -> unit, unit_type and its year-end rubric, from unit names and
    aliases (names win).

    Computed once per context (a load validates many sheets against the same units)."""
    cached = ctx.__dict__.get("_unit_lookup")
    if cached is not None and cached[0] is ctx.units and cached[1] is ctx.aliases:
        return cached[2]
    units = ctx.units.select("scheme", "unit", "unit_type")
    by_name = units.with_columns(_key=keys(units["unit"]), _order=pl.lit(0))
    aliases = ctx.aliases.join(units, on=["scheme", "unit"], how="inner")
    by_alias = aliases.with_columns(_key=keys(aliases["alias"]), _order=pl.lit(1)).select(
        by_name.columns
    )
    both = pl.concat([by_name, by_alias], how="vertical").sort("_order", maintain_order=True)
    lookup = both.unique(["scheme", "_key"], keep="first", maintain_order=True).select(
        "scheme", "_key", "unit", "unit_type"
    )
    # The year-end rubric of the unit's type, resolved with the unit (no second join per row).
    types = ctx.dims.get("unit_types")
    rubrics = (types.select("scheme", "unit_type", "rubric") if types is not None else
               pl.DataFrame(schema={"scheme": pl.String, "unit_type": pl.String,
                                    "rubric": pl.String}))
    lookup = lookup.join(rubrics, on=["scheme", "unit_type"], how="left", maintain_order="left")
    ctx.__dict__["_unit_lookup"] = (ctx.units, ctx.aliases, lookup)
    return lookup


def i_frame(n: int, **columns: tuple[pl.Series | list[Any], pl.DataType]) -> pl.DataFrame:
    """A frame with the row index _i and these columns (for a pandera model)."""
    data = {"_i": pl.int_range(n, eager=True, dtype=pl.Int64)}
    for name, (values, dtype) in columns.items():
        series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=dtype,
                                                                         strict=False)
        data[name] = series.alias(name).cast(dtype, strict=False)
    return pl.DataFrame(data)


def int32(values: pl.Series) -> pl.Series:
    """Whole numbers as Int32 (null where not whole or too large: such rows have a problem)."""
    whole = ((values % 1) == 0) & (values.abs() < 2**31)
    return pl.select(pl.when(pl.lit(whole)).then(pl.lit(values))).to_series().cast(
        pl.Int32, strict=False)
