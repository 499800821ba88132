"""内容保障月报 (content): a unit's items published in a month per content item, and how many
the city and the province adopted (schemes with a monthly content stage: 金坛)."""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.inputs.kinds.base import MONTH, SCHEME, UNIT, Column, InputKind
from pipelines.inputs.normalize import parse_month, parse_number
from pipelines.inputs.sheet_check import SheetCheck, formatted, i_frame, int32
from pipelines.inputs.sheet_check import fmt_number as _fmt
from pipelines.schemes.model import Scheme


def validate(check: SheetCheck) -> tuple[pl.DataFrame, None]:
    """Counts and adoptions: known content items of a scheme that has them; adopted within
    the count."""
    from pipelines.inputs import models  # pandera, on the first validation
    ctx = check.ctx
    schemes = check.schemes()
    months = check.parse("month", parse_month, required=True, dtype=pl.String)
    check.check_month(schemes, months)
    units = check.units(schemes)
    items_raw = check.parse("item", parse_number, required=True)
    count = check.parse("count", parse_number, required=True)
    # Blank adoption cells mean none adopted: clerks leave them empty.
    city = check.parse("city_adopted", parse_number).fill_null(0.0)
    province = check.parse("province_adopted", parse_number).fill_null(0.0)

    items = ctx.dims["content_items"].select("scheme", "item")
    with_content = [s for s, sc in ctx.schemes.items() if sc.content is not None]
    given = schemes.is_not_null() & items_raw.is_not_null()
    whole = ((items_raw % 1) == 0) & (items_raw.abs() < 2**31)
    item_int = pl.select(pl.when(pl.lit(whole)).then(pl.lit(items_raw))).to_series().cast(
        pl.Int32, strict=False).alias("item")
    known = pl.DataFrame({"scheme": schemes, "item": item_int}).join(
        items.with_columns(_known=pl.lit(True)), on=["scheme", "item"], how="left",
        maintain_order="left").get_column("_known").fill_null(False)
    no_content = given & ~schemes.is_in(with_content)
    check.add_many(no_content, "item", formatted("方案「{s}」没有内容保障月报(无内容保障项目)",
                                                 s=schemes),
                   "the scheme has no monthly content section")
    ranges = items.group_by("scheme").agg(lo=pl.col("item").min(), hi=pl.col("item").max())
    span = pl.DataFrame({"scheme": schemes}).join(ranges, on="scheme", how="left",
                                                  maintain_order="left")
    check.add_many(given & schemes.is_in(with_content) & ~(whole & known), "item",
                   formatted("未知的内容保障项目;应为 {lo}–{hi} 中的序号", lo=span["lo"],
                             hi=span["hi"]),
                   formatted("unknown content item; the scheme's items are {lo}-{hi}",
                             lo=span["lo"], hi=span["hi"]))

    frame = i_frame(check.n, count=(count, pl.Float64), city_adopted=(city, pl.Float64),
                     province_adopted=(province, pl.Float64))

    def adopted(r: dict[str, Any]) -> tuple[str, str, str]:
        a, p, c = _fmt(r["city_adopted"]), _fmt(r["province_adopted"]), _fmt(r["count"])
        return ("count", f"市级录用({a}) + 省级录用({p}) 超过 条数({c})",
                f"city_adopted ({a}) + province_adopted ({p}) exceed count ({c})")

    check.run_model(models.ContentModel, frame, {"adopted_above_count": adopted})
    return KIND.located(check, {
        "scheme": schemes,
        "month": months,
        "year": months.str.slice(0, 4).cast(pl.Int32, strict=False),
        "unit": units["unit"],
        "item": item_int,
        "count": int32(count),
        "city_adopted": int32(city),
        "province_adopted": int32(province),
    }), None


def _lists(scheme: Scheme) -> dict[str, list[str]]:
    return {"item": [str(it.number) for it in scheme.content.items]} if scheme.content else {}


def _items_table(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    head = ["序号 item", "一级指标 category", "名称 name", "分值 points", "计量 per"]
    items = scheme.content.items if scheme.content else []
    return head, [[it.number, it.category, it.name or "", it.points, it.per] for it in items]


KIND = InputKind(
    kind="content",
    zh="内容保障月报",
    columns=(
        SCHEME,
        Column("month", "月份", dtype="month", help=MONTH, text=True),
        UNIT,
        Column("item", "项目", dtype="int",
               help=("内容保障项目序号(附件1 序号)", "the content item number")),
        Column("count", "条数", dtype="int",
               help=("条数(整数)", "the number of items (a whole number)")),
        Column("city_adopted", "市级录用", dtype="int",
               help=("被市级录用条数(仅市级录用);空白视为 0",
                     "items adopted at city level only; blank means 0")),
        Column("province_adopted", "省级录用", dtype="int",
               help=("被省级录用条数;与市级录用之和不超过条数;空白视为 0",
                     "items adopted by the province; city + province never exceed count; "
                     "blank means 0")),
    ),
    key=("scheme", "month", "unit", "item"),
    table="content_tallies",
    facts={
        "scheme": pl.String(),
        "month": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "item": pl.Int32(),
        "count": pl.Int32(),
        "city_adopted": pl.Int32(),
        "province_adopted": pl.Int32(),
    },
    replace_key=("scheme", "month", "unit", "item"),
    naming="item",
    validate=validate,
    order=10,
    lists=_lists,
    reference=_items_table,
    batched=True,
)
