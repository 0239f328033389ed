"""The administrator's pages under ``/staff/admin``: an overview linking every area; the areas live in
:mod:`yangguang.web.admin` (users, departments and windows, catalogue, calendar, rules and channels)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from yangguang.approval.models import Item
from yangguang.core.org import Person, Unit, Window
from yangguang.supervision.registry import all_rules
from yangguang.web.admin import calendar_views, catalogue_views, org_views, settings_views, users_views
from yangguang.web.admin.common import ADMIN_ONLY
from yangguang.web.deps import Db
from yangguang.web.templating import render

router = APIRouter()
overview = APIRouter(prefix="/staff/admin", include_in_schema=False, dependencies=ADMIN_ONLY)


@overview.get("")
def index(request: Request, session: Db) -> Response:
    def count(query) -> int:
        return session.scalar(query) or 0

    counts = {"users": count(select(func.count()).select_from(Person)),
              "active_users": count(select(func.count()).select_from(Person).where(Person.active)),
              "units": count(select(func.count()).select_from(Unit)),
              "windows": count(select(func.count()).select_from(Window)),
              "items": count(select(func.count()).select_from(Item)), "rules": len(all_rules())}
    return render(request, "admin/index.html", {"counts": counts})


router.include_router(overview)
for area in (users_views, org_views, catalogue_views, calendar_views, settings_views):
    router.include_router(area.router)
