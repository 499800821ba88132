"""The 通报 (official notice of results) as a Word draft, and the 预警 (early warnings).

- `facts`: what a notice says, gathered from warehouse queries;
- `render`: the wording, from the Jinja2 templates in notices/ (editable by the office);
- `docx_writer`: the GB/T 9704-2012 layout with python-docx;
- `warnings`: the early warnings shown on the overview page and in the notices.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

__all__ = ["NoticeError", "build_notice", "notice_file_name"]


def __getattr__(name: str):
    # NoticeError lives with the facts; importing the package (as `pipelines.notice.formats`
    # or the docx writer do, for the 反馈单 too) does not load them and all they read.
    if name == "NoticeError":
        from pipelines.notice.facts import NoticeError

        return NoticeError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_notice(db: Path, scheme: str, year: int, month: str | None = None, *,
                 day: date | None = None, templates: Path | None = None,
                 doc_number: str = "",
                 progress: Callable[[float, str], None] | None = None) -> bytes:
    """The 通报 draft (.docx bytes) for a scheme's year-end results, or for one month of a
    scheme with monthly scoring. `day` is the 成文日期 (today by default; also the file's
    dates); `doc_number` the 发文字号 (坛电政办〔2014〕1号; settings.yaml's `doc_number`, else
    none); `templates` a folder with the office's own settings.yaml and templates (default:
    notices/), whose `banner`, `copy_to` and `printer` give the 版头 and 版记. Raises
    NoticeError when the scheme has no such period. `progress(share, what)` is told each step
    as it starts (the dashboard draws it as a progress bar)."""
    from pipelines.notice import docx_writer, facts, render
    from warehouse.reader import held

    def step(share: float, what: str) -> None:
        if progress is not None:
            progress(share, what)

    directory = templates or render.NOTICES_DIR
    step(0.0, "读取考核结果")
    with held(db):  # some 30 reads: the file attached once for all of them
        context = facts.gather(db, scheme, year, month)
    step(0.5, "撰写正文")
    blocks = render.render(context, directory)
    settings = render.settings(scheme, directory)
    title = blocks[0].text.replace("\n", "") if blocks else ""
    head = docx_writer.Letterhead(
        signature=settings["signature"], day=day or date.today(), title=title,
        sample=context["sample"], doc_number=doc_number or settings.get("doc_number", ""),
        banner=settings.get("banner", ""), copy_to=settings.get("copy_to", ""),
        printer=settings.get("printer", ""), keywords=f"通报; {context['scheme']['evaluation']}")
    rows = sum(len(a.rows) for a in context["annexes"])
    step(0.6, f"排版正文和附件（{rows}行）")
    data = docx_writer.write_docx(blocks, context["annexes"], head,
                                  annex_title=context["annex_title"])
    step(1.0, "已生成")
    return data


def notice_file_name(evaluation: str, period_label: str, sample: bool) -> str:
    """A download name such as 金坛市电子政务绩效考核通报_2013年6月_示例数据.docx: `evaluation`
    is the jurisdiction and the evaluation's name from the scheme (金坛市电子政务绩效考核,
    岳阳市政务公开政务服务工作考评; pipelines.notice.naming.evaluation), as the 通报's title."""
    return (f"{evaluation}通报_{period_label}"
            + ("_示例数据" if sample else "") + ".docx")
