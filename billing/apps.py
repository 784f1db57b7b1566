from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Coverage, authorizations, utilization reviews and claim lines (issue 18).

    Sits above sessions: it imports patients and sessions (the attended program time and the
    suggested codes of `sessions.billing`); nothing imports it. It shows on the chart (a
    Billing tab and header facts), the caseload and Today through `patients/extensions.py`
    (`billing.hooks`). Its readers include the `biller` role, who sees demographics, coverage,
    authorizations and claim lines of every patient and never clinical text
    (`billing.access`)."""

    name = "billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        from billing import hooks

        hooks.register()
