"""The schemes a warehouse holds, as models."""

from __future__ import annotations

from pathlib import Path

from pipelines.schemes.model import Scheme
from warehouse import queries


def load_schemes(db: Path) -> list[Scheme]:
    """The scheme models the warehouse holds (built-in and added), in the order they were
    added."""
    return [Scheme.model_validate_json(d) for d in queries.scheme_definitions(db)]


def load_scheme(db: Path, scheme_id: str) -> Scheme:
    """The model of one scheme the warehouse holds (KeyError when it holds none of that id).
    Building a model costs about 10 ms; a command about one scheme builds only that one."""
    definition = queries.scheme_definition(db, scheme_id)
    if definition is None:
        raise KeyError(scheme_id)
    return Scheme.model_validate_json(definition)
