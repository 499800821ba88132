"""Scheme comparison (方案比较): the data loaded under one scheme, scored under a draft too.

Both runs go through `pipelines.engine.scoring.score_all`, the same engine as every published
result; nothing here scores an indicator. What this module adds:

- the per-unit table: total, rank and grade under each, and the rank change (positive = the unit
  moves up under the draft);
- Spearman and Kendall (tau-b) rank correlations of the two totals per unit type;
- the units whose grade changes;
- the changes that moved the most units: the change in each unit's total is split exactly into
  parts (the stage weights, each indicator, the monthly content stage, the bonus and penalty), and
  for each part we count the units whose rank would change if only that part changed;
- the loaded rows the draft cannot score (an indicator it dropped or renamed, an input its new
  rule does not read, a content item or clause it no longer has, a unit type it lacks), listed
  rather than silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.engine import aggregation
from pipelines.engine.ranks import group_ranks
from pipelines.engine.rules import NOISE_DIGITS
from pipelines.engine.scoring import Facts, Results, score_all
from pipelines.rules.kinds.assessor_score import AssessorScore
from pipelines.rules.registry import RULE_INPUT_COLUMNS
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import RULE_KIND_ZH, iter_leaves, rubric_for_unit_type
from warehouse.rounding import round_half_up

UNIT_COLUMNS = ("unit", "unit_type", "total", "rank", "draft_total", "draft_rank", "rank_change",
                "grade", "draft_grade", "grade_changed", "sample")
UNSCORED_SCHEMA = {"source": pl.String, "unit": pl.String, "key": pl.String,
                   "problem_zh": pl.String, "problem_en": pl.String}


@dataclass(frozen=True)
class Comparison:
    """Everything `egov scheme compare` and the 方案比较 page show."""

    scheme: str
    draft: str
    draft_name: str
    year: int
    units: pl.DataFrame  # UNIT_COLUMNS, one row per unit scored under both (or either)
    correlations: pl.DataFrame  # unit_type, units, spearman, kendall
    grade_changes: pl.DataFrame  # unit, unit_type, grade, draft_grade, total, draft_total
    changes: pl.DataFrame  # part, label, what, units_moved, largest_change
    unscored: pl.DataFrame  # UNSCORED_SCHEMA

    def to_dict(self) -> dict:
        """A JSON-ready form (`--format json`)."""
        return {
            "scheme": self.scheme, "draft": self.draft, "draft_name": self.draft_name,
            "year": self.year,
            "units": self.units.to_dicts(),
            "correlations": self.correlations.to_dicts(),
            "grade_changes": self.grade_changes.to_dicts(),
            "changes": self.changes.to_dicts(),
            "unscored": self.unscored.to_dicts(),
        }

    def summary_lines(self, top: int = 10) -> list[str]:
        """The overall figures as text lines (Chinese and English)."""
        lines = [f"方案比较 comparison: {self.scheme} → 草案 draft {self.draft} "
                 f"({self.draft_name})"]
        for r in self.correlations.iter_rows(named=True):
            lines.append(
                f"  {r['unit_type']} ({r['units']} 个单位 units): Spearman {_num(r['spearman'])}, "
                f"Kendall {_num(r['kendall'])}")
        moved = int((self.units["rank_change"].fill_null(0) != 0).sum())
        lines.append(f"  名次变化的单位 units whose rank changes: {moved} / {self.units.height}")
        if self.grade_changes.is_empty():
            lines.append("  等次变化 grade changes: 无 none")
        else:
            lines.append(f"  等次变化 grade changes ({self.grade_changes.height}):")
            for r in self.grade_changes.iter_rows(named=True):
                lines.append(f"    {r['unit']} ({r['unit_type']}): {r['grade']} → "
                             f"{r['draft_grade']}")
        if not self.changes.is_empty():
            lines.append("  改动影响的单位数 changes by units moved (only this change applied):")
            for r in self.changes.head(top).iter_rows(named=True):
                lines.append(f"    {r['label']} [{r['what']}]: {r['units_moved']} 个单位名次变化 "
                             f"units moved; 最大分差 largest change {r['largest_change']:+.2f}")
            if self.changes.height > top:
                lines.append(f"    … 另有 {self.changes.height - top} 项 more (see --format json)")
        if self.unscored.is_empty():
            lines.append("  草案不能计分的数据 rows the draft cannot score: 无 none")
        else:
            lines.append("  草案不能计分的数据 rows the draft cannot score "
                         f"({self.unscored.height}):")
            grouped = self.unscored.group_by("source", "key", "problem_zh", "problem_en",
                                             maintain_order=True).agg(
                units=pl.col("unit").unique(maintain_order=True))
            for r in grouped.head(top * 2).iter_rows(named=True):
                shown = "、".join(r["units"][:3]) + (f" 等 {len(r['units'])} 个单位 units"
                                                     if len(r["units"]) > 3 else "")
                lines.append(f"    {r['source']} {r['key']} ({shown}): {r['problem_zh']} / "
                             f"{r['problem_en']}")
            if grouped.height > top * 2:
                lines.append(f"    … 另有 {grouped.height - top * 2} 组 more (see --format json)")
        return lines


def _num(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3f}"


# ---------------------------------------------------------------------------------------------


def compare(scheme: Scheme, draft: Scheme, facts: Facts) -> Comparison:
    """Score `facts` (the rows loaded under `scheme`) under both schemes and compare.

    `facts` may hold other schemes' rows: only those of `scheme.id` are used. The draft is scored
    on a copy of them relabelled with the draft's id, after setting aside (and listing) the rows it
    cannot score.
    """
    mine = _facts_for(facts, scheme.id)
    base = score_all([scheme], mine)
    draft_facts, unscored = _draft_facts(mine, draft)
    drafted = score_all([draft], draft_facts)
    units = _unit_table(base, drafted, mine.units)
    return Comparison(
        scheme=scheme.id, draft=draft.id, draft_name=draft.name, year=scheme.year,
        units=units,
        correlations=_correlations(units),
        grade_changes=units.filter(pl.col("grade_changed")).select(
            "unit", "unit_type", "grade", "draft_grade", "total", "draft_total"),
        changes=_changes(scheme, draft, base, drafted, units),
        unscored=unscored,
    )


def _facts_for(facts: Facts, scheme_id: str) -> Facts:
    return Facts(*(getattr(facts, f).filter(pl.col("scheme") == scheme_id)
                   for f in ("units", "content_tallies", "yearend_inputs", "adjustment_inputs",
                             "metric_values")))


def _problem(source: str, unit: str, key: str, zh: str, en: str) -> dict:
    return {"source": source, "unit": unit, "key": key, "problem_zh": zh, "problem_en": en}


def _draft_facts(facts: Facts, draft: Scheme) -> tuple[Facts, pl.DataFrame]:
    """The facts relabelled for the draft, without the rows it cannot score; and those rows."""
    problems: list[dict] = []
    rubric_of = rubric_for_unit_type(draft)
    units = facts.units
    lost_units = units.filter(~pl.col("unit_type").is_in(list(rubric_of)))
    for r in lost_units.iter_rows(named=True):
        problems.append(_problem(
            "单位名录", r["unit"], r["unit_type"],
            f"草案没有单位类型「{r['unit_type']}」,该单位不能计分",
            f"the draft has no unit type '{r['unit_type']}': the unit cannot be scored"))
    kept_units = units.filter(pl.col("unit_type").is_in(list(rubric_of)))
    unit_type = dict(kept_units.select("unit", "unit_type").iter_rows())

    # Year-end rows: the indicator must exist in the unit's draft rubric and its draft rule must
    # find its input in the row.
    yearend, yearend_problems = _draft_yearend(facts.yearend_inputs, draft, kept_units)
    problems.extend(yearend_problems)

    # Content tallies: the draft must have a content stage and the item.
    tallies = facts.content_tallies.filter(pl.col("unit").is_in(list(unit_type)))
    items = {it.number for it in draft.content.items} if draft.content else set()
    for r in tallies.filter(~pl.col("item").is_in(list(items))).iter_rows(named=True):
        zh = ("草案没有平时考评(内容保障)阶段" if draft.content is None
              else "草案的内容保障中没有这个项目")
        en = ("the draft has no monthly content stage" if draft.content is None
              else "the draft's content items do not include this item")
        problems.append(_problem("内容保障月报", r["unit"], f"{r['month']} 项目 {r['item']}",
                                 zh, en))
    tallies = tallies.filter(pl.col("item").is_in(list(items)))

    # Adjustments: the clause must still exist (the points are kept as loaded).
    clauses = ({(c.kind, c.number) for c in draft.adjustments.clauses}
               if draft.adjustments else set())
    adjustments = facts.adjustment_inputs.filter(pl.col("unit").is_in(list(unit_type)))
    known = pl.Series([(k, n) in clauses for k, n in
                       zip(adjustments["kind"], adjustments["clause"], strict=True)],
                      dtype=pl.Boolean)
    for r in adjustments.filter(~known).iter_rows(named=True):
        problems.append(_problem(
            "加减分", r["unit"], f"{r['kind']} 第{r['clause']}项",
            "草案没有这一加减分条款", "the draft has no such bonus/penalty clause"))
    adjustments = adjustments.filter(known)

    # Indicators new in the draft have no loaded rows: they score as the rubric's missing_input.
    old_codes = set(facts.yearend_inputs["indicator"].unique().to_list())
    for rb in draft.rubrics:
        if not any(t in rb.unit_types for t in unit_type.values()):
            continue
        for leaf in iter_leaves(rb):
            if leaf.indicator.code not in old_codes:
                full = rb.missing_input == "full"
                problems.append(_problem(
                    "年终评分", "(全部单位 all units)", f"指标 {leaf.indicator.code}",
                    "草案新增的指标没有已载入的数据;按未录入计" + ("满分" if full else "0 分"),
                    "an indicator new in the draft has no loaded rows; scored as missing input ("
                    + ("full marks" if full else "0") + ")"))

    relabel = pl.lit(draft.id)
    drafted = Facts(
        units=kept_units.with_columns(scheme=relabel),
        content_tallies=tallies.with_columns(scheme=relabel),
        yearend_inputs=yearend.with_columns(scheme=relabel),
        adjustment_inputs=adjustments.with_columns(scheme=relabel),
        metric_values=facts.metric_values.with_columns(scheme=relabel),
    )
    return drafted, pl.DataFrame(problems, schema=UNSCORED_SCHEMA)


def _draft_yearend(yearend: pl.DataFrame, draft: Scheme, units: pl.DataFrame
                   ) -> tuple[pl.DataFrame, list[dict]]:
    """The year-end rows of `units` the draft can score, and a problem for each row it cannot
    (in row order). What decides is the row's (draft rubric, indicator, part): each distinct one
    is judged once here, and the rows take the verdict by a join; only the row's own values are
    looked at row by row: which inputs its rule needs are blank, and whether its choice is one of
    the draft's options."""
    rubric_of = rubric_for_unit_type(draft)
    unit_rubric = units.select("unit", _rubric=pl.col("unit_type").replace_strict(
        rubric_of, default=None))
    part = pl.col("part").fill_null("") if "part" in yearend.columns else pl.lit("")
    rows = yearend.with_row_index("_row").with_columns(_part=part).join(
        unit_rubric, on="unit", how="inner", maintain_order="left")
    combos = rows.select("_rubric", "indicator", "_part").unique(maintain_order=True)
    leaves = {(rb.id, leaf.indicator.code): leaf
              for rb in draft.rubrics for leaf in iter_leaves(rb)}
    verdicts, options = [], []
    for n, (rubric_id, code, part_name) in enumerate(combos.iter_rows()):
        verdicts.append(_verdict(n, leaves.get((rubric_id, code)), code, part_name, draft))
        rule = verdicts[-1].pop("rule")
        if rule is not None and rule.kind == "choice":
            options += [(n, option) for option in rule.options]
    table = pl.concat([combos, pl.DataFrame(verdicts, schema=_VERDICT_SCHEMA)],
                      how="horizontal")
    rows = rows.join(table, on=["_rubric", "indicator", "_part"], how="left",
                     maintain_order="left", nulls_equal=True)
    # The inputs the draft's rule reads that the row leaves blank, in the rule's order.
    missing = pl.lit("")
    for kind, columns in RULE_INPUT_COLUMNS.items():
        if not columns:
            continue
        blank = pl.concat_str([pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in columns],
                              separator="、", ignore_nulls=True)
        missing = pl.when(pl.col("_kind") == kind).then(blank).otherwise(missing)
    allowed = pl.DataFrame(options, schema={"_combo": pl.Int64, "choice": pl.String},
                           orient="row").with_columns(_allowed=pl.lit(True))
    rows = rows.with_columns(_missing=missing).join(
        allowed, on=["_combo", "choice"], how="left", maintain_order="left").with_columns(
        # An exempt row is kept whatever it holds, once the draft has its indicator.
        _status=pl.when(pl.col("_status") == "no_leaf").then(pl.col("_status"))
        .when(pl.col("exempt").fill_null(False)).then(pl.lit("ok"))
        .when(pl.col("_status") != "ok").then(pl.col("_status"))
        .when(pl.col("_missing") != "").then(pl.lit("missing"))
        .when((pl.col("_kind") == "choice") & pl.col("_allowed").is_null())
        .then(pl.lit("option")).otherwise(pl.lit("ok")))
    kept = yearend[rows.filter(pl.col("_status") == "ok")["_row"].to_numpy()]
    bad = rows.filter(pl.col("_status") != "ok")
    problems = []
    for r in bad.select("unit", "_status", "_key", "_zh", "_en", "_kind", "_missing",
                        "choice").iter_rows(named=True):
        zh, en = r["_zh"], r["_en"]
        if r["_status"] == "missing":
            zh = (f"草案对该指标的计分规则({RULE_KIND_ZH[r['_kind']]})读「{r['_missing']}」,"
                  "已载入的行没有该值;按未录入计")
            en = (f"the draft's rule ({r['_kind']}) reads {r['_missing'].replace('、', ', ')}, "
                  "which the loaded row lacks; scored as missing input")
        elif r["_status"] == "option":
            zh = f"选项「{r['choice']}」不在草案的选项中;按未录入计"
            en = (f"the option '{r['choice']}' is not one of the draft's options; scored as "
                  "missing input")
        problems.append(_problem("年终评分", r["unit"], r["_key"], zh, en))
    return kept, problems


