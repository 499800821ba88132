"""One language per label (issue 19, pages point 5): what a page says in its own voice (titles,
captions, widget labels, table headers) is Chinese; English only in tooltips (help=).

Not English: abbreviations in capitals (PDF, XLSX, GB/T), the product name Word, code in
backticks (`egov ingest`), file names and extensions (docs/schemes.md, .zip) and file keys
(lead_office), which are spelled as the files spell them.
"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

_CODE = re.compile(r"`[^`]*`|\.[a-z]{2,4}\b|:[a-z]+(-badge)?\[|:material/[a-z_]+:|\\")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_./\-]*")
_ALLOWED = {"Word"}
_LABELLED = ("metric", "button", "download_button", "text_input", "selectbox", "multiselect",
             "radio", "expander", "tab", "checkbox", "toggle", "number_input", "date_input",
             "slider", "select_slider", "text_area", "file_uploader", "page_link", "color_picker")


def english_words(text: str) -> list[str]:
    """The English words in `text`, after what is not English is set aside (see above)."""
    words = []
    for token in _TOKEN.findall(_CODE.sub(" ", text)):
        if any(c in token for c in "_./") or any(c.isdigit() for c in token):
            continue
        if token.isupper() or token in _ALLOWED or len(token) < 2:
            continue
        words.append(token)
    return words


def labels(at: AppTest):
    """(kind, text) of every title, caption, widget label and table header on the page,
    sidebar included."""
    for kind in ("title", "header", "subheader", "caption"):
        for element in at.get(kind):
            yield kind, element.value
    for kind in _LABELLED:
        for element in at.get(kind):
            label = getattr(element, "label", None)
            if label is None:
                label = getattr(getattr(element, "proto", None), "label", None)
            if isinstance(label, str):
                yield kind, label
    for frame in at.dataframe:
        for column in frame.value.columns:
            yield "column", str(column)


def assert_one_language(at: AppTest) -> None:
    """Every label on the page is Chinese alone."""
    mixed = [(kind, text) for kind, text in labels(at) if english_words(text)]
    assert not mixed, mixed
