"""Monitoring rules: publications (to be written)."""
