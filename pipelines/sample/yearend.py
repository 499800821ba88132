"""The 年终评分 sheet of the sample: one row per unit and leaf indicator, filling the column(s)
its rule reads, drawn around the unit's quality; a few exemptions where the rubric allows them."""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

from pipelines.inputs.kinds import KINDS
from pipelines.rules.kinds.choice import Choice
from pipelines.rules.kinds.per_event import PerEvent
from pipelines.rules.kinds.rank_tiers import RankTiers
from pipelines.rules.kinds.rate_target import RateTarget
from pipelines.sample.draw import clip, zh_header
from pipelines.sample.units import SampleUnit
from pipelines.schemes.model import Scheme
from pipelines.schemes.model import input_columns as rule_input_columns
from pipelines.schemes.tables import Leaf, iter_leaves

EXEMPTION_NOTE = "无此项任务,已书面说明"


def yearend_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    """One row per unit and leaf indicator of its rubric, filling the column(s) its rule reads.

    Deduction rubrics get mostly zero deductions; rubrics that allow exemption get a few units
    exempted from one or two indicators, with the written explanation as the note.
    """
    rubric_of = {ut: r for r in scheme.rubrics for ut in r.unit_types}
    leaves_of = {r.id: list(iter_leaves(r)) for r in scheme.rubrics}
    input_columns = {c for r in scheme.rubrics for leaf in leaves_of[r.id]
                     for c in rule_input_columns(leaf.rule, scheme.composite_entry)}
    allows_exemption = any(r.exemption is not None for r in scheme.rubrics)
    columns = ["scheme", "year", "unit", "indicator", *input_columns, "note"]
    if allows_exemption:
        columns.append("exempt")
    header = zh_header(KINDS["yearend"], columns)
    order = [c.name for c in KINDS["yearend"].columns if c.name in set(columns)]

    exempted = _pick_exemptions(scheme, units, leaves_of, rng)
    rows: list[list[object]] = []
    for unit in units:
        rubric = rubric_of[unit.unit_type]
        for leaf in leaves_of[rubric.id]:
            values: dict[str, object] = {
                "scheme": scheme.id,
                "year": scheme.year,
                "unit": unit.name,
                "indicator": leaf.indicator.code,
            }
            if (unit.name, leaf.indicator.code) in exempted:
                values.update(exempt="是", note=EXEMPTION_NOTE)
            elif leaf.rule.kind == "parts":
                # A composite: one row per part (分项), each filled for the part's own rule; or,
                # where the scheme enters composites as one total, the assessor's 得分.
                if scheme.composite_entry == "score":
                    values.update(score=_assessor_score(leaf.indicator.max_points,
                                                        0.45 + 0.38 * unit.quality, rng))
                else:
                    for part in leaf.rule.parts:
                        as_leaf = SimpleNamespace(
                            rule=part.rule, indicator=SimpleNamespace(max_points=part.max_points))
                        row = {**values, "part": part.name,
                               **indicator_input(as_leaf, unit.quality, rng)}
                        rows.append([row.get(name) for name in order])
                    continue
            else:
                values.update(indicator_input(leaf, unit.quality, rng))
                if unit is units[0] and getattr(leaf.rule, "above_one", None) == "cap" \
                        and leaf.rule.kind == "rate_target":
                    values["actual"] = 1.5  # a growth rate above 100% (嵊州 11): 150%, accepted
            rows.append([values.get(name) for name in order])
    return header, rows


def _pick_exemptions(
    scheme: Scheme,
    units: list[SampleUnit],
    leaves_of: dict[str, list[Leaf]],
    rng: random.Random,
) -> set[tuple[str, str]]:
    """(unit, indicator code) pairs exempted: two or three units per rubric that allows it."""
    pairs: set[tuple[str, str]] = set()
    for rubric in scheme.rubrics:
        if rubric.exemption is None:
            continue
        members = [u for u in units if u.unit_type in rubric.unit_types]
        for unit in rng.sample(members, k=min(len(members), rng.choice((2, 3)))):
            for leaf in rng.sample(leaves_of[rubric.id], k=rng.choice((1, 1, 2))):
                pairs.add((unit.name, leaf.indicator.code))
    return pairs


