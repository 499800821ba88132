"""The 加减分 sheet of the sample: bonuses for strong units (one or two past the cap), fixed
clauses to the units their text names, a few penalties for weak units, each with a 事由."""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.inputs.kinds import KINDS
from pipelines.sample.draw import hash_index, poisson, zh_header
from pipelines.sample.units import SampleUnit
from pipelines.schemes.model import Clause, Scheme

# How often each level comes up, relative to the others (lower levels are more common).
LEVEL_WEIGHTS = {"国家级": 1, "省级": 3, "市级": 6, "县级": 6}


@dataclass(frozen=True)
class Adjustment:
    unit: str
    clause: Clause
    level: str | None  # a Level of the scheme, or None for a fixed clause
    reason: str

    @property
    def points(self) -> float:
        return self.clause.levels[self.level] if self.level else float(self.clause.fixed or 0)


def adjustments_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    header = zh_header(KINDS["adjustments"],
                     [c.name for c in KINDS["adjustments"].columns])
    assert scheme.adjustments is not None
    clauses = scheme.adjustments.clauses
    single = {kind for kind in ("加分", "减分") if sum(c.kind == kind for c in clauses) == 1}
    rows = []
    for adj in adjustment_events(scheme, units, rng):
        level = adj.level
        if level == "县级" and scheme.county_level_label:
            level = scheme.county_level_label  # as the seed writes it, e.g. 金坛市级
        shown_points = adj.points if rng.random() < 0.15 else None  # mostly left to the scheme
        item = None if adj.clause.kind in single else adj.clause.number
        rows.append([scheme.id, scheme.year, adj.unit, adj.clause.kind, item, level, adj.reason,
                     shown_points])
    return header, rows


def adjustment_events(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> list[Adjustment]:
    """Bonus and penalty events: strong units earn bonuses (one or two past the bonus cap), fixed
    clauses go to the units their text names, a few weak units draw penalties."""
    assert scheme.adjustments is not None
    bonuses = [c for c in scheme.adjustments.clauses if c.kind == "加分"]
    penalties = [c for c in scheme.adjustments.clauses if c.kind == "减分"]
    leveled_bonuses = [c for c in bonuses if c.levels]
    events: list[Adjustment] = []

    for clause in (c for c in bonuses if not c.levels):
        named = [u for u in units if _short_name(u.name) in clause.text]
        for unit in named or rng.sample(units, k=min(3, len(units))):
            if rng.random() < 0.85:
                events.append(Adjustment(unit.name, clause, None, _reason(clause, None, unit)))

    by_strength = sorted(units, key=lambda u: -u.quality)
    cap = scheme.adjustments.bonus_cap
    capped = set()
    if cap is not None and leveled_bonuses:
        for unit in rng.sample(by_strength[:4], k=min(2, len(by_strength))):
            capped.add(unit.name)
            total = sum(e.points for e in events if e.unit == unit.name)
            while total < cap:  # end between the cap and one point above it
                fitting = [(c, lv) for c in leveled_bonuses for lv, points in c.levels.items()
                           if points <= max(cap - total + 1, 1)]
                clause, level = rng.choice(fitting)
                events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))
                total += clause.levels[level]

    for unit in units:
        if unit.name in capped or not leveled_bonuses:
            continue
        for _ in range(poisson(rng, 0.1 + 1.0 * unit.quality**2)):
            clause = rng.choice(leveled_bonuses)
            level = _draw_level(clause, rng)
            events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))

    if penalties:  # a few: two to four events among the weakest third of the units
        weakest = by_strength[-max(2, len(units) // 3):]
        for _ in range(rng.choice((2, 3, 4))):
            unit, clause = rng.choice(weakest), rng.choice(penalties)
            level = _draw_level(clause, rng) if clause.levels else None
            events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))

    order = {u.name: i for i, u in enumerate(units)}
    return sorted(events, key=lambda e: (order[e.unit], e.clause.kind != "加分", e.clause.number))


def _draw_level(clause: Clause, rng: random.Random) -> str:
    levels = list(clause.levels)
    return rng.choices(levels, weights=[LEVEL_WEIGHTS.get(lv, 1) for lv in levels])[0]


def _short_name(name: str) -> str:
    """A department's name as clause texts write it: 市环保局 -> 环保局."""
    return name.removeprefix("市") if name.startswith("市") and len(name) > 3 else name


# Who grants an honour or issues a notice, by level, for the 事由 text.
LEVEL_BODIES = {
    "国家级": "国家有关部委", "省级": "省级主管部门", "市级": "市级主管部门", "县级": "本级政府",
}


PENALTY_ISSUES = (
    "网站信息更新不及时", "依申请公开答复超期", "政务服务事项办理超时", "未按时报送材料",
)


def _reason(clause: Clause, level: str | None, unit: SampleUnit) -> str:
    """A plausible 事由 for the clause, from the words in its text."""
    body = LEVEL_BODIES.get(level or "", "")
    text = clause.text
    if clause.kind == "减分":
        issue = PENALTY_ISSUES[hash_index(unit.name, len(PENALTY_ISSUES))]
        return f"因{issue}被{body or '上级主管部门'}通报批评"
    if "日报" in text or not clause.levels:
        return f"{_short_name(unit.name)}专项工作按要求全年完成"
    if "荣誉" in text:
        return f"获{body}授予电子政务工作先进单位"
    if "示范" in text or "试点" in text:
        return f"被{body}列为电子政务示范试点单位"
    if "创新" in text:
        return f"网上办事特色创新做法获{body}认可"
    if "表扬" in text or "推介" in text:
        return f"政务公开工作受到{body}通报表扬"
    return f"{text[:20]}({level or '—'})"
