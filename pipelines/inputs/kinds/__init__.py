"""The import kinds, each declared once in its own module (`<kind>.py`: columns, facts, keys,
warehouse table, validator, template sheet; `base.InputKind`), found here.

Every module of this package but `base` and those starting with "_" (helpers of one kind) is a
kind module and must hold `KIND`. Readers, validation, the template writer, the load, the delta
merge and `egov template` ask this registry for the kinds; none of them names a kind. Adding a
kind: docs/contract.md, "Adding an import kind".
"""

from __future__ import annotations

import importlib
import pkgutil

from pipelines.inputs.kinds.base import Column, InputKind

__all__ = ["KINDS", "LOAD_ORDER", "Column", "InputKind", "get"]


def _discover() -> dict[str, InputKind]:
    found: list[InputKind] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, InputKind) or kind.kind != info.name:
            raise TypeError(f"{module.__name__} must declare KIND = InputKind(kind="
                            f"'{info.name}', ...)")
        found.append(kind)
    return {k.kind: k for k in sorted(found, key=lambda k: (k.order, k.kind))}


# Every kind by name, in load order (a kind others refer to, the unit list, first).
KINDS: dict[str, InputKind] = _discover()
LOAD_ORDER: tuple[str, ...] = tuple(KINDS)


def get(kind: str) -> InputKind:
    """The kind of this name; ValueError naming the known kinds when there is none."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind: {kind} (known: {', '.join(KINDS)})") from None