def indicator_input(leaf: Leaf, quality: float, rng: random.Random) -> dict[str, object]:
    """The input column(s) the leaf's rule reads, for a unit of this quality."""
    rule = leaf.rule
    top = float(leaf.indicator.max_points)
    # How well the unit did on this indicator, around its quality; strong units rarely slip.
    form = clip(0.45 + 0.38 * quality + rng.gauss(0, 0.12), 0.0, 1.0)
    match rule.kind:
        case "assessor_score":
            return {"score": _assessor_score(top, form, rng)}
        case "deduction":
            return _deduction(top, quality, rng)
        case "rate_target":
            return {"actual": _rate(rule, form, rng)}
        case "ratio":
            denominator = rng.choice((12, 20, 36, 48, 60, 85, 120, 150, 240, 366))
            share = clip(0.55 + 0.5 * form + rng.gauss(0, 0.05), 0.0, 1.0)
            return {"numerator": min(denominator, round(denominator * share)),
                    "denominator": denominator}
        case "rank_tiers":
            return {"place": _place(rule, form, rng)}
        case "per_event":
            return {"times": _times(rule, top, form, rng)}
        case "choice":
            return {"choice": _choice(rule, form, rng)}
    raise ValueError(f"unknown rule kind {rule.kind}")


def _assessor_score(top: float, form: float, rng: random.Random) -> float:
    """A score within [0, top] in tenths (halves for small maxima), usually near form × top."""
    step = 0.1 if top > 1 else 0.05
    value = top * clip(form + rng.gauss(0, 0.06), 0.0, 1.0)
    return round(clip(round(value / step) * step, 0.0, top), 2)


def _deduction(top: float, quality: float, rng: random.Random) -> dict[str, object]:
    """Points deducted: mostly 0, else multiples of 0.5; now and then more than the max."""
    if rng.random() > 0.04 + 0.65 * (1 - quality) ** 2:
        return {"deduction": 0}
    share = rng.uniform(0.25, 0.55 + 0.6 * (1 - quality))
    points = clip(round(2 * top * share) / 2, 0.5, top)
    if rng.random() < 0.1 * (1 - quality):
        points = top + rng.choice((0.5, 1.0))
        return {"deduction": points, "note": "多项未完成,扣分超过分值,按扣完为止计0分"}
    return {"deduction": points}


def _rate(rule: RateTarget, form: float, rng: random.Random) -> float:
    """An actual rate as a fraction (0.87), around the target for a strong unit; never above 1."""
    value = rule.target * clip(0.7 + 0.4 * form + rng.gauss(0, 0.04), 0.0, 1.15)
    return round(clip(value, 0.0, 1.0), 4)


def _place(rule: RankTiers, form: float, rng: random.Random) -> int:
    """A place among the peers: strong units rank near the top."""
    place = 1 + (1 - form) * (rule.peers - 1) + rng.gauss(0, 1.5)
    return int(clip(round(place), 1, rule.peers))


def _times(rule: PerEvent, top: float, form: float, rng: random.Random) -> int:
    """Events counted: up to a little beyond what reaches the cap."""
    cap = rule.cap if rule.cap is not None else top
    needed = math.ceil(cap / rule.points_each - 1e-9)
    return max(0, round(form * (needed + 1) + rng.gauss(0, 0.6)))


def _choice(rule: Choice, form: float, rng: random.Random) -> str:
    """An option: the best one for most units, lower ones for weaker units now and then."""
    ranked = sorted(rule.options, key=lambda o: -rule.options[o])
    index = 0
    while index < len(ranked) - 1 and rng.random() > 0.55 + 0.4 * form:
        index += 1
    return ranked[index]
