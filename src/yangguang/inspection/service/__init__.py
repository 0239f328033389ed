"""Website inspection (网站自查): the registry of sites and columns, stored inspections, availability probes and
the problems they turn into supervised rectification obligations — the only code that changes them.

The rules (国办秘函〔2019〕19号; shared/domain/website-inspection.md):

* Registry. The county's site administrator — a system administrator, or the disclosure office
  (``Role.DISCLOSURE``) of the organ that runs the site — registers each government website and new-media
  account (one registration per homepage URL), names the organ responsible for it and whether it offers
  external services (scored out of 75 × 4/3 without) and is a portal (bonus items). Columns come from the
  navigation (discovered, unconfirmed) or from the administrator, who confirms each one's kind and required
  update frequency (news 14 days, notice/policy 180 days by default: the checklist's 2 weeks and 6 months).
* Inspections. :func:`run_inspection` reads what an inspection needs in one short read, crawls and scores the
  site outside any transaction (:func:`~yangguang.inspection.inspect.inspect_site`), applies the confirmed
  columns (:mod:`yangguang.inspection.column_settings`) and records the result in a second transaction
  (:func:`record_inspection`). :func:`due_sites` lists the sites whose interval has passed (a cron job or a
  systemd timer runs ``yangguang inspect run --due``); the default interval is 7 days: provinces check monthly
  or quarterly and vendors daily, and a weekly inspection judges the 2-week freshness vetoes in time.
* Problems. Every veto and deduction finding is followed across inspections by its fingerprint (the check, the
  checklist item, the severity, the page and the key evidence — the link of a link finding, the date of a
  message). A new one becomes a :class:`Problem` and an obligation ``inspection.problem`` of the site's organ with
  a ``rectify`` clock (working days: 5 for a veto, 15 for a deduction — unverified defaults, ``[inspection]``
  ``rectify_veto_workdays`` / ``rectify_deduction_workdays``). One still found has its ``last_seen`` moved; one no
  longer found is resolved (clock stopped, obligation closed) — but only when the inspection looked where it
  was: nothing is resolved when the homepage could not be checked, and a crawl cut short by ``max_pages``
  resolves only the site-level problems and those of the pages it read (the homepage and column pages).
  The organ reports a fix (:func:`report_fixed`: the clock pauses until the next inspection verifies; found
  again, the problem reopens and the clock runs on); the site administrator dismisses a false positive with a
  reason (:func:`dismiss`: a dismissed fingerprint is never raised again). Findings of indicators a site is not
  scored on (services of a site without services) and informational findings are stored, not followed.
* Availability. :func:`probe_once` GETs every active homepage once with the 15-second limit and stores the
  probe; the 站点无法访问 veto needs at least 20 a day for a week, so run ``yangguang inspect probe`` at least every
  72 minutes (every 30 minutes: 48 a day). Every inspection judges the probes of the 7 days before it.
* Baselines. The visible text of the homepage (and of pages already baselined) is stored after each
  inspection for the next one's tampering check — except a page found changed beyond the threshold, whose old
  baseline stays until the problem is settled.

One module per area: :mod:`.sites` and :mod:`.columns` (the registry), :mod:`.inspections` (stored inspections
and their problems), :mod:`.probes` and :mod:`.runs` (crawling outside a transaction, then recording); their public
functions are imported here. The functions that change state take the session, the acting person (a
:class:`Person`, a login, or ``None`` for the platform's operator: the command line on the server and the
scheduler) and the moment ``at``, and never commit; :func:`run_inspection`, :func:`discover_columns` and
:func:`probe_once` crawl or probe between two transactions of their own.

Events (``data`` always has ``site`` and ``site_id``):

* ``inspection.completed`` (subject ``inspection_site``) — inspection_id, score, qualified, vetoes (count),
  new_problems, resolved_problems, breach (one per spell of unqualified inspections)
* ``inspection.problem_found`` (subject ``inspection_problem``) — severity, checklist_item, item_name, url, detail
* ``inspection.problem_reported`` / ``inspection.problem_reopened`` / ``inspection.problem_resolved`` /
  ``inspection.problem_dismissed`` — checklist_item, severity (and note / reason)
"""

from yangguang.inspection.service._common import (
    COMPLETED,
    PROBLEM_DISMISSED,
    PROBLEM_FOUND,
    PROBLEM_OBLIGATION,
    PROBLEM_REOPENED,
    PROBLEM_REPORTED,
    PROBLEM_RESOLVED,
    RECTIFY_CLOCK,
    SUBJECT_PROBLEM,
    SUBJECT_SITE,
    get_site,
    item_name,
)
from yangguang.inspection.service.columns import column_settings, confirm_columns, save_discovered_columns
from yangguang.inspection.service.inspections import (
    dismiss,
    finding_fingerprint,
    get_problem,
    record_inspection,
    report_fixed,
)
from yangguang.inspection.service.probes import probe_once, record_probe, window_probes
from yangguang.inspection.service.runs import (
    Plan,
    discover_columns,
    due_sites,
    inspect_planned,
    plan_inspection,
    run_inspection,
)
from yangguang.inspection.service.sites import deactivate, reactivate, register_site, update_site

__all__ = [
    "COMPLETED", "PROBLEM_DISMISSED", "PROBLEM_FOUND", "PROBLEM_OBLIGATION", "PROBLEM_REOPENED", "PROBLEM_REPORTED",
    "PROBLEM_RESOLVED", "RECTIFY_CLOCK", "SUBJECT_PROBLEM", "SUBJECT_SITE", "Plan", "column_settings",
    "confirm_columns", "deactivate", "discover_columns", "dismiss", "due_sites", "finding_fingerprint",
    "get_problem", "get_site", "inspect_planned", "item_name", "plan_inspection", "probe_once", "reactivate",
    "record_inspection", "record_probe", "register_site", "report_fixed", "run_inspection",
    "save_discovered_columns", "update_site", "window_probes",
]