_VERDICT_SCHEMA = {"_combo": pl.Int64, "_status": pl.String, "_kind": pl.String,
                   "_key": pl.String, "_zh": pl.String, "_en": pl.String}


def _verdict(n: int, leaf: object, code: str, part: str, draft: Scheme) -> dict:
    """What the draft makes of rows of indicator `code` and part `part` in one of its rubrics
    (`leaf`, None where that rubric lacks the code): `_status` no_leaf, bad_part, no_parts, or ok
    with the rule `_kind` that reads the row (checked row by row); with the problem's texts."""
    key = f"指标 {code}"
    out = {"_combo": n, "_status": "ok", "_kind": None, "_key": key, "_zh": None, "_en": None,
           "rule": None}
    if leaf is None:
        return {**out, "_status": "no_leaf",
                "_zh": "草案的评分细则中没有这个指标编号(删除或改了编号)",
                "_en": "the draft's rubric has no indicator with this code (dropped or renamed)"}
    rule = leaf.rule
    if rule.kind == "parts" and draft.composite_entry == "parts":
        found = next((p for p in rule.parts if p.name == part), None)
        if found is None:
            names = "、".join(p.name for p in rule.parts)
            return {**out, "_status": "bad_part",
                    "_key": key + (f" 分项 {part}" if part else ""),
                    "_zh": f"草案中该指标按分项计分({names}),已载入的行没有对应的分项;按未录入计",
                    "_en": f"the draft scores this indicator by parts ({names}); the loaded row "
                           "names none of them; scored as missing input"}
        rule = found.rule
    elif part:
        return {**out, "_status": "no_parts", "_key": f"{key} 分项 {part}",
                "_zh": "草案中该指标不按分项计分;分项行不能计分",
                "_en": "the draft does not score this indicator by parts; the part row is not "
                       "scored"}
    elif rule.kind == "parts":  # composite_entry: score: the assessor's total
        rule = AssessorScore()
    return {**out, "_kind": rule.kind, "rule": rule}


