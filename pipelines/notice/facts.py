"""What a 通报 says: the figures gathered from the warehouse, as plain values for the templates.

Every number a notice prints comes from here, and every score from the same rounded frames that
`egov scores` prints (warehouse.queries.yearend_scores / monthly_scores), so the text and the
command agree to the cent. The wording is not here: it is in the templates (notices/*.j2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.notice import formats as fmt
from pipelines.notice import warnings as warn
from pipelines.period import PeriodError, resolve_period
from pipelines.schemes.model import Scheme
from pipelines.schemes.stored import load_schemes
from warehouse import queries as q

TOP_PLACES = 3       # 考核结果 names the units in the first three places of each type
TOP_LOSSES = 5       # 存在问题 names the five indicators where most points were lost
TOP_MOVERS = 3       # the three largest moves up and down


class NoticeError(ValueError):
    """The notice cannot be written for this scheme and period (a usage error)."""


@dataclass(frozen=True)
class Annex:
    """One ranking table of the 附件: a unit type's results."""

    title: str
    columns: list[str]
    rows: list[list[str]]


def rank_groups(frame: pl.DataFrame, rank: str, value: str, places: int) -> list[dict]:
    """Units in the first `places` places grouped by place, ties together:
    [{"rank": 1, "units": ["金城镇"], "value": "96.52", "tied": False}, ...]."""
    out = []
    top = frame.filter(pl.col(rank) <= places).sort(rank, "unit")
    for r, part in top.group_by(rank, maintain_order=True):
        units = part["unit"].to_list()
        out.append({"rank": int(r[0]), "units": units, "value": fmt.points(part[value][0]),
                    "tied": len(units) > 1})
    return out


def last_group(frame: pl.DataFrame, rank: str, value: str) -> dict | None:
    """The units in the last place (ties together), or None for a type of 3 units or fewer."""
    if frame.height <= TOP_PLACES:
        return None
    last = frame[rank].max()
    part = frame.filter(pl.col(rank) == last).sort("unit")
    return {"rank": int(last), "units": part["unit"].to_list(),
            "value": fmt.points(part[value][0]), "tied": part.height > 1}


def movers(frame: pl.DataFrame, rank: str, previous: str) -> tuple[list[dict], list[dict]]:
    """The largest rises and falls of rank against the previous period (positive = up)."""
    moved = (frame.filter(pl.col(previous).is_not_null())
             .with_columns(change=pl.col(previous) - pl.col(rank)))
    def pick(part: pl.DataFrame) -> list[dict]:
        return [{"unit": r["unit"], "from": r[previous], "to": r[rank],
                 "places": abs(r["change"])} for r in part.iter_rows(named=True)]
    up = moved.filter(pl.col("change") > 0).sort(pl.col("change"), "unit",
                                                 descending=[True, False])
    down = moved.filter(pl.col("change") < 0).sort(pl.col("change"), "unit")
    return pick(up.head(TOP_MOVERS)), pick(down.head(TOP_MOVERS))


def _documents(model: Scheme) -> list[dict]:
    """The scheme's documents: 文号 (blank where the seed gives none) and title (inner 《》 as
    〈〉, as a title quoted inside 《》 is written)."""
    return [{"number": d.number if d.number != d.title else "",
             "title": d.title.strip("《》").replace("《", "〈").replace("》", "〉")}
            for d in model.documents]


def _target(r: dict, month: str | None) -> dict:
    unit = r["unit"]
    actual, floor, stretch = r["actual"], r["floor"], r["stretch"]
    better = 1 if r["direction"] == "higher_better" else -1
    gap = None
    if r["status"] == "未达":
        gap = ("保", fmt.amount(max(better * (floor - actual), 0), unit))
    elif r["status"] == "达保" and stretch is not None:
        gap = ("争", fmt.amount(max(better * (stretch - actual), 0), unit))
    return {
        "name": r["name"], "text": r["text"], "status": r["status"] or "无数据",
        "reported": r["month"] is not None,
        "month": fmt.month_label(r["month"]) if r["month"] else "",
        "actual": fmt.target_value(actual, unit) if actual is not None else "",
        "floor": fmt.target_value(floor, unit),
        "stretch": fmt.target_value(stretch, unit) if stretch is not None else "",
        "gap_level": gap[0] if gap else "", "gap": gap[1] if gap else "",
        "projection": (fmt.target_value(r["projection"], unit)
                       if r["projection"] is not None and month and month[5:] != "12" else ""),
        "projected_status": r["projected_status"] or "",
    }


