from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Program and caseload reports (issue 17): census, engagement, outcomes, length of stay,
    documentation and compliance, with drill-downs, exports and an API.

    Sits on top of every app: it reads patients, plans, sessions, medications and screens;
    nothing imports it (DESIGN.md, architecture). It has no models: every figure is an
    aggregate computed in the database for a `reports.scope.ReportScope`."""

    name = "reports"
    label = "reports"
    verbose_name = "Reports"
