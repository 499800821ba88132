"""What every sheet of the sample draws with: its own seeded random stream per (seed, scheme,
file kind), the template's Chinese headers, a clip, a Poisson count and a stable index from a
name."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from pipelines.inputs.kinds import InputKind


def stream(seed: int, scheme_id: str, kind: str) -> random.Random:
    """An independent, reproducible stream per (seed, scheme, file kind)."""
    return random.Random(f"{seed}:{scheme_id}:{kind}")


def zh_header(template: InputKind, names: Iterable[str]) -> list[str]:
    """Chinese headers of these canonical columns, in the template's order."""
    wanted = set(names)
    return [c.zh for c in template.columns if c.name in wanted]


def clip(value: float, low: float, high: float) -> float:
    """value, kept within [low, high]."""
    return min(high, max(low, value))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def hash_index(text: str, n: int) -> int:
    """A stable index in range(n) from text (Python's hash() changes between runs)."""
    return sum(text.encode("utf-8")) % n
