"""年终评分 (yearend): a unit's year-end input per indicator, in the column its rule reads.

Which columns a row needs depends on the indicator's rule (`RULE_INPUT_COLUMNS`); a composite
indicator (rule kind `parts`) takes one row per part (`_yearend_parts`). The template lists only
the input columns the scheme's rules read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.cycle.inputs import BASES
from pipelines.inputs.context import LoadContext
from pipelines.inputs.kinds._yearend_parts import resolve_parts
from pipelines.inputs.kinds.base import SCHEME, UNIT, YEAR, Column, InputKind
from pipelines.inputs.normalize import code_key, match_key, parse_bool, parse_number, parse_year
from pipelines.inputs.sheet_check import SheetCheck, formatted, i_frame, int32, keys
from pipelines.inputs.sheet_check import fmt_number as _fmt
from pipelines.rules.registry import refuses_above_one
from pipelines.schemes.blocks import ITEM_SEPARATOR, item_of
from pipelines.schemes.model import RULE_INPUT_COLUMNS, Scheme, input_columns
from pipelines.schemes.tables import INPUT_COLUMN_ZH, RULE_KIND_ZH, iter_leaves

_NUMERIC_YEAREND = ("score", "deduction", "numerator", "denominator", "times")


def _indicator_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, rubric, code key) -> the indicator's code, max points, rule, peers, exemption,
    and the messages for an unknown code of that rubric. Computed once per scheme dimensions."""
    cached = ctx.__dict__.get("_indicator_lookup")
    if cached is not None and cached[0] is ctx.dims:
        return cached[1]
    ind = ctx.dims["indicators"].select(
        "scheme", "rubric", "code", "name", "max_points", "rule_kind", "rule_params",
        "not_applicable", "item", "item_of",
    )
    ind = ind.with_columns(_code=pl.Series(
        [code_key(c) if item is None else block_key(code_key(of), item)
         for c, item, of in ind.select("code", "item", "item_of").iter_rows()],
        dtype=pl.String))
    # Two codes that compare equal as numbers ("1" and "01") match exactly, never by value.
    clash = pl.len().over("scheme", "rubric", "_code") > 1
    ind = ind.with_columns(
        _code=pl.when(clash).then(keys(ind["code"])).otherwise(pl.col("_code"))
    )
    params = [json.loads(p) if p else {} for p in ind["rule_params"].to_list()]
    kinds = ind["rule_kind"].to_list()
    ind = ind.with_columns(
        peers=pl.Series([p.get("peers") if k == "rank_tiers" else None
                         for p, k in zip(params, kinds, strict=True)], dtype=pl.Float64),
        _options=pl.Series([list(p.get("options", {})) if k == "choice" else []
                            for p, k in zip(params, kinds, strict=True)],
                           dtype=pl.List(pl.String)),
        # A ratio or rate above 1 is refused unless the rule says above_one: cap.
        refuses_above_one=pl.Series([refuses_above_one(k, p)
                                     for p, k in zip(params, kinds, strict=True)],
                                    dtype=pl.Boolean),
    )
    rubrics = ctx.dims["rubrics"].select(
        "scheme", "rubric", pl.col("name").alias("rubric_name"), "allows_exemption"
    )
    lookup = ind.join(rubrics, on=["scheme", "rubric"], how="left")
    ctx.__dict__["_indicator_lookup"] = (ctx.dims, lookup)
    return lookup


def block_key(code: str, item: object) -> str:
    """The lookup key of a repeated block's indicator for one item: its code key · the item's."""
    return f"{code}{ITEM_SEPARATOR}{match_key(item)}"


