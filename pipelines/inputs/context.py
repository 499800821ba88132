"""What validation needs to know besides the file itself: the schemes and the units known so far."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import dimension_frames

UNIT_SCHEMA = {"scheme": pl.String, "unit": pl.String, "unit_type": pl.String}
ALIAS_SCHEMA = {"scheme": pl.String, "alias": pl.String, "unit": pl.String}


@dataclass
class LoadContext:
    """Schemes by id, their dimension frames, and the units (with aliases) already known.

    `units` and `aliases` grow as a load proceeds: units read in the same call are known to the
    content, year-end, adjustment and metric files that follow them.
    """

    schemes: dict[str, Scheme]
    dims: dict[str, pl.DataFrame] = field(default_factory=dict)
    units: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=UNIT_SCHEMA))
    aliases: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ALIAS_SCHEMA))

    def __post_init__(self) -> None:
        if not self.dims:
            self.dims = dimension_frames(list(self.schemes.values()))

    def with_units(self, units: pl.DataFrame, aliases: pl.DataFrame) -> LoadContext:
        """A context that also knows these units (replacing same-named ones)."""
        keep = self.units.join(units.select("scheme", "unit"), on=["scheme", "unit"], how="anti")
        keep_alias = self.aliases.join(
            units.select("scheme", "unit"), on=["scheme", "unit"], how="anti"
        )
        return LoadContext(
            self.schemes,
            self.dims,
            pl.concat([keep, units.select(list(UNIT_SCHEMA)).cast(UNIT_SCHEMA)]),
            pl.concat([keep_alias, aliases.select(list(ALIAS_SCHEMA)).cast(ALIAS_SCHEMA)]),
        )
