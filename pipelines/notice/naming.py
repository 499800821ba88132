"""How a notice names units and moves: a long list cut to its first few with 「等N个」, and the
number of places from which a move of rank is named (「较多」). Shared by the notice's facts
(pipelines/notice/facts.py) and the year-over-year paragraph (pipelines/years/notice_facts.py),
which the notice's facts import: kept here so neither imports the other back. The evaluation's
name a title gives (`evaluation`) is here too: the dashboard's briefing pack titles itself with it
without loading the notice's facts."""

from __future__ import annotations

import re

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


def evaluation(name: str, jurisdiction: str) -> str:
    """The evaluation's name as a notice's title says it, from the scheme's name: the
    jurisdiction, the year and 全市 in front and the document's kind at the end (办法, 细则,
    (试行), 指标体系…) taken off: 金坛市电子政务绩效考核办法(试行) → 电子政务绩效考核;
    2017年度全市政务公开政务服务工作考评细则 → 政务公开政务服务工作考评."""
    full = name.strip()
    short = full[len(jurisdiction):] if jurisdiction and full.startswith(jurisdiction) else full
    short = re.sub(r"^\d{4}年度?", "", short)
    short = re.sub(r"^(全市|全县|全区|全省)", "", short)
    short = re.sub(r"[(（]试行[)）]$", "", short)
    short = re.sub(r"(指标体系.*|考核指标.*|评分标准|实施细则|细则|实施办法|办法|实施方案|方案)$",
                   "", short)
    return short or full
