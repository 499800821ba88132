"""The notice's wording: Jinja2 text templates in notices/ rendered with the gathered facts.

Templates are plain text with a small line markup (see notices/yearend.j2): "# " title
(consecutive "# " lines are the lines of one title), "> " a paragraph without indent (the 主送
line), "## " first-level heading (一、), "### " second-level heading ((一)), anything else body
text; a blank line ends a paragraph and the lines of one paragraph are joined. A scheme can have
its own wording in notices/<scheme-id>/<kind>.j2; otherwise notices/<kind>.j2 serves every scheme
of that kind (yearend: every scheme; monthly: schemes with monthly scoring). The issuing office,
主送 and 落款 come from notices/settings.yaml.

Templates are data, never code: they are rendered in a sandbox, in a child process bounded in
time, memory and output (`pipelines/notice/sandbox.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.inputs import limits
from pipelines.notice.settings import SettingsRejected, load_settings

if TYPE_CHECKING:
    from pipelines.notice.sandbox import NoticeSandbox

# The sandbox (and jinja2 with it) is imported where templates are rendered: the Word writer and
# the 反馈单 import this module for its paragraph kinds and settings, and render no template.

NOTICES_DIR = Path(__file__).resolve().parents[2] / "notices"
TITLE, PLAIN, HEADING1, HEADING2, BODY = "title", "plain", "heading1", "heading2", "body"
_MARKS = [("### ", HEADING2), ("## ", HEADING1), ("# ", TITLE), ("> ", PLAIN)]


@dataclass(frozen=True)
class Block:
    """One paragraph of the notice: its kind (title, plain, heading1, heading2, body) and text."""

    kind: str
    text: str


def settings(scheme: str, directory: Path = NOTICES_DIR) -> dict[str, str]:
    """office, recipients and signature (and any further key of the file) for a scheme's
    notices: the scheme's own values over `default`, from the folder's settings.yaml, checked
    (pipelines/notice/settings.py). Raises TemplateProblem with the report of every problem."""
    try:
        return load_settings(directory).for_scheme(scheme)
    except SettingsRejected as err:
        raise TemplateProblem(err.report()) from None


def template_name(scheme: str, kind: str, directory: Path = NOTICES_DIR) -> str:
    """notices/<scheme>/<kind>.j2 when the scheme has its own wording, else notices/<kind>.j2."""
    own = f"{scheme}/{kind}.j2"
    return own if (directory / own).is_file() else f"{kind}.j2"


def environment(directory: Path = NOTICES_DIR) -> NoticeSandbox:
    """The sandboxed Jinja2 environment of the notice templates (plain text, not HTML: no
    escaping), for use in this process (the 预警 sentences of notices/warnings.j2)."""
    from pipelines.notice.sandbox import NoticeSandbox

    return NoticeSandbox(directory)


class TemplateProblem(ValueError):
    """A notice template that cannot be read or rendered (invalid input: the office's file)."""


def render_text(context: dict[str, Any], directory: Path = NOTICES_DIR) -> str:
    """The template of the context's scheme and kind, rendered in the sandbox (a child process
    bounded by the EGOV_MAX_NOTICE_SECONDS and EGOV_MAX_NOTICE_MB limits). Raises
    TemplateProblem naming the file and line of a template that is refused."""
    from pipelines.notice.sandbox import Refusal, render_isolated

    name = template_name(context["scheme"]["id"], context["kind"], directory)
    bounds = limits.current()
    try:
        return render_isolated(directory, name, context,
                               max_seconds=bounds.max_notice_seconds,
                               max_bytes=bounds.max_notice_mb * limits.MB)
    except Refusal as err:
        where = err.file or str(directory / name)
        if err.line is not None:
            where += f", 第{err.line}行 line {err.line}"
        raise TemplateProblem(f"通报模板有误 / notice template error: {where}: {err.zh} / "
                              f"{err.en}") from None


def parse(text: str) -> list[Block]:
    """The rendered text as paragraphs (see the module docstring for the markup)."""
    blocks: list[Block] = []
    kind, lines = BODY, []

    def flush() -> None:
        # a title keeps its lines (GB/T 9704: 标题回行时词意完整); other paragraphs are joined
        joined = ("\n" if kind == TITLE else "").join(line.strip() for line in lines).strip()
        if joined:
            blocks.append(Block(kind, joined))
        lines.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            kind = BODY
            continue
        mark = next(((m, k) for m, k in _MARKS if line.startswith(m)), None)
        if mark is not None:
            if not (mark[1] == TITLE and kind == TITLE):
                flush()
            kind = mark[1]
            line = line[len(mark[0]):]
        lines.append(line)
        if kind in (HEADING1, HEADING2):  # a heading is one line; the text goes on below it
            flush()
            kind = BODY
    flush()
    return blocks


def render(context: dict[str, Any], directory: Path = NOTICES_DIR) -> list[Block]:
    """The notice's paragraphs for the gathered facts plus the settings of its scheme."""
    full = {**settings(context["scheme"]["id"], directory), **context}
    return parse(render_text(full, directory))
