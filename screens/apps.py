from django.apps import AppConfig


class ScreensConfig(AppConfig):
    """Drug screens: program screening settings, random draws, orders, collection and results
    per analyte, judged expected or unexpected against the medication list.

    Sits above medications: it imports patients, sessions and medications; nothing imports it.
    Its chart tab and its Today section are registered through `patients/extensions.py`
    (`screens.hooks`)."""

    name = "screens"
    label = "screens"
    verbose_name = "Drug screens"

    def ready(self):
        from screens import hooks

        hooks.register()
