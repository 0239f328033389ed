"""Monitoring rules: annual_report (to be written)."""
