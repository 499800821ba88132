"""The normalisers, one module each in this package (each defines NORMALISER), by name."""

from __future__ import annotations

import importlib
import pkgutil

from pipelines.rules import normalisers as _package
from pipelines.rules.normalisers.base import Normaliser


def _discover() -> dict[str, Normaliser]:
    found: list[Normaliser] = []
    for info in pkgutil.iter_modules(_package.__path__):
        if info.name in ("base", "registry"):
            continue
        module = importlib.import_module(f"{_package.__name__}.{info.name}")
        found.append(module.NORMALISER)
    found.sort(key=lambda n: n.order)
    return {n.name: n for n in found}


NORMALISERS: dict[str, Normaliser] = _discover()
