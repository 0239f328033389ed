"""Obligation kinds and monitoring rules of the disclosure module, one module per area.

Importing this package registers them all with the supervision engine (``yangguang.registry``)."""

from yangguang.disclosure.rules import annual_report, applications, publications

__all__ = ["annual_report", "applications", "publications"]
