"""The rule kinds, found in `pipelines/rules/kinds/`, and what the rest of the product reads.

Every module of the `kinds` package defines `KIND`; they are listed here in their declared order.
The scheme model's `Rule` is the union of the kinds' models (discriminated by `kind`), a part's
rule the union of every kind that is not composite.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Any, Union

from pydantic import Field

from pipelines.rules import kinds as _kinds_package
from pipelines.rules.base import Param, RuleKind, ValueSet


def _discover() -> dict[str, RuleKind]:
    found: list[RuleKind] = []
    for info in pkgutil.iter_modules(_kinds_package.__path__):
        module = importlib.import_module(f"{_kinds_package.__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, RuleKind):
            raise TypeError(f"{module.__name__} defines no KIND (a RuleKind)")
        found.append(kind)
    found.sort(key=lambda k: k.order)
    names = [k.name for k in found]
    if len(set(names)) != len(names) or len({k.order for k in found}) != len(found):
        raise TypeError(f"two rule kinds share a name or an order: {names}")
    return {k.name: k for k in found}


KINDS: dict[str, RuleKind] = _discover()
RULE_KINDS: tuple[str, ...] = tuple(KINDS)

# A part's rule: any kind but a composite one (a part cannot have parts).
PartRule: Any = Annotated[
    Union[tuple(k.model for k in KINDS.values() if not k.composite)],  # noqa: UP007
    Field(discriminator="kind"),
]
for _kind in KINDS.values():
    for _model in (*_kind.nested_models, _kind.model):
        _model.model_rebuild(_types_namespace={"PartRule": PartRule})

# A leaf's rule: any kind.
Rule: Any = Annotated[
    Union[tuple(k.model for k in KINDS.values())],  # noqa: UP007
    Field(discriminator="kind"),
]

# The 年终评分 column(s) each kind reads, by their English template names.
RULE_INPUT_COLUMNS: dict[str, tuple[str, ...]] = {k.name: k.inputs for k in KINDS.values()}

# The one Chinese label of each kind.
RULE_KIND_ZH: dict[str, str] = {k.name: k.label for k in KINDS.values()}


def kind_of(rule: Any) -> RuleKind:
    """The kind of a rule model (or of a kind name)."""
    return KINDS[rule if isinstance(rule, str) else rule.kind]


def input_columns(rule: Any, composite_entry: str = "parts") -> tuple[str, ...]:
    """The 年终评分 columns a leaf's rule reads: a composite reads its parts' columns and 分项
    [part] (or 得分 alone where the scheme enters composites as one assessor score)."""
    kind = kind_of(rule)
    if not kind.composite:
        return kind.inputs
    if composite_entry == "score":
        return ("score",)
    columns: list[str] = ["part"]
    for part in rule.parts:
        columns += [c for c in kind_of(part.rule).inputs if c not in columns]
    return tuple(columns)


def params() -> tuple[Param, ...]:
    """Every kind's parameter columns, in kind order, each field once (kinds that share a
    parameter, as ratio and rate_target share above_one, declare the same column)."""
    out: dict[str, Param] = {}
    for kind in KINDS.values():
        for param in kind.params:
            if out.setdefault(param.field, param) != param:
                raise TypeError(f"two rule kinds declare the parameter {param.field} differently")
    return tuple(out.values())


def refuses_above_one(kind: str, params: dict) -> bool:
    """Whether an input share above 1 is refused for a rule of this kind and these parameters:
    kinds taking `above_one` refuse unless it says `cap`; other kinds have no such check."""
    takes = any(p.field == "above_one" for p in KINDS[kind].params) if kind in KINDS else False
    return takes and params.get("above_one", "refuse") == "refuse"


def value_sets() -> dict[str, ValueSet]:
    """The closed sets the kinds' parameters take, by name."""
    return {vs.name: vs for kind in KINDS.values() for vs in kind.value_sets}


def write_params(rule: Any) -> dict[str, Any]:
    """A rule's parameters that differ from their defaults (a required one always), by field:
    what the workbook writes in the parameter columns."""
    fields = type(rule).model_fields
    out: dict[str, Any] = {}
    for param in kind_of(rule).params:
        value = getattr(rule, param.field)
        info = fields[param.field]
        if not info.is_required() and value == info.default:
            continue
        out[param.field] = value
    return out
