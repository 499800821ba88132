"""Flatten a scheme model into the dimension tables the warehouse holds and the engine joins on.

One function per table, each a pure function of the Scheme. Column names match
`warehouse/sql/schema.sql`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from pipelines.rules import registry
from pipelines.rules.registry import input_columns
from pipelines.schemes.blocks import children_of, item_of
from pipelines.schemes.model import Indicator, Node, Rubric, Scheme
from pipelines.schemes.weights import show_weight
from warehouse.database import table_schema

PATH_SEPARATOR = " / "

# Chinese names of the input columns, for labels and messages.
INPUT_COLUMN_ZH = {
    "score": "得分",
    "deduction": "扣分",
    "actual": "实际值",
    "numerator": "分子",
    "denominator": "分母",
    "times": "次数",
    "place": "名次",
    "choice": "选项",
    "part": "分项",
}

# The one Chinese label of each rule kind (declared by the kind, pipelines/rules/kinds/).
RULE_KIND_ZH = registry.RULE_KIND_ZH


@dataclass(frozen=True)
class Leaf:
    """A leaf indicator with its position in the tree."""

    rubric: Rubric
    indicator: Indicator
    ancestors: tuple[Node, ...]  # category first
    position: int

    @property
    def rule(self):
        return self.indicator.rule or self.rubric.default_rule

    @property
    def display_name(self) -> str:
        if self.indicator.name:
            return self.indicator.name
        for node in reversed(self.ancestors):
            if node.name:
                return node.name
        return self.indicator.code


def _frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows as a frame typed exactly as the warehouse table is declared in schema.sql."""
    schema = table_schema(table)
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)


def iter_leaves(rubric: Rubric) -> Iterator[Leaf]:
    """Leaves of a rubric in the seed's order."""
    position = 0

    def walk(node: Node, ancestors: tuple[Node, ...]) -> Iterator[Leaf]:
        nonlocal position
        for child in children_of(node):
            if isinstance(child, Indicator):
                position += 1
                yield Leaf(rubric, child, (*ancestors, node), position)
            else:
                yield from walk(child, (*ancestors, node))

    for category in rubric.categories:
        if isinstance(category, Indicator):  # a flat index: a scored item at the top
            position += 1
            yield Leaf(rubric, category, (), position)
        else:
            yield from walk(category, ())


def iter_nodes(rubric: Rubric) -> Iterator[tuple[Node, tuple[str, ...]]]:
    """Grouping nodes with their name path, parents before children."""
    for category in rubric.categories:
        if isinstance(category, Node):
            yield from iter_nodes_of(category)


def node_leaf_sum(node: Node) -> float:
    total = 0.0
    for child in node.children:
        total += child.max_points if isinstance(child, Indicator) else node_leaf_sum(child)
    return total


def rule_params(rule) -> dict:
    return rule.model_dump(exclude={"kind"}, mode="json")


def rubric_for_unit_type(scheme: Scheme) -> dict[str, str]:
    return {ut: r.id for r in scheme.rubrics for ut in r.unit_types}


# ---------------------------------------------------------------------------------------------


def indicators_frame(scheme: Scheme) -> pl.DataFrame:
    rows = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            ind = leaf.indicator
            # A scored item with no group above it (a flat index) is its own 一级指标.
            names = [n.name for n in leaf.ancestors] or [leaf.display_name]
            rule = leaf.rule
            # The leaf's own name fills the first level its ancestors leave open.
            levels = [*names[1:], ind.name][:2] + [None, None]
            level2, level3 = levels[0], levels[1] if len(names) > 1 else None
            if not leaf.ancestors:
                level2 = level3 = None
            rows.append(
                {
                    "scheme": scheme.id,
                    "rubric": rubric.id,
                    "code": ind.code,
                    "position": leaf.position,
                    "name": leaf.display_name,
                    "category": names[0],
                    "group_path": PATH_SEPARATOR.join(names),
                    "level2": level2,
                    "level3": level3,
                    "max_points": float(ind.max_points),
                    "rule_kind": rule.kind,
                    "rule_params": json.dumps(rule_params(rule), ensure_ascii=False),
                    "input_columns": ",".join(
                        INPUT_COLUMN_ZH[c] for c in input_columns(rule, scheme.composite_entry)
                    ),
                    "criteria": ind.criteria,
                    "scoring_text": ind.scoring_text,
                    "lead_office": ind.lead_office,
                    "supporting_offices": "、".join(ind.supporting_offices) or None,
                    "assessing_bodies": "、".join(leaf_bodies(leaf)) or None,
                    "evidence": ind.evidence,
                    "source": ind.source,
                    "interpretation": ind.interpretation,
                    "weight": _weight(ind),
                    "not_applicable": not_applicable_method(leaf),
                    "item": (item_of(ind) or (None, None))[1],
                    "item_of": (item_of(ind) or (None, None))[0],
                }
            )
    return _frame("indicators", rows)


