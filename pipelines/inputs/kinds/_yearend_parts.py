"""The parts of a composite year-end indicator (rule kind `parts`): each row names one part in
分项 and is checked by that part's rule, points and parameters."""

from __future__ import annotations

import json

import polars as pl

from pipelines.inputs.context import LoadContext
from pipelines.inputs.sheet_check import SheetCheck, formatted, key_of, keys
from pipelines.rules.registry import refuses_above_one


def _part_lookup(ctx: LoadContext) -> pl.DataFrame:
    """(scheme, rubric, code, part key) -> each part of a composite indicator (rule kind
    `parts`): its name, rule kind and parameters, points, peers, options, ratio policy."""
    cached = ctx.__dict__.get("_part_lookup")
    if cached is not None and cached[0] is ctx.dims:
        return cached[1]
    rows = []
    composites = ctx.dims["indicators"].filter(pl.col("rule_kind") == "parts")
    for r in composites.select("scheme", "rubric", "code", "rule_params").iter_rows(named=True):
        for p in json.loads(r["rule_params"])["parts"]:
            rule = dict(p["rule"])
            kind = rule.pop("kind")
            rows.append({
                "scheme": r["scheme"], "rubric": r["rubric"], "code": r["code"],
                "_pkey": key_of(p["name"]), "_part": p["name"], "_pkind": kind,
                "_pparams": json.dumps(rule, ensure_ascii=False),
                "_pmax": float(p["max_points"]),
                "_ppeers": rule.get("peers") if kind == "rank_tiers" else None,
                "_poptions": list(rule.get("options", {})) if kind == "choice" else [],
                "_prefuses": refuses_above_one(kind, rule),
            })
    schema = {"scheme": pl.String, "rubric": pl.String, "code": pl.String, "_pkey": pl.String,
              "_part": pl.String, "_pkind": pl.String, "_pparams": pl.String,
              "_pmax": pl.Float64, "_ppeers": pl.Float64, "_poptions": pl.List(pl.String),
              "_prefuses": pl.Boolean}
    lookup = pl.DataFrame(rows, schema=schema)
    ctx.__dict__["_part_lookup"] = (ctx.dims, lookup)
    return lookup


def resolve_parts(check: SheetCheck, joined: pl.DataFrame, part: pl.Series, active: pl.Series
                   ) -> tuple[pl.DataFrame, pl.Series]:
    """Rows of a composite indicator (rule kind `parts`) name one of its parts in 分项 and are
    checked by that part's rule, points and parameters: `joined` gets the part's rule kind,
    parameters, max points, peers, options and ratio policy. Under `composite_entry: score` a
    composite is one 得分 row without a part. Returns `joined` and the canonical part names."""
    col = joined.get_column
    given = part != ""
    composite = active & (col("rule_kind") == "parts")
    check.add_many(active & ~composite & given, "part",
                   formatted("指标 {c} 不是分项计分的指标,「分项」应留空", c=col("code")),
                   formatted("indicator {c} has no parts: leave 分项 [part] blank", c=col("code")))
    if not composite.any():
        return joined, part
    entries = {sid: s.composite_entry for sid, s in check.ctx.schemes.items()}
    entry = col("scheme").replace_strict(entries, default="parts", return_dtype=pl.String)
    by_score = composite & (entry == "score")
    check.add_many(by_score & given, "part",
                   "该方案的分项指标按总分录入(composite_entry: score):填写「得分」,「分项」留空",
                   "this scheme enters composite indicators as one total "
                   "(composite_entry: score): fill 得分 and leave 分项 [part] blank")
    by_parts = composite & (entry == "parts")
    lookup = _part_lookup(check.ctx)
    names = lookup.group_by("scheme", "rubric", "code", maintain_order=True).agg(
        _names=pl.col("_part").str.join("、"))
    matched = joined.select("scheme", "rubric", "code").with_columns(_pkey=keys(part)).join(
        lookup, on=["scheme", "rubric", "code", "_pkey"], how="left", maintain_order="left"
    ).join(names, on=["scheme", "rubric", "code"], how="left", maintain_order="left")
    listed = matched.get_column("_names")
    check.add_many(by_parts & ~given, "part",
                   formatted("指标 {c} 按分项计分,须填写「分项」:{n}", c=col("code"), n=listed),
                   formatted("indicator {c} is scored by parts: name the part in 分项 [part]: {n}",
                             c=col("code"), n=listed))
    found = (by_parts & given & matched.get_column("_part").is_not_null()).fill_null(False)
    check.add_many(by_parts & given & ~found, "part",
                   formatted("未知的分项;指标 {c} 的分项为:{n}", c=col("code"), n=listed),
                   formatted("unknown part; the parts of indicator {c} are: {n}",
                             c=col("code"), n=listed))
    both = joined.hstack(matched.drop("scheme", "rubric", "code", "_names")).with_columns(
        _found=found, _score=by_score.fill_null(False))
    f, sc = pl.col("_found"), pl.col("_score")
    both = both.with_columns(
        rule_kind=pl.when(f).then("_pkind").when(sc).then(pl.lit("assessor_score"))
        .otherwise("rule_kind"),
        rule_params=pl.when(f).then("_pparams").when(sc).then(pl.lit("{}"))
        .otherwise("rule_params"),
        max_points=pl.when(f).then("_pmax").otherwise("max_points"),
        peers=pl.when(f).then("_ppeers").when(sc).then(None).otherwise("peers"),
        _options=pl.when(f).then("_poptions").when(sc).then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise("_options"),
        refuses_above_one=pl.when(f).then("_prefuses").when(sc).then(False)
        .otherwise("refuses_above_one"),
    )
    canonical = both.select(pl.when(f).then("_part").otherwise(pl.lit(part))).to_series()
    return both.select(joined.columns), canonical.alias("part")
