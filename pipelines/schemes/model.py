"""The declared shape of a scheme file (考核方案), separate from the engine that runs it.

A scheme file is YAML (or the equivalent workbook) that describes one jurisdiction's rules for one
year: unit types, rubrics with their indicator trees, the monthly content-guarantee items, how the
stages combine, bonus and penalty clauses, grade bands and targets. Nothing about a scheme lives in
code; this module only declares which fields exist and which values are well formed. Checks that
span several fields (leaves summing to parents, codes being unique, ...) live in `scheme_checks`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from pipelines.rules.base import Strict
from pipelines.rules.kinds.assessor_score import AssessorScore
from pipelines.rules.registry import RULE_INPUT_COLUMNS as RULE_INPUT_COLUMNS
from pipelines.rules.registry import RULE_KINDS as RULE_KINDS
from pipelines.rules.registry import Rule
from pipelines.rules.registry import input_columns as input_columns
from pipelines.schemes.blocks import check_items
from pipelines.schemes.weights import Weight, resolve_rubric

Text = Annotated[str, Field(min_length=1)]


# ---------------------------------------------------------------------------------------------
# The indicator tree. A leaf's `rule` is one of the rule kinds, declared one file per kind in
# pipelines/rules/kinds/ and read through pipelines.rules.registry (`Rule` is their union).
# ---------------------------------------------------------------------------------------------


class Cited(Strict):
    """Anything that implements a seed clause says which (`source`), and states any choice made."""

    source: str | None = Field(
        default=None, description="the seed clause implemented, e.g. 附件2 序号12"
    )
    interpretation: str | None = Field(
        default=None, description="one sentence: the choice made where the seed leaves room"
    )


class Indicator(Cited):
    """A scored leaf (三级指标, or the deepest level the seed has). It has a code."""

    code: Text = Field(description="unique within the rubric: 附件2 序号, 编号, row number ...")
    name: str | None = Field(default=None, description="as the seed writes it; may be blank there")
    max_points: float | None = Field(
        default=None, gt=0, description="分值; derived from `weight` where the group gives weights")
    weight: Weight | None = Field(
        default=None, description="权重: the share of its group (2/3, 0.25), instead of points")
    rule: Rule | None = Field(default=None, description="defaults to the rubric's default_rule")
    criteria: str | None = Field(default=None, description="考核要点 / 考核内容 / 指标说明")
    scoring_text: str | None = Field(default=None, description="扣分办法 / 评分细则, verbatim")
    lead_office: str | None = Field(default=None, description="牵头科室")
    supporting_offices: list[str] = Field(default_factory=list, description="配合科室")
    assessing_bodies: list[str] = Field(default_factory=list, description="牵头考核单位")
    evidence: str | None = Field(default=None, description="佐证材料 / 备注")
    previous_code: str | None = Field(
        default=None, description="the code this indicator had in the previous year's scheme "
        "of the series, where it was renumbered (docs/schemes.md#系列-series)")

    @model_validator(mode="after")
    def _points_or_weight(self) -> Indicator:
        if self.max_points is None and self.weight is None:
            raise ValueError(
                f"指标 {self.code} 须写分值(max_points)或权重(weight) / indicator {self.code} "
                "needs max_points or a weight")
        return self


def _tree_child_kind(child: object) -> str:
    """A child with a code is a scored leaf; without, a grouping node."""
    if isinstance(child, dict):
        return "leaf" if "code" in child else "node"
    return "leaf" if isinstance(child, Indicator) else "node"


class NotApplicable(Cited):
    """How a group aggregates a unit's children when some are marked not applicable (不适用):
    `mean`, the plain mean of the present children's shares; `rescale`, their own weights
    rescaled over the present ones. The group keeps its points (docs/schemes.md#不适用)."""

    method: Literal["mean", "rescale"]


class Repeat(Cited):
    """A repeated block (重复指标块): the group's children are measured once for each item and
    expanded by the loader (pipelines/schemes/blocks.py)."""

    items: list[str] = Field(description="the items, each measured on every child: 出生, 就业 …")
    label: str | None = Field(default=None, description="what an item is: 生命事件, 服务领域")

    @field_validator("items")
    @classmethod
    def _items(cls, items: list[str]) -> list[str]:
        return check_items(items)


class Node(Cited):
    """A grouping level (一级 or 二级指标): a name, optionally its max points, and children."""

    name: Text
    max_points: float | None = Field(default=None, gt=0)
    weight: Weight | None = Field(
        default=None, description="权重: the group's share of its parent, instead of points")
    aggregation: Literal["arithmetic", "geometric", "harmonic"] = Field(
        default="arithmetic", description="how the group's children combine: the weighted "
        "arithmetic, geometric or harmonic mean of their shares (engine/aggregation.py)")
    not_applicable: NotApplicable | None = Field(
        default=None, description="不适用: how the group aggregates when a unit's child is "
        "marked not applicable (mean or rescale); none: the mark is refused below this group "
        "unless an enclosing group or the rubric's exemption takes it")
    repeat: Repeat | None = Field(
        default=None, description="重复指标块: the children measured once per item")
    # For schemes whose seed names no body per indicator (Jintan, Yueyang): the office may name
    # the body that scores a whole category (pipelines/cycle/: 报送进度, body accounts).
    assessing_bodies: list[str] = Field(
        default_factory=list,
        description="牵头考核单位 of every indicator below that names none itself")
    children: list[
        Annotated[
            Annotated[Node, Tag("node")] | Annotated[Indicator, Tag("leaf")],
            Discriminator(_tree_child_kind),
        ]
    ] = Field(min_length=1)


class Exemption(Cited):
    """Units without a task are exempted from an indicator: it leaves the rubric, and the rubric
    score is rescaled to the rubric's max over the points still available."""

    method: Literal["rescale"] = "rescale"


class Rubric(Cited):
    """One year-end rubric (评分细则) applying to one or more unit types."""

    id: Text
    name: Text
    unit_types: list[Text] = Field(min_length=1)
    max_points: float = Field(gt=0, description="the rubric's stated total, 100 in every seed")
    default_rule: Rule = Field(default_factory=AssessorScore)
    missing_input: Literal["zero", "full"] = Field(
        description="what a leaf scores when no input row was loaded for a unit: 0, or full marks "
        "(natural for deduction rubrics: nothing deducted)"
    )
    exemption: Exemption | None = None
    aggregation: Literal["arithmetic", "geometric", "harmonic"] = Field(
        default="arithmetic", description="how the categories combine: the weighted arithmetic "
        "(the sum of points), geometric or harmonic mean of their shares")
    categories: list[
        Annotated[
            Annotated[Node, Tag("node")] | Annotated[Indicator, Tag("leaf")],
            Discriminator(_tree_child_kind),
        ]
    ] = Field(min_length=1, description="the 一级指标 in the seed's order; a scored item (with a "
              "code) may stand here directly, with no group above it (a flat index)")

    @model_validator(mode="after")
    def _points_from_weights(self) -> Rubric:
        # Weighted children get their points (weight × the parent's) once, here, so everything
        # downstream reads max_points as for a scheme written in points (schemes/weights.py).
        resolve_rubric(self)
        return self


# ---------------------------------------------------------------------------------------------
# Monthly content guarantee (内容保障, Jintan 附件1)
# ---------------------------------------------------------------------------------------------


class ContentItem(Cited):
    """A content item type with its points per item (每条1分, 每个专题10分, 每次5分 ...)."""

    number: int = Field(ge=1, description="序号 in the seed")
    category: Text = Field(description="一级指标")
    name: str | None = Field(default=None, description="二级指标, blank in some seed rows")
    description: str | None = Field(default=None, description="指标说明")
    points: float = Field(gt=0, description="points per item")
    per: Text = Field(description="the counting unit as the seed says it: 条, 个, 链, 次")


class AdoptionBonus(Cited):
    """Extra points for an item adopted by a higher portal, counted once per item."""

    city: float = Field(ge=0)
    province: float = Field(ge=0)


class FullMark(Cited):
    """The stage's full mark in content points, with a bonus per full step above it by unit type."""

    points: float = Field(gt=0, description="content points that earn the full stage score")
    excess_bonus: float = Field(ge=0, description="bonus per full step above the full mark")
    excess_step_by_unit_type: dict[str, float] = Field(min_length=1)


class Content(Cited):
    items: list[ContentItem] = Field(min_length=1)
    adoption_bonus: AdoptionBonus | None = None
    full_mark: FullMark


# ---------------------------------------------------------------------------------------------
# Stages, adjustments, grades, targets
# ---------------------------------------------------------------------------------------------


class Stage(Cited):
    """A stage contributes weight × total_points at most (plus any excess bonus)."""

    id: Text
    name: Text
    basis: Literal["content", "rubric"]
    weight: float = Field(gt=0, le=1)


Level = Literal["国家级", "省级", "市级", "县级"]


class Clause(Cited):
    """A bonus (加分) or penalty (减分) clause; points per event, by level or fixed."""

    kind: Literal["加分", "减分"]
    number: int = Field(ge=1, description="the clause's number in the seed (项目)")
    text: Text
    levels: dict[Level, float] = Field(default_factory=dict)
    fixed: float | None = Field(default=None, gt=0, description="points when no level applies")

    @model_validator(mode="after")
    def _levels_or_fixed(self) -> Clause:
        if bool(self.levels) == (self.fixed is not None):
            raise ValueError(
                "a clause has either levels or a fixed value / 条款须有级别分值或固定分值(二选一)"
            )
        return self


class Adjustments(Cited):
    bonus_cap: float | None = Field(default=None, gt=0, description="cap on Σ 加分 (附加分封顶)")
    penalty_cap: float | None = Field(default=None, gt=0, description="cap on Σ 减分")
    clauses: list[Clause] = Field(min_length=1)


class GradeBand(Strict):
    name: Text
    min: float | None = Field(description="inclusive lower bound; null for the lowest band")


class Grades(Cited):
    bands: list[GradeBand] = Field(min_length=2, description="best first")


class Target(Cited):
    """A target with a floor (保) and optionally a stretch (争)."""

    code: Text = Field(description="the metric code used in the 目标数据 template")
    name: Text
    text: Text = Field(description="the target as the seed words it")
    measure: Literal["rank", "cumulative", "level", "rate", "count"]
    direction: Literal["higher_better", "lower_better"]
    strict: bool = Field(default=False, description="超过 (strictly beyond) rather than 达到")
    floor: float
    stretch: float | None = None
    aggregate: Literal["sum", "last", "mean"]
    unit: Text = Field(description="名, 件, 分, 个/日, % ...")


class Document(Strict):
    number: Text
    title: Text
    seed: str | None = None


class UnitType(Cited):
    name: Text
    description: str | None = None
    ranked: bool = Field(
        default=True, description="false: the type's units are scored and published but get no "
        "rank (not even among themselves), as an index that ranks its members only")


ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Scheme(Cited):
    """A whole scheme file."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    series: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None, description="the evaluation this scheme is one year of (the same office's "
        "scheme of other years has the same series); see docs/schemes.md#系列-series")
    name: Text
    jurisdiction: Text
    year: int = Field(ge=2000, le=2100)
    documents: list[Document] = Field(min_length=1)
    county_level_label: str | None = Field(
        default=None, description="how the seed writes the 县级 adjustment level, e.g. 金坛市级"
    )
    total_points: float = Field(default=100, gt=0)
    unit_types: list[UnitType] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    rubrics: list[Rubric] = Field(min_length=1)
    content: Content | None = None
    adjustments: Adjustments | None = None
    grades: Grades | None = None
    targets: list[Target] = Field(default_factory=list)
    notes: list[str] = Field(
        default_factory=list, description="interpretations that span the scheme"
    )
    decimals: int = Field(
        default=2, ge=0, le=6,
        description="decimals the published totals and scores carry (an index on a 0–1 scale "
        "publishes three); ranks and grades always use the unrounded values",
    )
    composite_entry: Literal["parts", "score"] = Field(
        default="parts",
        description="how composite (parts) indicators are entered: one row per part (分项), or "
        "the assessor's total for the indicator as 得分",
    )
