from django.apps import AppConfig


class TherapySessionsConfig(AppConfig):
    # `sessions` would clash with django.contrib.sessions; the label is fixed before the first
    # migration and never changes. The main model is TherapySession, never Session.
    name = "sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"

    def ready(self):
        from sessions import hooks

        hooks.register()
