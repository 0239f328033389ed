"""Shared platform: settings, database, calendar, clocks, obligations, events, audit, notifications."""
