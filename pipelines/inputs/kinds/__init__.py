"""The import kinds, each declared once in its own module (`<kind>.py`: columns, facts, keys,
warehouse table, validator, template sheet; `base.InputKind`), found here.

Every module of this package but `base` and those starting with "_" (helpers of one kind) is a
kind module and must hold `KIND`. Readers, validation, the template writer, the load, the delta
merge and `egov template` ask this registry for the kinds; none of them names a kind. Adding a
kind: docs/contract.md, "Adding an import kind".
"""

from __future__ import annotations

import functools
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


@functools.cache
def _registry() -> dict[str, InputKind]:
    return _discover()


def __getattr__(name: str):
    # KINDS (every kind by name, in load order: a kind others refer to, the unit list, first)
    # and LOAD_ORDER are found when first asked for, not when the package is imported: importing
    # one kind's module (the 反馈单 imports the rectification kind's) then loads that kind alone,
    # not every kind's validator and with them the scheme models.
    if name == "KINDS":
        return _registry()
    if name == "LOAD_ORDER":
        return tuple(_registry())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get(kind: str) -> InputKind:
    """The kind of this name; ValueError naming the known kinds when there is none."""
    kinds = _registry()
    try:
        return kinds[kind]
    except KeyError:
        raise ValueError(f"unknown import kind: {kind} (known: {', '.join(kinds)})") from None
