"""The scoring engine: applies each scheme's rules (pipelines.engine.rules) to the loaded facts.

Input: the schemes, and the fact frames shaped like the warehouse tables (units, content_tallies,
yearend_inputs, adjustment_inputs, metric_values). Output: the result tables (indicator_scores,
stage_scores, results, monthly_points, target_progress). Pure: no files, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.engine import aggregation, rules
from pipelines.engine.targets import target_progress
from pipelines.engine.unranked import only_ranked, with_ranked
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.rules.kinds.assessor_score import AssessorScore
from pipelines.rules.kinds.normalise import NormaliseRefused
from pipelines.rules.registry import RULE_INPUT_COLUMNS, kind_of
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import (
    INPUT_COLUMN_ZH,
    content_items_frame,
    iter_leaves,
    rubric_for_unit_type,
)
from warehouse import database

# Every input column a rule kind reads (the warehouse's yearend_inputs holds each of them).
INPUT_COLUMNS = tuple(dict.fromkeys(
    column for columns in RULE_INPUT_COLUMNS.values() for column in columns))


@dataclass(frozen=True)
class Facts:
    """Everything loaded, as frames shaped like the warehouse fact tables."""

    units: pl.DataFrame
    content_tallies: pl.DataFrame
    yearend_inputs: pl.DataFrame
    adjustment_inputs: pl.DataFrame
    metric_values: pl.DataFrame


@dataclass(frozen=True)
class Results:
    indicator_scores: pl.DataFrame
    stage_scores: pl.DataFrame
    results: pl.DataFrame
    monthly_points: pl.DataFrame
    target_progress: pl.DataFrame
    # groups of rubrics scored by their tree of means (geometric, harmonic, not applicable)
    group_shares: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema=database.table_schema("group_shares")))

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "indicator_scores": self.indicator_scores,
            "stage_scores": self.stage_scores,
            "results": self.results,
            "monthly_points": self.monthly_points,
            "target_progress": self.target_progress,
            "group_shares": self.group_shares,
        }


def score_all(schemes: list[Scheme], facts: Facts) -> Results:
    """Score every scheme over its units; schemes without units give empty tables."""
    parts = [score_scheme(s, _facts_for(facts, s.id)) for s in schemes]
    return Results(
        *(pl.concat([getattr(p, name) for p in parts], how="vertical")
          for name in ("indicator_scores", "stage_scores", "results", "monthly_points",
                       "target_progress", "group_shares"))
    )


def _facts_for(facts: Facts, scheme_id: str) -> Facts:
    return Facts(*(getattr(facts, f).filter(pl.col("scheme") == scheme_id)
                   for f in ("units", "content_tallies", "yearend_inputs", "adjustment_inputs",
                             "metric_values")))


def score_scheme(scheme: Scheme, facts: Facts) -> Results:
    units = facts.units.select("unit", "unit_type")
    indicator_scores = score_indicators(scheme, units, facts.yearend_inputs)
    # Units not ranked (不排名, a type with ranked: false) are scored alike and ranked by none.
    ranked = with_ranked(scheme, facts.units).select("unit", "ranked")
    monthly = monthly_points(scheme, units, facts.content_tallies, ranked)
    stages = stage_scores(scheme, units, indicator_scores, monthly)
    adjustments = rules.capped_adjustments(
        facts.adjustment_inputs.select("unit", "kind", "points"),
        scheme.adjustments.bonus_cap if scheme.adjustments else None,
        scheme.adjustments.penalty_cap if scheme.adjustments else None,
    )
    results = totals(scheme, units, stages, adjustments, ranked)
    group_shares = tree_group_shares(scheme, indicator_scores)
    progress = target_progress(scheme, facts.metric_values)
    year = pl.lit(scheme.year, dtype=pl.Int32)
    sid = pl.lit(scheme.id)
    return Results(
        indicator_scores=indicator_scores.select(
            scheme=sid, year=year, unit="unit", unit_type="unit_type", rubric="rubric",
            code="code", max_points="max_points", score="score",
            lost=pl.when(pl.col("exempt")).then(0.0).otherwise(
                pl.col("max_points") - pl.col("score")),
            exempt="exempt", has_input="has_input",
        ),
        stage_scores=stages.select(
            scheme=sid, year=year, unit="unit", unit_type="unit_type", stage="stage",
            raw_points="raw_points", points="points", max_points="max_points",
            excess_bonus="excess_bonus",
        ),
        results=results.select(
            scheme=sid, year=year, unit="unit", unit_type="unit_type",
            stages_total="stages_total", bonus="bonus", penalty="penalty", total="total",
            grade="grade", rank="rank",
        ),
        monthly_points=monthly.select(
            scheme=sid, month="month", year=year, unit="unit", unit_type="unit_type",
            item_points="item_points", adoption_points="adoption_points", points="points",
            ytd_points="ytd_points", rank="rank", ytd_rank="ytd_rank",
        ),
        target_progress=progress,
        group_shares=group_shares.select(
            scheme=sid, year=year, unit="unit", rubric="rubric", path="path", share="share"),
    )


# ---------------------------------------------------------------- year-end indicators --------


def leaves_frame(scheme: Scheme) -> pl.DataFrame:
    """rubric, code, max_points, rule_index for every leaf (rule objects kept in a list)."""
    rows = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            rows.append({"rubric": rubric.id, "code": leaf.indicator.code,
                         "max_points": float(leaf.indicator.max_points),
                         "missing_input": rubric.missing_input})
    return pl.DataFrame(rows, schema={"rubric": pl.String, "code": pl.String,
                                      "max_points": pl.Float64, "missing_input": pl.String})


def score_indicators(scheme: Scheme, units: pl.DataFrame, inputs: pl.DataFrame) -> pl.DataFrame:
    """One row per unit and leaf of the unit's rubric: score, exempt, has_input.

    A leaf with no input row scores as the rubric's `missing_input` says (0, or full marks for a
    deduction rubric where nothing was deducted).
    """
    rubric_of = rubric_for_unit_type(scheme)
    unit_rubrics = units.with_columns(
        rubric=pl.col("unit_type").replace_strict(rubric_of, default=None)
    )
    # Indicators whose rules are equal (same kind, same parameters: all 128 of Jintan's rubric are
    # 考核组打分) are scored in one call over all their rows: a rule reads the row's max_points.
    rule_list: list = []
    rule_keys: dict[str, int] = {}
    leaf_rule = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            # A composite's parts are summed by composite_inputs (or entered as one 得分): what is
            # left is an assessor's score within the indicator's points.
            rule = AssessorScore() if kind_of(leaf.rule).composite else leaf.rule
            key = rule.model_dump_json()
            if key not in rule_keys:
                rule_keys[key] = len(rule_list)
                rule_list.append(rule)
            leaf_rule.append(rule_keys[key])
    leaves = leaves_frame(scheme).with_columns(
        _rule=pl.Series(leaf_rule, dtype=pl.Int32),
        _full=pl.col("missing_input") == "full").drop("missing_input")
    # The grid: every unit (in name order) × the leaves of its rubric (in the rubric's order).
    # Each cell has an integer key, unit's place × number of codes + code's place, so the input
    # rows find their cell by array lookups instead of a join on two text columns.
    names = unit_rubrics["unit"].unique().sort()
    codes = leaves["code"].unique(maintain_order=True)
    unit_enum, code_enum, n_codes = pl.Enum(names), pl.Enum(codes), len(codes)

    def place(column: str, enum: pl.Enum) -> pl.Expr:
        return pl.col(column).cast(enum, strict=False).to_physical().cast(pl.Int64)

    grid = unit_rubrics.sort("unit").with_columns(_u=place("unit", unit_enum)).join(
        leaves.with_columns(_c=place("code", code_enum)), on="rubric", how="inner",
        maintain_order="left_right")
    row_of_cell = np.full(len(names) * n_codes, -1, dtype=np.int64)
    row_of_cell[(grid["_u"] * n_codes + grid["_c"]).to_numpy()] = np.arange(grid.height)
    grid = grid.drop("_u", "_c")
    # Each input row's cell in the grid (a unit or code the scheme lacks: none, left out), with
    # only the input columns the scheme's rules read.
    read = [c for c in INPUT_COLUMNS
            if any(c in RULE_INPUT_COLUMNS[rule.kind] for rule in rule_list)]
    inputs = composite_inputs(scheme, unit_rubrics, inputs.select(
        "unit", "indicator", "exempt", *INPUT_COLUMNS,
        *(["part"] if "part" in inputs.columns else [])))
    given = inputs.select(
        "exempt", *read,
        _key=place("unit", unit_enum) * n_codes + place("indicator", code_enum),
    ).drop_nulls("_key")
    cells = row_of_cell[given["_key"].to_numpy()]
    given = given.drop("_key").with_columns(_cell=cells)
    if (cells < 0).any():
        given = given.filter(pl.col("_cell") >= 0)
    # A kind that scores a unit against the others of its type (normalise) reads each row's
    # unit type and indicator; the others do not, so the grid's text columns stay unread.
    peer_columns = (["unit_type", "code"] if any(kind_of(r).peers for r in rule_list) else [])
    given = given.with_columns(grid.select("max_points", "_rule", *peer_columns).select(
        pl.all().gather(given["_cell"])))
    # The rules score the input rows that are not exempt; the grid takes their scores.
    to_score = given.filter(~pl.col("exempt").fill_null(False))
    groups = ([(key, to_score) for key in to_score["_rule"].unique()]
              if to_score["_rule"].n_unique() <= 1 else
              [(key, rows) for (key,), rows in to_score.group_by("_rule", maintain_order=True)])
    try:
        scored = [kind_of(rule_list[key]).score(rows, rule_list[key]).select(
            "_cell", rule_score=pl.col("score").cast(pl.Float64)) for key, rows in groups]
    except NormaliseRefused as err:
        raise InputRejected([Problem(f"方案 scheme {scheme.id} · 年终评分 yearend", None, None,
                                     INPUT_COLUMN_ZH["actual"], err.code, err.zh, err.en)]
                            ) from None
    del to_score, groups
    scores = (pl.concat(scored) if scored else
              pl.DataFrame(schema={"_cell": pl.Int64, "rule_score": pl.Float64}))
    source = _sources(given["_cell"].to_numpy(), grid.height)
    return grid.with_columns(
        has_input=source.is_not_null(),
        exempt=given["exempt"].gather(source).fill_null(False),
        rule_score=scores["rule_score"].gather(
            _sources(scores["_cell"].to_numpy(), grid.height)),
    ).select(
        "unit", "unit_type", "rubric", "code", "max_points",
        score=pl.when(pl.col("exempt")).then(0.0)
        .when(pl.col("has_input")).then(pl.col("rule_score"))
        .when(pl.col("_full")).then(pl.col("max_points"))
        .otherwise(0.0),
        exempt="exempt", has_input="has_input")


def _sources(targets: np.ndarray, n: int) -> pl.Series:
    """For n target rows, the source row that lands on each (null where none does), given each
    source row's target."""
    source = np.full(n, -1, dtype=np.int64)
    source[targets] = np.arange(len(targets))
    found = pl.Series(source)
    return pl.select(pl.when(found >= 0).then(found)).to_series()


