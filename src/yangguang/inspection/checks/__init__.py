"""The checks of the website inspection, one module per family; each returns :class:`Finding` objects naming
the checklist item (:mod:`yangguang.inspection.checklist`) they feed."""

from yangguang.inspection.checks.findings import DEDUCTION, INFO, VETO, Finding, evidence

__all__ = ["DEDUCTION", "INFO", "VETO", "Finding", "evidence"]
