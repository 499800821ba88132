"""`printable`: what reaches a terminal has every control, format and line-separator character
escaped; a line with none of them (a table of Chinese names) comes back as it is, whole."""

from __future__ import annotations

import unicodedata

from pipelines.inputs.problems import _HIDDEN_CATEGORIES, printable


def test_every_hidden_character_is_escaped_in_chinese_text_too():
    # the whole Basic Multilingual Plane, and beyond it a tag character and private-use ones
    hidden = [chr(c) for c in (*range(0x10000), 0xE0001, 0xF0000, 0x10FFFD)
              if unicodedata.category(chr(c)) in _HIDDEN_CATEGORIES]
    assert len(hidden) > 8000
    for ch in hidden:
        out = printable(f"东城街道{ch}区镇")
        assert ch not in out and out.startswith("东城街道\\") and out.endswith("区镇"), hex(ord(ch))


def test_a_line_without_them_is_returned_as_it_is():
    line = "│ jintan-2013 ┆ 东城街道       ┆ 区镇  ┆ 100.74 ┆ 优秀 │"
    assert printable(line) is line
    assert printable("a\u3000b") == "a\u3000b"  # an ideographic space is shown, not escaped
