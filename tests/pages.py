"""Every page staff open and every API list, by role: what the query-budget tests
(tests/test_query_budgets.py) and the page benchmark (bench/pages.py) go through.

A page names the objects its URL takes (`args`: "patient", "plan", "session", ...); the caller
gives them (`Page.path(objects)`), from factories in the tests and from the data in the
benchmark. API lists come from the API router's registry, so a new list endpoint is measured
(and budgeted) without being listed here.
"""

from dataclasses import dataclass

from django.urls import reverse

from iop.accounts.roles import Role

CLINICIAN, SUPERVISOR, INTAKE, BILLER = Role.CLINICIAN, Role.SUPERVISOR, Role.INTAKE, Role.BILLER
CLINICAL = (CLINICIAN, SUPERVISOR)
EVERYONE = (CLINICIAN, SUPERVISOR, INTAKE)
# Billing pages are opened by billers too (every patient's, no clinical page).
BILLING_READERS = (*EVERYONE, BILLER)
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    args: tuple = ()
    roles: tuple = CLINICAL
    query: str = ""

    def path(self, objects):
        """The page's path for `objects` (a dict: arg name -> id or slug)."""
        return reverse(self.url_name, args=[objects[name] for name in self.args]) + self.query


PAGES = [
    # A day's work
    Page("Today", "today", roles=EVERYONE),
    Page("caseload", "patients:caseload"),
    Page("schedule (week)", "sessions:week"),
    Page("calendar, clinician week", "sessions:calendar-clinician", ("clinician",)),
    Page(
        "calendar, clinician month",
        "sessions:calendar-clinician",
        ("clinician",),
        query="?view=month",
    ),
    Page("calendar, group week", "sessions:calendar-group", ("group",)),
    Page("calendar, group month", "sessions:calendar-group", ("group",), query="?view=month"),
    Page("calendar, room week", "sessions:calendar-room", query="?room=Room"),
    Page("calendar, room month", "sessions:calendar-room", query="?room=Room&view=month"),
    Page("reschedule a session", "sessions:reschedule", ("session",), (CLINICIAN,)),
    Page("groups", "sessions:groups"),
    Page("group", "sessions:group", ("group",)),
    Page("group settings", "sessions:group-settings", ("group",), (SUPERVISOR,)),
    Page("program settings", "patients:program-settings", ("program",), (SUPERVISOR,)),
    Page("session page", "sessions:session", ("session",)),
    Page("session page, signed note", "sessions:session", ("signed_session",)),
    Page("new session", "sessions:new", roles=(CLINICIAN,)),
    Page("cancel this and following", "sessions:cancel-following", ("session",), (CLINICIAN,)),
    Page("cancel session", "sessions:cancel", ("session",), (CLINICIAN,)),
    Page("co-sign queue", "sessions:cosign-queue", roles=(SUPERVISOR,)),
    Page("notes to write", "sessions:notes-to-write", roles=(CLINICIAN, SUPERVISOR)),
    Page("older notes to write", "sessions:older-notes-to-write", roles=(CLINICIAN, SUPERVISOR)),
    Page("alerts (Today's list)", "sessions:alerts", roles=(CLINICIAN, SUPERVISOR)),
    Page("below their hours", "sessions:below-hours", roles=(CLINICIAN, SUPERVISOR)),
    Page("emergency access", "patients:emergency-start", roles=(CLINICIAN,)),
    Page("emergency reviews", "patients:emergency-reviews", roles=(SUPERVISOR,)),
    # Intake
    Page("intake queue", "patients:intake-queue", roles=(SUPERVISOR, INTAKE)),
    Page("new referral", "patients:referral-new", roles=(INTAKE,)),
    Page("intake step", "patients:intake-step", ("intake_episode", "intake_step"), (INTAKE,)),
    Page("ICD-10-CM codes", "patients:icd10", roles=EVERYONE, query="?q=depressive"),
    Page("intake review", "patients:intake-review", ("intake_episode",), (INTAKE,)),
    # The chart
    Page("chart summary", "patients:chart", ("patient",), EVERYONE),
    Page("edit details", "patients:details-edit", ("patient",), EVERYONE),
    Page("chart intake", "patients:intake", ("patient",), EVERYONE),
    Page("chart measures", "patients:measures", ("patient",), EVERYONE),
    Page("new measure", "patients:measure-new", ("patient", "instrument"), (CLINICIAN,)),
    Page("chart consents", "patients:consents", ("patient",), EVERYONE),
    Page("new consent", "patients:consent-new", ("patient",), (CLINICIAN,)),
    Page("revoke consent", "patients:consent-revoke", ("patient", "consent"), (CLINICIAN, INTAKE)),
    Page("chart alerts", "patients:alerts", ("patient",)),
    Page("risk assessment", "patients:risk", ("patient",), (CLINICIAN,)),
    Page(
        "episode classification",
        "patients:episode-classification",
        ("patient", "episode"),
        (SUPERVISOR,),
    ),
    Page("chart sessions", "sessions:chart", ("patient",)),
    Page("chart groups", "sessions:chart-groups", ("patient",)),
    Page("level of care", "sessions:level-of-care", ("patient",)),
    Page("chart note", "sessions:chart-note", ("patient", "note_session")),
    Page("chart plan", "plans:patient-plan", ("patient",)),
    Page("plan", "plans:plan", ("plan",)),
    Page("plan history", "plans:history", ("patient",), (CLINICIAN,)),
    Page("plan compare", "plans:compare", ("patient", "old_plan", "plan"), (CLINICIAN,)),
    Page("plan editor (draft)", "plans:edit", ("draft_plan",), (CLINICIAN,)),
    Page("plan sign (draft)", "plans:sign", ("draft_plan",), (CLINICIAN,)),
    Page("plan review", "plans:review", ("review",), (CLINICIAN,)),
    Page("safety plan", "plans:safety", ("patient",)),
    Page("safety plan editor (draft)", "plans:safety-edit", ("safety_draft",), (CLINICIAN,)),
    Page("discharge", "plans:discharge", ("patient",), (CLINICIAN,)),
    Page("discharge summary", "documents:discharge-summary", ("patient", "discharged_episode")),
    # Plan libraries (supervisors; admins also in the Django admin)
    Page("plan libraries", "plans:libraries", roles=(SUPERVISOR,)),
    Page("plan library", "plans:library", ("program",), (SUPERVISOR,)),
    Page("plan library entry", "plans:library-entry", ("program", "library_entry"), (SUPERVISOR,)),
    Page("chart disclosures", "disclosures:accounting", ("patient",), EVERYONE),
    Page("disclosures print", "disclosures:accounting-print", ("patient",), (CLINICIAN,)),
    Page("new release", "disclosures:release-new", ("patient",), (CLINICIAN,)),
    Page("new rights request", "disclosures:request-new", ("patient",), (CLINICIAN,)),
    Page("utilization reviews", "billing:reviews", ("patient", "authorization"), EVERYONE),
    Page("new utilization review", "billing:review-new", ("patient", "authorization")),
    Page("UR packet", "billing:ur-packet", ("patient", "authorization")),
    Page("chart medications", "medications:chart", ("patient",)),
    Page("new medication", "medications:new", ("patient",), (CLINICIAN,)),
    Page("change medication", "medications:edit", ("patient", "medication"), (CLINICIAN,)),
    Page("stop medication", "medications:stop", ("patient", "medication"), (CLINICIAN,)),
    Page("reconciliation", "medications:reconciliation", ("patient", "reconciliation")),
    Page(
        "reconciliation (draft)", "medications:reconciliation", ("patient", "draft_reconciliation")
    ),
    Page("chart screens", "screens:chart", ("patient",)),
    Page("screen (resulted)", "screens:order", ("patient", "screen")),
    Page("screen (due)", "screens:order", ("patient", "open_screen")),
    # Reports (their programs for supervisors, their caseload for clinicians)
    Page("reports dashboard", "reports:dashboard"),
    Page("report drill-down", "reports:drill", ("report_section", "report_drill")),
    # Billing (coverage, authorizations)
    Page("chart billing", "billing:chart", ("patient",), BILLING_READERS),
    Page("coverage", "billing:coverage", ("patient", "coverage"), BILLING_READERS),
    Page("new coverage", "billing:coverage-new", ("patient",), (INTAKE, BILLER)),
    Page("authorization", "billing:authorization", ("patient", "authorization"), BILLING_READERS),
    Page("new authorization", "billing:authorization-new", ("patient",), (SUPERVISOR, BILLER)),
    Page("authorizations work list", "billing:worklist", roles=(SUPERVISOR, BILLER)),
    # Claim lines (billing staff and supervisors)
    Page(
        "claim lines",
        "claims:lines",
        roles=(SUPERVISOR, BILLER),
        query="?first_date=2026-10-19&last_date=2026-11-02",
    ),
    Page("claim exports", "claims:exports", roles=(SUPERVISOR, BILLER)),
    Page("claim export", "claims:export", ("claim_export",), (SUPERVISOR, BILLER)),
    Page("void a claim line", "claims:void", ("claim_line",), (SUPERVISOR, BILLER)),
]

