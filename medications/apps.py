from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    """The medication list of a chart, its history of changes and its reconciliations.

    Sits above patients (it imports patients and reads the intake); nothing imports it. Its
    chart tab is registered here through `patients/extensions.py`."""

    name = "medications"
    label = "medications"
    verbose_name = "Medications"

    def ready(self):
        from patients import extensions

        tab = extensions.ChartTab("medications", "Medications", "medications:chart")
        if tab not in extensions.chart_tabs:
            extensions.chart_tabs.append(tab)
