"""Outgoing messages to patients: e-mail through Django's backend, SMS through a pluggable one.

Every message carries an idempotency key (the reminder delivery's id). The built-in backends
(the readable outbox for e-mail, the file and console SMS backends) deliver a key at most once,
so a job that resends after a crash does not duplicate. Providers that take an idempotency key
(most SMS APIs do) get the same key.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
