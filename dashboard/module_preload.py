"""The page the server sends names, as `<link rel="modulepreload">`, the chart code the first
page loads two imports deep (issue 19 pages point 7), so the browser fetches and compiles it while
it waits for the server's first run rather than after.

Streamlit's frontend loads an element's code only when the first such element arrives from the
server, and a Vega chart's code in two steps: the chart element's chunk, which then imports
vega-embed (0.78 MB, with 13 small chunks of its own). On a fresh server the overview's charts
were drawn last, after that second round trip and its compile. Named in the page's head, vega-embed
is loaded meanwhile. Naming all 73 chunks of the first page's elements (2.7 MB) made the page
later instead (the browser's own first load grew and its connection opened later), and the
chart's chunk alone arrives early enough: BENCHMARKS.md has the measurements.

Which files: the chunks of `ELEMENTS` in the installed Streamlit's build, with the chunks they
import statically (read from their `import ... from "./x.js"` statements), less those the page's
own entry script already imports. A Streamlit whose build names none of them gets no links (the
page is as Streamlit sends it); tests/dashboard/test_module_preload.py fails then, so the list
is looked at again on an upgrade.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# File-name stems in Streamlit's build (`embed.CX5AQgxi.js`): `embed` is vega-embed, which the
# chart element's code imports only when it draws.
ELEMENTS = ("embed",)
_STATIC_IMPORT = re.compile(rb'(?:\bfrom|\bimport)\s*"\./([^"]+\.js)"')
_ENTRY = re.compile(r'<script[^>]*type="module"[^>]*src="\./static/js/([^"]+\.js)"')


def _static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def _imports(js: Path, name: str) -> set[str]:
    """`name` and every chunk it imports statically, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or not (js / current).is_file():
            continue
        seen.add(current)
        todo += [m.decode() for m in _STATIC_IMPORT.findall((js / current).read_bytes())]
    return seen


def chunks(static: Path | None = None) -> list[str]:
    """The chunk file names to preload, from the build in `static` (default: the installed
    Streamlit's): those of `ELEMENTS` and their static imports, less the entry script's."""
    static = static or _static_dir()
    js = static / "static" / "js"
    entry = _ENTRY.search((static / "index.html").read_text(encoding="utf-8"))
    if not js.is_dir() or entry is None:
        return []
    loaded = _imports(js, entry.group(1))
    wanted: set[str] = set()
    for stem in ELEMENTS:
        for file in js.glob(f"{stem}.*.js"):
            if file.name.split(".", 1)[0] == stem:
                wanted |= _imports(js, file.name)
    return sorted(wanted - loaded)


@functools.cache
def links() -> bytes:
    """The `<link rel="modulepreload">` tags, relative as Streamlit's own (so a base URL path
    works), computed once per process."""
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}" />'
                   for name in chunks()).encode()


class ModulePreload:
    """ASGI middleware: an HTML page the server answers (index.html, which Streamlit sends for
    every page's link) gets `links()` before its `</head>`; every other answer passes as is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        parts: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if not MutableHeaders(scope=message).get("content-type", "").startswith(
                        "text/html"):
                    await send(message)  # not a page: passed on as it comes
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(parts)
            if b"</head>" in body:
                body = body.replace(b"</head>", links() + b"</head>", 1)
            headers = MutableHeaders(scope=start)
            if "content-length" in headers:
                headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, sending)
