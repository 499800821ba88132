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