def composite_inputs(scheme: Scheme, unit_rubrics: pl.DataFrame, inputs: pl.DataFrame
                     ) -> pl.DataFrame:
    """The year-end rows with each composite indicator's part rows (分项) replaced by one row
    holding the sum of the parts as `score` (the composite kind's `score_parts`). Rows naming a
    part of an indicator that is not a composite, and part-less rows of a composite entered by
    part, are left out (validation refuses both; a draft compared on loaded data lists them)."""
    part = pl.col("part").fill_null("") if "part" in inputs.columns else pl.lit("")
    inputs = inputs.with_columns(part=part)
    by_parts = scheme.composite_entry == "parts"
    composites = {(r.id, leaf.indicator.code): (leaf.rule, r.missing_input == "full")
                  for r in scheme.rubrics for leaf in iter_leaves(r)
                  if kind_of(leaf.rule).composite and by_parts}
    if not composites:
        has_parts = inputs.select((pl.col("part") != "").any()).item()
        return inputs.filter(pl.col("part") == "") if has_parts else inputs
    keyed = inputs.join(unit_rubrics.select("unit", "rubric"), on="unit", how="left",
                        maintain_order="left")
    codes_of: dict[str, list[str]] = {}
    for rubric_id, code in composites:
        codes_of.setdefault(rubric_id, []).append(code)
    is_composite = pl.lit(False)
    for rubric_id, codes in codes_of.items():
        is_composite = is_composite | ((pl.col("rubric") == rubric_id)
                                       & pl.col("indicator").is_in(codes)).fill_null(False)
    keyed = keyed.with_columns(_composite=is_composite)
    plain = keyed.filter(~pl.col("_composite") & (pl.col("part") == "")).drop(
        "rubric", "_composite")
    parted = keyed.filter(pl.col("_composite") & (pl.col("part") != "")).drop("_composite")
    if parted.is_empty():
        return plain
    summed = []
    for (rubric_id, code), rows in parted.group_by("rubric", "indicator", maintain_order=True):
        rule, missing_full = composites[(rubric_id, code)]
        scored = kind_of(rule).score_parts(rows, rule, missing_full)
        first = rows.unique("unit", keep="first", maintain_order=True).drop(
            "score", "exempt", "rubric")
        summed.append(first.join(scored, on="unit").with_columns(
            part=pl.lit(""), **{c: pl.lit(None) for c in INPUT_COLUMNS if c != "score"}))
    return pl.concat([plain, *(s.select(plain.columns).cast(plain.schema) for s in summed)])


