"""Indicators across two years of a series, and what changed in the scheme between them.

A new year's indicator is matched to the previous year's by `previous_code` where it says one,
else by the same code with the same name (a code that now names another indicator is one dropped
and one added); the years sections match within the rubric of each unit type, since a scheme
with a rubric per type numbers each rubric on its own. The change list reuses the scheme lab's
view of a scheme (pipelines/engine/compare.py: each leaf's name, points and rule kind, the stage
weights).
"""

from __future__ import annotations

import polars as pl

from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import Leaf, iter_leaves

CHANGE_SCHEMA = {"change": pl.String, "previous_code": pl.String, "code": pl.String,
                 "name": pl.String, "what": pl.String}
# The order changes are listed in, and their Chinese names.
CHANGE_KINDS = {"weights": "阶段权重", "renumbered": "改编号", "points": "分值调整",
                "rule": "计分规则", "added": "新增", "dropped": "删去"}


def indicator_matches(previous: Scheme, current: Scheme,
                      unit_type: str | None = None) -> dict[str, str]:
    """current code → previous code for every matched indicator. With `unit_type`, only the
    indicators of the rubric that scores that type, in each year: a scheme with a rubric per
    type numbers each rubric from 1 (Yueyang's 县市区 4 is 教育培训, its 市直 4 监督考核), so a code
    names an indicator only within a rubric. Without it, a code is looked up over the whole
    scheme (the first rubric that has it), as the scheme lab's change list reads a scheme."""
    old = {code: leaf.display_name for code, leaf in _leaves(previous, unit_type).items()}
    out = {}
    for rubric in current.rubrics:
        if unit_type is not None and unit_type not in rubric.unit_types:
            continue
        for leaf in iter_leaves(rubric):
            code = leaf.indicator.code
            if leaf.indicator.previous_code is not None:
                if leaf.indicator.previous_code in old:
                    out[code] = leaf.indicator.previous_code
            elif code in old and old[code] == leaf.display_name:
                out[code] = code
    return out


def _leaves(scheme: Scheme, unit_type: str | None) -> dict[str, Leaf]:
    """code → leaf of the rubrics scoring `unit_type` (None: every rubric), the first rubric's
    leaf where two rubrics share a code."""
    out: dict[str, Leaf] = {}
    for rubric in scheme.rubrics:
        if unit_type is None or unit_type in rubric.unit_types:
            for leaf in iter_leaves(rubric):
                out.setdefault(leaf.indicator.code, leaf)
    return out


def scheme_changes(previous: Scheme, current: Scheme) -> pl.DataFrame:
    """What changed from `previous` to `current`, one row per change: stage weights, indicators
    renumbered, points or rule changed, added, dropped (CHANGE_KINDS order, then by code)."""
    from pipelines.engine.compare import _code_order, _shape

    old, new = _shape(previous), _shape(current)
    rows = []
    if (old.rubric_weight, old.content_weight) != (new.rubric_weight, new.content_weight):
        rows.append({"change": "weights", "previous_code": None, "code": None, "name": None,
                     "what": f"平时考评 {old.content_weight:.0%}→{new.content_weight:.0%}、"
                             f"年终考评 {old.rubric_weight:.0%}→{new.rubric_weight:.0%}"})
    matches = indicator_matches(previous, current)
    for code in sorted(new.leaves, key=_code_order):
        name, points, kind = new.leaves[code]
        before = matches.get(code)
        if before is None:
            rows.append({"change": "added", "previous_code": None, "code": code, "name": name,
                         "what": f"{points:g}分"})
            continue
        _, old_points, old_kind = old.leaves[before]
        if before != code:
            rows.append({"change": "renumbered", "previous_code": before, "code": code,
                         "name": name, "what": f"{before}→{code}"})
        if abs(old_points - points) > 1e-9:
            rows.append({"change": "points", "previous_code": before, "code": code, "name": name,
                         "what": f"{old_points:g}分→{points:g}分"})
        if old_kind != kind:
            rows.append({"change": "rule", "previous_code": before, "code": code, "name": name,
                         "what": f"{old_kind}→{kind}"})
    kept = set(matches.values())
    for code in sorted(set(old.leaves) - kept, key=_code_order):
        name, points, _ = old.leaves[code]
        rows.append({"change": "dropped", "previous_code": code, "code": None, "name": name,
                     "what": f"{points:g}分"})
    order = list(CHANGE_KINDS)
    return (pl.DataFrame(rows, schema=CHANGE_SCHEMA)
            .with_columns(_o=pl.col("change").replace_strict(order, list(range(len(order))),
                                                             return_dtype=pl.Int32))
            .sort("_o", maintain_order=True).drop("_o"))


def change_summary(changes: pl.DataFrame) -> list[str]:
    """The change list as phrases for a notice: 「平时考评 60%→50%、年终考评 40%→50%」,
    「新增指标1项(6 政务新媒体)」 ... in CHANGE_KINDS order; empty when nothing changed."""
    out = []
    for kind, label in CHANGE_KINDS.items():
        part = changes.filter(pl.col("change") == kind)
        if part.is_empty():
            continue
        if kind == "weights":
            out.append(f"权重调整（{part['what'][0]}）")
            continue
        items = []
        for r in part.iter_rows(named=True):
            code = r["code"] if r["code"] is not None else r["previous_code"]
            detail = f"{code} {r['name']}" if kind in ("added", "dropped") else (
                f"{r['name']} {r['what']}")
            items.append(detail)
        noun = "指标" if kind in ("added", "dropped") else ""
        out.append(f"{label}{noun}{part.height}项（{'；'.join(items)}）")
    return out


LINE_SCHEMA = {"scheme": pl.String, "code": pl.String, "unit_type": pl.String,
               "line_code": pl.String, "name": pl.String, "year": pl.Int64}


def indicator_lines(schemes: list[Scheme], scheme_id: str) -> pl.DataFrame:
    """The indicators of `scheme_id` followed back through the earlier years of its series,
    matched year by year as `indicator_matches` matches them for each unit type (a line is an
    indicator of the rubric scoring that type: codes are a rubric's own). One row per unit
    type, indicator and year: scheme, that year's code, unit_type, line_code and name as
    `scheme_id` has them, year; only the indicators matched to the previous year at least; empty
    for a scheme of no series or its series' first year. By unit type in the scheme's order,
    each type's earlier years latest first and `scheme_id`'s year last, each year's indicators in
    the rubric's order."""
    by_id = {s.id: s for s in schemes}
    current = by_id.get(scheme_id)
    if current is None or current.series is None:
        return pl.DataFrame(schema=LINE_SCHEMA)
    chain = sorted((s for s in schemes if s.series == current.series and s.year <= current.year),
                   key=lambda s: s.year, reverse=True)
    rows = []
    for unit_type in (t.name for t in current.unit_types):
        names = {code: leaf.display_name for code, leaf in _leaves(current, unit_type).items()}
        walking = {code: code for code in names}  # line code → its code in the year reached
        found = []
        for later, earlier in zip(chain, chain[1:], strict=False):
            matches = indicator_matches(earlier, later, unit_type)
            walking = {line: matches[code] for line, code in walking.items() if code in matches}
            found += [(earlier.id, code, unit_type, line, names[line], earlier.year)
                      for line, code in walking.items()]
        lines = {row[3] for row in found}
        rows += found + [(current.id, line, unit_type, line, names[line], current.year)
                         for line in names if line in lines]
    return pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")
