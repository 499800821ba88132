"""Self-assessment beside the verified score (自评与核实).

Jintan 63号 五(一)/(二): units submit their self-assessment and the assessors 抽查、核实 it; Yueyang
二: 被考评单位对照考评细则进行自评. A unit's 自评 rows (评分来源 自评 in 年终评分) are kept in
`self_assessments` and scored here by the same rules as the verified rows (`score_indicators` of
the engine), only to be compared: they never reach `indicator_scores` or `results`.

Per unit and indicator where either side has a row: self_points (the self-assessed rows scored),
verified_points (the published indicator score, where the assessors loaded a row), and
difference = self_points − verified_points (positive: the unit claimed more than was verified).
A unit's total row sums the indicators that have both sides, so difference = self − verified
holds on every row.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.engine.scoring import score_indicators
from pipelines.schemes.stored import load_schemes
from warehouse.reader import query
from warehouse.rounding import round_half_up

COLUMNS = ("unit", "unit_type", "indicator", "part", "self_points", "verified_points",
           "difference")
TOTAL = "合计"
_SCHEMA = {"unit": pl.String, "unit_type": pl.String, "indicator": pl.String,
           "part": pl.String, "self_points": pl.Float64, "verified_points": pl.Float64,
           "difference": pl.Float64}


class SelfcheckError(ValueError):
    """An option that names nothing (a scheme of another year, an unknown unit)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def comparison(db: Path, scheme_id: str, year: int, unit: str | None = None,
               units: list[str] | None = None) -> pl.DataFrame:
    """The indicator rows, largest gap (|difference|) first, then one-sided rows, unrounded.

    `unit` narrows to one unit; `units` (a scope) to those units."""
    scheme = _scheme(db, scheme_id, year)
    scope, scope_params = "", []
    if unit is not None:
        scope += " AND unit = ?"
        scope_params.append(unit)
    if units is not None:
        scope += " AND list_contains(?, unit)"
        scope_params.append(units)
    where, params = "scheme = ? AND year = ?" + scope, [scheme_id, year, *scope_params]
    self_rows = query(db, f"SELECT * FROM self_assessments WHERE {where}", params)
    known = query(db, f"SELECT unit, unit_type FROM units WHERE scheme = ?{scope}",
                   [scheme_id, *scope_params])
    if unit is not None and known.is_empty():
        raise SelfcheckError(f"方案「{scheme_id}」中没有单位「{unit}」",
                             f"the scheme has no unit '{unit}'")
    verified = query(
        db, f"SELECT unit, unit_type, code AS indicator, score AS verified_points "
            f"FROM indicator_scores WHERE {where} AND has_input", params)
    if self_rows.is_empty():
        claimed = pl.DataFrame(schema={"unit": pl.String, "indicator": pl.String,
                                       "self_points": pl.Float64})
    else:
        scored = score_indicators(scheme, known, self_rows.drop("load_id"))
        claimed = scored.filter(pl.col("has_input")).select(
            "unit", indicator="code", self_points="score")
    parts = (self_rows.filter(pl.col("part") != "").group_by("unit", "indicator")
             .agg(part=pl.col("part").sort().str.join("、")) if not self_rows.is_empty()
             else pl.DataFrame(schema={"unit": pl.String, "indicator": pl.String,
                                       "part": pl.String}))
    both = claimed.join(verified.drop("unit_type"), on=["unit", "indicator"], how="full",
                        coalesce=True)
    order = _indicator_order(db, scheme_id)
    rows = (both.join(known, on="unit", how="left")
            .join(parts, on=["unit", "indicator"], how="left")
            .with_columns(part=pl.col("part").fill_null(""),
                          difference=pl.col("self_points") - pl.col("verified_points"))
            .join(order, on="indicator", how="left")
            .sort([pl.col("difference").abs(), "unit", "_pos"], descending=[True, False, False],
                  nulls_last=True)
            .select(list(COLUMNS)))
    return rows.cast(_SCHEMA)


def unit_totals(rows: pl.DataFrame) -> pl.DataFrame:
    """Per unit, the sums over its indicators that have both sides; largest gap first."""
    compared = rows.filter(pl.col("difference").is_not_null())
    return (compared.group_by("unit", "unit_type")
            .agg(pl.col("self_points").sum(), pl.col("verified_points").sum())
            .with_columns(indicator=pl.lit(TOTAL), part=pl.lit(""),
                          difference=pl.col("self_points") - pl.col("verified_points"))
            .sort([pl.col("difference").abs(), "unit"], descending=[True, False])
            .select(list(COLUMNS)).cast(_SCHEMA))


def selfcheck(db: Path, scheme_id: str, year: int, unit: str | None = None,
              units: list[str] | None = None) -> pl.DataFrame:
    """`egov selfcheck`: the indicator rows, then the unit totals, rounded half-up to 2."""
    rows = comparison(db, scheme_id, year, unit, units)
    out = pl.concat([rows, unit_totals(rows)])
    return out.with_columns(round_half_up(pl.col(c)) for c in
                            ("self_points", "verified_points", "difference"))


def unit_gaps(db: Path, scheme_id: str, year: int) -> pl.DataFrame:
    """Every unit of the scheme with its summed absolute gap (Σ|difference| over indicators with
    both sides; 0 for a unit that did not self-assess), for the weighted spot check."""
    rows = comparison(db, scheme_id, year)
    gaps = rows.group_by("unit").agg(gap=pl.col("difference").abs().sum())
    units = query(db, "SELECT unit, unit_type FROM units WHERE scheme = ? ORDER BY unit",
                   [scheme_id])
    return units.join(gaps, on="unit", how="left").with_columns(
        gap=pl.col("gap").fill_null(0.0)).sort("unit")


def _scheme(db: Path, scheme_id: str, year: int):
    found = {s.id: s for s in load_schemes(db)}.get(scheme_id)
    if found is None:
        raise SelfcheckError(f"未知的方案「{scheme_id}」", f"unknown scheme '{scheme_id}'")
    if found.year != year:
        raise SelfcheckError(f"方案「{scheme_id}」的年度为 {found.year},不是 {year}",
                             f"the scheme's year is {found.year}, not {year}")
    return found


def _indicator_order(db: Path, scheme_id: str) -> pl.DataFrame:
    return query(db, "SELECT code AS indicator, min(position) AS _pos FROM indicators "
                      "WHERE scheme = ? GROUP BY code", [scheme_id])
