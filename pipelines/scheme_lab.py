"""The scheme lab's warehouse side: read the loaded facts and schemes, run the comparison.

`pipelines.engine.compare` is pure (frames in, frames out); this module finds what it needs in a
warehouse and checks a draft file (the same checks as `egov scheme check`; the draft is never
added to the warehouse).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipelines.engine.compare import Comparison, compare
from pipelines.loading import facts_of, open_state, schemes_of
from pipelines.schemes.admin import SchemeUsageError, UnknownScheme, check_scheme_file
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import rubric_for_unit_type


def _scheme(schemes: list[Scheme], scheme_id: str) -> Scheme:
    found = {s.id: s for s in schemes}
    if scheme_id not in found:
        raise UnknownScheme(f"未知方案 unknown scheme '{scheme_id}'; 可用 known: "
                            + ", ".join(found))
    return found[scheme_id]


def compare_draft_file(db: Path, scheme_id: str, draft_file: Path,
                       year: int | None = None) -> Comparison:
    """The data loaded under `scheme_id` scored under it and under the draft in `draft_file`.

    Raises UnknownScheme (a usage error) for an unknown id or a year other than the scheme's, and
    SchemeRejected (invalid input) when the draft fails the scheme checks.
    """
    state = open_state(db)
    scheme = _scheme(schemes_of(state), scheme_id)
    if year is not None and year != scheme.year:
        raise SchemeUsageError(f"--year: 方案 {scheme_id} 的考核年度为 {scheme.year} / "
                               f"the scheme's year is {scheme.year}")
    draft = check_scheme_file(draft_file)
    return compare(scheme, draft, facts_of(state))


def compare_draft_bytes(db: Path, scheme_id: str, name: str, data: bytes) -> Comparison:
    """As compare_draft_file, for a draft uploaded to the dashboard (checked from a copy)."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).stem + suffix)
        path.write_bytes(data)
        return compare_draft_file(db, scheme_id, path)


def compare_schemes(db: Path, scheme_id: str, other_id: str) -> Comparison:
    """The data loaded under `scheme_id` scored under it and under another warehouse scheme."""
    state = open_state(db)
    schemes = schemes_of(state)
    return compare(_scheme(schemes, scheme_id), _scheme(schemes, other_id), facts_of(state))


def comparable_schemes(db: Path, scheme_id: str) -> list[str]:
    """Schemes in the warehouse (other than `scheme_id`) that have a rubric for every unit type of
    the units loaded under `scheme_id`: the data can be scored under them."""
    state = open_state(db)
    units = state["units"].filter(state["units"]["scheme"] == scheme_id)
    types = set(units["unit_type"].to_list())
    if not types:
        return []
    return [s.id for s in schemes_of(state)
            if s.id != scheme_id and types <= set(rubric_for_unit_type(s))]