def not_applicable_method(leaf: Leaf) -> str | None:
    """How a 不适用 (or 豁免) mark on this leaf is aggregated: the method of its nearest group
    that says one (`mean`, `rescale`), else `rubric` where the rubric allows exemption (the
    whole rubric rescaled over the rest), else None: a mark here is refused."""
    for node in reversed(leaf.ancestors):
        if node.not_applicable is not None:
            return node.not_applicable.method
    return "rubric" if leaf.rubric.exemption is not None else None


def _weight(part: Node | Indicator) -> str | None:
    """A weight as the scheme writes it (2/3), or None for a part given in points."""
    return None if part.weight is None else show_weight(part.weight)


def _groups_in_order(rubric: Rubric) -> Iterator[tuple[Node | Indicator, tuple[str, ...]]]:
    """The groups of a rubric in order, a top-level scored item (flat index) standing as a
    group of its own (named by its display name) so that group scores and pages see it."""
    for category in rubric.categories:
        if isinstance(category, Indicator):
            yield category, (category.name or category.code,)
        else:
            yield from iter_nodes_of(category)


def iter_nodes_of(category: Node) -> Iterator[tuple[Node, tuple[str, ...]]]:
    """A category and the groups beneath it with their name paths, parents first."""

    def walk(node: Node, path: tuple[str, ...]) -> Iterator[tuple[Node, tuple[str, ...]]]:
        here = (*path, node.name)
        yield node, here
        for child in children_of(node):
            if isinstance(child, Node):
                yield from walk(child, here)

    yield from walk(category, ())


def leaf_bodies(leaf: Leaf) -> list[str]:
    """The assessing bodies of a leaf: its own, else those of its nearest grouping node that
    names any (a category's `assessing_bodies`, docs/schemes.md)."""
    if leaf.indicator.assessing_bodies:
        return list(leaf.indicator.assessing_bodies)
    for node in reversed(leaf.ancestors):
        if node.assessing_bodies:
            return list(node.assessing_bodies)
    return []


def indicator_groups_frame(scheme: Scheme) -> pl.DataFrame:
    rows = []
    for rubric in scheme.rubrics:
        for position, (node, path) in enumerate(_groups_in_order(rubric), start=1):
            if isinstance(node, Indicator):  # a top-level scored item: its own 一级指标
                rows.append({"scheme": scheme.id, "rubric": rubric.id, "path": path[0],
                             "parent_path": None, "depth": 1, "name": path[0],
                             "max_points": float(node.max_points), "declared": True,
                             "position": position, "weight": _weight(node)})
                continue
            rows.append(
                {
                    "scheme": scheme.id,
                    "rubric": rubric.id,
                    "path": PATH_SEPARATOR.join(path),
                    "parent_path": PATH_SEPARATOR.join(path[:-1]) or None,
                    "depth": len(path),
                    "name": node.name,
                    "max_points": float(
                        node.max_points if node.max_points is not None else node_leaf_sum(node)
                    ),
                    "declared": node.max_points is not None,
                    "position": position,
                    "weight": _weight(node),
                }
            )
    return _frame(
        "indicator_groups",
        rows
    )


def unit_types_frame(scheme: Scheme) -> pl.DataFrame:
    by_type = rubric_for_unit_type(scheme)
    steps = scheme.content.full_mark.excess_step_by_unit_type if scheme.content else {}
    return _frame(
        "unit_types",
        [
            {
                "scheme": scheme.id,
                "unit_type": ut.name,
                "position": i,
                "rubric": by_type.get(ut.name),
                "description": ut.description,
                "excess_step": steps.get(ut.name),
                "ranked": ut.ranked,
            }
            for i, ut in enumerate(scheme.unit_types)
        ]
    )


def rubrics_frame(scheme: Scheme) -> pl.DataFrame:
    return _frame(
        "rubrics",
        [
            {
                "scheme": scheme.id,
                "rubric": r.id,
                "name": r.name,
                "max_points": float(r.max_points),
                "position": i,
                "missing_input": r.missing_input,
                "allows_exemption": r.exemption is not None,
            }
            for i, r in enumerate(scheme.rubrics)
        ]
    )


def stages_frame(scheme: Scheme) -> pl.DataFrame:
    return _frame(
        "stages",
        [
            {
                "scheme": scheme.id,
                "stage": s.id,
                "name": s.name,
                "basis": s.basis,
                "weight": float(s.weight),
                "max_points": float(s.weight * scheme.total_points),
                "position": i,
            }
            for i, s in enumerate(scheme.stages)
        ]
    )


