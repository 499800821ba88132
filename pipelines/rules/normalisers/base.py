"""What a normaliser declares (issue 20 item 6): one object per method, one file per method in
`pipelines/rules/normalisers/`, found by `pipelines.rules.normalisers.registry`.

A normaliser turns the actual values (实际值) of one indicator over the units of one unit type
into shares: 1 is the indicator's full points, 0 none (a z-score may leave [0, 1]). The rule kind
`normalise` (pipelines/rules/kinds/normalise.py) multiplies the share by the indicator's points.
Definitions follow the OECD/JRC Handbook on Constructing Composite Indicators (2008, section 5)
and R's COINr (the `n_*` functions named on each method); docs/schemes.md#标准化-normalisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

# numpy is imported by a normaliser's `shares` when it computes, not here: the rule kinds (and so
# the scheme models every notice and feedback sheet builds) import the normalisers to know their
# names, and numpy cost those commands about 0.1 s of CPU of start-up (BENCHMARKS.md, goal 4).
if TYPE_CHECKING:
    import numpy as np


class NormaliseError(ValueError):
    """A peer group the method cannot normalise (one unit, no spread, a best value of 0 ...),
    said in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class Normaliser:
    """One normalisation method.

    name     the `method:` value in a scheme file
    label    its Chinese name (pages, messages, docs)
    formula  the formula as docs/schemes.md writes it
    peers    True when the share depends on the other units of the type (refused for one unit)
    needs    rule parameters the method requires (goalposts, target)
    """

    order: ClassVar[int]
    name: ClassVar[str]
    label: ClassVar[str]
    formula: ClassVar[str]
    peers: ClassVar[bool] = True
    needs: ClassVar[tuple[str, ...]] = ()

    def shares(self, x: np.ndarray, rule: Any) -> np.ndarray:
        """The shares of values `x` (one unit type's units with a value, higher = better after
        the rule's direction), raising NormaliseError where the method is undefined."""
        raise NotImplementedError


def oriented(x: np.ndarray, rule: Any) -> np.ndarray:
    """COINr's directions: a lower-is-better indicator is normalised as −x."""
    return -x if rule.direction == "lower_better" else x


def need_peers(x: np.ndarray, label: str) -> None:
    if len(x) < 2:
        raise NormaliseError(
            f"{label}需要同一单位类型中至少 2 个单位的实际值,现只有 {len(x)} 个",
            f"{label} needs the actual values of at least 2 units of the type; there are "
            f"{len(x)}")


def need_spread(spread: float, what_zh: str, what_en: str) -> None:
    if not spread > 1e-12:
        raise NormaliseError(f"同类单位的实际值{what_zh}为 0(全部相同),无法标准化",
                             f"the units' actual values have no {what_en} (all equal): "
                             "nothing to normalise by")
