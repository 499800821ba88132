"""The cycle's part of the sample data (示例数据), called from `pipelines/sample_data.py`:

- self-assessments with differences: in the 年终评分 workbooks of jintan-2013 and yueyang-2017,
  about two units in three add 自评 rows (评分来源) for every indicator, most claiming a little
  more than the assessors verified, a few less;
- two assessing bodies behind schedule: in shengzhou-2020, 市委政法委 and 市委办(档案局) have not
  sent their rows for four units of each type they score (those rows are held back: those units
  score 0 on those indicators until they come, as the scheme's `missing_input: zero` says);
- a rectification ledger (整改台账) for yueyang-2017 with open, done and overdue items: the units'
  largest verified deductions, due dates counted from the day the sample is written (so the
  demo always has items both overdue and still open), statuses mixed.

Everything is drawn from the sample seed; the same seed on the same day writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from pipelines.cycle.inputs import RECTIFICATION_STATUSES
from pipelines.inputs.kinds import KINDS as TEMPLATES
from pipelines.sample_workbook import write_workbook
from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import iter_leaves

SELF_ASSESSED = ("jintan-2013", "yueyang-2017")
BEHIND = {"shengzhou-2020": ("市委政法委", "市委办(档案局)")}
BEHIND_UNITS = 4  # per unit type the body scores
LEDGER = "yueyang-2017"
LEDGER_UNITS = 5
LEDGER_FILE = "rectification.xlsx"  # FILE_NAMES["rectification"] of pipelines/sample_data.py
SELF_SHARE = 2 / 3


def _rng(seed: int, scheme_id: str, what: str) -> random.Random:
    return random.Random(f"{seed}:{scheme_id}:cycle:{what}")


def held_back(scheme: Scheme, units: list, seed: int) -> set[tuple[str, str]]:
    """(unit, indicator) pairs whose verified rows the behind bodies have not sent."""
    bodies = BEHIND.get(scheme.id)
    if not bodies:
        return set()
    rng = _rng(seed, scheme.id, "behind")
    out: set[tuple[str, str]] = set()
    for rubric in scheme.rubrics:
        codes = [leaf.indicator.code for leaf in iter_leaves(rubric)
                 if set(leaf.indicator.assessing_bodies) & set(bodies)]
        if not codes:
            continue
        names = sorted(u.name for u in units if u.unit_type in rubric.unit_types)
        for name in rng.sample(names, min(BEHIND_UNITS, len(names))):
            out |= {(name, code) for code in codes}
    return out


def add_cycle_sample(scheme: Scheme, units: list, sheets: dict, folder: Path, seed: int,
                     today: dt.date | None = None) -> list[str]:
    """Change the scheme's sample sheets in place as the module says (held-back rows, 自评
    rows) and write its ledger workbook; the names of the files written here."""
    yearend = sheets.get("yearend")
    if yearend is None:
        return []
    header, rows = yearend
    held = held_back(scheme, units, seed)
    if held:
        unit_at, code_at = header.index("单位"), header.index("指标")
        rows[:] = [r for r in rows if (r[unit_at], r[code_at]) not in held]
    if scheme.id in SELF_ASSESSED:
        _self_assessed(scheme, units, header, rows, seed)
    if scheme.id == LEDGER:
        return [_ledger(scheme, header, rows, folder, seed, today or dt.date.today())]
    return []


def _self_assessed(scheme: Scheme, units: list, header: list, rows: list, seed: int) -> None:
    """Append 自评 rows (and the 评分来源 column) to the 年终评分 sheet."""
    rng = _rng(seed, scheme.id, "self")
    names = sorted(u.name for u in units)
    chosen = set(rng.sample(names, round(len(names) * SELF_SHARE)))
    top = {leaf.indicator.code: float(leaf.indicator.max_points)
           for rubric in scheme.rubrics for leaf in iter_leaves(rubric)}
    header.append(TEMPLATES["yearend"].by_header()["basis"].zh)
    at = {name: header.index(name) for name in header}
    extra = []
    for row in rows:
        row.append(None)  # 核定 (blank)
        if row[at["单位"]] not in chosen:
            continue
        claim = list(row)
        claim[-1] = "自评"
        code = row[at["指标"]]
        honest = rng.random() < 0.15
        if "得分" in at and isinstance(row[at["得分"]], int | float):
            step = rng.choice((0, 0, 0.5, 1, 1, 2)) * (0.5 if honest else 1)
            value = row[at["得分"]] + (-step if honest else step)
            claim[at["得分"]] = round(min(max(value, 0.0), top[code]), 2)
        if "扣分" in at and isinstance(row[at["扣分"]], int | float):
            if honest:
                claim[at["扣分"]] = min(row[at["扣分"]] + 0.5, top[code])
            else:
                claim[at["扣分"]] = max(0.0, row[at["扣分"]] - rng.choice((0, 0.5, 1)))
        extra.append(claim)
    rows.extend(extra)


def _ledger(scheme: Scheme, header: list, rows: list, folder: Path, seed: int,
            today: dt.date) -> str:
    """The 整改台账: for LEDGER_UNITS units, their deducted indicators, statuses mixed."""
    rng = _rng(seed, scheme.id, "ledger")
    at = {name: header.index(name) for name in header}
    names = {leaf.indicator.code: leaf.display_name for r in scheme.rubrics
             for leaf in iter_leaves(r)}
    deducted: dict[str, list[tuple[float, str]]] = {}
    for row in rows:
        basis = row[at["评分来源"]] if "评分来源" in at else None
        value = row[at["扣分"]] if "扣分" in at else None
        if basis is None and isinstance(value, int | float) and value > 0:
            deducted.setdefault(row[at["单位"]], []).append((value, row[at["指标"]]))
    units = rng.sample(sorted(deducted), min(LEDGER_UNITS, len(deducted)))
    template = TEMPLATES["rectification"]
    ledger_header = [c.zh for c in template.columns]
    measures = ("召开专题会议研究部署", "完善制度并明确专人负责", "补充公开内容并建立台账",
                "组织专项培训", "整改到位并报送佐证材料")
    owners = ("张明", "李华", "王芳", "刘洋", "陈静", "杨帆")
    ledger_rows = []
    for unit in units:
        for value, code in sorted(deducted[unit], reverse=True)[:3]:
            status = rng.choice(RECTIFICATION_STATUSES)
            # Overdue needs an open item past its date; open ones get dates on both sides.
            days = rng.choice((-40, -10, 20, 45)) if status != "已整改" else rng.choice((-60, -20))
            due = today + dt.timedelta(days=days)
            ledger_rows.append([scheme.id, scheme.year, unit, code,
                                f"指标{code}「{names.get(code, code)}」扣{value:g}分",
                                rng.choice(measures), rng.choice(owners), due.isoformat(),
                                status, None])
    write_workbook(folder / LEDGER_FILE, scheme, template, ledger_header, ledger_rows, {})
    return LEDGER_FILE


DEADLINE_SCHEME = ("shengzhou-2020", 2020)
DEADLINE_IN_DAYS = 3
FEEDBACK_DAYS_AGO = 45
NO_LEDGER_UNITS = 3


def add_cycle_records(db: Path, seed: int = 2013, today: dt.date | None = None) -> None:
    """The sample's records after it is built: shengzhou's deadline in DEADLINE_IN_DAYS days
    (so its two bodies behind show in the 预警), and yueyang's feedback sheets issued
    FEEDBACK_DAYS_AGO days ago to the ledger's units and NO_LEDGER_UNITS units that have sent
    none (so the 整改 page warns of them)."""
    from pipelines.access.lock import writer_lock
    from pipelines.cycle import records
    from pipelines.cycle.deadlines import set_deadline
    from warehouse.cycle_queries import rectifications
    from warehouse.queries import units as scheme_units

    today = today or dt.date.today()
    scheme_id, year = DEADLINE_SCHEME
    set_deadline(db, scheme_id, year, today + dt.timedelta(days=DEADLINE_IN_DAYS))
    with_ledger = sorted(set(rectifications(db, LEDGER, 2017)["unit"].to_list()))
    others = sorted(set(scheme_units(db, LEDGER)["unit"].to_list()) - set(with_ledger))
    chosen = with_ledger + _rng(seed, LEDGER, "no-ledger").sample(others, NO_LEDGER_UNITS)
    issued = dt.datetime.combine(today - dt.timedelta(days=FEEDBACK_DAYS_AGO), dt.time(9))

    def write(con) -> None:
        records.insert(con, "feedback_issued", [
            {"scheme": LEDGER, "year": 2017, "unit": u, "issued_at": issued,
             "issued_by": "示例数据"} for u in chosen])

    with writer_lock(db):
        records.write_records(db, write)
