"""docs/contract.md: scores are rounded half-up to 2 decimals for output only.

Ranks and grades use the unrounded values. The rule lives with the warehouse, whose reads
give the scores as output (`queries.yearend_scores`); the scheme lab and the dashboard's
tables round with it too."""

import polars as pl


def round_half_up(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """Half-up rounding that is exact for the decimals people type: 2.675 -> 2.68, even though
    the float 2.675 is stored as 2.67499999...; the scaled value is first cleaned of float noise."""
    scale = 10**decimals
    # The final round() only removes the float noise of the division (103.6 not 103.60000000000001).
    return (((expr * scale).round(6) + 0.5).floor() / scale).round(decimals)