# ---------------------------------------------------------------- monthly content ------------


def monthly_points(scheme: Scheme, units: pl.DataFrame, tallies: pl.DataFrame,
                   ranked: pl.DataFrame | None = None) -> pl.DataFrame:
    """Monthly content points per unit (every unit, every month any unit reported), year to
    date, and ranks within the unit type (by the month's points and by year to date); `ranked`
    (unit, ranked) leaves the ranks of units not ranked null."""
    schema = {"unit": pl.String, "unit_type": pl.String, "month": pl.String,
              "item_points": pl.Float64, "adoption_points": pl.Float64, "points": pl.Float64,
              "ytd_points": pl.Float64, "rank": pl.Int32, "ytd_rank": pl.Int32}
    if scheme.content is None or tallies.is_empty() or units.is_empty():
        return pl.DataFrame(schema=schema)
    bonus = scheme.content.adoption_bonus
    per_month = rules.content_points(
        tallies, content_items_frame(scheme).select("item", "points"),
        bonus.city if bonus else 0.0, bonus.province if bonus else 0.0,
    )
    months = tallies.select("month").unique()
    grid = units.join(months, how="cross").join(per_month, on=["unit", "month"], how="left")
    grid = grid.with_columns(
        pl.col("item_points", "adoption_points", "points").fill_null(0.0)
    )  # no sort needed: the year to date runs in month order, and the result is sorted last
    grid = (grid.join(ranked, on="unit", how="left") if ranked is not None
            else grid.with_columns(ranked=pl.lit(True)))
    return grid.with_columns(
        ytd_points=pl.col("points").cum_sum().over("unit", order_by="month"),
    ).with_columns(
        rank=rules.competition_rank(only_ranked(pl.col("points")), ["month", "unit_type"]),
        ytd_rank=rules.competition_rank(only_ranked(pl.col("ytd_points")),
                                        ["month", "unit_type"]),
    ).select(list(schema)).sort("month", "unit_type", "rank", "unit", nulls_last=True)