def _unknown_code_messages(ctx: LoadContext) -> pl.DataFrame:
    """Per (scheme, rubric): the messages for a code not in that rubric, with its code range."""
    rows = []
    names = dict(ctx.dims["rubrics"].select(pl.concat_str("scheme", "rubric"), "name").iter_rows())
    for (s, r), g in ctx.dims["indicators"].group_by(["scheme", "rubric"]):
        lo, hi = g["code"][0], g["code"][-1]
        name = names.get(f"{s}{r}", r)
        rows.append((s, r, f"未知的指标编号:不在「{name}」中(该细则编号为 {lo} … {hi})",
                     f"unknown indicator code for the unit's rubric '{r}' "
                     f"(its codes run {lo} ... {hi})"))
    return pl.DataFrame(rows, schema={"scheme": pl.String, "rubric": pl.String,
                                      "_zh": pl.String, "_en": pl.String}, orient="row")


# 评分来源 (pipelines/cycle/): 自评 rows of a sheet are split off before validation
# (pipelines/inputs/load.py) and loaded as the kind `selfassessment`; blank is 核定.
BASIS = Column("basis", "评分来源", required=False,
               help=("评分来源:自评(本单位自评,单独保存、不计入结果)或 核定;空白为核定",
                     "自评 (the unit's self-assessment, kept apart, never scored) or 核定 "
                     "(verified); blank is 核定"), text=True)


