"""How a notice names units and moves: a long list cut to its first few with 「等N个」, and the
number of places from which a move of rank is named (「较多」). Shared by the notice's facts
(pipelines/notice/facts.py) and the year-over-year paragraph (pipelines/years/notice_facts.py),
which the notice's facts import: kept here so neither imports the other back."""

from __future__ import annotations

MOVE_PLACES = 3      # a move of rank is 「较多」 from 3 places (the 预警's rank-fall line too)
MAX_NAMED = 5        # a list longer than this names its first three and says 「等N个」
NAMED_WHEN_LONG = 3


def named(items: list, total: int | None = None) -> dict:
    """A list as a notice names it: every item when there are few (MAX_NAMED or fewer), else the
    first three and the count for 「等N个」: {"shown": [...], "more": N}, `more` 0 when every
    item is named."""
    total = len(items) if total is None else total
    # the key is "shown", not "items": a template's `x.items` would be the dict's method
    if total <= MAX_NAMED:
        return {"shown": items, "more": 0}
    return {"shown": items[:NAMED_WHEN_LONG], "more": total}
