"""The page the server sends names the charts' lazily loaded vega-embed
(dashboard/module_preload.py, issue 19 pages point 7): which files, and the middleware that adds
them. The browser's use of them is checked in tests/dashboard/test_browser.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dashboard import module_preload
from dashboard.module_preload import ModulePreload

PAGE = '<html><head><title>t</title><script type="module" crossorigin ' \
       'src="./static/js/index.E1.js"></script></head><body></body></html>'


def _build(tmp_path: Path, files: dict[str, str]) -> Path:
    static = tmp_path / "static"
    (static / "static" / "js").mkdir(parents=True)
    (static / "index.html").write_text(PAGE, encoding="utf-8")
    for name, text in files.items():
        (static / "static" / "js" / name).write_text(text, encoding="utf-8")
    return static


def test_the_chunks_are_the_elements_and_what_they_import_less_the_entry_s(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(module_preload, "ELEMENTS", ("Metric", "embed"))
    static = _build(tmp_path, {
        "index.E1.js": 'import{a}from"./shared.S1.js";import"./style.S2.js";',
        "shared.S1.js": "export const a=1;",
        "style.S2.js": "",
        # an element's chunk: imports one chunk the entry has, one it has not (which imports
        # another); a dynamic import is not followed (loaded only if the element asks)
        "Metric.M1.js": 'import{a}from"./shared.S1.js";import{f}from"./format.F1.js";'
                        'const later=()=>import("./rare.R1.js");',
        "format.F1.js": 'import"./numbers.N1.js";',
        "numbers.N1.js": "",
        "rare.R1.js": "",
        "MetricExtra.X1.js": "",  # another element whose name starts alike: not Metric's
        "embed.V1.js": 'import{x}from "./vega.V2.js";',
        "vega.V2.js": "",
        "Unrelated.U1.js": 'import"./numbers.N1.js";',
    })
    assert module_preload.chunks(static) == ["Metric.M1.js", "embed.V1.js", "format.F1.js",
                                             "numbers.N1.js", "vega.V2.js"]


def test_a_build_without_the_page_s_entry_gives_no_links(tmp_path: Path):
    static = _build(tmp_path, {"Metric.M1.js": ""})
    (static / "index.html").write_text("<html><head></head></html>", encoding="utf-8")
    assert module_preload.chunks(static) == []


def test_the_installed_streamlit_has_every_chunk_named():
    """Fails after a Streamlit upgrade that renames a chunk: look at ELEMENTS again."""
    js = module_preload._static_dir() / "static" / "js"
    names = module_preload.chunks()
    for stem in module_preload.ELEMENTS:
        assert any(n.split(".", 1)[0] == stem for n in names), stem
    assert all((js / n).is_file() for n in names)
    index = (module_preload._static_dir() / "index.html").read_text(encoding="utf-8")
    assert not [n for n in names if n in index]  # none the page already loads
    assert module_preload.links().count(b'rel="modulepreload"') == len(names)


LINK = b'<link rel="modulepreload" crossorigin href="./static/js/a.js" />'


def _answer(monkeypatch: pytest.MonkeyPatch, bodies: list[bytes], content_type: str,
            method: str = "GET") -> tuple[dict, bytes]:
    """What ModulePreload sends for an app answering `bodies` (in parts) as `content_type`:
    (the response headers, the body)."""
    monkeypatch.setattr(module_preload, "links", lambda: LINK)

    async def app(scope, receive, send):
        size = str(sum(map(len, bodies))).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type.encode()),
                                (b"content-length", size)]})
        for i, body in enumerate(bodies):
            await send({"type": "http.response.body", "body": body,
                        "more_body": i < len(bodies) - 1})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    asyncio.run(ModulePreload(app)({"type": "http", "method": method, "path": "/",
                                    "headers": []}, receive, send))
    assert sent[0]["type"] == "http.response.start"
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_an_html_page_gets_the_links_before_its_head_ends(monkeypatch: pytest.MonkeyPatch):
    headers, body = _answer(monkeypatch, [PAGE.encode()], "text/html; charset=utf-8")
    assert body == PAGE.encode().replace(b"</head>", LINK + b"</head>")
    assert int(headers["content-length"]) == len(body)
    headers, body = _answer(monkeypatch, [b"<html><head>", b"</head><body>x</body></html>"],
                            "text/html")
    assert body == b"<html><head>" + LINK + b"</head><body>x</body></html>"
    assert int(headers["content-length"]) == len(body)


def test_other_answers_pass_as_they_come(monkeypatch: pytest.MonkeyPatch):
    assert _answer(monkeypatch, [b"</head> in a text"], "text/plain")[1] == b"</head> in a text"
    assert _answer(monkeypatch, [b"a", b"</head>"], "text/javascript")[1] == b"a</head>"
    assert _answer(monkeypatch, [PAGE.encode()], "text/html", method="POST")[1] == PAGE.encode()
