"""What a 通报 says: the figures gathered from the warehouse, as plain values for the templates.

Every number a notice prints comes from here, and every score from the same rounded frames that
`egov scores` prints (warehouse.queries.yearend_scores / monthly_scores), so the text and the
command agree to the cent. The wording is not here: it is in the templates (notices/*.j2).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.engine import targets as tg
from pipelines.notice import formats as fmt
from pipelines.notice import warnings as warn
from pipelines.notice.annex import Annex
from pipelines.notice.naming import (  # noqa: F401 (MAX_NAMED, NAMED_WHEN_LONG: re-exported)
    MAX_NAMED,
    MOVE_PLACES,
    NAMED_WHEN_LONG,
    evaluation,
    named,
)
from pipelines.period import PeriodError, resolve_period
from pipelines.schemes.model import Scheme, Target
from pipelines.schemes.stored import load_scheme
from pipelines.years.notice_facts import years_facts
from warehouse import queries as q
from warehouse.reads import indicators as indicator_reads
from warehouse.reads import rankings as ranking_reads
from warehouse.reads import targets as target_reads
from warehouse.reads import view as view_reads

TOP_PLACES = 3       # at most the first three places of a type are named (名列前茅)…
TOP_SHARE = 3        # …and at most a third of its units: a type of 3 names only its first
TOP_LOSSES = 5       # 存在问题 names the five indicators where most points were lost (ties kept)
WENHAO = re.compile(r"〔\d{4}〕\d+号$")  # 发文字号: 机关代字〔年份〕序号号 (GB/T 9704 7.2.4)


class NoticeError(ValueError):
    """The notice cannot be written for this scheme and period (a usage error)."""


def top_places(frame: pl.DataFrame, rank: str, value: str) -> list[dict]:
    """The places a notice names as 名列前茅 in a unit type, each with every unit tied there:
    [{"rank": 1, "units": ["金城镇"], "more": 0, "value": "96.52", "tied": False}, ...].

    A place is named when it stands out: within the first TOP_PLACES places and the first third
    of the type's units (a type of 3 to 5 names its first place only), scored above the type's
    mean, and never the last place (a type whose units all tie names none). A type of one unit
    names none (the notice states its one score)."""
    n = frame.height
    if n < 2:
        return []
    places = max(1, min(TOP_PLACES, n // TOP_SHARE))
    mean = frame[value].mean()
    last = frame[rank].max()
    out = []
    top = frame.filter((pl.col(rank) <= places) & (pl.col(rank) < last)
                       & (pl.col(value) > mean)).sort(rank, "unit")
    for r, part in top.group_by(rank, maintain_order=True):
        units = part["unit"].to_list()
        out.append({"rank": int(r[0]), **_units(units), "value": fmt.number(part[value][0]),
                    "tied": len(units) > 1})
    return out


def _units(units: list[str]) -> dict:
    shown = named(units)
    return {"units": shown["shown"], "more": shown["more"]}


def first_places(frame: pl.DataFrame, rank: str, value: str) -> list[dict]:
    """The first place of a type (ties together), as top_places writes a place; none for a type
    of one unit or a type whose units all tie."""
    if frame.height < 2 or frame[rank].min() == frame[rank].max():
        return []
    part = frame.filter(pl.col(rank) == frame[rank].min()).sort("unit")
    return [{"rank": 1, **_units(part["unit"].to_list()), "value": fmt.number(part[value][0]),
             "tied": part.height > 1}]


def last_group(frame: pl.DataFrame, rank: str, value: str) -> dict | None:
    """The units in the last place (ties together), or None for a type of 3 units or fewer or
    one whose units all tie (then no unit is last)."""
    if frame.height <= TOP_PLACES or frame[rank].min() == frame[rank].max():
        return None
    last = frame[rank].max()
    part = frame.filter(pl.col(rank) == last).sort("unit")
    return {"rank": int(last), **_units(part["unit"].to_list()),
            "value": fmt.number(part[value][0]), "tied": part.height > 1}


def first_and_last(frame: pl.DataFrame, rank: str, value: str) -> pl.DataFrame:
    """Per unit type (in the frame's order): the first place and the last place with every unit
    tied there and their score — the 总览's 「第一名/末位」 for the period shown. The last is
    empty for a type of one unit or one whose units all tie (no unit is last). Units not ranked
    (不排名) take no place: a type of such units alone has no row, `units` counts the ranked."""
    rows = []
    ranked = frame.filter(pl.col(rank).is_not_null())
    for (unit_type,), part in ranked.group_by("unit_type", maintain_order=True):
        top, bottom = part[rank].min(), part[rank].max()
        first = part.filter(pl.col(rank) == top).sort("unit")
        last = part.filter(pl.col(rank) == bottom).sort("unit")
        alone = top == bottom
        rows.append({
            "unit_type": unit_type, "units": part.height,
            "first": "、".join(first["unit"]), "first_value": first[value][0],
            "last": None if alone else "、".join(last["unit"]),
            "last_value": None if alone else last[value][0],
        })
    return pl.DataFrame(rows, schema={"unit_type": pl.String, "units": pl.Int64,
                                      "first": pl.String, "first_value": pl.Float64,
                                      "last": pl.String, "last_value": pl.Float64})


def movers(frame: pl.DataFrame, rank: str, previous: str) -> tuple[dict, dict]:
    """The units whose rank rose, and those whose rank fell, by MOVE_PLACES places or more
    against the previous period, largest move first: {"shown": [...], "more": N} (see
    `named`). A smaller move is not 「较多」 and is not named."""
    moved = (frame.filter(pl.col(previous).is_not_null())
             .with_columns(change=pl.col(previous) - pl.col(rank)))

    def pick(part: pl.DataFrame) -> dict:
        rows = [{"unit": r["unit"], "from": r[previous], "to": r[rank],
                 "places": abs(r["change"])} for r in part.iter_rows(named=True)]
        return named(rows)
    up = moved.filter(pl.col("change") >= MOVE_PLACES).sort(
        pl.col("change"), "unit", descending=[True, False])
    down = moved.filter(pl.col("change") <= -MOVE_PLACES).sort(pl.col("change"), "unit")
    return pick(up), pick(down)


def evaluation_name(model: Scheme) -> str:
    """The evaluation's name as a notice's title says it (pipelines.notice.naming.evaluation):
    金坛市电子政务绩效考核办法(试行) → 电子政务绩效考核."""
    return evaluation(model.name, model.jurisdiction)


def _documents(model: Scheme) -> list[dict]:
    """The scheme's documents: 文号 where the seed gives a real one (机关代字〔年份〕序号号; a
    placeholder such as 「嵊州市数字化转型考核(2020)」 is not printed) and title (inner 《》 as
    〈〉, as a title quoted inside 《》 is written)."""
    return [{"number": d.number if WENHAO.search(d.number or "") else "",
             "title": d.title.strip("《》").replace("《", "〈").replace("》", "〉")}
            for d in model.documents]


def _target(r: dict, target: Target | None) -> dict:
    """One target as section 三 says it. `final` when its figure is December's: then a verdict
    (达争/达保/未达 for a target with both levels, 完成/未完成 for a single level); before
    December progress: where the figure stands now and, for cumulative targets, the projection
    to December and what each remaining month must bring to reach the floor."""
    unit = r["unit"]
    actual, floor, stretch = r["actual"], r["floor"], r["stretch"]
    two = stretch is not None
    better = 1 if r["direction"] == "higher_better" else -1
    reported = r["month"] is not None
    final = reported and tg.months_elapsed(r["month"]) == 12
    status = r["status"]
    gap_level, gap = "", ""
    if reported and status == tg.MISSED:
        gap_level, gap = "保", fmt.amount(max(better * (floor - actual), 0), unit)
    elif reported and status == tg.MET_FLOOR and two:
        gap_level, gap = "争", fmt.amount(max(better * (stretch - actual), 0), unit)
    need = ""
    cumulative = reported and r["projection"] is not None and not final
    if (reported and not final and target is not None
            and r["projected_status"] == tg.MISSED):
        value = tg.monthly_need(target, actual, floor, r["month"])
        if value is not None:
            need = (fmt.amount(value, unit, up=True) if target.aggregate == "sum"
                    else fmt.target_value(value, unit))
    return {
        "name": r["name"], "text": r["text"], "reported": reported, "final": final,
        "two_levels": two, "status": status or "",
        "month": fmt.month_label(r["month"]) if reported else "",
        "actual": fmt.target_value(actual, unit) if actual is not None else "",
        "floor": fmt.target_value(floor, unit),
        "stretch": fmt.target_value(stretch, unit) if two else "",
        "gap_level": gap_level, "gap": gap,
        "projection": fmt.target_value(r["projection"], unit) if cumulative else "",
        "projected_status": (r["projected_status"] or "") if reported else "",
        "need": need, "need_kind": target.aggregate if target is not None else "",
    }


def target_counts(targets: list[dict]) -> dict[str, int]:
    """How many targets stand where: final verdicts (达争, 达保 and 未达 for two levels, 完成 and
    未完成 for one), progress before December (on course to reach the floor or not, by the
    projection for cumulative targets and the figure to date for the others) and unreported."""
    counts = dict.fromkeys(("达争", "达保", "未达", "完成", "未完成", "预计完成", "预计难以完成",
                            "无数据"), 0)
    for t in targets:
        if not t["reported"]:
            counts["无数据"] += 1
        elif t["final"] and t["two_levels"]:
            counts[t["status"]] += 1
        elif t["final"]:
            counts[tg.verdict(t["status"], None)] += 1
        else:
            counts["预计难以完成" if t["projected_status"] == tg.MISSED else "预计完成"] += 1
    return counts


def _annex_rows(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> list[list[str]]:
    """The table's cells as text. Every score in the document, text and tables alike, follows
    one rule (formats.number, as the text writes 「63.8分」): at most two decimals, half-up,
    no trailing zeros (加分 10 and 1.5 in one column, never 10.00; a column is not printed one
    way in one table and another in the next, nor the text one way and the tables another).
    Formatted a column at a time: 6,000 rows take milliseconds."""
    exprs = []
    for col, _ in columns:
        if frame.schema[col].is_float():
            exprs.append(pl.col(col).map_batches(_points, return_dtype=pl.String).fill_null("")
                         .alias(col))
        else:
            exprs.append(pl.col(col).cast(pl.String).fill_null("").alias(col))
    return [list(row) for row in frame.select(exprs).iter_rows()]


def _points(values: pl.Series) -> pl.Series:
    # half-up at two decimals as egov scores prints, without trailing zeros (formats.number)
    return pl.Series([None if v is None else fmt.number(v) for v in values], dtype=pl.String)


UNRANKED = "不排名"


def unranked_units(part: pl.DataFrame) -> list[str]:
    """The units of a type that are scored but not ranked (rank null: 不排名), by name."""
    return part.filter(pl.col("rank").is_null()).sort("unit")["unit"].to_list()


def _rank_cell(column: str) -> pl.Expr:
    """A rank as the 附件 prints it: the place, or 不排名 for a unit not ranked."""
    return pl.col(column).cast(pl.String).fill_null(UNRANKED)


def _change(prev: pl.Expr, now: pl.Expr) -> pl.Expr:
    """The 较上期 column: ↑2, ↓1, — (no change, no previous rank, or no rank now: 不排名)."""
    return (pl.when(prev.is_null() | now.is_null() | (prev == now)).then(pl.lit("—"))
            .when(prev > now).then(pl.lit("↑") + (prev - now).cast(pl.String))
            .otherwise(pl.lit("↓") + (now - prev).cast(pl.String)))


def gather(db: Path, scheme: str, year: int, month: str | None = None) -> dict[str, Any]:
    """Everything a notice for (scheme, year[, month]) says, as plain values. Raises NoticeError
    for an unknown scheme, a year the scheme does not cover, or a month without monthly scores."""
    try:  # checked on the ids and years alone; then only this scheme's model is built
        resolve_period(q.scheme_years(db), scheme, year, month)
    except PeriodError as err:
        raise NoticeError(str(err)) from None
    model = load_scheme(db, scheme)
    info = view_reads.schemes(db).filter(pl.col("scheme") == scheme).row(0, named=True)
    types = [t.name for t in model.unit_types]
    units = view_reads.units(db, scheme)
    indicators = [i for r in model.rubrics for i in _leaves(r.categories)]
    ctx: dict[str, Any] = {
        "scheme": {"id": scheme, "name": model.name, "jurisdiction": model.jurisdiction,
                   "evaluation": evaluation_name(model),
                   "year": year, "documents": _documents(model),
                   "has_grades": bool(info["has_grades"]), "has_monthly": model.content
                   is not None,
                   "best_grade": model.grades.bands[0].name if model.grades else "",
                   "lead_offices": any(i.lead_office for i in indicators),
                   "assessing_bodies": any(i.assessing_bodies for i in indicators),
                   "weighted_rubric_stages": [
                       {"name": s.name, "percent": fmt.number(s.weight * 100)}
                       for s in model.stages if s.basis == "rubric" and s.weight < 1]},
        "sample": bool(units["is_sample"].any()) if units.height else False,
        "units_total": units.height,
        "move_places": MOVE_PLACES,
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
    status = target_reads.target_status(db, scheme, year, month)
    by_code = {t.code: t for t in model.targets}
    all_targets = [_target(r, by_code.get(r["target"])) for r in status.iter_rows(named=True)]
    ctx["targets"] = [t for t in all_targets if t["reported"]]
    ctx["targets_unreported"] = [t["text"] for t in all_targets if not t["reported"]]
    ctx["targets_total"] = len(all_targets)
    ctx["target_counts"] = target_counts(all_targets)
    ctx["losses"] = _losses(db, model, year)
    ctx["warnings"] = _warnings(db, model, year, month)
    ctx.update(years_facts(db, model, year, month))  # notices/_years.j2 (issue 17)
    return ctx


def _leaves(nodes) -> list:
    out = []
    for n in nodes:
        children = getattr(n, "children", None)
        out.extend(_leaves(children) if children else [n])
    return out


def _only_unit(part: pl.DataFrame, value: str) -> dict | None:
    """A type of one unit: its name, score and grade (one sentence in the notice)."""
    if part.height != 1:
        return None
    r = part.row(0, named=True)
    return {"unit": r["unit"], "value": fmt.number(r[value]), "grade": r.get("grade") or ""}


def _yearend(db: Path, model: Scheme, year: int, frame: pl.DataFrame,
             types: list[str]) -> dict[str, Any]:
    # the previous year's rank where a move means something: egov scores' rank_change (empty
    # for a merged unit and for one that changed type), as the movers and 较上年 use it
    frame = frame.with_columns(prev_rank=pl.col("rank") + pl.col("rank_change"))
    grades = [b.name for b in model.grades.bands] if model.grades else []
    # the stage columns egov scores prints, in the scheme's order (not its other columns:
    # prev_total and rank_change are for the comparison with the previous year)
    stage_cols = [s.name for s in model.stages if s.name in frame.columns]
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
        # Places are named among the ranked units alone (不排名: scored, never placed).
        placed = part.filter(pl.col("rank").is_not_null())
        up, down = movers(placed, "rank", "prev_rank")
        best = (part.filter(pl.col("grade") == grades[0]).sort("rank", "unit")["unit"].to_list()
                if grades else [])
        lowest = (part.filter(pl.col("grade") == grades[-1]).sort("rank", "unit")["unit"]
                  .to_list() if grades else [])
        out_types.append({
            "name": t, "count": part.height, "mean": fmt.number(part["total"].mean()),
            "only": _only_unit(part, "total"),
            "top": top_places(placed, "rank", "total"),
            "last": last_group(placed, "rank", "total"),
            "unranked": unranked_units(part),
            "best_grade": grades[0] if grades else "",
            "best_units": best, "best_named": named(best),
            "lowest_grade": grades[-1] if grades else "",
            "lowest_units": lowest,
            "has_previous": bool(part["prev_rank"].is_not_null().any()),
            "risers": up, "fallers": down,
        })
        shown = part.with_columns(change=_change(pl.col("prev_rank"), pl.col("rank")),
                                  rank=_rank_cell("rank"))
        annexes.append(Annex(title=f"{year}年度{t}考核结果排名表", columns=[c[1] for c in columns],
                             rows=_annex_rows(shown, columns)))
    latest = max(view_reads.periods(db, model.id).filter(pl.col("year") == year)["month"]
                 .drop_nulls().to_list(), default=None)
    return {
        "kind": "yearend",
        "period": {"kind": "yearend", "label": f"{year}年度", "latest_month": latest,
                   "final": True},
        "types": out_types, "annexes": annexes, "annex_title": f"{year}年度考核结果排名表",
        "any_previous": any(t["has_previous"] for t in out_types),
        "grade_totals": [{"grade": g, "count": frame.filter(pl.col("grade") == g).height}
                         for g in grades],
    }


def _monthly(db: Path, model: Scheme, year: int, month: str, frame: pl.DataFrame,
             types: list[str]) -> dict[str, Any]:
    previous = ranking_reads.monthly_ranking(db, model.id, year, month, None).select(
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
        placed = part.filter(pl.col("rank").is_not_null())  # 不排名: never placed
        up, down = movers(placed, "ytd_rank", "prev_ytd_rank")
        out_types.append({
            "name": t, "count": part.height, "mean": fmt.number(part["points"].mean()),
            "only": _only_unit(part, "points"),
            "top": top_places(placed, "rank", "points"),
            "ytd_top": first_places(placed, "ytd_rank", "ytd_points"),
            "last": last_group(placed, "rank", "points"),
            "unranked": unranked_units(part),
            "zero_units": part.filter(pl.col("points") == 0).sort("unit")["unit"].to_list(),
            "has_previous": bool(part["prev_ytd_rank"].is_not_null().any()),
            "risers": up, "fallers": down,
        })
        shown = part.with_columns(change=_change(pl.col("prev_rank"), pl.col("rank")),
                                  rank=_rank_cell("rank"), ytd_rank=_rank_cell("ytd_rank"))
        annexes.append(Annex(title=f"{fmt.month_label(month)}{t}内容保障得分排名表",
                             columns=[c[1] for c in columns], rows=_annex_rows(shown, columns)))
    return {
        "kind": "monthly",
        "period": {"kind": "monthly", "label": fmt.month_label(month),
                   "month_number": int(month[5:7]), "latest_month": month,
                   "final": tg.months_elapsed(month) == 12,
                   "previous_label": fmt.month_label(prev_month[0]) if prev_month.len() else ""},
        "types": out_types, "annexes": annexes,
        "annex_title": f"{fmt.month_label(month)}内容保障得分排名表",
        "any_previous": any(t["has_previous"] for t in out_types),
        "total_points": fmt.number(frame["points"].sum()),
    }


def _losses(db: Path, model: Scheme, year: int) -> list[dict]:
    """Per rubric: the indicators where most points were lost (TOP_LOSSES, every indicator that
    lost as much as the last of them included, or 「等N项」 past MAX_NAMED + 2), with their
    牵头科室 or 牵头考核单位."""
    out = []
    for rubric in model.rubrics:
        lost = indicator_reads.lost_points(db, model.id, year, None, None, rubric.id)
        lost = (lost.filter(pl.col("lost") > 0)
                .with_columns(shown=pl.col("lost").round(2))
                .sort(["shown", "position"], descending=[True, False]))
        if lost.is_empty():
            continue
        cut = lost["shown"][min(TOP_LOSSES, lost.height) - 1]
        kept = lost.filter(pl.col("shown") >= cut)
        more = kept.height if kept.height > TOP_LOSSES + 2 else 0
        if more:
            kept = kept.head(TOP_LOSSES)
        items = [{"code": r["code"], "name": r["name"], "category": r["category"],
                  "lost": fmt.number(r["lost"]), "units_losing": r["units_losing"],
                  "units_scored": r["units_scored"],
                  "office": r["lead_office"] or r["assessing_bodies"] or "",
                  "office_kind": "牵头科室" if r["lead_office"] else
                  ("牵头考核单位" if r["assessing_bodies"] else "")}
                 for r in kept.iter_rows(named=True)]
        out.append({"rubric": rubric.name, "unit_types": rubric.unit_types, "items": items,
                    "more": more, "max_points": fmt.number(rubric.max_points)})
    return out


def _warnings(db: Path, model: Scheme, year: int, month: str | None) -> dict[str, Any]:
    """The 预警 as a notice says them: units that did not report (grouped by what they did not
    report), units below a grade line or falling in rank, the indicators on which a type does
    far worse than on its others. Target warnings are not repeated: section 三 says them."""
    frame = warn.early_warnings(db, model.id, year, month, model=model)
    rows = frame.to_dicts()
    unreported: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] == warn.UNREPORTED:
            unreported.setdefault(r["detail"], []).append(f"{r['subject']}（{r['unit_type']}）")
    indicators = [r for r in rows if r["kind"] == warn.INDICATOR]
    by_type: dict[str, list[dict]] = {}
    for r in indicators:
        by_type.setdefault(r["unit_type"], []).append(r)
    return {
        "unreported": [{"detail": d, **named(u)} for d, u in unreported.items()],
        # at 6,000 units hundreds fall below a line: the first few by consequence, then 「等N个」
        "units": named([r for r in rows if r["kind"] in (warn.GRADE, warn.RANK_FALL)]),
        "indicators": [{"unit_type": t, "rows": part} for t, part in by_type.items()],
        "count": frame.height,
    }