# ---------------------------------------------------------------- stages and totals ----------


def stage_scores(scheme: Scheme, units: pl.DataFrame, indicator_scores: pl.DataFrame,
                 monthly: pl.DataFrame) -> pl.DataFrame:
    """Each stage's contribution per unit: raw points, weighted points, max, excess bonus."""
    frames = []
    rubric_max = {r.id: r.max_points for r in scheme.rubrics}
    for stage in scheme.stages:
        stage_max = stage.weight * scheme.total_points
        if stage.basis == "rubric":
            parts = []
            scores = indicator_scores.select("unit", "rubric", "code", "score", "max_points",
                                             "exempt")
            for rubric_id in scores["rubric"].unique(maintain_order=True):
                rows = (scores.filter(pl.col("rubric") == rubric_id) if len(rubric_max) > 1
                        else scores)
                rubric = next(r for r in scheme.rubrics if r.id == rubric_id)
                raw = (tree_rubric_score(scheme, rubric, rows) if aggregation.is_tree(rubric)
                       else rules.rubric_score(rows, rubric_max[rubric_id]))
                parts.append(raw.with_columns(
                    points=rules.weighted_stage(pl.col("rubric_points"), stage.weight,
                                                scheme.total_points, rubric_max[rubric_id]),
                    raw_points=pl.col("rubric_points"), excess_bonus=pl.lit(0.0)))
            raw = (pl.concat(parts) if parts else
                   pl.DataFrame(schema={"unit": pl.String, "raw_points": pl.Float64,
                                        "points": pl.Float64, "excess_bonus": pl.Float64}))
            frame = units.join(raw.select("unit", "raw_points", "points", "excess_bonus"),
                               on="unit", how="left")
        else:
            assert scheme.content is not None  # checked when the scheme was loaded
            annual = (monthly.group_by("unit").agg(content_points=pl.col("points").sum())
                      if not monthly.is_empty()
                      else pl.DataFrame(schema={"unit": pl.String, "content_points": pl.Float64}))
            steps = scheme.content.full_mark.excess_step_by_unit_type
            annual = units.join(annual, on="unit", how="left").with_columns(
                content_points=pl.col("content_points").fill_null(0.0),
                excess_step=pl.col("unit_type").replace_strict(steps, return_dtype=pl.Float64),
            )
            fm = scheme.content.full_mark
            staged = rules.full_mark_stage(annual, stage_max, fm.points, fm.excess_bonus)
            frame = staged.select("unit", "unit_type", raw_points="content_points",
                                  points="points", excess_bonus="excess_bonus")
        frames.append(frame.with_columns(
            stage=pl.lit(stage.id), max_points=pl.lit(stage_max),
            raw_points=pl.col("raw_points").fill_null(0.0),
            points=pl.col("points").fill_null(0.0),
            excess_bonus=pl.col("excess_bonus").fill_null(0.0),
        ).select("unit", "unit_type", "stage", "raw_points", "points", "max_points",
                 "excess_bonus"))
    return pl.concat(frames).sort("unit", "stage")