def _annex_rows(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> list[list[str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        row = []
        for col, _ in columns:
            value = r[col]
            if value is None:
                row.append("")
            elif isinstance(value, float):
                row.append(fmt.points(value))
            else:
                row.append(str(value))
        rows.append(row)
    return rows


def _change(prev: int | None, now: int) -> str:
    if prev is None:
        return "—"
    if prev > now:
        return f"↑{prev - now}"
    return f"↓{now - prev}" if now > prev else "—"


def gather(db: Path, scheme: str, year: int, month: str | None = None) -> dict[str, Any]:
    """Everything a notice for (scheme, year[, month]) says, as plain values. Raises NoticeError
    for an unknown scheme, a year the scheme does not cover, or a month without monthly scores."""
    try:
        model = resolve_period(load_schemes(db), scheme, year, month).scheme
    except PeriodError as err:
        raise NoticeError(str(err)) from None
    info = q.dash_schemes(db).filter(pl.col("scheme") == scheme).row(0, named=True)
    types = [t.name for t in model.unit_types]
    units = q.dash_units(db, scheme)
    ctx: dict[str, Any] = {
        "scheme": {"id": scheme, "name": model.name, "jurisdiction": model.jurisdiction,
                   "year": year, "documents": _documents(model),
                   "has_grades": bool(info["has_grades"]), "has_monthly": model.content
                   is not None},
        "sample": bool(units["is_sample"].any()) if units.height else False,
        "units_total": units.height,
    }
    if month is not None:
        if model.content is None:
            raise NoticeError(f"方案 {scheme} 没有按月计分的平时考评,只有年终通报 / the scheme "
                              "has no monthly scoring: year-end notice only")
        frame = q.monthly_scores(db, scheme, month, None)
        if frame.is_empty():
            raise NoticeError(f"{month} 没有平时考评结果 / no monthly results for {month}")
        ctx.update(_monthly(db, model, year, month, frame, types))
    else:
        frame = q.yearend_scores(db, scheme, year, None)
        if frame.is_empty():
            raise NoticeError(f"{year} 年度没有年终考核结果 / no year-end results for {year}")
        ctx.update(_yearend(db, model, year, frame, types))
    ctx["period"]["month"] = month
    status = q.dash_target_status(db, scheme, year, month)
    ctx["targets"] = [_target(r, month or ctx["period"].get("latest_month"))
                      for r in status.iter_rows(named=True)]
    ctx["target_counts"] = {s: sum(t["status"] == s for t in ctx["targets"])
                            for s in ("达争", "达保", "未达", "无数据")}
    ctx["losses"] = _losses(db, model, year)
    ctx["warnings"] = _warnings(db, scheme, year, month)
    return ctx


def _yearend(db: Path, model: Scheme, year: int, frame: pl.DataFrame,
             types: list[str]) -> dict[str, Any]:
    previous = q.dash_yearend_ranking(db, model.id, year, None).select("unit", "prev_rank")
    frame = frame.join(previous, on="unit", how="left")
    grades = [b.name for b in model.grades.bands] if model.grades else []
    stage_cols = [c for c in frame.columns if c not in {
        "scheme", "year", "unit", "unit_type", "total", "grade", "rank", "bonus", "penalty",
        "sample", "prev_rank"}]
    has_prev = frame["prev_rank"].is_not_null().any()
    columns = [("rank", "排名"), *([("change", "较上年")] if has_prev else []), ("unit", "单位"),
               *[(c, c) for c in stage_cols]]
    if frame["bonus"].abs().sum() > 0:
        columns.append(("bonus", "加分"))
    if frame["penalty"].abs().sum() > 0:
        columns.append(("penalty", "减分"))
    columns.append(("total", "总分"))
    if grades:
        columns.append(("grade", "等次"))
    out_types, annexes = [], []
    for t in types:
        part = frame.filter(pl.col("unit_type") == t)
        if part.is_empty():
            continue
        up, down = movers(part, "rank", "prev_rank")
        counts = [{"grade": g, "count": part.filter(pl.col("grade") == g).height}
                  for g in grades]
        out_types.append({
            "name": t, "count": part.height, "mean": fmt.points(part["total"].mean()),
            "top": rank_groups(part, "rank", "total", TOP_PLACES),
            "last": last_group(part, "rank", "total"),
            "grade_counts": counts,
            "best_grade": grades[0] if grades else "",
            "best_units": (part.filter(pl.col("grade") == grades[0]).sort("rank", "unit")
                           ["unit"].to_list() if grades else []),
            "lowest_grade": grades[-1] if grades else "",
            "lowest_units": (part.filter(pl.col("grade") == grades[-1]).sort("rank", "unit")
                             ["unit"].to_list() if grades else []),
            "has_previous": bool(part["prev_rank"].is_not_null().any()),
            "risers": up, "fallers": down,
        })
        shown = part.with_columns(change=pl.struct("prev_rank", "rank").map_elements(
            lambda s: _change(s["prev_rank"], s["rank"]), return_dtype=pl.String))
        annexes.append(Annex(title=f"{year}年度{t}考核结果排名表", columns=[c[1] for c in columns],
                             rows=_annex_rows(shown, columns)))
    latest = max(q.dash_periods(db, model.id).filter(pl.col("year") == year)["month"]
                 .drop_nulls().to_list(), default=None)
    return {
        "kind": "yearend",
        "period": {"kind": "yearend", "label": f"{year}年度", "latest_month": latest},
        "types": out_types, "annexes": annexes,
        "grade_totals": [{"grade": g, "count": frame.filter(pl.col("grade") == g).height}
                         for g in grades],
    }


def _monthly(db: Path, model: Scheme, year: int, month: str, frame: pl.DataFrame,
             types: list[str]) -> dict[str, Any]:
    previous = q.dash_monthly_ranking(db, model.id, year, month, None).select(
        "unit", "prev_rank", "prev_ytd_rank", "prev_month")
    frame = frame.join(previous, on="unit", how="left")
    prev_month = frame["prev_month"].drop_nulls()
    columns = [("rank", "排名"), ("change", "较上月"), ("unit", "单位"),
               ("item_points", "条目得分"), ("adoption_points", "录用加分"),
               ("points", "当月得分"), ("ytd_points", "累计得分"), ("ytd_rank", "累计排名")]
    out_types, annexes = [], []
    for t in types:
        part = frame.filter(pl.col("unit_type") == t)
        if part.is_empty():
            continue
        up, down = movers(part, "ytd_rank", "prev_ytd_rank")
        out_types.append({
            "name": t, "count": part.height, "mean": fmt.points(part["points"].mean()),
            "top": rank_groups(part, "rank", "points", TOP_PLACES),
            "ytd_top": rank_groups(part, "ytd_rank", "ytd_points", 1),
            "last": last_group(part, "rank", "points"),
            "zero_units": part.filter(pl.col("points") == 0).sort("unit")["unit"].to_list(),
            "has_previous": bool(part["prev_ytd_rank"].is_not_null().any()),
            "risers": up, "fallers": down,
        })
        shown = part.with_columns(change=pl.struct("prev_rank", "rank").map_elements(
            lambda s: _change(s["prev_rank"], s["rank"]), return_dtype=pl.String))
        annexes.append(Annex(title=f"{fmt.month_label(month)}{t}内容保障得分排名表",
                             columns=[c[1] for c in columns], rows=_annex_rows(shown, columns)))
    return {
        "kind": "monthly",
        "period": {"kind": "monthly", "label": fmt.month_label(month),
                   "month_number": int(month[5:7]), "latest_month": month,
                   "previous_label": fmt.month_label(prev_month[0]) if prev_month.len() else ""},
        "types": out_types, "annexes": annexes,
        "total_points": fmt.number(frame["points"].sum()),
    }


def _losses(db: Path, model: Scheme, year: int) -> list[dict]:
    """Per rubric: the indicators where most points were lost, with their 牵头科室."""
    out = []
    for rubric in model.rubrics:
        lost = q.dash_lost_points(db, model.id, year, None, None, rubric.id)
        lost = lost.filter(pl.col("lost") > 0).head(TOP_LOSSES)
        if lost.is_empty():
            continue
        items = [{"code": r["code"], "name": r["name"], "category": r["category"],
                  "lost": fmt.number(r["lost"]), "units_losing": r["units_losing"],
                  "units_scored": r["units_scored"],
                  "office": r["lead_office"] or r["assessing_bodies"] or "",
                  "office_kind": "牵头科室" if r["lead_office"] else
                  ("牵头考核单位" if r["assessing_bodies"] else "")}
                 for r in lost.iter_rows(named=True)]
        out.append({"rubric": rubric.name, "unit_types": rubric.unit_types, "items": items})
    return out


def _warnings(db: Path, scheme: str, year: int, month: str | None) -> dict[str, Any]:
    frame = warn.early_warnings(db, scheme, year, month)
    rows = frame.to_dicts()
    indicators = frame.filter(pl.col("kind") == warn.INDICATOR)
    by_type = []
    for t, part in indicators.group_by("unit_type", maintain_order=True):
        by_type.append({"unit_type": t[0], "count": part.height,
                        "examples": part["subject"].head(3).to_list()})
    return {
        "targets": [r for r in rows if r["kind"] == warn.TARGET],
        "unreported": [r for r in rows if r["kind"] == warn.UNREPORTED],
        "units": [r for r in rows if r["kind"] in (warn.GRADE, warn.RANK_FALL)],
        "indicators": by_type,
        "count": frame.height,
    }