# ---------------------------------------------------------------------------------------------


def _unit_table(base: Results, drafted: Results, units: pl.DataFrame) -> pl.DataFrame:
    old = base.results.select("unit", "unit_type", total_raw="total", rank="rank", grade="grade")
    new = drafted.results.select("unit", draft_raw="total", draft_rank="rank",
                                 draft_grade="grade")
    sample = units.select("unit", sample="is_sample") if "is_sample" in units.columns else \
        units.select("unit", sample=pl.lit(False))
    frame = old.join(new, on="unit", how="left").join(sample, on="unit", how="left")
    return frame.with_columns(
        total=round_half_up(pl.col("total_raw")),
        draft_total=round_half_up(pl.col("draft_raw")),
        rank_change=(pl.col("rank") - pl.col("draft_rank")).cast(pl.Int32),
        grade_changed=pl.col("grade").ne_missing(pl.col("draft_grade"))
        & pl.col("draft_raw").is_not_null(),
    ).sort("unit_type", "rank", "unit", nulls_last=True).select(
        *UNIT_COLUMNS, "total_raw", "draft_raw")


def _correlations(units: pl.DataFrame) -> pl.DataFrame:
    """Spearman and Kendall tau-b of the two totals per unit type (units scored under both)."""
    from scipy import stats  # only here: importing scipy costs about a second

    rows = []
    # Units ranked under both schemes (a unit not ranked, 不排名, has no place to compare).
    both = units.filter(pl.col("draft_raw").is_not_null() & pl.col("rank").is_not_null()
                        & pl.col("draft_rank").is_not_null())
    for (unit_type,), group in both.group_by("unit_type", maintain_order=True):
        a = group["total_raw"].round(NOISE_DIGITS).to_numpy()
        b = group["draft_raw"].round(NOISE_DIGITS).to_numpy()
        spearman = kendall = None
        if group.height >= 2 and np.ptp(a) > 0 and np.ptp(b) > 0:
            spearman = float(stats.spearmanr(a, b).statistic)
            kendall = float(stats.kendalltau(a, b).statistic)
        elif group.height >= 2 and np.ptp(a) == 0 and np.ptp(b) == 0:
            spearman = kendall = 1.0  # all tied under both: the order is the same
        rows.append({"unit_type": unit_type, "units": group.height,
                     "spearman": spearman, "kendall": kendall})
    return pl.DataFrame(rows, schema={"unit_type": pl.String, "units": pl.Int64,
                                      "spearman": pl.Float64, "kendall": pl.Float64})


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What the decomposition needs of a scheme: stage weights and leaf definitions."""

    total_points: float
    rubric_weight: float
    content_weight: float
    leaves: dict[str, tuple[str, float, str]]  # code -> (name, max points, rule kind)
    # A rubric with a geometric or harmonic group (engine/aggregation.py): its stage fraction
    # is not the sum of the indicators' shares, so it is read from the rubric stage's points.
    tree: bool = False
    rubric_stage: str = ""


def _shape(scheme: Scheme) -> _Shape:
    weights = {s.basis: s.weight for s in scheme.stages}
    leaves = {}
    for rb in scheme.rubrics:
        for leaf in iter_leaves(rb):
            leaves.setdefault(leaf.indicator.code,
                              (leaf.display_name, leaf.indicator.max_points, leaf.rule.kind))
    rubric_stage = next((s.id for s in scheme.stages if s.basis == "rubric"), "")
    return _Shape(scheme.total_points, weights.get("rubric", 0.0), weights.get("content", 0.0),
                  leaves, any(aggregation.is_tree(r) for r in scheme.rubrics), rubric_stage)


def _shares(results: Results) -> pl.DataFrame:
    """unit, code, share: the indicator's score over the unit's available points (exempt: 0)."""
    ind = results.indicator_scores.with_columns(
        available=pl.col("max_points").filter(~pl.col("exempt")).sum().over("unit"))
    return ind.select(
        "unit", "code",
        share=pl.when(pl.col("exempt") | (pl.col("available") <= 0)).then(0.0)
        .otherwise(pl.col("score") / pl.col("available")))


def _stage_parts(results: Results, shape: _Shape) -> pl.DataFrame:
    """unit, rubric_frac, content_frac, excess, adjust."""
    if shape.tree:
        rubric_frac = results.stage_scores.filter(pl.col("stage") == shape.rubric_stage).select(
            "unit", rubric_frac=pl.col("points") / (shape.rubric_weight * shape.total_points))
    else:
        rubric_frac = _shares(results).group_by("unit").agg(rubric_frac=pl.col("share").sum())
    frame = results.results.select("unit", adjust=pl.col("bonus") - pl.col("penalty"))
    frame = frame.join(rubric_frac, on="unit", how="left")
    # The content stage's base is the stages' sum less the rubric stage and the excess bonus;
    # over the content stage's maximum it is min(P, full mark) / full mark.
    stage_rows = results.stage_scores.group_by("unit").agg(
        stage_sum=pl.col("points").sum(), excess=pl.col("excess_bonus").sum())
    frame = frame.join(stage_rows, on="unit", how="left").with_columns(
        pl.col("rubric_frac", "stage_sum", "excess").fill_null(0.0))
    rubric_points = shape.rubric_weight * shape.total_points * pl.col("rubric_frac")
    cmax = shape.content_weight * shape.total_points
    return frame.with_columns(
        content_frac=((pl.col("stage_sum") - rubric_points - pl.col("excess")) / cmax)
        if cmax > 0 else pl.lit(0.0),
    ).select("unit", "rubric_frac", "content_frac", "excess", "adjust")


def _changes(scheme: Scheme, draft: Scheme, base: Results, drafted: Results,
             units: pl.DataFrame) -> pl.DataFrame:
    """Each part of the change in total, and how many units it alone would move."""
    schema = {"part": pl.String, "label": pl.String, "what": pl.String,
              "units_moved": pl.Int64, "largest_change": pl.Float64}
    both = units.filter(pl.col("draft_raw").is_not_null() & pl.col("rank").is_not_null()
                        ).select("unit", "unit_type", "total_raw", "draft_raw")
    if both.is_empty():
        return pl.DataFrame(schema=schema)
    old_s, new_s = _shape(scheme), _shape(draft)
    T = new_s.total_points
    old_p = _stage_parts(base, old_s)
    new_p = _stage_parts(drafted, new_s)
    frame = both.join(old_p, on="unit", how="left").join(
        new_p, on="unit", how="left", suffix="_new").fill_null(0.0)

    parts: list[tuple[str, str, str, np.ndarray]] = []
    weight_delta = (
        (new_s.rubric_weight * new_s.total_points - old_s.rubric_weight * old_s.total_points)
        * frame["rubric_frac"].to_numpy()
        + (new_s.content_weight * new_s.total_points - old_s.content_weight * old_s.total_points)
        * frame["content_frac"].to_numpy())
    if (old_s.rubric_weight, old_s.content_weight, old_s.total_points) != (
            new_s.rubric_weight, new_s.content_weight, new_s.total_points):
        what = (f"平时 {old_s.content_weight:.0%}→{new_s.content_weight:.0%}, "
                f"年终 {old_s.rubric_weight:.0%}→{new_s.rubric_weight:.0%}")
        parts.append(("stage_weights", "阶段权重 stage weights", what, weight_delta))

    shares = _shares(base).join(_shares(drafted), on=["unit", "code"], how="full",
                                suffix="_new", coalesce=True).fill_null(0.0)
    codes = sorted(set(old_s.leaves) | set(new_s.leaves), key=_code_order)
    # units (in `both`'s order) × codes: the change in each indicator's share (0 where the unit
    # has the indicator under neither scheme).
    keyed = shares.join(both.select("unit").with_row_index("_u"), on="unit", how="inner"
                        ).with_columns(_c=pl.col("code").replace_strict(
                            codes, list(range(len(codes))), default=None, return_dtype=pl.Int64)
                        ).drop_nulls("_c")
    share_change = np.zeros((both.height, len(codes)))
    share_change[keyed["_u"].to_numpy(), keyed["_c"].to_numpy()] = (
        keyed["share_new"] - keyed["share"]).to_numpy()
    for j, code in enumerate(codes):
        delta = new_s.rubric_weight * T * share_change[:, j]
        what = _what_changed(old_s.leaves.get(code), new_s.leaves.get(code))
        if what is None and not np.any(np.abs(delta) > 1e-9):
            continue
        name = (new_s.leaves.get(code) or old_s.leaves.get(code))[0]
        parts.append((f"indicator:{code}", f"指标 {code} {name}",
                      what or "其他指标变化引起的折算 rescaled by other changes", delta))
    if old_s.tree or new_s.tree:
        # What the indicators' shares do not explain is the means themselves (a group made
        # geometric, or the same shares under another mean): one part, so the split stays exact.
        residual = (new_s.rubric_weight * T * (frame["rubric_frac_new"].to_numpy()
                                               - frame["rubric_frac"].to_numpy())
                    - new_s.rubric_weight * T * share_change.sum(axis=1))
        if np.any(np.abs(residual) > 1e-9):
            parts.append(("aggregation", "合成方式 aggregation",
                          "几何、调和平均的合成 geometric or harmonic means", residual))
    content_delta = (new_s.content_weight * T
                     * (frame["content_frac_new"].to_numpy() - frame["content_frac"].to_numpy())
                     + frame["excess_new"].to_numpy() - frame["excess"].to_numpy())
    if np.any(np.abs(content_delta) > 1e-9):
        parts.append(("content", "平时考评(内容保障) monthly content", "计分变化 scoring changed",
                      content_delta))
    adjust_delta = frame["adjust_new"].to_numpy() - frame["adjust"].to_numpy()
    if np.any(np.abs(adjust_delta) > 1e-9):
        parts.append(("adjustments", "加减分 bonus and penalty", "条款变化 clauses changed",
                      adjust_delta))

    totals = frame["total_raw"].to_numpy()
    groups = frame["unit_type"].to_numpy()
    base_rank = group_ranks(totals[None, :], groups)[0]
    rows = []
    for part, label, what, delta in parts:
        moved = group_ranks((totals + delta)[None, :], groups)[0] != base_rank
        rows.append({"part": part, "label": label, "what": what,
                     "units_moved": int(moved.sum()),
                     "largest_change": float(delta[np.argmax(np.abs(delta))]) if delta.size
                     else 0.0})
    out = pl.DataFrame(rows, schema=schema)
    return out.sort(["units_moved", pl.col("largest_change").abs()], descending=True)


def _what_changed(old: tuple | None, new: tuple | None) -> str | None:
    if old is None:
        return "草案新增 added"
    if new is None:
        return "草案删除 dropped"
    notes = []
    if abs(old[1] - new[1]) > 1e-9:
        notes.append(f"分值 points {old[1]:g}→{new[1]:g}")
    if old[2] != new[2]:
        notes.append(f"规则 rule {old[2]}→{new[2]}")
    return ", ".join(notes) or None


def _code_order(code: str) -> tuple:
    try:
        return (0, float(code), code)
    except ValueError:
        return (1, 0.0, code)


__all__ = ["Comparison", "compare", "group_ranks"]
