"""预警 (early warnings): what a leader must hear about while it can still be acted on.

For a scheme, year and month (the "current month": the chosen month, or the latest month with
figures), five kinds of warning, each with the page of the dashboard that explains it:

- 目标 (target): a target that, judged as `pipelines/engine/targets.py` judges it (cumulative
  targets by their linear projection to December, the others by the figure to date), misses its
  floor (保, severity 高) or its stretch (争, severity 中), with what each remaining month must
  bring (`targets.monthly_need`: 「还需月均 X 件」).
- 未报送 (not reported): units with no row in the current month's 内容保障月报; for the
  year-end, units without any 年终评分 row while others have theirs.
- 名次下降 (rank fall): units whose year-to-date rank fell by 3 places or more since the previous
  month (for schemes without monthly scoring: since the previous year, where it is loaded).
- 等次 (grade line): units whose projected total (the monthly stage projected at the current
  pace, the other stages and adjustments as scored) falls into a lower grade than last month's
  projection, or into the lowest grade. Only where the scheme has grades, a monthly stage and
  year-end scores to add to it.
- 指标 (indicator): the few indicators on which a unit type's score rate (points scored over
  points available, its units together) is far below its rate on its other indicators: at least
  INDICATOR_GAP (20 percentage points) below, the INDICATOR_MAX (3) lowest per type. Most units
  lose a little on most indicators (true of nearly every indicator in a 128-indicator rubric),
  so "more than half of a type lost points" said nothing; a type keeping 40% of an indicator's
  points while it keeps 80% of the others' points says where its work is weak.

The warnings are ranked by consequence: a target off pace (its floor first), a unit below a grade
line, a unit that did not report, a large fall of rank, then the indicators; within a kind the
larger shortfall or fall first.

Everything here is read from the warehouse and the scheme; nothing is drawn.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote_plus

import polars as pl

from pipelines.engine import rules
from pipelines.engine import targets as tg
from pipelines.notice import formats as fmt
from pipelines.notice import render
from pipelines.schemes.model import Scheme
from pipelines.schemes.stored import load_scheme
from warehouse import notice_queries as nq
from warehouse.reads import rankings as ranking_reads
from warehouse.reads import targets as target_reads
from warehouse.reads import units as unit_reads

HIGH, MEDIUM = "高", "中"
TARGET, UNREPORTED, RANK_FALL, GRADE, INDICATOR = "目标", "未报送", "名次下降", "等次", "指标"
KIND_ORDER = [TARGET, GRADE, UNREPORTED, RANK_FALL, INDICATOR]  # by consequence
RANK_FALL_PLACES = 3
INDICATOR_GAP = 0.20   # score rate this far below the type's other indicators (20 points)
INDICATOR_MAX = 3      # at most this many indicators per unit type

SCHEMA = {
    "severity": pl.String,   # 高 | 中
    "kind": pl.String,       # 目标 | 未报送 | 等次 | 名次下降 | 指标
    "subject": pl.String,    # the target, unit or indicator
    "unit_type": pl.String,
    "detail": pl.String,     # one sentence, as the 通报 says it
    "need": pl.Float64,      # 目标: what each remaining month must bring
    "weight": pl.Float64,    # the size of the problem within its kind (larger first)
    "page": pl.String,       # the dashboard page that explains it
    "link": pl.String,       # that page with the view in the query string
}


@functools.lru_cache(maxsize=4)
def _phrases(directory: Path, stamp: float):
    del stamp  # part of the cache key: an edited template is read again
    return render.environment(directory).get_template("warnings.j2").module


def _say(kind: str, **fields) -> str:
    """One warning's sentence, from its macro in notices/warnings.j2 (the wording is there)."""
    path = render.NOTICES_DIR / "warnings.j2"
    module = _phrases(render.NOTICES_DIR, path.stat().st_mtime)
    return str(getattr(module, kind)(**fields)).strip()


# the same scheme, year, period and types recur in thousands of links at 6,000 units
_quote = functools.lru_cache(maxsize=8192)(quote_plus)


