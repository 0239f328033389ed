"""The administrator's REST API (tag ``admin``, ``/api/v1/admin/...``): users, roles, units, windows, the
item catalogue, the calendar, monitoring rules and notification channels. Every route is for
administrators only; the areas live in :mod:`yangguang.web.admin`."""

from __future__ import annotations

from fastapi import APIRouter

from yangguang.web.admin import calendar_api, catalogue_api, org_api, settings_api, users_api

router = APIRouter()
for area in (users_api, org_api, catalogue_api, calendar_api, settings_api):
    router.include_router(area.router)
