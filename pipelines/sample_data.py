"""Seeded sample input workbooks (示例数据) for every built-in scheme.

`write_sample_data(out_dir, seed)` writes, for each scheme file in `schemes/` that has sample units
below, the import workbooks a user would send (docs/contract.md, "Import templates"):

    out_dir/<scheme-id>/units.xlsx        单位名录 (plus a 说明 sheet saying this is sample data)
    out_dir/<scheme-id>/yearend.xlsx      年终评分, one row per unit and indicator
    out_dir/<scheme-id>/adjustments.xlsx  加减分 (schemes with bonus or penalty clauses)
    out_dir/<scheme-id>/content.xlsx      内容保障月报 (schemes with monthly content: Jintan)
    out_dir/<scheme-id>/metrics.xlsx      目标数据 (schemes with targets: Jintan)

The files go through the real readers and validation, so every value is valid for the scheme: the
column each rule reads, scores within the max points, adoption within the count, places within the
peers, choices among the options, exemptions only where the rubric allows them.

Every unit has a latent quality in (0, 1), spread evenly over the scheme's units and shuffled by
the seed, that drives all of its figures: strong units publish more, score higher and collect the
bonuses, so rankings mean something and grades spread over every band. Each (scheme, file) pair
draws from its own `random.Random`, seeded from the seed, the scheme id and the file kind, so the
same seed gives byte-identical workbooks and one scheme's sample does not shift another's.

Unit names look like the real ones (no "(示例)" in them); the build flags them as sample data from
`SAMPLE_UNITS`, and the workbooks say 示例数据 in their sheet names and document properties.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipelines.cycle.sample import add_cycle_sample
from pipelines.inputs.kinds import KINDS
from pipelines.sample.adjustments import adjustments_sheet
from pipelines.sample.content import content_sheet
from pipelines.sample.draw import stream
from pipelines.sample.metrics import metrics_sheet
from pipelines.sample.units import SAMPLE_UNITS, SampleUnit, sample_units, units_sheet
from pipelines.sample.yearend import yearend_sheet
from pipelines.sample_workbook import SAMPLE_LABEL, write_workbook
from pipelines.schemes.checks import BUILTIN_SCHEMES_DIR, load_scheme_dir
from pipelines.schemes.model import Scheme
from pipelines.years.sample import (
    BASE_SCHEME_ID,
    RENAMED,
    SAMPLE_SCHEME_ID,
    SCHEME_FILE,
    sample_next_scheme,
)

SCHEMES_DIR = BUILTIN_SCHEMES_DIR


# Output file name of each template kind, inside out_dir/<scheme-id>/.
FILE_NAMES: dict[str, str] = {
    "units": "units.xlsx",
    "content": "content.xlsx",
    "yearend": "yearend.xlsx",
    "adjustments": "adjustments.xlsx",
    "metrics": "metrics.xlsx",
    "rectification": "rectification.xlsx",  # 整改台账 (pipelines/cycle/sample.py)
}


def load_sample_schemes(schemes_dir: Path = SCHEMES_DIR) -> list[Scheme]:
    """Every scheme file in the folder that has sample units, in file-name order."""
    return [s for s in load_scheme_dir(schemes_dir) if s.id in SAMPLE_UNITS]


def write_sample_data(
    out_dir: Path,
    seed: int = 2013,
    *,
    schemes_dir: Path = SCHEMES_DIR,
    schemes: Sequence[Scheme] | None = None,
) -> list[Path]:
    """Write the sample workbooks of every scheme present into out_dir/<scheme-id>/.

    The schemes are the files in schemes_dir, or `schemes` when given (already loaded); one
    without an entry in SAMPLE_UNITS is skipped. Everything is written into a temporary folder
    inside out_dir first; only when all files are complete does each out_dir/<scheme-id>/ folder
    get swapped in (an older one is removed), so a crash never leaves a half-written sample.
    Nothing outside out_dir is touched. Returns the written paths.
    """
    out_dir = Path(out_dir)
    if schemes is None:
        schemes = load_sample_schemes(schemes_dir)
    schemes = [s for s in schemes if s.id in SAMPLE_UNITS]
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-data-", dir=out_dir))
    try:
        written: list[Path] = []
        for scheme in schemes:
            names = write_scheme_sample(scheme, staging / scheme.id, seed)
            written += [out_dir / scheme.id / name for name in names]
        for scheme in schemes:
            _swap_in(staging / scheme.id, out_dir / scheme.id, staging / f"{scheme.id}.old")
        write_years_sample(out_dir, seed, list(schemes))  # issue 17: Jintan 2014 (示例方案)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_scheme_sample(scheme: Scheme, folder: Path, seed: int) -> list[str]:
    """Write one scheme's workbooks into folder; return their file names."""
    folder.mkdir(parents=True)
    units = sample_units(scheme, seed)
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {
        "units": units_sheet(scheme, units),
        "yearend": yearend_sheet(scheme, units, stream(seed, scheme.id, "yearend")),
    }
    if scheme.content is not None:
        sheets["content"] = content_sheet(scheme, units, stream(seed, scheme.id, "content"))
    if scheme.adjustments is not None:
        sheets["adjustments"] = adjustments_sheet(
            scheme, units, stream(seed, scheme.id, "adjustments")
        )
    if scheme.targets:
        sheets["metrics"] = metrics_sheet(scheme, stream(seed, scheme.id, "metrics"))
    names = add_cycle_sample(scheme, units, sheets, folder, seed)  # 自评, 整改台账 (cycle)
    for kind in KINDS:  # a fixed order: units, content, yearend, adjustments, metrics
        if kind in sheets:
            header, rows = sheets[kind]
            extra = {"说明": explanation_rows(scheme, seed)} if kind == "units" else {}
            write_workbook(folder / FILE_NAMES[kind], scheme, KINDS[kind], header, rows, extra)
            names.append(FILE_NAMES[kind])
    return names


