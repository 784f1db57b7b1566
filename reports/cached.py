"""The dashboard's figures, kept for a few minutes: at scale its sections take seconds to
compute, and a supervisor opening the dashboard again (or going back to it from a drill-down)
sees the figures computed a moment ago, with the time they were computed ("as of 10:42").

Only the dashboard's aggregates are kept; drill-downs, exports and the API always compute
afresh. The key is the user and whose care their report counts (a supervisor's programs,
read afresh, so a program taken from them is out of their next dashboard; a clinician's
caseload), every filter and today's date: one user's figures are never shown to another, nor
yesterday's today.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.html import json_script

from patients.querysets import supervised_program_ids
from reports import selectors
from reports.links import charts_data, sections_html
from reports.scope import is_program_view

DASHBOARD_SECONDS = 5 * 60
KEY_VERSION = 3
CHARTS_ID = "report-charts"  # the json_script's element id, which static/js/reports.js reads


@dataclass(frozen=True)
class ComputedSections:
    sections: list
    html: str  # the sections rendered (reports/_sections.html): a SafeString, kept as one
    charts: dict  # what static/js/reports.js draws (`charts_data`), each point's link built
    charts_script: str  # ... and as the page's json_script (a SafeString), encoded once
    computed_at: datetime


def dashboard_key(scope, today=None):
    today = today or timezone.localdate()
    user = scope.user
    programs = sorted(supervised_program_ids(user)) if is_program_view(user) else None
    parts = (
        user.pk,
        programs,
        scope.start,
        scope.end,
        scope.program_id,
        scope.level_of_care,
        scope.clinician_id,
        scope.track,
        today,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"reports:dashboard:v{KEY_VERSION}:{digest}"


def dashboard_sections(scope):
    """The dashboard's sections for `scope`, rendered, and when they were computed: from the
    cache when computed for the same key in the last `DASHBOARD_SECONDS`, otherwise now."""
    key = dashboard_key(scope)
    kept = cache.get(key)
    if isinstance(kept, ComputedSections):
        return kept
    sections = selectors.build_sections(scope)
    charts = charts_data(sections, scope)
    computed = ComputedSections(
        sections,
        sections_html(sections, scope),
        charts,
        json_script(charts, CHARTS_ID),
        timezone.now(),
    )
    cache.set(key, computed, DASHBOARD_SECONDS)
    return computed