# URL names of the apps' pages that are not pages to read: posts (a save, a sign, a mark), a
# download, or a step only reached by posting (each has its own tests).
NOT_PAGES = {
    "today": set(),
    "patients": {
        "alert-close",
        "intake-start",
        "intake-autosave",
        "referral-decline",
        "emergency-review",
    },
    "plans": {
        "start",
        "add-problem",
        "add",
        "item-edit",
        "remove",
        "progress",
        "revise",
        "review-open",
        "review-autosave",
    },
    "sessions": {
        "attendance",
        "attendance-all-present",
        "attendance-correct",
        "note",
        "note-autosave",
        "addendum",
        "cosign",
        "calendar",  # a redirect to the chosen clinician's calendar
        "group-enrol",
    },
    "disclosures": {"packet", "request-answer", "amendment-new"},
    "medications": {"reconciliation-start"},
    "billing": {"card"},  # a download (tests/billing/test_cards.py)
    "claims": {"build", "export-create", "export-csv", "superbill"},
    "documents": {
        "note-pdf",
        "plan-pdf",
        "safety-plan-pdf",
        "aftercare-pdf",
        "discharge-summary-pdf",
    },
    "reports": {"dashboard-pdf", "table-csv", "drill-csv"},
}


def report_objects(user):
    """The objects of the report pages for `user`: a section and the drill-down of its first
    figure that counts patients (preferring one that lists some), {} when no section has one."""
    from reports.scope import default_scope
    from reports.sections import sections

    scope = default_scope(user)
    found = []
    for module in sections():
        found += [
            (module.SLUG, figure)
            for figure in module.build(scope).figures
            if figure.drill_key and figure.patients is not None
        ]
    if not found:
        return {}
    slug, figure = next(((s, f) for s, f in found if f.patients), found[0])
    return {"report_section": slug, "report_drill": figure.drill_key}


@dataclass(frozen=True)
class ApiList:
    basename: str
    roles: tuple
    page_size: int | None = None  # None: the default

    @property
    def label(self):
        size = f"page_size={self.page_size}" if self.page_size else "default page"
        return f"API {self.basename} ({size})"

    def path(self):
        path = reverse(f"{self.basename}-list")
        return f"{path}?page_size={self.page_size}" if self.page_size else path


def api_lists(page_sizes=(None,)):
    """One entry per list endpoint the API router holds (and page size), with the roles of
    CLINICIAN, SUPERVISOR, INTAKE and BILLER it serves."""
    from iop.api.urls import router

    lists = []
    for _prefix, viewset, basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        roles = tuple(r for r in BILLING_READERS if r in viewset.allowed_roles)
        lists += [ApiList(basename, roles, size) for size in page_sizes]
    return lists
