"""Indicators across two years of a series, and what changed in the scheme between them.

A new year's indicator is matched to the previous year's by `previous_code` where it says one,
else by the same code with the same name (a code that now names another indicator is one dropped
and one added); the years sections and the change list match within the rubric of each unit
type, since a scheme with a rubric per type numbers each rubric on its own, and a change found
in one rubric only names that rubric's unit types. The change list reads the stage weights as
the scheme lab does (pipelines/engine/compare.py).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import Leaf, iter_leaves

CHANGE_SCHEMA = {"change": pl.String, "previous_code": pl.String, "code": pl.String,
                 "name": pl.String, "what": pl.String, "unit_types": pl.String}
# The order changes are listed in, and their Chinese names.
CHANGE_KINDS = {"weights": "阶段权重", "renumbered": "改编号", "renamed": "更名",
                "points": "分值调整", "rule": "计分规则", "added": "新增", "dropped": "删去"}


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
    renumbered, renamed (matched by previous_code under another name), points or rule changed,
    added, dropped. Indicators are matched within the rubric scoring each unit type (a code is
    a rubric's own); a change found alike for every unit type with a rubric is one row with
    `unit_types` null (a one-rubric scheme's every change), else one row per rubric with its
    unit types joined by 、 in the schemes' order. Rows run: every type first, then by unit
    type; within each, CHANGE_KINDS order, then by code."""
    from pipelines.engine.compare import _code_order, _shape

    old, new = _shape(previous), _shape(current)
    rows = []
    if (old.rubric_weight, old.content_weight) != (new.rubric_weight, new.content_weight):
        rows.append({"change": "weights", "previous_code": None, "code": None, "name": None,
                     "what": f"平时考评 {old.content_weight:.0%}→{new.content_weight:.0%}、"
                             f"年终考评 {old.rubric_weight:.0%}→{new.rubric_weight:.0%}",
                     "unit_types": None})
    names = [t.name for t in current.unit_types]
    names += [t.name for t in previous.unit_types if t.name not in names]
    types = [t for t in names if _leaves(previous, t) or _leaves(current, t)]
    found: dict[tuple, list[str]] = {}  # a change → the unit types it was found for
    for unit_type in types:
        for change in _type_changes(previous, current, unit_type, _code_order):
            found.setdefault(change, []).append(unit_type)
    order = list(CHANGE_KINDS)
    keyed = []
    for change, where in found.items():
        scope = None if where == types else "、".join(where)
        place = (-1,) if scope is None else tuple(types.index(t) for t in where)
        code = change[2] if change[2] is not None else change[1]
        keyed.append(((place, order.index(change[0]), _code_order(code)),
                      dict(zip(CHANGE_SCHEMA, (*change, scope), strict=True))))
    rows += [row for _, row in sorted(keyed, key=lambda k: k[0])]
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA)


def _type_changes(previous: Scheme, current: Scheme, unit_type: str,
                  code_order: Callable[[str], tuple]) -> list[tuple]:
    """The indicator changes of the rubric scoring `unit_type`, each as (change, previous_code,
    code, name, what); the kind of one indicator in CHANGE_KINDS order."""
    old, new = _leaves(previous, unit_type), _leaves(current, unit_type)
    matches = indicator_matches(previous, current, unit_type)
    out = []
    for code in sorted(new, key=code_order):
        leaf = new[code]
        name, points, kind = leaf.display_name, leaf.indicator.max_points, leaf.rule.kind
        before = matches.get(code)
        if before is None:
            out.append(("added", None, code, name, f"{points:g}分"))
            continue
        was = old[before]
        old_name, old_points, old_kind = was.display_name, was.indicator.max_points, was.rule.kind
        if before != code:
            out.append(("renumbered", before, code, name, f"{before}→{code}"))
        if old_name != name:
            out.append(("renamed", before, code, name, f"{old_name}→{name}"))
        if abs(old_points - points) > 1e-9:
            out.append(("points", before, code, name, f"{old_points:g}分→{points:g}分"))
        if old_kind != kind:
            out.append(("rule", before, code, name, f"{old_kind}→{kind}"))
    kept = set(matches.values())
    for code in sorted(set(old) - kept, key=code_order):
        out.append(("dropped", code, None, old[code].display_name,
                    f"{old[code].indicator.max_points:g}分"))
    return out


def change_summary(changes: pl.DataFrame) -> list[str]:
    """The change list as phrases for a notice: 「平时考评 60%→50%、年终考评 40%→50%」,
    「新增指标1项（6 政务新媒体）」 ... in CHANGE_KINDS order; the changes of one rubric (not every
    unit type's) follow as one phrase each, led by its unit types as the notice leads a type's
    clause: 「市直及中省驻岳单位新增指标1项（4 考核监督），删去指标1项（4 监督考核）」. Empty when
    nothing changed."""
    out = []
    for scope in changes["unit_types"].unique(maintain_order=True).to_list():
        part = changes.filter(pl.col("unit_types").eq_missing(scope))
        phrases = _kind_phrases(part)
        out += phrases if scope is None else [scope + "，".join(phrases)]
    return out


def _kind_phrases(changes: pl.DataFrame) -> list[str]:
    """One phrase per kind of change present, in CHANGE_KINDS order."""
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
            detail = f"{code} {r['what' if kind == 'renamed' else 'name']}" if kind in (
                "added", "dropped", "renamed") else f"{r['name']} {r['what']}"
            items.append(detail)
        noun = "指标" if kind in ("added", "dropped", "renamed") else ""
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
