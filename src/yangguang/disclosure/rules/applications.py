"""Monitoring rules: applications (to be written)."""