def _swap_in(new: Path, target: Path, old: Path) -> None:
    """Replace the folder target with new; the previous target goes to old (then deleted)."""
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists() and not target.exists():
            old.rename(target)  # put the previous sample back
        raise


def explanation_rows(scheme: Scheme, seed: int) -> list[list[object]]:
    """The 说明 sheet of units.xlsx: what these workbooks are."""
    return [
        [f"{SAMPLE_LABEL}:{scheme.name}({scheme.id})"],
        [f"本目录中的各工作簿(单位名录、年终评分、加减分等)均为程序按随机种子 {seed} "
         f"生成的{SAMPLE_LABEL},用于演示导入、计分和看板,不是真实考核结果。"],
        ["单位名称仿照真实单位拟定,各项数值均为虚构,请勿引用。"],
        ["导入格式与正式导入模板相同,可作为填报示例。"],
    ]


def next_year_units(units: list, seed: int) -> list:
    """The 2013 sample units a year on: renamed per RENAMED; each quality moved by a seeded
    step of up to ±0.2 and spread evenly again, so some units rise, some fall and some trade
    places."""
    rng = random.Random(f"{seed}:{SAMPLE_SCHEME_ID}:units")
    moved = sorted(units, key=lambda u: u.quality + rng.uniform(-0.2, 0.2))
    n = len(moved)
    quality = {u.name: round((i + 0.5) / n, 4) for i, u in enumerate(moved)}
    return [SampleUnit(RENAMED.get(u.name, u.name), u.unit_type, u.aliases, quality[u.name])
            for u in units]


def write_years_sample(out_dir: Path, seed: int, schemes: list[Scheme]) -> list[Path]:
    """Write the 示例方案 file and its workbooks into out_dir/jintan-2014/ (when jintan-2013 is
    among `schemes`), swapped in whole; return the written paths."""
    base = next((s for s in schemes if s.id == BASE_SCHEME_ID), None)
    if base is None:
        return []
    scheme = sample_next_scheme(base)
    units = next_year_units(sample_units(base, seed), seed)
    target = out_dir / SAMPLE_SCHEME_ID
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-years-", dir=target.parent))
    try:
        folder = staging / SAMPLE_SCHEME_ID
        folder.mkdir()
        from pipelines.schemes.admin import scheme_yaml

        (folder / SCHEME_FILE).write_text(scheme_yaml(scheme), encoding="utf-8")
        header, rows = units_sheet(scheme, units)
        previous = {new: old for old, new in RENAMED.items()}
        header = [*header, "上年名称"]
        rows = [[*row, previous.get(row[1])] for row in rows]
        sheets = {
            "units": (header, rows),
            "yearend": yearend_sheet(scheme, units, stream(seed, scheme.id, "yearend")),
            "content": content_sheet(scheme, units, stream(seed, scheme.id, "content")),
            "adjustments": adjustments_sheet(scheme, units,
                                                stream(seed, scheme.id, "adjustments")),
            "metrics": metrics_sheet(scheme, stream(seed, scheme.id, "metrics")),
        }
        names = [SCHEME_FILE]
        for kind, (head, body) in sheets.items():
            extra = {"说明": explanation_rows(scheme, seed)} if kind == "units" else {}
            write_workbook(folder / FILE_NAMES[kind], scheme, KINDS[kind], head,
                              body, extra)
            names.append(FILE_NAMES[kind])
        _swap_in(folder, target, staging / "old")
        return [target / name for name in names]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
