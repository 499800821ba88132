"""The spot check (抽查): which units the assessors visit to check their self-assessment.

Jintan 63号 五(二): 市考核组对被考核单位自评情况进行抽查、核实. The draw is seeded and recorded
(seed, weighting, count, who, when, the units drawn) in `spot_checks` and as a line of the load
history, so anyone can draw again and get the same units:

- uniform: `random.Random(seed).sample(units, n)` over the scheme's units sorted by name;
- weighted (`--weighted`): each unit's weight is 1 + its summed gap Σ|自评 − 核定| over the
  indicators with both (`selfcheck.unit_gaps`), so every unit can be drawn and a larger gap is
  drawn more often; the draw is Efraimidis–Spirakis: going through the units sorted by name, each
  gets key u^(1/weight) with u = `random.Random(seed).random()` in turn, and the n largest keys
  are drawn (largest first).
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.access.lock import writes_warehouse
from pipelines.cycle import records
from pipelines.cycle.selfcheck import SelfcheckError, _scheme, unit_gaps


@dataclass(frozen=True)
class Draw:
    draw: int
    load_id: int
    seed: int
    weighted: bool
    units: list[str]
    weights: dict[str, float]

    def render(self) -> str:
        how = "按自评与核定差距加权 weighted by gap" if self.weighted else "等概率 uniform"
        lines = [f"抽查 spot check #{self.draw} (历史记录 load {self.load_id}): "
                 f"seed {self.seed}, {how}, {len(self.units)} 个单位 units"]
        lines += [f"  {i}. {u}" + (f"  (权重 weight {self.weights[u]:g})" if self.weighted
                                   else "") for i, u in enumerate(self.units, 1)]
        return "\n".join(lines)


def draw_units(units: list[str], n: int, seed: int,
               weights: dict[str, float] | None = None) -> list[str]:
    """The n units drawn from `units` (sorted by name first) with this seed; see the module."""
    pool = sorted(units)
    rng = random.Random(seed)
    if weights is None:
        return rng.sample(pool, n)
    keys = [(rng.random() ** (1.0 / weights[u]), u) for u in pool]
    return [u for _, u in sorted(keys, key=lambda k: (-k[0], k[1]))[:n]]


@writes_warehouse
def spotcheck(db: Path, scheme_id: str, year: int, n: int, seed: int | None = None,
              weighted: bool = False) -> Draw:
    """Draw n units of the scheme-year and record the draw. More units than exist, or fewer
    than one, is refused (SelfcheckError naming --units)."""
    _scheme(db, scheme_id, year)
    gaps = unit_gaps(db, scheme_id, year)
    if n < 1 or n > gaps.height:
        raise SelfcheckError(
            f"--units {n}: 方案「{scheme_id}」共有 {gaps.height} 个单位,抽查数应在 1 到 "
            f"{gaps.height} 之间",
            f"--units {n}: the scheme has {gaps.height} units; draw between 1 and {gaps.height}")
    if seed is None:
        seed = secrets.randbelow(2**31)
    weights = {u: 1.0 + g for u, g in gaps.select("unit", "gap").iter_rows()}
    drawn = draw_units(gaps["unit"].to_list(), n, seed, weights if weighted else None)
    found: dict[str, int] = {}

    def write(con) -> None:
        number = con.execute("SELECT coalesce(max(draw), 0) + 1 FROM spot_checks").fetchall()[0][0]
        how = "加权" if weighted else "等概率"
        found["load"] = records.record_load(
            con, "spotcheck",
            f"(抽查 #{number} {scheme_id} {year} 年 {how} seed={seed}: {'、'.join(drawn)})",
            scheme_id, len(drawn))
        records.insert(con, "spot_checks", [{
            "draw": number, "scheme": scheme_id, "year": year, "seed": seed,
            "weighted": weighted, "requested": n, "units": json.dumps(drawn, ensure_ascii=False),
            "drawn_by": records.current_user(), "drawn_at": records.database.now()}])
        found["draw"] = int(number)

    records.write_records(db, write)
    return Draw(found["draw"], found["load"], seed, weighted, drawn,
                {u: weights[u] for u in drawn})


def draws(db: Path, scheme_id: str, year: int) -> pl.DataFrame:
    """The recorded draws of a scheme-year, latest first."""
    from warehouse.reader import query

    return query(db, "SELECT draw, seed, weighted, requested, units, drawn_by, drawn_at "
                      "FROM spot_checks WHERE scheme = ? AND year = ? ORDER BY draw DESC",
                  [scheme_id, year])
