"""File uploaders in Chinese. Streamlit draws its uploader's button (「Upload」) and limit line
(「200MB per file • XLSX, CSV」) in English with no way to change them; a fixed style sheet
(no user text in it) hides those two texts and puts the Chinese ones, with our limits, in their
place through CSS `content`."""

from __future__ import annotations

import streamlit as st


def _css_text(text: str) -> str:
    # the texts are ours (constants and numbers), quoted for a CSS string all the same
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chinese_uploader(key: str, *, limit_mb: int, kinds: list[str], button: str = "选择文件",
                     **kwargs):
    """st.file_uploader with the button and the limit line in Chinese: 「选择文件」 and
    「每个文件不超过 N MB · 可用 .xlsx、.csv」. The other arguments go to st.file_uploader."""
    limit = f"每个文件不超过 {limit_mb} MB · 可用 " + "、".join(f".{k}" for k in kinds)
    scope = f".st-key-{key}"
    st.html(
        "<style>"
        f'{scope} [data-testid="stFileUploaderDropzone"] button p {{font-size: 0}}'
        f'{scope} [data-testid="stFileUploaderDropzone"] button p::after '
        f"{{content: {_css_text(button)}; font-size: 0.875rem}}"
        f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0}}'
        f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f"{{content: {_css_text(limit)}; font-size: 0.875rem}}"
        "</style>")
    return st.file_uploader(type=kinds, key=key, max_upload_size=limit_mb, **kwargs)