def content_items_frame(scheme: Scheme) -> pl.DataFrame:
    items = scheme.content.items if scheme.content else []
    return _frame(
        "content_items",
        [
            {
                "scheme": scheme.id,
                "item": it.number,
                "category": it.category,
                "name": it.name or it.category,
                "description": it.description,
                "points": float(it.points),
                "per": it.per,
                "source": it.source,
            }
            for it in items
        ]
    )


def clauses_frame(scheme: Scheme) -> pl.DataFrame:
    rows = []
    if scheme.adjustments:
        for c in scheme.adjustments.clauses:
            base = {"scheme": scheme.id, "kind": c.kind, "clause": c.number, "text": c.text,
                    "source": c.source}
            if c.levels:
                rows += [{**base, "level": lv, "points": float(p)} for lv, p in c.levels.items()]
            else:
                rows.append({**base, "level": None, "points": float(c.fixed or 0)})
    return _frame("clauses", rows)


def grades_frame(scheme: Scheme) -> pl.DataFrame:
    bands = scheme.grades.bands if scheme.grades else []
    return _frame(
        "grades",
        [
            {"scheme": scheme.id, "grade": b.name, "min_points": b.min, "position": i}
            for i, b in enumerate(bands)
        ]
    )


def targets_frame(scheme: Scheme) -> pl.DataFrame:
    return _frame(
        "targets",
        [
            {
                "scheme": scheme.id,
                "target": t.code,
                "name": t.name,
                "text": t.text,
                "measure": t.measure,
                "direction": t.direction,
                "strict": t.strict,
                "floor": float(t.floor),
                "stretch": None if t.stretch is None else float(t.stretch),
                "aggregate": t.aggregate,
                "unit": t.unit,
                "position": i,
                "source": t.source,
                "interpretation": t.interpretation,
            }
            for i, t in enumerate(scheme.targets)
        ]
    )


def interpretations_frame(scheme: Scheme) -> pl.DataFrame:
    """Every stated choice with the scope it applies to, in file order."""
    rows: list[tuple[str, str | None, str]] = []

    def add(scope: str, part) -> None:
        if getattr(part, "interpretation", None):
            rows.append((scope, part.source, part.interpretation))

    add("方案", scheme)
    rows += [("方案", None, n) for n in scheme.notes]
    for ut in scheme.unit_types:
        add(f"单位类型 {ut.name}", ut)
    for st in scheme.stages:
        add(f"考评阶段 {st.name}", st)
    if scheme.content:
        add("平时考评 内容保障", scheme.content)
        for it in scheme.content.items:
            add(f"内容保障 项目{it.number}", it)
        add("平时考评 录用加分", scheme.content.adoption_bonus)
        add("平时考评 满分与超额加分", scheme.content.full_mark)
    for rubric in scheme.rubrics:
        add(rubric.name, rubric)
        if rubric.exemption:
            add(f"{rubric.name} · 豁免", rubric.exemption)
        for node, path in iter_nodes(rubric):
            add(f"{rubric.name} · {PATH_SEPARATOR.join(path)}", node)
        for leaf in iter_leaves(rubric):
            add(f"{rubric.name} · 指标 {leaf.indicator.code} {leaf.display_name}", leaf.indicator)
    if scheme.adjustments:
        add("加减分", scheme.adjustments)
        for c in scheme.adjustments.clauses:
            add(f"{c.kind}条款 {c.number}", c)
    if scheme.grades:
        add("等次", scheme.grades)
    for t in scheme.targets:
        add(f"目标 {t.name}", t)
    return _frame(
        "interpretations",
        [
            {"scheme": scheme.id, "scope": s, "source": src, "interpretation": i, "position": n}
            for n, (s, src, i) in enumerate(rows)
        ]
    )


DIMENSION_TABLES = {
    "unit_types": unit_types_frame,
    "rubrics": rubrics_frame,
    "stages": stages_frame,
    "indicator_groups": indicator_groups_frame,
    "indicators": indicators_frame,
    "content_items": content_items_frame,
    "clauses": clauses_frame,
    "grades": grades_frame,
    "targets": targets_frame,
    "interpretations": interpretations_frame,
}


def dimension_frames(schemes: list[Scheme]) -> dict[str, pl.DataFrame]:
    """All dimension tables for these schemes, concatenated."""
    return {
        name: pl.concat([fn(s) for s in schemes], how="vertical")
        for name, fn in DIMENSION_TABLES.items()
    }
