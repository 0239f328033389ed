"""Renderers shared by every module (DOCX now; PDF, XLSX and HTML as modules need them)."""
