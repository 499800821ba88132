"""What a 通报 says about the previous year of its series (notices/_years.j2): the comparison
basis (which year, under which scheme), how many units rose, fell and changed grade, the units
that moved most (ties stated as ties), renamed, merged and new units, and how the scheme changed.
The monthly notice compares the year to date with the same month of the previous year.

Plain values only; the wording is in the template. `gather` (pipelines/notice/facts.py) adds
these under the key `years` with one call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from pipelines.notice import formats as fmt
from pipelines.notice.naming import MOVE_PLACES, named
from pipelines.schemes.model import Scheme
from pipelines.schemes.stored import load_scheme
from pipelines.years.indicators import change_summary, scheme_changes
from pipelines.years.series import gap_phrase
from warehouse import queries as q
from warehouse import years_queries as yq


def years_facts(db: Path, model: Scheme, year: int, month: str | None = None) -> dict[str, Any]:
    """{"years": {...}}: the comparison with the previous year of the scheme's series;
    `has_previous` is False where the scheme has no earlier year or that year has no results."""
    none: dict[str, Any] = {"has_previous": False, "previous_year": None}
    if not yq.has_years(db):
        return {"years": none}
    row = yq.series_of(db).filter(pl.col("scheme") == model.id)
    if row.is_empty() or row["prev_scheme"][0] is None:
        return {"years": none}
    prev_id, prev_year = row["prev_scheme"][0], int(row["prev_year"][0])
    previous = load_scheme(db, prev_id)
    base = {"previous_year": prev_year, "previous_scheme": prev_id,
            "previous_scheme_name": previous.name, "gap": gap_phrase(year, prev_year),
            "scheme_changes": change_summary(scheme_changes(previous, model))}
    if month is not None:
        return {"years": {**none, **base, **_monthly(db, model, previous, year, month)}}
    versus = yq.versus_previous(db, model.id, year)
    if versus.filter(pl.col("prev_units") > 0).is_empty():
        return {"years": {**none, **base, "previous_without_results": True}}
    return {"years": {**base, "has_previous": True, **_yearend(db, model, previous, versus),
                      "rectified": _rectified(db, prev_id, prev_year)}}


def _rectified(db: Path, prev_scheme: str, prev_year: int) -> dict[str, int] | None:
    """How many items of the previous year's 整改台账 are done (状态 已整改), of how many
    (issue 18: the next year's 通报 states it); None where that year has no ledger."""
    from pipelines.cycle.ledger import completed

    done, total = completed(db, prev_scheme, prev_year)
    return {"done": done, "total": total, "open": total - done} if total else None


def _moves(frame: pl.DataFrame, change: str, rank: str, prev_rank: str, up: bool) -> dict | None:
    """The largest rise (or fall) of a type: every unit moving by that many places (a tie when
    several), with its places: {"places": 3, "tied": False, "units": [{"unit", "from", "to"}]}."""
    moved = frame.filter(pl.col(change) > 0) if up else frame.filter(pl.col(change) < 0)
    if moved.is_empty():
        return None
    best = moved[change].max() if up else moved[change].min()
    part = moved.filter(pl.col(change) == best).sort(rank, "unit")
    return {"places": abs(int(best)), "tied": part.height > 1,
            "units": [{"unit": r["unit"], "from": int(r[prev_rank]), "to": int(r[rank])}
                      for r in part.iter_rows(named=True)]}


def _movers(frame: pl.DataFrame, change: str, rank: str, prev_rank: str,
            up: bool) -> dict | None:
    """The units that rose (or fell) by MOVE_PLACES places or more (「较多」, the notice's rule for
    every move of rank), largest move first, grouped by the places moved so that units moving
    by the same number are written as a tie: {"groups": [{"places": 4, "units": [{"unit",
    "from", "to"}]}], "more": N}. A long list names its first few and counts all (「等N个单位」,
    `named`); None where no unit moved that far."""
    moved = (frame.filter(pl.col(change) >= MOVE_PLACES) if up
             else frame.filter(pl.col(change) <= -MOVE_PLACES))
    if moved.is_empty():
        return None
    moved = moved.with_columns(places=pl.col(change).abs()).sort(
        ["places", rank, "unit"], descending=[True, False, False])
    listed = named([{"unit": r["unit"], "from": int(r[prev_rank]), "to": int(r[rank]),
                     "places": int(r["places"])} for r in moved.iter_rows(named=True)])
    groups: list[dict] = []
    for u in listed["shown"]:
        if not groups or groups[-1]["places"] != u["places"]:
            groups.append({"places": u["places"], "units": []})
        groups[-1]["units"].append({k: u[k] for k in ("unit", "from", "to")})
    return {"groups": groups, "more": listed["more"]}


def _yearend(db: Path, model: Scheme, previous: Scheme, versus: pl.DataFrame) -> dict[str, Any]:
    now_pos = yq.grade_positions(db, model.id)
    prev_pos = yq.grade_positions(db, previous.id)
    # A grade compares by its place among the scheme's bands (the names may differ by year).
    versus = versus.with_columns(
        grade_move=pl.struct("grade", "prev_grade").map_elements(
            lambda s: (prev_pos[s["prev_grade"]] - now_pos[s["grade"]])
            if s["grade"] in now_pos and s["prev_grade"] in prev_pos else None,
            return_dtype=pl.Int32))
    types = []
    for t in [u.name for u in model.unit_types]:
        part = versus.filter(pl.col("unit_type") == t)
        compared = part.filter(pl.col("rank_change").is_not_null())
        if part.is_empty():
            continue
        types.append({
            "name": t, "count": part.height, "compared": compared.height,
            "rose": compared.filter(pl.col("rank_change") > 0).height,
            "fell": compared.filter(pl.col("rank_change") < 0).height,
            "same": compared.filter(pl.col("rank_change") == 0).height,
            "grade_up": part.filter(pl.col("grade_move") > 0).height,
            "grade_down": part.filter(pl.col("grade_move") < 0).height,
            # the 总览 page's largest moves; the 通报 names the moves of MOVE_PLACES or more
            "top_rise": _moves(compared, "rank_change", "rank", "prev_rank", up=True),
            "top_fall": _moves(compared, "rank_change", "rank", "prev_rank", up=False),
            "risers": _movers(compared, "rank_change", "rank", "prev_rank", up=True),
            "fallers": _movers(compared, "rank_change", "rank", "prev_rank", up=False),
        })
    links = yq.links(db, model.id)
    merged = [{"unit": r["unit"], "previous": r["prev_unit_names"].split("、")}
              for r in versus.filter(pl.col("prev_units") > 1).iter_rows(named=True)]
    single = links.filter(pl.col("unit").is_in([m["unit"] for m in merged]).not_())
    renamed = [{"unit": r["unit"], "previous": r["prev_unit"]}
               for r in single.filter(pl.col("prev_unit") != pl.col("unit")).iter_rows(named=True)
               if single.filter(pl.col("prev_unit") == r["prev_unit"]).height == 1]
    split = [{"previous": p[0], "units": sorted(g["unit"].to_list())}
             for p, g in links.group_by("prev_unit", maintain_order=True) if g.height > 1]
    return {
        "types": types, "move_places": MOVE_PLACES,
        "renamed": renamed, "merged": merged, "split": split,
        "new_units": sorted(versus.filter(pl.col("prev_units") == 0)["unit"].to_list()),
        "type_changed": sorted(versus.filter(pl.col("type_changed"))["unit"].to_list()),
    }


def _monthly(db: Path, model: Scheme, previous: Scheme, year: int, month: str) -> dict:
    """The year to date against the same month of the previous year, where it has months."""
    same_month = f"{previous.year}-{month[5:7]}"
    before = q.monthly_scores(db, previous.id, same_month, None)
    now = q.monthly_scores(db, model.id, month, None)
    if before.is_empty() or now.is_empty():
        return {"same_month": fmt.month_label(same_month), "has_same_month": False}
    links = yq.links(db, model.id)
    single = links.filter(pl.col("unit").is_unique())
    paired = (now.join(single.select("unit", "prev_unit"), on="unit", how="inner")
              .join(before.select(pl.col("unit").alias("prev_unit"),
                                  pl.col("unit_type").alias("prev_type"),
                                  pl.col("ytd_points").alias("prev_ytd"),
                                  pl.col("ytd_rank").alias("prev_ytd_rank")),
                    on="prev_unit", how="inner")
              .filter(pl.col("prev_type") == pl.col("unit_type"))
              .with_columns(change=pl.col("prev_ytd_rank") - pl.col("ytd_rank")))
    now_sum, before_sum = float(now["ytd_points"].sum()), float(before["ytd_points"].sum())
    return {
        "same_month": fmt.month_label(same_month), "has_same_month": True,
        "month_label": fmt.month_label(month),
        "ytd_now": fmt.number(now_sum), "ytd_before": fmt.number(before_sum),
        "ytd_diff": fmt.number(abs(now_sum - before_sum)),
        "ytd_direction": "增加" if now_sum > before_sum else ("减少" if now_sum < before_sum
                                                            else "持平"),
        "paired": paired.height,
        "move_places": MOVE_PLACES,
        "risers": _movers(paired, "change", "ytd_rank", "prev_ytd_rank", up=True),
        "fallers": _movers(paired, "change", "ytd_rank", "prev_ytd_rank", up=False),
    }
