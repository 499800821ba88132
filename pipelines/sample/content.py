"""The 内容保障月报 sheet of the sample (Jintan 附件1): each unit's monthly reports, its annual
points following its quality, spread over the items of its type and the seasons of the year."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.inputs.kinds import KINDS
from pipelines.sample.draw import poisson, zh_header
from pipelines.sample.units import SampleUnit
from pipelines.schemes.model import ContentItem, Scheme

# Annual content points P: from about 250 for the weakest unit to about 1400 for the strongest.
CONTENT_POINTS_LOW = 250.0


CONTENT_POINTS_HIGH = 1400.0


# Monthly activity over the year: Spring Festival in February, the summer holiday lull in July and
# August, and the year-end push in December. Sums to 12.
SEASON = (0.9, 0.72, 1.02, 1.05, 1.06, 1.0, 0.78, 0.72, 1.0, 0.98, 1.2, 1.57)


# Share of a unit's points by item 序号, per unit type (before per-unit variation).
ITEM_PROFILES: dict[str, dict[int, float]] = {
    "区镇": {1: 30, 45: 22, 15: 6, 9: 4, 3: 3, 4: 2, 5: 2, 16: 5, 17: 3, 18: 4, 19: 2, 22: 2,
            24: 2, 26: 2, 30: 2, 36: 2, 37: 4, 41: 3},
    "政府部门": {2: 30, 16: 8, 17: 3, 18: 4, 19: 3, 20: 3, 22: 2, 24: 2, 26: 3, 27: 1, 30: 2,
             31: 2, 32: 1, 33: 1, 34: 2, 35: 2, 36: 4, 37: 5, 38: 3, 39: 3, 40: 4, 41: 3,
             42: 4, 43: 3, 44: 2},
    "垂直管理单位": {2: 35, 16: 6, 18: 4, 19: 4, 22: 2, 26: 2, 36: 4, 37: 5, 38: 3, 42: 5, 43: 3},
    "广播电视台": {29: 30, 28: 10, 20: 12, 21: 8, 2: 12, 33: 8, 3: 5, 17: 5, 18: 5, 30: 2, 31: 3},
}


# The 主题服务 items a department writes most about, by a word in its name.
THEME_ITEMS: dict[str, tuple[int, ...]] = {
    "教育": (3,), "文广": (3,), "民政": (4,), "人社": (4, 5), "交通": (6,), "卫生": (7,),
    "住建": (8, 9), "水利": (10,), "气象": (10,), "环保": (9,), "公安": (12,), "质监": (12,),
    "工商": (13,), "商务": (13,), "国税": (14,), "地税": (14,), "农林": (15,), "粮食": (15,),
    "发改": (41,), "财政": (39,), "审计": (39,),
}


THEME_SHARE = 10.0


# Items a higher portal may adopt (市级录用, 省级录用): news and service information.
ADOPTABLE_CATEGORIES = frozenset({"工作动态与热点信息", "主题服务信息", "政策解读"})


@dataclass(frozen=True)
class ContentRow:
    """One monthly report row."""

    month: str
    unit: str
    item: int
    count: int
    city_adopted: int
    province_adopted: int


def content_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    header = zh_header(KINDS["content"], [c.name for c in KINDS["content"].columns])
    rows = [
        [scheme.id, r.month, r.unit, r.item, r.count, r.city_adopted, r.province_adopted]
        for r in content_rows(scheme, units, rng)
    ]
    return header, rows


def content_rows(scheme: Scheme, units: list[SampleUnit], rng: random.Random) -> list[ContentRow]:
    """Monthly reports of every unit for the 12 months of the scheme's year.

    A unit's annual points follow its quality (with some noise); two units have a mid-year dip.
    """
    assert scheme.content is not None
    items = {it.number: it for it in scheme.content.items}
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    dipping = set(rng.sample([u.name for u in units], k=min(2, len(units))))
    rows: list[ContentRow] = []
    for unit in units:
        annual = _annual_content_points(unit.quality, rng)
        profile = _unit_item_profile(unit, items, rng)
        dip_start = rng.choice((4, 5))  # May or June (0-based month index)
        for index, month in enumerate(months):
            factor = SEASON[index] * rng.uniform(0.85, 1.15)
            if unit.name in dipping and dip_start <= index <= dip_start + 1:
                factor *= 0.3
            month_points = annual / 12 * factor
            rows += _month_rows(scheme, unit, month, month_points, profile, items, rng)
    return rows


def _annual_content_points(quality: float, rng: random.Random) -> float:
    """Target P for a unit of this quality: a concave curve so only the weakest few fall far."""
    span = CONTENT_POINTS_HIGH - CONTENT_POINTS_LOW
    return (CONTENT_POINTS_LOW + span * quality**0.7) * rng.uniform(0.95, 1.05)


def _unit_item_profile(
    unit: SampleUnit, items: dict[int, ContentItem], rng: random.Random
) -> dict[int, float]:
    """The unit's share of points per item: its type's profile, varied, some minor items dropped."""
    base = dict(ITEM_PROFILES.get(unit.unit_type, {n: 1.0 for n in items}))
    for word, numbers in THEME_ITEMS.items():
        if word in unit.name and unit.unit_type != "区镇":
            for number in numbers:
                base[number] = base.get(number, 0) + THEME_SHARE / len(numbers)
    profile = {}
    for number, share in base.items():
        if number not in items or (share <= 3 and rng.random() < 0.3):
            continue
        profile[number] = share * rng.uniform(0.6, 1.4)
    return profile


def _month_rows(
    scheme: Scheme,
    unit: SampleUnit,
    month: str,
    points: float,
    profile: dict[int, float],
    items: dict[int, ContentItem],
    rng: random.Random,
) -> list[ContentRow]:
    """Counts per item that add up to about `points` for the month (items with 0 are left out)."""
    total_share = sum(profile.values())
    p_city = 0.02 + 0.05 * unit.quality
    p_province = 0.002 + 0.008 * unit.quality
    bonus = scheme.content.adoption_bonus if scheme.content else None
    rows = []
    for number in sorted(profile):
        item = items[number]
        adoptable = bonus is not None and item.category in ADOPTABLE_CATEGORIES
        # Points one more item brings on average, adoption bonuses included.
        per_item = item.points + (bonus.city * p_city + bonus.province * p_province
                                  if adoptable else 0.0)
        count = poisson(rng, points * profile[number] / total_share / per_item)
        if count == 0:
            continue
        city = province = 0
        if adoptable:
            province = sum(rng.random() < p_province for _ in range(count))
            city = sum(rng.random() < p_city for _ in range(count - province))
        rows.append(ContentRow(month, unit.name, number, count, city, province))
    if not rows:  # every unit reports something each month
        rows.append(ContentRow(month, unit.name, max(profile, key=profile.get), 1, 0, 0))
    return rows


def annual_content_points(scheme: Scheme, rows: Iterable[ContentRow]) -> dict[str, float]:
    """P per unit as docs/contract.md defines it: Σ count × item points + adoption bonuses."""
    assert scheme.content is not None
    points = {it.number: it.points for it in scheme.content.items}
    bonus = scheme.content.adoption_bonus
    city, province = (bonus.city, bonus.province) if bonus else (0.0, 0.0)
    totals: dict[str, float] = {}
    for r in rows:
        value = r.count * points[r.item] + city * r.city_adopted + province * r.province_adopted
        totals[r.unit] = totals.get(r.unit, 0.0) + value
    return totals
