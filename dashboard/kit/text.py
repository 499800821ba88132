"""User text on a page: shown as typed, never rendered as Markdown or HTML.

Scheme names, interpretations, texts from scheme files and unit names come from files anyone can
write. Streamlit renders Markdown (and its own directives: :orange[...], :material/...:, $LaTeX$)
in st.markdown, captions, headers, metric labels and messages: a scheme name holding
`![x](http://…)` would make every viewer's browser fetch that image. Such text goes through `md`
first (or into st.text, st.code and tables, which never render it).
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$:~=^&])")


def md(value: object) -> str:
    """User text for an element that renders Markdown: every Markdown and directive character
    backslash-escaped, so it shows as typed, never as a link, an image, a colour or a formula."""
    text = "" if value is None else str(value)
    return _MARKDOWN.sub(r"\\\1", text).replace("\n", "  \n")


# 「中文 / English」, or 「中文 english words: value」 as pipelines word their refusals for the CLI
_SPLIT = re.compile(r"\s+/\s+(?=[A-Za-z])")
_TRAILING_ENGLISH = re.compile(
    r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+[A-Za-z][A-Za-z ,']*(?=[:：]|$)")


def chinese(message: str) -> str:
    """The Chinese of a bilingual message from `pipelines` (whose CLI reports say both): a page
    shows one language. 「账户名不对 / wrong name」 → 「账户名不对」; 「没有这个账户 no such
    account: 张三」 → 「没有这个账户: 张三」. Anything else is returned as it is."""
    text = _SPLIT.split(str(message), maxsplit=1)[0]
    return _TRAILING_ENGLISH.sub("", text, count=1)