def validate(check: SheetCheck) -> tuple[pl.DataFrame, None]:
    """Each row's indicator in the rubric of its unit's type, the input columns its rule reads,
    choices among the options, and the ranges (`models.YearendModel`)."""
    from pipelines.inputs import models  # pandera, on the first validation
    ctx = check.ctx
    schemes = check.schemes()
    years = check.parse("year", parse_year, required=True, dtype=pl.Int64)
    check.check_year(schemes, years)
    units = check.units(schemes)
    codes = check.parse("indicator", code_key, required=True, dtype=pl.String)
    if check.has("item"):  # a repeated block's indicator: its written code and the item
        items = check.text("item")
        codes = pl.Series([c if c is None or i is None else block_key(c, i)
                           for c, i in zip(codes, items, strict=True)], dtype=pl.String)
    values = {c: check.parse(c, parse_number) for c in _NUMERIC_YEAREND}
    values["actual"] = check.parse("actual", parse_number, percent=True)
    place = check.parse("place", parse_number)
    choice = check.text("choice")
    exempt = check.parse("exempt", parse_bool, dtype=pl.Boolean).fill_null(False)
    # 不适用 [not_applicable]: the same mark as 豁免, aggregated as the indicator's group says.
    not_applicable = check.parse("not_applicable", parse_bool, dtype=pl.Boolean).fill_null(False)
    note = check.text("note")

    # Rubric of each row from the unit's type, then the indicator by code within that rubric.
    rows = pl.DataFrame({"scheme": schemes, "_code": codes}).hstack(
        units.select("unit", "unit_type", "rubric"))
    joined = rows.join(_indicator_lookup(ctx), on=["scheme", "rubric", "_code"], how="left",
                       maintain_order="left")
    col = joined.get_column
    no_rubric = col("unit").is_not_null() & col("unit_type").is_not_null() & col("rubric").is_null()
    check.add_many(
        no_rubric, "unit",
        formatted("方案「{s}」中没有适用于单位类型「{t}」的年终评分细则", s=schemes,
                  t=col("unit_type")),
        formatted("the scheme has no year-end rubric for the unit's type '{t}'",
                  t=col("unit_type")))
    coded = col("rubric").is_not_null() & col("_code").is_not_null()
    unknown = coded & col("code").is_null()
    if unknown.any():
        msgs = joined.select("scheme", "rubric").join(
            _unknown_code_messages(ctx), on=["scheme", "rubric"], how="left",
            maintain_order="left")
        check.add_many(unknown, "indicator", msgs["_zh"], msgs["_en"])
    active = coded & col("code").is_not_null()
    refused = active & col("not_applicable").is_null()
    check.add_many(refused & exempt, "exempt",
                   formatted("「{r}」不允许豁免指标,指标 {c} 所在的分组也没有规定不适用时如何合成",
                             r=col("rubric_name"), c=col("code")),
                   formatted("this rubric allows no exemption, and no group above indicator {c} "
                             "says how to aggregate it when not applicable", c=col("code")))
    check.add_many(refused & not_applicable, "not_applicable",
                   formatted("指标 {c} 所在的分组不允许标为不适用(分组须写 not_applicable 的 "
                             "method: mean 或 rescale),「{r}」也不允许豁免",
                             c=col("code"), r=col("rubric_name")),
                   formatted("indicator {c}'s group does not allow a not-applicable mark (a "
                             "group says not_applicable with method mean or rescale), nor does "
                             "its rubric allow exemption", c=col("code")))
    exempt = exempt | not_applicable
    part = check.text("part").fill_null("")
    joined, part = resolve_parts(check, joined, part, active)
    col = joined.get_column

    # The input column(s) each indicator's rule reads: missing from the sheet, or blank.
    kinds_needing: dict[str, list[str]] = {}
    for kind, columns in RULE_INPUT_COLUMNS.items():
        for column in columns:
            kinds_needing.setdefault(column, []).append(kind)
    kind_zh = {k: RULE_KIND_ZH[k] for k in RULE_INPUT_COLUMNS}
    for column, kinds in kinds_needing.items():
        needs = active & col("rule_kind").is_in(kinds)
        if not needs.any():
            continue
        if not check.has(column):
            for source, needs_here in check.by_source(needs):  # each file names its own codes
                need_codes = col("code").filter(needs_here).unique(maintain_order=True).to_list()
                shown = ", ".join(need_codes[:20]) + (f" … (+{len(need_codes) - 20})"
                                                      if len(need_codes) > 20 else "")
                zh_col = INPUT_COLUMN_ZH[column]
                check.add_sheet(
                    column,
                    f"缺少「{zh_col}」列:以下指标的计分规则需要它: {shown}",
                    f"the column '{zh_col}' [{column}] is missing; these indicators need it: "
                    f"{shown}",
                    source=source,
                )
            continue
        rule_zh = col("rule_kind").replace_strict(kind_zh, default="", return_dtype=pl.String)
        check.add_many(
            needs & ~exempt & check.blank(column), column,
            formatted("该指标(计分规则:{rule})需要填写「{c}」", rule=rule_zh,
                      c=INPUT_COLUMN_ZH[column]),
            formatted("the indicator's rule ({k}) needs a value in '{c}' unless exempt",
                      k=col("rule_kind"), c=column))

    # A choice must be one of the indicator's options (matched by key, stored as written there).
    is_choice = active & (col("rule_kind") == "choice") & choice.is_not_null()
    if is_choice.any():
        options = joined.select(
            "scheme", "rubric", "code", _key=keys(choice), _options="_options",
            _i=pl.int_range(pl.len()),
        ).filter(is_choice)
        pairs = options.explode("_options").drop_nulls("_options").with_columns(
            _okey=keys(pl.Series(options.explode("_options").drop_nulls("_options")["_options"]))
        ).filter(pl.col("_okey") == pl.col("_key")).unique("_i", keep="first")
        matched = pl.DataFrame({"_i": pl.int_range(check.n, eager=True)}).join(
            pairs.select("_i", "_options"), on="_i", how="left", maintain_order="left"
        ).get_column("_options")
        choice = pl.select(pl.when(pl.lit(is_choice)).then(pl.lit(matched))
                           .otherwise(pl.lit(choice))).to_series().alias("choice")
        opts = col("_options").list.join("、")
        check.add_many(is_choice & matched.is_null(), "choice",
                       formatted("选项不在可选范围内;可选: {o}", o=opts),
                       formatted("the choice is not one of the options: {o}",
                                 o=col("_options").list.join("; ")))

    is_rate = col("rule_kind") == "rate_target"
    low, high, scaled = _scales(check, joined, active)
    frame = i_frame(
        check.n,
        **{c: (values[c], pl.Float64) for c in (*_NUMERIC_YEAREND, "actual")},
        place=(place, pl.Float64),
        max_points=(col("max_points"), pl.Float64),
        peers=(col("peers"), pl.Float64),
        is_ratio=((col("rule_kind") == "ratio").fill_null(False), pl.Boolean),
        is_rate=(is_rate.fill_null(False), pl.Boolean),
        # On a declared scale the scale bounds the value (below), not 100%.
        refuses_above_one=((col("refuses_above_one") & ~scaled).fill_null(False), pl.Boolean),
        scale_low=(low, pl.Float64),
        scale_high=(high, pl.Float64),
    )
    messages = {
        "score_above_max": lambda r: (
            "score", f"得分超过该指标的分值 {_fmt(r['max_points'])}",
            f"the score is above the indicator's max points, {_fmt(r['max_points'])}"),
        "place_above_peers": lambda r: (
            "place", f"名次应在 1 到 {_fmt(r['peers'])} 之间",
            f"the place must be between 1 and {_fmt(r['peers'])}"),
        "ratio_zero_denominator": lambda r: (
            "denominator", "分母为 0,无法计算比值",
            "the denominator is 0: no ratio can be computed"),
        "ratio_above_one": lambda r: (
            "numerator", f"分子({_fmt(r['numerator'])})大于分母({_fmt(r['denominator'])}),"
            "比值不能超过 1,请检查是否录入有误(该指标的计分规则为 above_one: refuse 拒绝;"
            "若分子本可大于分母,方案中应写 above_one: cap 按满分计)",
            f"the numerator ({_fmt(r['numerator'])}) is above the denominator "
            f"({_fmt(r['denominator'])}): a ratio above 1 is refused as a typo (the rule says "
            "above_one: refuse; a scheme where it can happen says above_one: cap)"),
        "rate_above_one": lambda r: (
            "actual", f"实际值 {_fmt(r['actual'])} 超过 100%:比率应在 0 到 1(或 0% 到 100%)之间"
            "(该指标的计分规则为 above_one: refuse 拒绝;若比率本可超过 100%,如增长率,方案中应写 "
            "above_one: cap)",
            f"the actual rate {_fmt(r['actual'])} is above 100%: a rate runs from 0 to 1 "
            "(0% to 100%) (the rule says above_one: refuse; a scheme whose rate can pass 100%, "
            "a growth rate, says above_one: cap)"),
        "actual_off_scale": lambda r: (
            "actual", f"实际值 {_fmt(r['actual'])} 不在该指标的尺度 {_fmt(r['scale_low'])}~"
            f"{_fmt(r['scale_high'])} 之内",
            f"the actual value {_fmt(r['actual'])} is outside the indicator's scale "
            f"{_fmt(r['scale_low'])}~{_fmt(r['scale_high'])}"),
    }
    check.run_model(models.YearendModel, frame, messages)
    return KIND.located(check, {
        "scheme": schemes,
        "year": years,
        "unit": units["unit"],
        "indicator": col("code"),
        "part": part,
        **{c: values[c] for c in ("score", "deduction", "actual", "numerator",
                                  "denominator", "times")},
        "place": int32(place),
        "choice": choice,
        "exempt": exempt,
        "note": note,
    }), None