def link(page: str, **params: str | int | None) -> str:
    """A relative link to a dashboard page with the view in its query string (as
    urllib.parse.urlencode writes it; the parts are quoted once and remembered)."""
    clean = [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    if not clean:
        return f"/{page}"
    return f"/{page}?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in clean)


def scheme_by_id(db: Path, scheme: str) -> Scheme:
    """The scheme model the warehouse holds under this id (KeyError when none)."""
    return load_scheme(db, scheme)


def early_warnings(db: Path, scheme: str, year: int, month: str | None = None, *,
                   model: Scheme | None = None) -> pl.DataFrame:
    """Every warning for the view (month None: the year-end view, judged at the latest month
    with figures), most severe first. `model` is the scheme's model where the caller has built
    it already (the notice), else it is read from the warehouse."""
    if model is None:
        model = scheme_by_id(db, scheme)
    current = nq.latest_month(db, scheme, year, month)
    period = month or "year"
    rows: list[dict] = []
    if current:
        rows += _target_warnings(db, model, year, current, period)
    rows += _unreported(db, model, year, current if model.content else None, month, period)
    rows += _rank_falls(db, model, year, current if model.content else None, period)
    if current and model.content and model.grades:
        rows += _grade_lines(db, model, year, current, period)
    rows += _indicators(db, model, year, period)
    for r in rows:
        r.setdefault("weight", 0.0)
    frame = pl.DataFrame(rows, schema=SCHEMA)
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return frame.with_row_index("_i").sort(
        pl.col("severity").replace_strict({HIGH: 0, MEDIUM: 1}, return_dtype=pl.Int8),
        pl.col("kind").replace_strict(order, return_dtype=pl.Int8),
        pl.col("weight").fill_null(0.0), "_i", descending=[False, False, True, False],
    ).drop("_i")


def _target_warnings(db: Path, model: Scheme, year: int, month: str, period: str) -> list[dict]:
    status = target_reads.target_status(db, model.id, year, month)
    by_code = {t.code: t for t in model.targets}
    out = []
    for r in status.filter(pl.col("month").is_not_null()).iter_rows(named=True):
        target = by_code.get(r["target"])
        if target is None:
            continue
        cumulative = target.measure == "cumulative" and r["projection"] is not None
        judged = r["projection"] if cumulative else r["actual"]
        levels = [(tg.MET_FLOOR, target.floor, HIGH, "保")]
        if target.stretch is not None:
            levels.append((tg.MET_STRETCH, target.stretch, MEDIUM, "争"))
        missed = next(((lvl, sev, word) for _, lvl, sev, word in levels
                       if not tg.reaches_value(judged, lvl, target)), None)
        if missed is None:
            continue
        level, severity, word = missed
        unit = target.unit
        need = tg.monthly_need(target, r["actual"], level, r["month"])
        need_kind = "over" if need is None else target.aggregate
        detail = _say(
            "target", month=fmt.month_label(r["month"]),
            actual=fmt.target_value(r["actual"], unit),
            projection=(fmt.target_value(judged, unit)
                        if cumulative and tg.months_elapsed(r["month"]) < 12 else ""),
            level_kind=word, level=fmt.target_value(level, unit), need_kind=need_kind,
            need=("" if need is None else fmt.amount(need, unit, up=True) if need_kind == "sum"
                  else fmt.target_value(need, unit)),
        )
        shortfall = abs(level - judged) / abs(level) if level else abs(level - judged)
        out.append({
            "severity": severity, "kind": TARGET, "subject": target.text, "unit_type": None,
            "detail": detail, "need": need, "weight": shortfall, "page": "targets",
            "link": link("targets", scheme=model.id, year=year, period=period),
        })
    return out


def _unreported(db: Path, model: Scheme, year: int, current: str | None, month: str | None,
                period: str) -> list[dict]:
    out = []
    if current and current in nq.content_months(db, model.id, year):
        for r in nq.units_without_tallies(db, model.id, current).iter_rows(named=True):
            out.append({
                "severity": HIGH, "kind": UNREPORTED, "subject": r["unit"],
                "unit_type": r["unit_type"],
                "detail": _say("not_reported_month", month=fmt.month_label(current)),
                "need": None, "page": "rankings",
                "link": link("rankings", scheme=model.id, year=year, period=current,
                             type=r["unit_type"], units=r["unit"]),
            })
    if month is None:
        for r in nq.units_without_yearend_input(db, model.id, year).iter_rows(named=True):
            out.append({
                "severity": HIGH, "kind": UNREPORTED, "subject": r["unit"],
                "unit_type": r["unit_type"],
                "detail": _say("not_reported_year", year=year),
                "need": None, "page": "unit",
                "link": link("unit", scheme=model.id, year=year, period=period,
                             type=r["unit_type"], unit=r["unit"]),
            })
    return out


def _rank_falls(db: Path, model: Scheme, year: int, current: str | None,
                period: str) -> list[dict]:
    out = []
    if current:
        frame = ranking_reads.monthly_ranking(db, model.id, year, current, None)
        rank, prev, since = "ytd_rank", "prev_ytd_rank", "month"
    else:
        frame = ranking_reads.yearend_ranking(db, model.id, year, None)
        rank, prev, since = "rank", "prev_rank", "year"
    falls = frame.filter(pl.col(prev).is_not_null()
                         & (pl.col(rank) - pl.col(prev) >= RANK_FALL_PLACES))
    for r in falls.sort(pl.col(prev) - pl.col(rank), "unit").iter_rows(named=True):
        out.append({
            "severity": MEDIUM, "kind": RANK_FALL, "subject": r["unit"],
            "unit_type": r["unit_type"],
            "detail": _say("rank_fall", what=since, since=since, before=r[prev], now=r[rank],
                           places=r[rank] - r[prev]),
            "need": None, "weight": float(r[rank] - r[prev]), "page": "unit",
            "link": link("unit", scheme=model.id, year=year, period=period,
                         type=r["unit_type"], unit=r["unit"]),
        })
    return out


def projected_totals(db: Path, model: Scheme, year: int, month: str) -> pl.DataFrame:
    """Each unit's total projected to December at the pace up to `month`: the monthly stage from
    the year-to-date points × 12 / months (the scheme's full-mark rule applied as scoring applies
    it), plus the other stages and the adjustments as scored. Empty without year-end scores."""
    if model.content is None:
        return pl.DataFrame()
    results = ranking_reads.yearend_ranking(db, model.id, year, None)
    stages = nq.stage_points(db, model.id, year)
    monthly = unit_reads.monthly_series(db, model.id, year, None).filter(pl.col("month") == month)
    if results.is_empty() or monthly.is_empty():
        return pl.DataFrame()
    fm = model.content.full_mark
    content_stage = next(s for s in model.stages if s.basis == "content")
    annual = monthly.select(
        "unit", "unit_type",
        content_points=pl.col("ytd_points") * 12 / tg.months_elapsed(month),
        excess_step=pl.col("unit_type").replace_strict(fm.excess_step_by_unit_type,
                                                       return_dtype=pl.Float64),
    )
    staged = rules.full_mark_stage(annual, content_stage.weight * model.total_points, fm.points,
                                   fm.excess_bonus)
    other = (stages.filter(pl.col("basis") != "content").group_by("unit")
             .agg(other=pl.col("points").sum()))
    bands = [(b.name, b.min) for b in model.grades.bands] if model.grades else []
    frame = (staged.join(other, on="unit", how="left")
             .join(results.select("unit", "bonus", "penalty"), on="unit", how="left")
             .with_columns(pl.col("other", "bonus", "penalty").fill_null(0.0))
             .with_columns(total=pl.col("points") + pl.col("other") + pl.col("bonus")
                           - pl.col("penalty")))
    return frame.with_columns(grade=rules.grade(pl.col("total"), bands)).select(
        "unit", "unit_type", "total", "grade")


def _grade_lines(db: Path, model: Scheme, year: int, month: str, period: str) -> list[dict]:
    assert model.grades is not None
    now = projected_totals(db, model, year, month)
    if now.is_empty():
        return []
    bands = model.grades.bands
    position = {b.name: i for i, b in enumerate(bands)}
    line = {b.name: b.min for b in bands}
    months = [m for m in nq.content_months(db, model.id, year) if m < month]
    before = projected_totals(db, model, year, months[-1]) if months else pl.DataFrame()
    prev = (dict(zip(before["unit"], before["grade"], strict=True)) if before.height else {})
    prev_total = (dict(zip(before["unit"], before["total"], strict=True)) if before.height
                  else {})
    final = tg.months_elapsed(month) == 12
    out = []
    for r in now.sort("total").iter_rows(named=True):
        grade, was = r["grade"], prev.get(r["unit"])
        dropped = was is not None and position[grade] > position[was]
        lowest = position[grade] == len(bands) - 1
        if not (dropped or lowest):
            # only a fall below a line, or the lowest band, is a warning
            continue
        crossed = bands[position[grade] - 1] if dropped and position[grade] > 0 else None
        text = _say(
            "grade", final=final, total=fmt.number(r["total"]), grade=grade,
            crossed=crossed.name if crossed else "",
            line=f"{crossed.min:g}" if crossed and crossed.min is not None else "",
            before_total=fmt.number(prev_total[r["unit"]]) if was is not None else "",
            before_grade=was or "", pass_line=f"{line[bands[-2].name]:g}",
        )
        out.append({
            "severity": HIGH if lowest else MEDIUM, "kind": GRADE, "subject": r["unit"],
            "unit_type": r["unit_type"], "detail": text, "need": None,
            "weight": -r["total"], "page": "unit",
            "link": link("unit", scheme=model.id, year=year, period=period,
                         type=r["unit_type"], unit=r["unit"]),
        })
    return out


def weak_indicators(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Per unit type, the indicators whose score rate is at least INDICATOR_GAP below the type's
    rate on its other indicators (the INDICATOR_MAX lowest per type): unit_type, code, name,
    rate, others (the rate on the other indicators), gap, units_scored, units_losing, lost and
    the indicator's office. Types of one unit are left out (a rate of one unit is its score)."""
    frame = nq.indicator_losses_by_type(db, scheme, year).filter(
        (pl.col("units_scored") >= 2) & (pl.col("available") > 0))
    if frame.is_empty():
        return frame.with_columns(rate=pl.lit(0.0), others=pl.lit(0.0), gap=pl.lit(0.0))
    by_type = pl.col("unit_type")
    rated = frame.with_columns(
        rate=1 - pl.col("lost") / pl.col("available"),
        others=1 - (pl.col("lost").sum().over(by_type) - pl.col("lost"))
        / (pl.col("available").sum().over(by_type) - pl.col("available")),
    ).with_columns(gap=pl.col("others") - pl.col("rate"))
    weak = rated.filter(pl.col("others").is_finite() & (pl.col("gap") >= INDICATOR_GAP - 1e-9))
    return (weak.sort("type_position", "rate", "position")
            .group_by("unit_type", maintain_order=True).head(INDICATOR_MAX))


def _indicators(db: Path, model: Scheme, year: int, period: str) -> list[dict]:
    out = []
    for r in weak_indicators(db, model.id, year).iter_rows(named=True):
        office = r["lead_office"] or r["assessing_bodies"] or ""
        out.append({
            "severity": MEDIUM, "kind": INDICATOR, "subject": f"{r['code']} {r['name']}",
            "unit_type": r["unit_type"],
            "detail": _say("indicator", unit_type=r["unit_type"],
                           rate=fmt.percent(r["rate"]), others=fmt.percent(r["others"]),
                           scored=r["units_scored"], losing=r["units_losing"], office=office),
            "need": None, "weight": r["gap"], "page": "indicators",
            "link": link("indicators", scheme=model.id, year=year, period=period,
                         type=r["unit_type"], cat=r["category"], l2=r["level2"],
                         code=r["code"]),
        })
    return out


def method_lines() -> list[str]:
    """The 预警 rules as the 数据与方法 page states them, in the order of consequence, with why
    the indicator rule is what it is."""
    gap = f"{INDICATOR_GAP * 100:g}"
    return [
        "目标：按当前进度预判全年，达不到保底目标的列为高级别、达不到争先目标的列为中级别，"
        "并给出其余各月须达到的数(件数取整、向上取整)。",
        "等次：按当前进度预计的年度总分跌破一条等次线，或落入最低等次。",
        "未报送：当月无内容保障月报，或年度无年终评分记录。",
        f"名次下降：累计名次较上月(无月度计分的方案较上年度)下降{RANK_FALL_PLACES}位及以上。",
        f"指标：某类单位在一项指标上的得分率比该类单位其余指标的得分率低{gap}个百分点及以上，"
        f"每类最多{INDICATOR_MAX}项。原先的“过半单位失分”规则几乎对每项指标都成立"
        "(示例数据390条预警中有384条),淹没了真正要紧的预警;多数单位在多数指标上都会失一点分,"
        "而一类单位在某项指标上只拿到四成分数、在其余指标上拿到八成,才说明这项工作是短板。",
        "排序：目标、等次、未报送、名次下降、指标;同类中差距或降幅大的在前。总览页先列出一屏,"
        "其余在表格中按类别筛选查看。",
    ]


def summary(frame: pl.DataFrame) -> dict[str, int]:
    """Warnings per kind, in the order of KIND_ORDER (kinds with none included as 0)."""
    counts = dict(frame.group_by("kind").len().iter_rows()) if frame.height else {}
    return {k: int(counts.get(k, 0)) for k in KIND_ORDER}
