"""Weights (权重) in an indicator tree: a group may give its children weights instead of points.

A published composite index states weights (2/3, 2/9, 1/9 ...), not points. A child of a group
(or of a rubric) may carry `weight:` instead of `max_points:`; the weights of one group's
children must sum to exactly 1, and each child's points are its weight × its parent's points
(the rubric's `max_points` is the scale of its weighted categories). Weights are parsed exactly
(`fractions.Fraction`: `2/3` is two thirds, `0.1` is one tenth, not the float nearest it), so a
sum of 1/3 + 1/3 + 1/3 is 1 and a sum of 0.3 + 0.3 + 0.3 is refused as 9/10.

The engine and every table keep reading `max_points`: each weighted child's points are derived
once, when the scheme is validated (`resolve_rubric`), so a weighted index scores, ranks and
re-weights (rank stability) exactly as a scheme written in points. docs/schemes.md#权重-weights.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer


def parse_weight(value: Any) -> Fraction:
    """A weight as written: a number (0.25), a fraction (`2/3`, full-width `2／3`) or a
    percentage (`25%`), exactly. Anything else is refused in Chinese and English."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(_not_a_weight(value))
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        # repr gives the shortest decimal that reads back as this float: 0.1 is 1/10 exactly.
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip().replace("／", "/").replace("％", "%").replace(" ", "")
        scale = Fraction(1)
        if text.endswith("%"):
            text, scale = text[:-1], Fraction(1, 100)
        try:
            return Fraction(text) * scale
        except (ValueError, ZeroDivisionError):
            raise ValueError(_not_a_weight(value)) from None
    raise ValueError(_not_a_weight(value))


def _not_a_weight(value: Any) -> str:
    return (f"权重「{value}」不是数字或分数(写作 0.25、25% 或 2/3) / the weight '{value}' is "
            "not a number or a fraction (write 0.25, 25% or 2/3)")


def show_weight(weight: Fraction) -> str:
    """A weight as a scheme writes it: `2/3`, `1`, `1/4`."""
    return str(weight)


# A weight: exact, above 0 and at most 1; written back as text ("2/3") so it stays exact.
Weight = Annotated[
    Fraction,
    BeforeValidator(parse_weight),
    Field(gt=0, le=1),
    PlainSerializer(show_weight, return_type=str, when_used="always"),
]


def weighted(children: list) -> bool:
    """Whether a group's children are given by weight (any one of them is)."""
    return any(getattr(c, "weight", None) is not None for c in children)


def weight_sum(children: list) -> Fraction:
    """The exact sum of a group's children's weights."""
    return sum((c.weight for c in children if c.weight is not None), Fraction(0))


class WeightError(ValueError):
    """A weighted tree whose points cannot be derived (said in Chinese and English)."""


def resolve_rubric(rubric: Any) -> None:
    """Give every weighted child its points (weight × the parent's points), top down.

    Called once when a rubric is validated; the models are frozen, so the derived points are
    set in place (object.__setattr__) before anyone reads them. A child that states both
    `weight` and `max_points` (a scheme stored by the warehouse holds both) must agree.
    Raises WeightError for a group whose children mix weights and points, or whose children
    have weights while its own points are neither written nor derivable.
    """
    _resolve(rubric.categories, Fraction(str(rubric.max_points)), rubric.name)


def _resolve(children: list, parent_points: Fraction | None, parent_name: str) -> None:
    if weighted(children):
        unweighted = [c for c in children if c.weight is None]
        if unweighted:
            names = "、".join(_name(c) for c in unweighted)
            raise WeightError(
                f"「{parent_name}」的下级有的写权重、有的写分值({names} 没有权重);同一分组的下级"
                f"须都写权重或都写分值 / the children of '{parent_name}' mix weights and points "
                f"({names} has no weight): give all of them weights, or all points")
        if parent_points is None:
            raise WeightError(
                f"「{parent_name}」的下级写了权重,它自己须写分值(max_points)或权重 / the "
                f"children of '{parent_name}' have weights, so it needs max_points or a weight "
                "itself")
    for child in children:
        points: Fraction | None
        if child.weight is not None and parent_points is not None:
            points = child.weight * parent_points
            derived = float(points)
            stated = child.max_points
            if stated is not None and abs(stated - derived) > 1e-9 * max(1.0, abs(derived)):
                raise WeightError(
                    f"「{_name(child)}」的分值 {stated:g} 与其权重 {child.weight} × 上级分值 "
                    f"{float(parent_points):g} = {derived:g} 不符;只写权重即可 / "
                    f"'{_name(child)}' states {stated:g} points, but its weight {child.weight} × "
                    f"its parent's {float(parent_points):g} is {derived:g}: write the weight alone")
            object.__setattr__(child, "max_points", derived)
        elif child.max_points is not None:
            points = Fraction(str(child.max_points))
        else:
            points = None
        grandchildren = getattr(child, "children", None)
        if grandchildren is not None:
            _resolve(grandchildren, points, _name(child))


def _name(child: Any) -> str:
    return getattr(child, "name", None) or getattr(child, "code", "")


def check_weights(children: list, path: tuple, group_name: str, add: Any) -> None:
    """Refuse a group whose children's weights do not sum to exactly 1, saying the sum, at the
    path of the group's children (`add(path, value, zh, en)` as in schemes.checks)."""
    if not weighted(children):
        return
    total = weight_sum(children)
    if total != 1:
        add(path, show_weight(total),
            f"「{group_name}」下级的权重之和为 {show_weight(total)}(≈{float(total):.6g}),"
            "应恰好为 1", f"the weights under '{group_name}' sum to {show_weight(total)} "
            f"(≈{float(total):.6g}), not exactly 1")
