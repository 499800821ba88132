"""Chart images: Altair charts (or Vega-Lite dicts) to PNG, SVG and PDF with vl-convert, and the
CJK font they need.

Chinese text in rendered images needs a CJK font that vl-convert can see. The Debian package
`fonts-noto-cjk` (installed by `.ci/run`) is found and registered once per process; a directory of
font files can also be named by the environment variable `EGOV_FONT_DIR`. Without one, exports still
work but Chinese shows as boxes: `cjk_font_available()` says which case applies.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

# Always with a fallback: a named font that is missing, with none, can blank all text.
CJK_FONT = "Noto Sans CJK SC, sans-serif"

FONT_DIR_ENV = "EGOV_FONT_DIR"
_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian/Ubuntu fonts-noto-cjk
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),  # Fedora/Arch
    Path("/usr/share/fonts/google-noto-cjk"),
)
_FONT_ROOTS = (Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts/truetype"))
_CJK_FONT_GLOBS = ("NotoSansCJK*", "NotoSerifCJK*", "NotoSansSC*", "SourceHanSans*")

_font_lock = threading.Lock()
_font_state: dict[str, Path | None] = {}

ChartLike = alt.TopLevelMixin | dict[str, Any]


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------


def _has_cjk_font(folder: Path) -> bool:
    return folder.is_dir() and any(any(folder.glob(g)) for g in _CJK_FONT_GLOBS)


def _find_cjk_font_dir() -> Path | None:
    """The first directory holding a CJK font: $EGOV_FONT_DIR, the usual package paths, a scan."""
    env = os.environ.get(FONT_DIR_ENV)
    candidates = [Path(env)] if env else []
    candidates += _FONT_DIRS
    for folder in candidates:
        if _has_cjk_font(folder):
            return folder
    for root in _FONT_ROOTS:
        if root.is_dir():
            for pattern in _CJK_FONT_GLOBS:
                for hit in sorted(root.rglob(pattern)):
                    return hit.parent
    return None


def _ensure_fonts() -> Path | None:
    """Register the CJK font directory with vl-convert once per process (it is process-global and
    re-registering rescans the files); returns the directory, or None when there is none."""
    with _font_lock:
        if "dir" not in _font_state:
            folder = _find_cjk_font_dir()
            if folder is not None:
                try:
                    vlc.register_font_directory(str(folder.resolve()))
                except Exception:  # an unreadable font directory must not break exports
                    folder = None
            _font_state["dir"] = folder
        return _font_state["dir"]


def cjk_font_available() -> bool:
    """True when a CJK font was found and registered, so Chinese renders in PNG/PDF exports."""
    return _ensure_fonts() is not None


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def _chart_spec(chart: ChartLike) -> dict[str, Any]:
    """The Vega-Lite dict of a chart, with the CJK font as the default when none is configured.

    Works on a copy: the caller's chart object keeps its own config."""
    spec = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict()
    config = spec.setdefault("config", {})
    if not config.get("font"):
        config["font"] = CJK_FONT
    return spec


def _vl_version(spec: dict[str, Any]) -> str | None:
    """The Vega-Lite version named by the spec's $schema when vl-convert bundles it, so a chart
    is rendered by the version Altair wrote it for; None lets vl-convert use its newest."""
    match = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if match:
        version = f"{match[1]}.{match[2]}"
        if version in vlc.get_vegalite_versions():
            return version
    return None


def chart_png(chart: ChartLike, scale: float = 2) -> bytes:
    """PNG bytes of an Altair chart (or a Vega-Lite dict); `scale` 2 is sharp enough for slides."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return _spec_png(json.dumps(spec, sort_keys=True, ensure_ascii=False), scale)


def png_job(chart: ChartLike, scale: float = 2) -> tuple[str, str | None, float, str | None]:
    """What a chart worker needs to draw the chart as PNG (dashboard/chart_render.png): the spec
    as JSON, its Vega-Lite version, the scale and the CJK font directory."""
    folder = _ensure_fonts()
    spec = _chart_spec(chart)
    return (json.dumps(spec, sort_keys=True, ensure_ascii=False), _vl_version(spec), scale,
            str(folder.resolve()) if folder is not None else None)


@functools.lru_cache(maxsize=64)
def _spec_png(spec_json: str, scale: float) -> bytes:
    """A spec rendered to PNG, remembered: the briefing pack of another period or type draws the
    same target charts again, and vl-convert takes 0.1–0.5 s a chart."""
    spec = json.loads(spec_json)
    return vlc.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale)


def chart_svg(chart: ChartLike) -> bytes:
    """SVG bytes (UTF-8). Text stays text, so the viewer needs a CJK font to show Chinese."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return _spec_svg(json.dumps(spec, sort_keys=True, ensure_ascii=False)).encode("utf-8")


@functools.lru_cache(maxsize=128)
def _spec_svg(spec_json: str) -> str:
    """A spec rendered to SVG, remembered: the briefing pack of another period or type redraws
    the same target charts, and vl-convert takes 0.3–1 s a chart."""
    spec = json.loads(spec_json)
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec))


def chart_pdf(chart: ChartLike) -> bytes:
    """A one-page vector PDF of the chart, with the fonts it uses embedded."""
    _ensure_fonts()
    spec = _chart_spec(chart)
    return vlc.vegalite_to_pdf(spec, vl_version=_vl_version(spec))
