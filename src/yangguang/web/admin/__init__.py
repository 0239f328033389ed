"""The administrator's workspace: one API module and one pages module per area (users, organisation,
catalogue, calendar, rule and channel settings), gathered by ``web.admin_api`` and ``web.admin_views``."""