def _scales(check: SheetCheck, joined: pl.DataFrame, active: pl.Series
            ) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Each row's declared scale of 实际值 (rule parameter `scale`, issue 20 item 5): low, high,
    and whether there is one. A percentage typed for a value on a scale is refused: 72% on a
    0~100 scale could mean 72 or 0.72, and 1 is never read as 100% there."""
    params = joined.get_column("rule_params").fill_null("{}")
    low = params.str.json_path_match("$.scale[0]").cast(pl.Float64)
    high = params.str.json_path_match("$.scale[1]").cast(pl.Float64)
    scaled = (active & low.is_not_null()).fill_null(False)
    if scaled.any() and check.has("actual"):
        typed = check.text("actual").fill_null("")
        shown = pl.Series([None if lo is None else f"{_fmt(lo)}~{_fmt(hi)}"
                           for lo, hi in zip(low.to_list(), high.to_list(), strict=True)],
                          dtype=pl.String)
        check.add_many(
            scaled & typed.str.contains("[%％]\\s*$"), "actual",
            formatted("该指标的实际值按尺度 {s} 填写数值,不写百分号", s=shown),
            formatted("this indicator's actual value is written on its scale {s}: a number, "
                      "not a percentage", s=shown))
    return low, high, scaled


def _columns_for(kind: InputKind, scheme: Scheme) -> list[Column]:
    """Only the input columns the scheme's rules read, and 豁免 only where a rubric allows
    exemption."""
    needed = {c for r in scheme.rubrics for leaf in iter_leaves(r)
              for c in input_columns(leaf.rule, scheme.composite_entry)}
    exemption = any(r.exemption is not None for r in scheme.rubrics)
    leaves = [leaf for r in scheme.rubrics for leaf in iter_leaves(r)]
    # 不适用 where a group says how to aggregate it; 项目 where a repeated block has items
    methods = any(any(n.not_applicable for n in leaf.ancestors) for leaf in leaves)
    blocks = any(item_of(leaf.indicator) for leaf in leaves)
    return [
        c for c in kind.columns
        if c.required or c.name in needed or c.name == "note"
        or (c.name == "exempt" and exemption) or (c.name == "not_applicable" and methods)
        or (c.name == "item" and blocks)
    ]


def _lists(scheme: Scheme) -> dict[str, list[str]]:
    codes: list[str] = []
    options: list[str] = []
    parts: list[str] = []
    items: list[str] = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            written, item = item_of(leaf.indicator) or (leaf.indicator.code, None)
            if written not in codes:  # a repeated block's indicator: its written code
                codes.append(written)
            if item is not None and item not in items:
                items.append(item)
            part_rules = ([p.rule for p in leaf.rule.parts]
                          if leaf.rule.kind == "parts" and scheme.composite_entry == "parts"
                          else [leaf.rule])
            for rule in part_rules:
                if rule.kind == "choice":
                    options += [o for o in rule.options if o not in options]
            if leaf.rule.kind == "parts" and scheme.composite_entry == "parts":
                parts += [p.name for p in leaf.rule.parts if p.name not in parts]
    return {"indicator": codes, "choice": options, "part": parts, "basis": list(BASES),
            "item": items}


def _indicators_table(scheme: Scheme) -> tuple[list[str], list[list[Any]]]:
    head = ["评分细则 rubric", "适用单位类型 unit types", "编号 code", "名称 name",
            "分值 max points", "计分规则 rule", "需填列 column"]
    rows: list[list[Any]] = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            kind_ = leaf.rule.kind
            if kind_ == "parts" and scheme.composite_entry == "parts":
                # One row per part: the clerk fills 分项 with its name.
                for part in leaf.rule.parts:
                    pk = part.rule.kind
                    cols = "、".join(f"{INPUT_COLUMN_ZH[c]} [{c}]"
                                    for c in ("part", *RULE_INPUT_COLUMNS[pk]))
                    rows.append([rubric.name, "、".join(rubric.unit_types),
                                 leaf.indicator.code, f"{leaf.display_name} · 分项 {part.name}",
                                 part.max_points, f"{RULE_KIND_ZH[pk]} [{pk}]", cols])
                continue
            cols = "、".join(f"{INPUT_COLUMN_ZH[c]} [{c}]"
                            for c in input_columns(leaf.rule, scheme.composite_entry))
            rows.append([rubric.name, "、".join(rubric.unit_types), leaf.indicator.code,
                         leaf.display_name, leaf.indicator.max_points,
                         f"{RULE_KIND_ZH[kind_]} [{kind_}]", cols])
    return head, rows


def _capped_ratio_notes(path: Path, rows: pl.DataFrame, schemes: dict[str, Scheme]) -> list[str]:
    """Rows of ratio indicators with `above_one: cap` whose numerator exceeds the denominator:
    accepted and scored at full points; the import report says so, per indicator."""
    above = rows.filter(pl.col("numerator") > pl.col("denominator"))
    notes = []
    for (scheme_id, code), group in above.group_by("scheme", "indicator", maintain_order=True):
        scheme = schemes.get(scheme_id)
        rules = {leaf.indicator.code: leaf.rule for r in (scheme.rubrics if scheme else [])
                 for leaf in iter_leaves(r)}
        rule = rules.get(code)
        if rule is not None and rule.kind == "ratio" and rule.above_one == "cap":
            notes.append(f"{path.name}: {scheme_id} 指标 {code} 有 {group.height} 行分子大于分母,"
                         f"按满分计 (above_one: cap) / {group.height} row(s) with the numerator "
                         "above the denominator score full points (above_one: cap)")
    return notes


KIND = InputKind(
    kind="yearend",
    zh="年终评分",
    columns=(
        SCHEME,
        Column("year", "年度", dtype="year", help=YEAR),
        UNIT,
        Column("indicator", "指标", help=("指标编号(见下表)",
                                          "the indicator code (see the table below)"), text=True),
        # 分项: the part of a composite indicator (rule kind `parts`), one row per part.
        Column("part", "分项", required=False,
               help=("分项名称,仅分项计分的指标填写(每个分项一行,见下表)",
                     "the part, for composite indicators only: one row per part")),
        # Only the column(s) the indicator's rule needs must be filled; see RULE_INPUT_COLUMNS.
        Column("score", "得分", required=False, dtype="float",
               help=("考核组评分,0 至该指标分值", "the assessor's score, 0 to the max points")),
        Column("deduction", "扣分", required=False, dtype="float",
               help=("扣分(不小于 0,扣完为止)", "points deducted (0 or more)")),
        Column("actual", "实际值", required=False, dtype="float",
               help=("实际值,小数或百分数,如 0.92 或 92%", "the actual rate: 0.92 or 92%")),
        Column("numerator", "分子", required=False, dtype="float",
               help=("分子(不大于分母)", "the numerator (not above the denominator)")),
        Column("denominator", "分母", required=False, dtype="float",
               help=("分母(大于 0)", "the denominator (above 0)")),
        Column("times", "次数", required=False, dtype="float", help=("次数", "how many times")),
        Column("place", "名次", required=False, dtype="int",
               help=("名次,1 为第一", "the place, 1 is first")),
        Column("choice", "选项", required=False,
               help=("选项(从下拉列表选择)", "the option chosen (drop-down list)"), text=True,
               loose_list=True),
        # issue 20 item 4: the item of a repeated block's indicator (pipelines/schemes/blocks.py)
        Column("item", "项目", required=False,
               help=("项目:重复指标块的指标填它所测的项目(如生命事件);其他指标留空",
                     "the item (life event ...) of a repeated block's indicator; else blank"),
               text=True, loose_list=True),
        # issue 20 item 2: 不适用, aggregated as the indicator's group says
        Column("not_applicable", "不适用", required=False, dtype="bool",
               help=("不适用:是/否;该指标对本单位不适用时填 是,按所在分组的规定合成",
                     "是: the indicator does not apply to the unit; its group aggregates the "
                     "rest as the scheme says"), text=True),
        Column("exempt", "豁免", required=False, dtype="bool",
               help=("豁免:是/否;经认定无此任务的指标填 是", "exempt: 是 (yes) / 否 (no)"),
               text=True),
        Column("note", "说明", required=False, help=("说明,可选", "a note, optional"), text=True,
               wide=True),
        BASIS,
    ),
    key=("scheme", "year", "unit", "indicator", "part"),
    table="yearend_inputs",
    facts={
        "scheme": pl.String(),
        "year": pl.Int32(),
        "unit": pl.String(),
        "indicator": pl.String(),
        "part": pl.String(),
        "score": pl.Float64(),
        "deduction": pl.Float64(),
        "actual": pl.Float64(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
        "times": pl.Float64(),
        "place": pl.Int32(),
        "choice": pl.String(),
        "exempt": pl.Boolean(),
        "note": pl.String(),
    },
    replace_key=("scheme", "year", "unit", "indicator", "part"),
    naming="indicator",
    validate=validate,
    order=20,
    columns_for=_columns_for,
    lists=_lists,
    reference=_indicators_table,
    batched=True,
    load_notes=_capped_ratio_notes,
)
