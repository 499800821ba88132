"""Rank stability on demand: one scheme-year's, computed from its published results when a page
or `egov scores --stability` asks for it.

Until 2026-12 every publish (every load, every month on top) reweighted every scheme's year-end
results 1,000 times and stored the outcome in the tables `rank_stability` and
`indicator_weights`: 0.8 s of CPU a 6,000-unit load, 9.4 s and 0.15 GB at 60,000 units, for
figures that only the 排名 page and `egov scores --stability` read. They are computed here
instead, from the same rows the engine gave (indicator, stage and unit results as the warehouse
holds them, in the engine's order), by the same function (`pipelines.engine.stability`), so they
are the figures the publish stored. The dashboard caches them per warehouse file
(`dashboard/lab/lab_data.py`); the command computes them each time it is asked.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.engine.scoring import Results
from pipelines.engine.stability import Stability, rank_stability
from pipelines.schemes.model import Scheme
from warehouse.database import connect_read_only, table_schema

# The columns `pipelines.engine.stability` reads of each result table, and the order the engine
# gives its rows (`pipelines.engine.scoring`): read back in that order, the draws see the same
# matrices as at scoring time (effective weights are sums over units: the order is kept so that
# they come out to the last bit).
_RESULTS_SQL = ("SELECT scheme, year, unit, unit_type, stages_total, bonus, penalty, total, "
                "grade, rank FROM results WHERE scheme = ? AND year = ? "
                "ORDER BY unit_type, rank NULLS LAST, unit")
# (Indicator scores are placed into matrices by unit and code: their order does not matter.)
_INDICATORS_SQL = ("SELECT scheme, unit, rubric, code, max_points, score, exempt "
                   "FROM indicator_scores WHERE scheme = ? AND year = ?")
_STAGES_SQL = ("SELECT scheme, unit, stage, points, excess_bonus FROM stage_scores "
               "WHERE scheme = ? AND year = ? ORDER BY unit, stage")
_SCHEME_SQL = "SELECT definition FROM schemes WHERE scheme = ?"
_NAMES_SQL = ("SELECT i.rubric, r.name AS rubric_name, i.code, i.name, i.position "
              "FROM indicators i JOIN rubrics r ON r.scheme = i.scheme AND r.rubric = i.rubric "
              "WHERE i.scheme = ?")


def stability_of(db: Path, scheme_id: str, year: int) -> Stability:
    """The rank stability and indicator weights of one scheme-year, at the default band, draws
    and seed (`pipelines.engine.stability`); empty frames for a scheme or year without results."""
    con = connect_read_only(db)
    try:
        found = con.sql(_SCHEME_SQL, params=[scheme_id]).fetchall()
        if not found:
            return _empty()
        scheme = Scheme.model_validate_json(found[0][0])
        if scheme.year != year:  # a scheme is one scheme-year: no results for another year
            return _empty()
        params = [scheme_id, year]
        results = Results(
            indicator_scores=con.sql(_INDICATORS_SQL, params=params).pl(),
            stage_scores=con.sql(_STAGES_SQL, params=params).pl(),
            results=con.sql(_RESULTS_SQL, params=params).pl(),
            monthly_points=pl.DataFrame(schema=table_schema("monthly_points")),
            target_progress=pl.DataFrame(schema=table_schema("target_progress")),
        )
    finally:
        con.close()
    return rank_stability(scheme, results)


def _empty() -> Stability:
    from pipelines.engine.stability import UNIT_SCHEMA, WEIGHT_SCHEMA

    return Stability(pl.DataFrame(schema=UNIT_SCHEMA), pl.DataFrame(schema=WEIGHT_SCHEMA))


def unit_intervals(stability: Stability) -> pl.DataFrame:
    """Per unit (the 排名 page's 稳定区间 and chart): unit, unit_type, rank, rank_median,
    rank_p05, rank_p95, band, draws, by unit type and rank."""
    return stability.units.select("unit", "unit_type", "rank", "rank_median", "rank_p05",
                                  "rank_p95", "band", "draws").sort("unit_type", "rank", "unit")


def named_weights(db: Path, scheme_id: str, stability: Stability) -> pl.DataFrame:
    """Per indicator, with its rubric's and its own name: rubric, rubric_name, code, name,
    max_points, nominal_weight, correlation, effective_weight, units; by rubric and the
    indicator's place in the scheme."""
    con = connect_read_only(db)
    try:
        names = con.sql(_NAMES_SQL, params=[scheme_id]).pl()
    finally:
        con.close()
    return stability.weights.join(names, on=["rubric", "code"], how="inner").sort(
        "rubric", "position").select("rubric", "rubric_name", "code", "name", "max_points",
                                     "nominal_weight", "correlation", "effective_weight",
                                     "units")
