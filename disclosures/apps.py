from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    """Releases of information, the accounting of disclosures and patients' rights requests.

    Sits above sessions: it may import patients, plans and sessions; nothing imports it."""

    name = "disclosures"
    label = "disclosures"
    verbose_name = "Disclosures and rights requests"

    def ready(self):
        from patients import extensions

        tab = extensions.ChartTab(
            "disclosures", "Disclosures", "disclosures:accounting", clinical_only=False
        )
        if tab not in extensions.chart_tabs:
            extensions.chart_tabs.append(tab)
