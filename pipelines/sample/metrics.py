"""The 目标数据 sheet of the sample: twelve monthly values per target; Jintan's targets tell a
designed story (some met at the stretch, some at the floor, some missed), others a plausible one."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from pipelines.inputs.kinds import KINDS
from pipelines.sample.draw import clip, zh_header
from pipelines.schemes.model import Scheme, Target

MetricShape = Callable[[random.Random], list[float]]


def metrics_sheet(scheme: Scheme, rng: random.Random) -> tuple[list[str], list[list[object]]]:
    header = zh_header(KINDS["metrics"], [c.name for c in KINDS["metrics"].columns])
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    rows = []
    for target in scheme.targets:
        series = metric_series(target, rng)
        rows += [[scheme.id, month, target.code, value]
                 for month, value in zip(months, series, strict=True)]
    return header, rows


def metric_series(target: Target, rng: random.Random) -> list[float]:
    """Twelve monthly values for a target: Jintan's targets have a designed story (some met at the
    stretch, some at the floor, some missed); any other target gets a plausible generic series."""
    designed = JINTAN_METRICS.get(target.code)
    return designed(rng) if designed else _generic_series(target, rng)


def _changzhou_rank(rng: random.Random) -> list[float]:
    """Third at first, second from spring on, first in one autumn month: the floor held."""
    switch = rng.choice((3, 4, 5))
    ranks = [3] * switch + [2] * (12 - switch)
    ranks[rng.choice((8, 9))] = 1
    return ranks


def _jiangsu_rank(rng: random.Random) -> list[float]:
    """Around 8 to 12 among the province's county-level cities, ending near 7."""
    trend = [11, 11, 10, 10, 10, 9, 9, 9, 8, 8, 7, 7]
    ranks = [int(clip(r + rng.choice((-1, 0, 0, 1)), 8, 12)) for r in trend[:10]]
    return ranks + [r - rng.choice((0, 0, 1)) for r in trend[10:]]


def _open_documents(rng: random.Random) -> list[float]:
    """About 2100 documents: behind pace until mid-year, catching up in the second half."""
    weights = [120, 110, 150, 150, 155, 160, 190, 180, 200, 210, 220, 255]
    return _spread_total(rng.uniform(2070, 2140), weights, rng, step=1)


def _province_portal_score(rng: random.Random) -> list[float]:
    """About 330 points over the year: the 350 target missed."""
    return _spread_total(rng.uniform(322, 338), [1.0] * 12, rng, step=0.5)


def _changzhou_portal_score(rng: random.Random) -> list[float]:
    """About 2700 points over the year: the 2500 target met."""
    return _spread_total(rng.uniform(2650, 2760), [1.0] * 12, rng, step=1)


def _power_cases(rng: random.Random) -> list[float]:
    """About 1.05 million cases over the year, fewer in February."""
    weights = [0.95, 0.7, 1.0, 1.02, 1.03, 1.0, 1.0, 0.98, 1.05, 0.97, 1.1, 1.2]
    return _spread_total(rng.uniform(1_035_000, 1_070_000), weights, rng, step=1)


def _hotline_daily_calls(rng: random.Random) -> list[float]:
    """Daily calls rising from about 120 to about 155."""
    return [round(120 + 35 * i / 11 + rng.uniform(-2.5, 2.5), 1) for i in range(11)] + [
        round(rng.uniform(153, 158), 1)
    ]


def _rate_series(low: float, high: float) -> MetricShape:
    def series(rng: random.Random) -> list[float]:
        return [round(rng.uniform(low, high), 4) for _ in range(12)]

    return series


def _content_province_rank(rng: random.Random) -> list[float]:
    """Between 2nd and 5th in the province, 3rd at year end: the floor just held."""
    return [rng.choice((2, 3, 3, 4, 4, 5)) for _ in range(11)] + [3]


def _zero_case_units(rng: random.Random) -> list[float]:
    """Units without a single case this year: 4 in January, none by December."""
    drops = set(rng.sample(range(2, 12), k=4))  # the months in which one more unit got a case
    counts, current = [], 4
    for month in range(12):
        current -= month in drops
        counts.append(current)
    return counts


def _spread_total(
    total: float, weights: Sequence[float], rng: random.Random, step: float
) -> list[float]:
    """Split a total over months by noisy weights, each value a multiple of step."""
    noisy = [w * rng.uniform(0.9, 1.1) for w in weights]
    scale = total / sum(noisy)
    values = [round(w * scale / step) * step for w in noisy]
    return [int(v) if step == 1 else round(v, 2) for v in values]


def _generic_series(target: Target, rng: random.Random) -> list[float]:
    """A plausible series for a target without a designed story: near the floor all year."""
    floor = target.floor
    if target.measure == "rank":
        return [int(max(1, floor + rng.choice((-1, 0, 0, 1)))) for _ in range(12)]
    if target.measure == "cumulative":
        return _spread_total(floor * rng.uniform(0.95, 1.1), [1.0] * 12, rng, step=1)
    if target.measure == "rate":
        return [round(clip(floor + rng.gauss(0, 0.01), 0.0, 1.0), 4) for _ in range(12)]
    if target.measure == "count" and target.direction == "lower_better":
        return [max(floor, round(floor + 3 * (11 - m) / 11)) for m in range(12)]
    return [round(floor * (0.85 + 0.2 * m / 11) * rng.uniform(0.98, 1.02), 1) for m in range(12)]


JINTAN_METRICS = {
    "changzhou_rank": _changzhou_rank,
    "jiangsu_rank": _jiangsu_rank,
    "open_documents": _open_documents,
    "province_portal_score": _province_portal_score,
    "changzhou_portal_score": _changzhou_portal_score,
    "power_cases": _power_cases,
    "hotline_daily_calls": _hotline_daily_calls,
    "hotline_connect_rate": _rate_series(0.985, 0.991),  # averages about 0.988: 99% missed
    "hotline_completion_rate": _rate_series(0.89, 0.93),
    "hotline_satisfaction": _rate_series(0.90, 0.95),
    "content_province_rank": _content_province_rank,
    "zero_case_units": _zero_case_units,
}