GROUP_SHARES_SCHEMA = {"unit": pl.String, "rubric": pl.String, "path": pl.String,
                       "share": pl.Float64}


def tree_group_shares(scheme: Scheme, indicator_scores: pl.DataFrame) -> pl.DataFrame:
    """unit, rubric, path, share of every group of a rubric scored by its tree of means
    (geometric, harmonic or not-applicable groups): the group's aggregated share, which the
    sum of its leaves' points is not (the view group_scores reads it). Other rubrics: none."""
    frames = []
    for rubric in scheme.rubrics:
        if not aggregation.is_tree(rubric):
            continue
        rows = indicator_scores.filter(pl.col("rubric") == rubric.id)
        if rows.is_empty():
            continue
        record: dict[str, np.ndarray] = {}
        units = tree_rubric_score(scheme, rubric, rows, record)["unit"]
        for path, share in record.items():
            frames.append(pl.DataFrame({"unit": units, "rubric": rubric.id, "path": path,
                                        "share": share}, schema=GROUP_SHARES_SCHEMA))
    return (pl.concat(frames).drop_nans("share") if frames
            else pl.DataFrame(schema=GROUP_SHARES_SCHEMA))


def tree_rubric_score(scheme: Scheme, rubric, rows: pl.DataFrame,
                      record: dict[str, np.ndarray] | None = None) -> pl.DataFrame:
    """unit, rubric_points of a rubric with a geometric or harmonic group: its max_points × the
    share its tree of means gives (engine/aggregation.py). A geometric or harmonic mean over a
    share of 0 or below refuses, naming the unit, the group and the part."""
    codes = [leaf.indicator.code for leaf in iter_leaves(rubric)]
    points = np.array([[leaf.indicator.max_points for leaf in iter_leaves(rubric)]])
    wide = rows.with_columns(share=pl.col("score") / pl.col("max_points"),
                             counts=~pl.col("exempt"))
    units = wide["unit"].unique(maintain_order=True)
    place = {c: i for i, c in enumerate(codes)}
    at_unit = {u: i for i, u in enumerate(units.to_list())}
    frac = np.zeros((len(units), len(codes)))
    avail = np.zeros((len(units), len(codes)), dtype=bool)
    u = np.array([at_unit[x] for x in wide["unit"].to_list()], dtype=np.int64)
    c = np.array([place[x] for x in wide["code"].to_list()], dtype=np.int64)
    frac[u, c] = wide["share"].to_numpy()
    avail[u, c] = wide["counts"].to_numpy()
    try:
        share = aggregation.shares(aggregation.build(rubric), points, frac, avail, codes,
                                   check=True, record=record)[0]
    except aggregation.NonPositive as err:
        mean_zh = {"geometric": "几何平均", "harmonic": "调和平均"}[err.aggregation]
        unit = units[err.unit]
        raise InputRejected([Problem(
            f"方案 scheme {scheme.id} · 年终评分 yearend", None, None, err.child, unit,
            f"「{err.group}」按{mean_zh}合成,单位「{unit}」在「{err.child}」上的得分率为 "
            f"{err.share:g};{mean_zh}要求每一项都大于 0",
            f"'{err.group}' is a {err.aggregation} mean, and unit '{unit}' has a share of "
            f"{err.share:g} on '{err.child}': a {err.aggregation} mean needs every part above 0",
        )]) from None
    return pl.DataFrame({"unit": units, "rubric_points": rubric.max_points * share})


