"""Aggregation of an indicator tree (issue 20 item 6): weighted arithmetic (the default, and what
every seed uses), geometric and harmonic means, as a group's `aggregation:` says.

A group's share is the weighted mean of its children's shares, each child weighted by its points
(Σ of its leaves' points; a weighted index's points are its weights × the scale), over the
children that count for the unit (an exempt leaf, or a group all of whose leaves are exempt,
leaves its group and the others' weights are rescaled):

    arithmetic  Σ wᵢ sᵢ / Σ wᵢ
    geometric   exp(Σ wᵢ ln sᵢ / Σ wᵢ)        = Π sᵢ^(wᵢ/Σw)   (every sᵢ > 0)
    harmonic    Σ wᵢ / Σ (wᵢ / sᵢ)                              (every sᵢ > 0)

(OECD/JRC Handbook on Constructing Composite Indicators, 2008, section 6; COINr's a_amean,
a_gmean, a_hmean). The rubric's score is its max_points × the top group's share. A tree all of
whose groups are arithmetic is the plain sum of leaf scores (rescaled over exemptions), which
`pipelines.engine.rules.rubric_score` computes as it always has: only a rubric with another
aggregation is scored here. The same function scores stability's draws (points per draw).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from pipelines.schemes.blocks import children_of
from pipelines.schemes.model import Indicator, Node, Rubric

Aggregation = Literal["arithmetic", "geometric", "harmonic"]


@dataclass(frozen=True)
class Group:
    """A group of the tree: its name, its aggregation, and its children (leaf positions in the
    rubric's leaf order, or groups)."""

    name: str
    aggregation: str
    children: tuple[int | Group, ...]
    leaves: tuple[int, ...]  # every leaf position beneath it
    # 不适用 (issue 20 item 2): how the group takes a child a unit has not applicable: `mean`
    # (the present children weigh alike), `rescale` (their weights rescaled over the present);
    # either way the group keeps its weight in its parent. None: it does not take it, its weight
    # in its parent shrinks to its present points (so an arithmetic tree without any method is
    # the whole rubric rescaled over what is present, as `rules.rubric_score`).
    not_applicable: str | None = None
    path: str = ""  # names from the category down, joined by ' / ' (indicator_groups.path)


class NonPositive(ValueError):
    """A geometric or harmonic mean over a share of 0 or below (refused)."""

    def __init__(self, group: str, aggregation: str, child: str, unit: int, share: float):
        self.group, self.aggregation, self.child, self.unit, self.share = (
            group, aggregation, child, unit, share)
        super().__init__(f"{aggregation} mean of '{group}' over '{child}' = {share:g}")


def is_tree(rubric: Rubric) -> bool:
    """Whether any group of the rubric (or the rubric itself) aggregates other than
    arithmetically."""
    if rubric.aggregation != "arithmetic":
        return True

    def walk(node: Node) -> bool:
        return (node.aggregation != "arithmetic" or node.not_applicable is not None
                or any(walk(c) for c in children_of(node) if isinstance(c, Node)))

    return any(walk(c) for c in rubric.categories if isinstance(c, Node))


def build(rubric: Rubric) -> Group:
    """The rubric as a tree of groups over its leaves, numbered in `iter_leaves` order."""
    counter = iter(range(10**9))

    def group(name: str, aggregation: str, children: list, method: str | None,
              path: str) -> Group:
        built: list[int | Group] = []
        for child in children:
            if isinstance(child, Indicator):
                built.append(next(counter))
            else:
                built.append(group(child.name, child.aggregation, children_of(child),
                                   child.not_applicable.method if child.not_applicable
                                   else None, f"{path} / {child.name}" if path else child.name))
        leaves = tuple(x for c in built for x in ((c,) if isinstance(c, int) else c.leaves))
        return Group(name, aggregation, tuple(built), leaves, method, path)

    return group(rubric.name, rubric.aggregation, rubric.categories, None, "")


def _name(child: int | Group, codes: list[str]) -> str:
    return codes[child] if isinstance(child, int) else child.name


def shares(tree: Group, points: np.ndarray, frac: np.ndarray, avail: np.ndarray,
           codes: list[str], check: bool = False,
           record: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The top group's share for each draw (rows of `points`, draws × leaves) and unit (rows of
    `frac` and `avail`, units × leaves): draws × units. With `check`, a geometric or harmonic
    mean over a share ≤ 0 that counts raises NonPositive (the engine's refusal). `record`, when
    given, receives each group's share of the first draw by path (units), NaN where none of its
    leaves counts for the unit."""
    value, _, counts = _share(tree, points, frac, avail.astype(bool), codes, check, record)
    return np.where(counts, value, 0.0)


def _share(group: Group, points: np.ndarray, frac: np.ndarray, avail: np.ndarray,
           codes: list[str], check: bool, record: dict[str, np.ndarray] | None = None,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(share draws × units, weight draws × 1, counts units) of one child or group."""
    parts = []
    for child in group.children:
        if isinstance(child, int):
            parts.append((frac[None, :, child], points[:, child:child + 1], avail[:, child]))
        else:
            parts.append(_share(child, points, frac, avail, codes, check, record))
    total = np.zeros((points.shape[0], frac.shape[0]))
    acc = np.zeros_like(total)
    # `mean`: a unit missing a child weighs its present children alike.
    missing = (~np.logical_and.reduce([c for _, _, c in parts])
               if group.not_applicable == "mean" else None)
    for child, (value, weight, counts) in zip(group.children, parts, strict=True):
        w = weight * counts[None, :]
        if missing is not None:
            w = np.where(missing[None, :], counts[None, :].astype(float), w)
        total += w
        if group.aggregation == "arithmetic":
            acc += w * value
            continue
        bad = counts & (value <= 0).any(axis=0)
        if check and bad.any():
            unit = int(np.flatnonzero(bad)[0])
            raise NonPositive(group.name, group.aggregation, _name(child, codes), unit,
                              float(value[0, unit]))
        safe = np.where(value > 0, value, 1.0)
        acc += w * (np.log(safe) if group.aggregation == "geometric" else 1.0 / safe)
    counts = (total > 0).any(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if group.aggregation == "arithmetic":
            value = acc / total
        elif group.aggregation == "geometric":
            value = np.exp(acc / total)
        else:
            value = total / acc
    value = np.where(total > 0, value, 0.0)
    if record is not None and group.path:
        record[group.path] = np.where(counts, value[0], np.nan)
    leaves = list(group.leaves)
    if group.not_applicable is None:  # what is not applicable here passes up: present points
        weight = points[:, leaves] @ avail[:, leaves].T.astype(float)
    else:
        weight = points[:, leaves].sum(axis=1, keepdims=True)
    return value, weight, counts
