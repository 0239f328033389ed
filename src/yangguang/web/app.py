"""The FastAPI application: middleware, static files, error handlers and every module's routers."""

from __future__ import annotations

import importlib
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from yangguang import __version__
from yangguang.core import db
from yangguang.core.auth import session_secret
from yangguang.core.settings import config_section, get_settings
from yangguang.registry import load_all
from yangguang.web import errors

# Each module contributes ``router`` (pages and/or ``/api/v1`` routes), in this order.
ROUTERS = (
    "yangguang.web.account",
    "yangguang.approval.public",
    "yangguang.approval.public_api",
    "yangguang.supervision.public",
    "yangguang.approval.api",
    "yangguang.approval.views",
    "yangguang.supervision.api",
    "yangguang.supervision.views",
    "yangguang.disclosure.public_apply",
    "yangguang.disclosure.application_api",
    "yangguang.disclosure.application_views",
    "yangguang.disclosure.public_catalogue",
    "yangguang.disclosure.publication_api",
    "yangguang.disclosure.report_api",
    "yangguang.disclosure.publication_views",
    "yangguang.disclosure.report_views",
    "yangguang.web.inbox",
    "yangguang.web.admin_api",
    "yangguang.web.admin_views",
)

API_DESCRIPTION = """阳光 Yangguang REST API.

Authenticate with `Authorization: Bearer <token>` (a token from `POST /api/v1/auth/token` or issued by an
administrator). Lists take `page` and `per_page` and answer `{"items", "total", "page", "per_page"}`.
Every error answers `{"field": ..., "reason": ...}` with a 4xx status.
"""


def create_app() -> FastAPI:
    load_all()
    with db.transaction() as session:
        secret = session_secret(session)
    app = FastAPI(title="阳光 Yangguang", version=__version__, description=API_DESCRIPTION,
                  docs_url="/api/docs", redoc_url=None)
    hours = config_section("auth")["session_hours"]
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="yangguang_session",
                       max_age=hours * 3600, same_site="lax", https_only=get_settings().cookie_secure)
    app.mount("/static", StaticFiles(directory=str(resources.files("yangguang.web") / "static")), name="static")
    errors.install(app)
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    return app