def totals(scheme: Scheme, units: pl.DataFrame, stages: pl.DataFrame,
           adjustments: pl.DataFrame, ranked: pl.DataFrame | None = None) -> pl.DataFrame:
    """total = Σ stages + capped bonus − capped penalty; grade; rank within unit type among the
    ranked units (`ranked`: unit, ranked; all ranked when None), null for the others."""
    summed = stages.group_by("unit").agg(stages_total=pl.col("points").sum())
    frame = (
        units.join(summed, on="unit", how="left")
        .join(adjustments.select("unit", "bonus", "penalty"), on="unit", how="left")
        .with_columns(pl.col("stages_total", "bonus", "penalty").fill_null(0.0))
        .with_columns(total=pl.col("stages_total") + pl.col("bonus") - pl.col("penalty"))
    )
    frame = (frame.join(ranked, on="unit", how="left") if ranked is not None
             else frame.with_columns(ranked=pl.lit(True)))
    bands = [(b.name, b.min) for b in scheme.grades.bands] if scheme.grades else []
    return frame.with_columns(
        grade=rules.grade(pl.col("total"), bands) if bands else pl.lit(None, dtype=pl.String),
        rank=rules.competition_rank(only_ranked(pl.col("total")), "unit_type"),
    ).drop("ranked").sort("unit_type", "rank", "unit", nulls_last=True)
