"""HTTP routes served beside Streamlit's (through `st.App`, see dashboard/asgi.py) that set and
clear the lasting sign-in cookie.

Streamlit's script talks to the browser over a websocket, which cannot set a cookie, and a
cookie readable by page scripts could be stolen by one. So the sign-in form, once the password
is right, opens a server-side session (`pipelines.access.sessions`), takes a one-time code for
it and sends the browser to `/egov/session?code=…&next=…`. That ordinary HTTP response sets the
signed session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS, for the session's lifetime)
and redirects to `next`, the page and query string the visitor was on, so a deep link opens the
page it named. `/egov/signout` clears the cookie after the script has ended the session on the
server.

The one-time code only works in the browser that signed in: `BrowserCookie`, a middleware,
gives every browser a random `egov_browser` cookie (HttpOnly) on its first request, and the code
is bound to it, so a code someone sends in a link cannot put another browser into their session.

`MOUNTED` tells the dashboard whether these routes are being served (they are not under
Streamlit's AppTest, or when someone runs `streamlit run dashboard/app.py` directly); without
them a sign-in lasts for the browser tab only.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from pipelines.access.sessions import COOKIE, HANDOFFS, LIFETIME

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

MOUNTED = False
SESSION_PATH = "egov/session"
SIGNOUT_PATH = "egov/signout"
SSO_PATH = "egov/sso"
NEXT_PATH = "egov/next"
NEXT_COOKIE = "egov_next"
NEXT_SECONDS = 600
BROWSER_COOKIE = "egov_browser"


def base_path() -> str:
    """Streamlit's server.baseUrlPath as '/prefix' (or '' at the root)."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def route_url(path: str, **query: str) -> str:
    """The URL of one of these routes, with a query string."""
    from urllib.parse import urlencode

    return f"{base_path()}/{path}" + (f"?{urlencode(query)}" if query else "")


def safe_next(value: str | None) -> str:
    """Where to go after setting or clearing the cookie: a path on this site only (an open
    redirect to another site would let a link send a visitor anywhere after signing in)."""
    home = base_path() + "/"
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return home
    return urlunsplit(("", "", parts.path, parts.query, "")) or home


async def _session(request: Request) -> Response:
    from starlette.responses import RedirectResponse

    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    token = HANDOFFS.redeem(request.query_params.get("code"),
                            request.cookies.get(BROWSER_COOKIE))
    if token is not None:
        response.set_cookie(COOKIE, token, max_age=int(LIFETIME), path=base_path() or "/",
                            httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
    response.headers["Cache-Control"] = "no-store"
    return response


async def _signout(request: Request) -> Response:
    from starlette.responses import RedirectResponse

    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(COOKIE, path=base_path() or "/", httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


async def _sso(request: Request) -> Response:
    from starlette.responses import RedirectResponse
    from streamlit.user_info import generate_login_redirect_url

    response = RedirectResponse(generate_login_redirect_url("default"), status_code=303)
    response.set_cookie(NEXT_COOKIE, safe_next(request.query_params.get("next")),
                        max_age=NEXT_SECONDS, path=base_path() or "/", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    response.headers["Cache-Control"] = "no-store"
    return response


async def _next(request: Request) -> Response:
    from starlette.responses import RedirectResponse

    response = RedirectResponse(safe_next(request.cookies.get(NEXT_COOKIE)), status_code=303)
    response.delete_cookie(NEXT_COOKIE, path=base_path() or "/", httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[Route]:
    """The routes to hand to `st.App`."""
    from starlette.routing import Route

    return [Route(route_url(path), answer, methods=["GET"]) for path, answer in (
        (SESSION_PATH, _session), (SIGNOUT_PATH, _signout), (SSO_PATH, _sso),
        (NEXT_PATH, _next))]


class BrowserCookie:
    """ASGI middleware: a browser without an `egov_browser` cookie gets one (random, HttpOnly,
    SameSite=Lax, for the browser's life) with whatever it asked for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.datastructures import MutableHeaders
        from starlette.requests import HTTPConnection

        if scope["type"] != "http" or HTTPConnection(scope).cookies.get(BROWSER_COOKIE):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(24)
        secure = "; Secure" if scope.get("scheme") == "https" else ""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{BROWSER_COOKIE}={value}; Path={base_path() or '/'}; "
                                  f"HttpOnly; SameSite=Lax{secure}")
            await send(message)

        await self.app(scope, receive, sending)


def middleware() -> list:
    """The middleware to hand to `st.App`."""
    from starlette.middleware import Middleware

    return [Middleware(BrowserCookie)]
