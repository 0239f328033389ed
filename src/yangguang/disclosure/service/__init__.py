"""The only code that changes disclosure state, one module per area (each writes the audit entry and
emits the events): :mod:`.publications` (review and publication), :mod:`.applications` (依申请公开),
:mod:`.annual_report` (the edited text and publication of the annual report)."""
