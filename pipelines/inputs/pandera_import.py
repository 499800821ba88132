"""pandera imported without pandas.

pandera's top-level package imports pandas (0.3-0.5 s) whenever pandas is installed, for its
pandas API, which egov does not use, and its first validation looks for pandas' check backends.
While pandas is not loaded yet, both happen as in a Polars-only install (a set-up pandera
supports, GH #2387: its `__init__` then registers the built-in checks itself), so `egov ingest`
never loads pandas. This module is imported on the first validation of a sheet (by `models.py`
and `SheetCheck.run_model`), not with the input stack, so commands that never validate do not
import pandera at all.

Still needed with pandera 0.35.0 (checked 2026-12-06): its top-level `__init__` imports pandas
and numpy whenever they can be imported (to offer its pandas API at `pandera.*`), before
`pandera.polars` is reached, and it has no setting to skip that; pandas stays installed here
because Streamlit depends on it. Drop this module when pandera imports pandas only from
`pandera.pandas`.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Optional dependencies of pandera that egov does not use: pandas (its pandas API) and hypothesis
# (its data synthesis, imported when the built-in checks are registered: 0.3 s).
_UNUSED = ("pandas", "hypothesis")


class _Unavailable(importlib.abc.MetaPathFinder):
    """Makes `import pandas` (or hypothesis) fail as it would where it is not installed."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


@contextmanager
def pandas_unloaded() -> Iterator[None]:
    """While pandas (or hypothesis) is not loaded, pandera sees an install without it: importing
    pandera and its first validation (which looks for pandas' check backends and registers the
    built-in checks' data strategies) do not load it. Where it is loaded already (hypothesis
    under the tests), or where other Python threads run (the dashboard's sessions), nothing
    changes."""
    names = tuple(n for n in _UNUSED if n not in sys.modules)
    # Only where no other Python thread could import them meanwhile (the CLI; not a server,
    # whose sessions run in threads): the finder is process-wide while it is in place.
    if not names or threading.active_count() > 1:
        yield
        return
    finder = _Unavailable(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _import_pandera_polars() -> Any:
    with pandas_unloaded():
        import pandera.polars

    return pandera.polars


pa = _import_pandera_polars()
