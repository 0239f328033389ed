"""The only code that changes disclosure state, one module per area (each writes the audit entry and
emits the events): :mod:`.publications` (review and publication), :mod:`.applications` (依申请公开),
:mod:`.annual_report` (the edited text and publication of the annual report). :mod:`._common` holds the
input and staff checks they share.

Other modules read disclosure only through this package (DESIGN.md): the confidentiality scanner is
offered here, for the website inspection's checks of page text."""

from yangguang.disclosure.scanner import LABELS, PERSONAL, Scanner, load_words

__all__ = ["LABELS", "PERSONAL", "Scanner", "load_words"]
