"""What a rule kind declares: one object per kind, in one file per kind (`pipelines/rules/kinds/`).

A rule kind (计分规则) is everything the product knows about one way of scoring a leaf indicator:
its scheme-file model, its one Chinese label, the 年终评分 input column(s) it reads, the parameters
a scheme writes for it (with their workbook columns), the checks of those parameters against the
indicator's points, and the pure function that scores input rows. The scheme model, the checks,
the dimension tables, the workbook reader and writer, the engine and the docs test all read these
declarations through `pipelines.rules.registry`; none of them names a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import polars as pl
from pydantic import BaseModel, ConfigDict

# Float tolerance of the parameter checks (as in pipelines.schemes.checks).
TOLERANCE = 1e-6

MAX = pl.col("max_points")

# add(path, value, problem_zh, problem_en): how a check reports a problem at a path of the file.
AddProblem = Callable[[tuple, Any, str, str], None]


class Strict(BaseModel):
    """Base for every scheme part: unknown fields are an error (a typo must not pass silently),
    and so is a number that is not finite (.inf, .nan, 1e400): no point value, target or grade
    bound is infinite, and a NaN compares false with everything (a total graded against a .nan
    minimum would pass)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True)
class Param:
    """A rule parameter as the workbook form writes it: one column of the 指标, 分项 and 评分细则
    sheets (the model field of the same name holds it in the text form).

    kind: number | percent | int | options | tiers | enum:<name> (see schemes.workbook.cells).
    """

    field: str
    zh: str
    kind: str
    width: float
    help_zh: str
    help_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValueSet:
    """A closed set of values a parameter takes, with the Chinese drop-down label of each."""

    name: str  # the enum's key, used as Param.kind "enum:<name>"
    zh: str  # what the set is called, in messages
    en: str
    labels: dict[str, str]  # value -> Chinese label
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


# What a value above 1 means for a kind whose input is a share (ratio, rate_target): `refuse` (the
# default) treats it as a typo and refuses the row at import; `cap` accepts it and scores full
# points. One column and one closed set for every kind that takes it.
ABOVE_ONE_VALUES = ValueSet(
    "above_one", "超过100%时", "above_one",
    {"refuse": "拒绝", "cap": "按满分计"},
    {"refuse": ("拒收", "不允许"), "cap": ("封顶", "满分", "按满分")},
)
ABOVE_ONE_PARAM = Param(
    "above_one", "超过100%时", "enum:above_one", 12,
    "ratio、rate_target:比值(分子/分母)或比率超过 100% 时,refuse 拒收该行(默认,视为录入错误)"
    "或 cap 接受并按满分计",
    "ratio, rate_target: a share above 100% is refused as a typo (refuse, the default) or "
    "accepted and scored full (cap)",
    aliases=("分子大于分母",),
)


# A target value: rate_target's target rate, normalise's target for distance_to_target. One
# column for both (a workbook has one 目标值 column).
TARGET_PARAM = Param(
    "target", "目标值", "percent", 10,
    "rate_target 的目标比率:0.92 或 92%;normalise(distance_to_target)的目标值,与实际值同单位",
    "rate_target: the target rate, 0.92 or 92%; normalise (distance_to_target): the target, in "
    "the actual value's units")

# The scale an actual value (实际值) is written on (issue 20 item 5): `scale: [0, 100]` says the
# column holds 0–100, so 72 is 72 of 100 and 1 is 1 of 100, never 100%. A value outside the scale
# is refused at import, and so is a percentage sign (72% on a 0–100 scale is ambiguous).
SCALE_PARAM = Param(
    "scale", "尺度", "range", 10,
    "实际值的尺度(可选),写作 0~100:实际值按这个尺度填写,超出尺度的行被拒收;不写 = 小数或百分数",
    "the scale the actual value is written on (optional), e.g. 0~100: values outside it are "
    "refused; blank = a fraction or a percentage",
)


def check_scale(rule: Any, code: str, add: AddProblem, where: tuple) -> None:
    """A scale runs from a lower to a higher bound."""
    scale = getattr(rule, "scale", None)
    if scale is not None and not scale[0] < scale[1]:
        add((*where, "scale"), f"{scale[0]:g}~{scale[1]:g}",
            f"指标 {code}: 尺度的下限须小于上限,如 0~100",
            f"indicator {code}: a scale runs from a lower to a higher bound, e.g. 0~100")


def on_scale(rule: Any, value: pl.Expr) -> pl.Expr:
    """An actual value as a share of its scale, (value − low) / (high − low); the value itself
    where the rule declares no scale (a fraction, as typed or read from NN%)."""
    scale = getattr(rule, "scale", None)
    if scale is None:
        return value
    low, high = scale
    return (value - low) / (high - low)


def clip_to_max(expr: pl.Expr) -> pl.Expr:
    """Scores never leave [0, max points]."""
    return pl.min_horizontal(pl.max_horizontal(expr, pl.lit(0.0)), MAX)


class RuleKind:
    """One rule kind. Subclasses set the class attributes and implement `score`; `check` is
    optional (a kind whose parameters cannot contradict the indicator's points has none).

    order      place in lists, drop-downs and the docs table (the seeds' reading order)
    name       the `kind:` value in a scheme file
    label      the one Chinese label (drop-downs, pages, messages, docs)
    aliases    other Chinese names read from a workbook (older labels keep loading)
    model      the pydantic model of `rule: {kind: name, ...}`
    inputs     the 年终评分 columns read, by their English template names
    params     the parameters' workbook columns (model fields of the same names)
    value_sets closed sets the parameters take (drop-downs)
    composite  True for the one kind whose parts carry their own rules (parts)
    nested_models  models used inside `model` (for the docs check of every field)
    """

    order: ClassVar[int]
    name: ClassVar[str]
    label: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    model: ClassVar[type[BaseModel]]
    inputs: ClassVar[tuple[str, ...]]
    params: ClassVar[tuple[Param, ...]] = ()
    value_sets: ClassVar[tuple[ValueSet, ...]] = ()
    composite: ClassVar[bool] = False
    # True for a kind whose score depends on the other units of the type (normalise): the engine
    # passes it each row's unit_type and code, and it scores each (code, unit_type) together.
    peers: ClassVar[bool] = False
    nested_models: ClassVar[tuple[type[BaseModel], ...]] = ()

    def score(self, rows: pl.DataFrame, rule: Any) -> pl.DataFrame:
        """`rows` (one per unit: max_points and the input columns) with a `score` column."""
        raise NotImplementedError

    def check(self, rule: Any, max_points: float, code: str, add: AddProblem,
              where: tuple) -> None:
        """Report parameters that contradict the leaf's points (or are implausible) at `where`;
        `code` names the indicator (or indicator·part) in the message."""
