"""The schemes a warehouse holds, as models."""

from __future__ import annotations

from pathlib import Path

from pipelines.schemes.model import Scheme
from warehouse import queries


def load_schemes(db: Path) -> list[Scheme]:
    """The scheme models the warehouse holds (built-in and added), in the order they were
    added."""
    return [Scheme.model_validate_json(d) for d in queries.scheme_definitions(db)]
